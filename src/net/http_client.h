// HttpClient: the server's own outbound HTTP(S) calls (OCSP POST application/ocsp-request, CRL
// GET) and the HTTP client of tests.
//
// URLs are "http://host[:port]/path" or "https://...", IPv6 hosts in brackets. HTTPS verifies the
// server certificate against ca_file (or the system store when empty) and the host name; a
// client certificate and key may be given for mutual TLS. Responses larger than
// max_response_bytes are refused with kResourceExhausted. Transport failures (refused, TLS
// handshake or verification failure, timeout) are kUnavailable; HTTP error statuses are returned
// as responses, not as errors.
// SIGPIPE: writing a TLS record to a peer that has gone away raises SIGPIPE (OpenSSL writes with
// write(2), not send(MSG_NOSIGNAL)); programs using this client must ignore the signal, as
// sedun-server does.
// Thread-safety: a client is a value holding options; each call opens its own connection, so
// concurrent calls on one client are safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "net/http.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace sedun::net {

struct HttpClientOptions {
  std::string ca_file;           // PEM trust anchors for https; empty = system default paths
  bool verify_server = true;     // false only for tests of the failure itself
  std::string client_cert_file;  // PEM, for mutual TLS
  std::string client_key_file;   // PEM
  std::chrono::seconds connect_timeout{5};
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  size_t max_response_bytes = size_t{16} << 20;
  HeaderMap headers;  // sent with every request (e.g. X-Request-Id)
};

struct ParsedUrl {
  bool https = false;
  std::string host;  // without brackets
  int port = 0;
  std::string target;  // path and query, "/" at least
};
Result<ParsedUrl> ParseUrl(std::string_view url);

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});

  Result<HttpResponse> Get(const std::string& url, const HeaderMap& headers = {}) const;
  Result<HttpResponse> Post(const std::string& url, std::string body, std::string content_type,
                            const HeaderMap& headers = {}) const;
  // Any method (PUT, DELETE, PATCH, ...).
  Result<HttpResponse> Send(const std::string& method, const std::string& url, std::string body,
                            std::string content_type, const HeaderMap& headers = {}) const;

 private:
  Status SetUpVerification(SSL_CTX* ctx, const std::string& host) const;

  HttpClientOptions options_;
};

}  // namespace sedun::net
