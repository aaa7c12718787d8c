// Status -> HTTP mapping, error bodies and safe JSON parsing (see json_response.h).
// Thread-safety: free functions; spdlog is thread-safe.
#include "net/json_response.h"

#include <cstdint>
#include <exception>
#include <limits>

#include <spdlog/spdlog.h>

namespace sedun::net {

using nlohmann::json;

HttpErrorMapping MapStatus(Code code) {
  switch (code) {
    case Code::kOk: return {200, "ok"};
    case Code::kInvalidArgument: return {400, "invalid_argument"};
    case Code::kMalformed: return {400, "malformed"};
    case Code::kUnsupported: return {400, "unsupported"};
    case Code::kVerifyFailed: return {422, "verification_failed"};
    case Code::kNotFound: return {404, "not_found"};
    case Code::kAlreadyExists: return {409, "already_exists"};
    case Code::kFailedPrecondition: return {409, "failed_precondition"};
    case Code::kPermissionDenied: return {403, "permission_denied"};
    case Code::kResourceExhausted: return {413, "too_large"};
    case Code::kAborted:
    case Code::kUnavailable: return {503, "unavailable"};
    case Code::kCrypto:
    case Code::kIo:
    case Code::kInternal: return {500, "internal_error"};
  }
  return {500, "internal_error"};
}

HttpResponse ErrorResponse(int http_status, std::string_view code, std::string_view message,
                           std::string_view request_id) {
  json body = {{"error",
                {{"code", std::string(code)},
                 {"message", std::string(message)},
                 {"request_id", std::string(request_id)}}}};
  HttpResponse res = JsonResponse(body, http_status);
  if (http_status == 503) res.headers.emplace("Retry-After", "1");
  return res;
}

HttpResponse ErrorResponse(const Status& status, const HttpRequest& request) {
  if (status.ok()) {
    spdlog::error("request {}: {} {}: error response built from an OK status", request.request_id,
                  request.method, request.route);
    return ErrorResponse(500, "internal_error", "internal error", request.request_id);
  }
  HttpErrorMapping m = MapStatus(status.code());
  if (m.http_status >= 500) {
    // The cause may name files, SQL or library state: it goes to the log only.
    spdlog::error("request {}: {} {}: {}", request.request_id, request.method,
                  request.route.empty() ? request.path : request.route, status.ToString());
    const char* shown = m.http_status == 503 ? "service temporarily unavailable, retry later"
                                             : "internal error";
    return ErrorResponse(m.http_status, m.code, shown, request.request_id);
  }
  return ErrorResponse(m.http_status, m.code, status.message(), request.request_id);
}

HttpResponse JsonResponse(const json& body, int http_status) {
  HttpResponse res;
  res.status = http_status;
  res.content_type = "application/json";
  res.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return res;
}

Result<json> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return ResourceExhausted("JSON body larger than " + std::to_string(limits.max_bytes) +
                             " bytes");
  }
  // Depth is checked by a scan before parsing so that hostile nesting never builds a deep tree.
  size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limits.max_depth) {
        return Malformed("JSON nested deeper than " + std::to_string(limits.max_depth) +
                         " levels at byte " + std::to_string(i));
      }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    // e.what() quotes the input it last read, which may be a secret: report the position only.
    return Malformed("JSON syntax error at byte " + std::to_string(e.byte));
  } catch (const std::exception&) {
    return Malformed("JSON could not be parsed");
  }
}

Result<json> ParseJsonObject(const HttpRequest& request, const JsonLimits& limits) {
  if (request.body.empty()) return Malformed("request body is empty; a JSON object is required");
  SEDUN_ASSIGN_OR_RETURN(json value, ParseJson(request.body, limits));
  if (!value.is_object()) return Malformed("request body must be a JSON object");
  return value;
}

namespace {

const json* Field(const json& object, std::string_view field) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(field);
  return it == object.end() ? nullptr : &*it;
}

}  // namespace

Result<std::string> RequireString(const json& object, std::string_view field) {
  const json* v = Field(object, field);
  if (v == nullptr || v->is_null()) return InvalidArgument("missing field '" + std::string(field) + "'");
  if (!v->is_string()) return InvalidArgument("field '" + std::string(field) + "' must be a string");
  return v->get<std::string>();
}

Result<std::string> OptionalString(const json& object, std::string_view field, std::string fallback) {
  const json* v = Field(object, field);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_string()) return InvalidArgument("field '" + std::string(field) + "' must be a string");
  return v->get<std::string>();
}

Result<int64_t> RequireInt(const json& object, std::string_view field) {
  const json* v = Field(object, field);
  if (v == nullptr || v->is_null()) return InvalidArgument("missing field '" + std::string(field) + "'");
  if (v->is_number_unsigned()) {
    if (v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return InvalidArgument("field '" + std::string(field) + "' is out of range");
    }
    return static_cast<int64_t>(v->get<uint64_t>());
  }
  if (!v->is_number_integer()) {
    return InvalidArgument("field '" + std::string(field) + "' must be an integer");
  }
  return v->get<int64_t>();
}

Result<bool> OptionalBool(const json& object, std::string_view field, bool fallback) {
  const json* v = Field(object, field);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_boolean()) return InvalidArgument("field '" + std::string(field) + "' must be true or false");
  return v->get<bool>();
}

}  // namespace sedun::net
