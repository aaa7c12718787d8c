// HttpRequest, HttpResponse and Handler: the plain values that role code sees.
//
// Role handlers (ca, svs, bank, vault) are written against these types only, never against the
// HTTP library, so the transport can change without touching them. The router fills the path
// parameters and the route pattern; the server fills the remote address, the request id and the
// verified client certificate (mutual TLS, JR/T 0093.6 7.5.10.1).
// Thread-safety: plain values; a request is read by one handler at a time.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"

namespace sedun::net {

// ASCII case-insensitive ordering, for header names (RFC 9110 5.1: field names are
// case-insensitive).
struct CaseInsensitiveLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const;
};

using HeaderMap = std::multimap<std::string, std::string, CaseInsensitiveLess>;

// The client certificate of a mutual-TLS connection, present only when the TLS layer verified
// it against the configured client CA.
struct ClientCertificate {
  Bytes der;            // the leaf certificate, DER
  std::string subject;  // RFC 2253 form, e.g. "CN=teller-01,O=Example Bank,C=CN"
  std::string issuer;   // RFC 2253 form
  std::string serial_hex;  // lowercase hex, no leading "0x"
};

struct HttpRequest {
  std::string method;  // upper case: GET, POST, ...
  std::string path;    // decoded path without the query string
  std::string route;   // the matched pattern, e.g. "/v1/ca/certificates/{serial}"; empty if none
  std::map<std::string, std::string> path_params;  // {serial} -> value, percent-decoded
  std::multimap<std::string, std::string> query;   // percent-decoded query parameters
  HeaderMap headers;
  std::string body;  // raw bytes (binary bodies such as application/ocsp-request included)
  std::string remote_addr;
  int remote_port = 0;
  std::string request_id;  // echoed in X-Request-Id and in every error body and log line
  bool tls = false;        // the request arrived over TLS
  std::optional<ClientCertificate> client_cert;

  // The first value of a header, or "" when absent.
  std::string_view Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const { return headers.find(name) != headers.end(); }
  // A path parameter captured by the router, or "" when the pattern has no such name.
  std::string_view PathParam(std::string_view name) const;
  // The first value of a query parameter, or nullopt.
  std::optional<std::string> Query(std::string_view name) const;
  // The media type of Content-Type, lower case, without parameters ("application/json").
  std::string MediaType() const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  HeaderMap headers;  // extra headers (Location, Cache-Control, Allow, ...)
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace sedun::net
