// JSON bodies and errors: THE one place where sedun::Status codes become HTTP statuses.
//
// Every error a client sees has the body
//   {"error":{"code":"<stable snake_case code>","message":"...","request_id":"..."}}
// and the same request id in the X-Request-Id header and in the log line. Mapping:
//   kInvalidArgument, kMalformed, kUnsupported     400  invalid_argument / malformed / unsupported
//   kVerifyFailed                                  422  verification_failed
//       (the request was well formed but a signature, MAC or certificate check failed; 422 keeps
//       it apart from syntax errors, and is not 401 because no HTTP authentication scheme failed)
//   kNotFound                                      404  not_found
//   kAlreadyExists                                 409  already_exists
//   kFailedPrecondition                            409  failed_precondition
//   kPermissionDenied                              403  permission_denied
//   kResourceExhausted                             413  too_large
//       (sedun uses the code for input size and count limits; rate limits answer 429 themselves)
//   kAborted, kUnavailable                         503  unavailable (with Retry-After: 1)
//   kCrypto, kIo, kInternal                        500  internal_error, message "internal error"
// For 5xx codes the Status message (which may name files, SQL or library internals) goes to the
// log with the request id and is never shown (T/HBPFS 001-2023 5.1.1 r: technical error details
// are kept from customers); 4xx messages are shown, so roles must keep them
// free of secrets (they are in any case: see base/status.h).
// Thread-safety: free functions; logging goes through spdlog, which is thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "net/http.h"

namespace sedun::net {

struct HttpErrorMapping {
  int http_status;
  std::string_view code;  // stable snake_case error code for clients
};

// The mapping table above.
HttpErrorMapping MapStatus(Code code);

// The error response for a failed Status. Logs 5xx causes (with the request id) at error level.
HttpResponse ErrorResponse(const Status& status, const HttpRequest& request);

// An error response with an explicit HTTP status and code, e.g. (429, "rate_limited", ...).
HttpResponse ErrorResponse(int http_status, std::string_view code, std::string_view message,
                           std::string_view request_id);

// A JSON response; the body is dumped compactly, invalid UTF-8 replaced (never throws).
HttpResponse JsonResponse(const nlohmann::json& body, int http_status = 200);

struct JsonLimits {
  size_t max_bytes = size_t{1} << 20;
  size_t max_depth = 32;
};

// Parses a request body. kMalformed (with the byte position) for syntax errors, invalid UTF-8,
// or nesting deeper than max_depth; kResourceExhausted for bodies over max_bytes. Never throws.
Result<nlohmann::json> ParseJson(std::string_view text, const JsonLimits& limits = {});

// Parses the body of a request and requires a JSON object at the top.
Result<nlohmann::json> ParseJsonObject(const HttpRequest& request, const JsonLimits& limits = {});

// Field accessors for handlers: kInvalidArgument naming the field when it is missing (Require*)
// or has the wrong type. Optional* return `fallback` when the field is absent or null.
Result<std::string> RequireString(const nlohmann::json& object, std::string_view field);
Result<std::string> OptionalString(const nlohmann::json& object, std::string_view field,
                                   std::string fallback = {});
Result<int64_t> RequireInt(const nlohmann::json& object, std::string_view field);
Result<bool> OptionalBool(const nlohmann::json& object, std::string_view field, bool fallback);

}  // namespace sedun::net
