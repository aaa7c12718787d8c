// Internal to net/: the state every listener of an HttpServer shares, and the glue between
// cpp-httplib's request objects and the Router.
//
// Each request: take or make a request id, copy the httplib request into an HttpRequest (with the
// verified client certificate on mTLS listeners), Dispatch through the Router, write the
// HttpResponse back with X-Request-Id, then record metrics and one access-log line. Errors that
// httplib produces itself (bad request line, body over the hard cap) get the same JSON error body.
// Thread-safety: Handle and HandleTransportError run concurrently on worker threads; router and
// metrics are safe for that (see their headers); readiness checks are guarded by a mutex.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <httplib.h>

#include "net/http_server.h"

namespace sedun::net {

// A sane incoming request id: 1..128 characters of [A-Za-z0-9._:-].
bool ValidRequestId(std::string_view id);
// 128 random bits from OpenSSL, lowercase hex.
std::string NewRequestId();

class ServerCore {
 public:
  explicit ServerCore(HttpServerConfig config);

  const HttpServerConfig& config() const { return config_; }
  Router& router() { return router_; }
  MetricsRegistry& metrics() { return metrics_; }
  void AddReadinessCheck(std::string name, ReadinessCheck check);

  void Handle(const httplib::Request& req, httplib::Response& res, bool tls);
  // For responses httplib built itself (status >= 400, no request id yet).
  httplib::Server::HandlerResponse HandleTransportError(const httplib::Request& req,
                                                        httplib::Response& res);

 private:
  HttpResponse Readyz(const HttpRequest& request);
  void Record(const std::string& method, const std::string& route, int status,
              std::chrono::steady_clock::time_point start, const std::string& request_id,
              const std::string& remote, size_t bytes_in, size_t bytes_out);

  HttpServerConfig config_;
  Router router_;
  MetricsRegistry metrics_;
  Gauge* in_flight_ = nullptr;
  std::mutex checks_mu_;
  std::vector<std::pair<std::string, ReadinessCheck>> checks_;
};

}  // namespace sedun::net
