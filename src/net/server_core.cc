// ServerCore: request glue, built-in routes, metrics and the access log (see server_core.h).
// Thread-safety: see server_core.h.
#include "net/server_core.h"

#include <ctime>
#include <exception>
#include <set>

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "net/json_response.h"
#include "net/tls_context.h"

namespace sedun::net {
namespace {

constexpr const char* kRequestsTotal = "sedun_http_requests_total";
constexpr const char* kRequestDuration = "sedun_http_request_duration_seconds";
constexpr const char* kInFlight = "sedun_http_requests_in_flight";

// Bounded label values: a known method or OTHER.
std::string MethodLabel(const std::string& m) {
  static const std::set<std::string> kKnown = {"GET",    "HEAD",    "POST", "PUT",
                                               "DELETE", "OPTIONS", "PATCH"};
  return kKnown.count(m) ? m : "OTHER";
}

std::string UtcNow() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::string TransportErrorCode(int status) {
  switch (status) {
    case 400: return "malformed";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 416: return "range_not_satisfiable";
    case 431: return "headers_too_large";
    default: return status >= 500 ? "internal_error" : "bad_request";
  }
}

// JSON goes out as "application/json; charset=utf-8". Besides naming the encoding, this keeps
// httplib from gzip-compressing API responses (it compresses the bare "application/json" type
// only): compressed responses that hold a secret next to reflected input leak the secret through
// their length (the BREACH attack).
std::string WireContentType(const std::string& type) {
  return type == "application/json" ? "application/json; charset=utf-8" : type;
}

// Carries the in-flight gauge across every exit of Handle.
class InFlight {
 public:
  explicit InFlight(Gauge* g) : g_(g) { g_->Add(1); }
  ~InFlight() { g_->Add(-1); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  Gauge* g_;
};

}  // namespace

bool ValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string NewRequestId() {
  unsigned char raw[16];
  if (RAND_bytes(raw, sizeof(raw)) != 1) {
    DrainOpenSslErrors();
    // Uniqueness still matters for log correlation; a time-based id is better than none.
    return "t" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  return HexEncode(ByteView(raw, sizeof(raw)));
}

ServerCore::ServerCore(HttpServerConfig config) : config_(std::move(config)) {
  router_.set_default_max_body_bytes(config_.max_body_bytes);
  // Registration of fixed, valid names cannot fail; the results are checked anyway.
  Status s = metrics_.AddCounter(kRequestsTotal, "HTTP requests by method, route pattern and status code.",
                                 {"method", "route", "code"});
  if (s.ok()) {
    s = metrics_.AddHistogram(kRequestDuration, "HTTP request duration in seconds by route pattern.",
                              {"route"}, DefaultLatencyBuckets());
  }
  if (s.ok()) s = metrics_.AddGauge(kInFlight, "HTTP requests being served now.");
  Result<Gauge*> g = metrics_.GetGauge(kInFlight);
  if (!s.ok() || !g.ok()) spdlog::critical("net: metrics registration failed: {}", s.ToString());
  static Gauge fallback;
  in_flight_ = g.ok() ? *g : &fallback;

  auto json_ok = [](const HttpRequest&) { return JsonResponse({{"status", "ok"}}); };
  Status r = router_.Add("GET", "/healthz", json_ok);
  if (r.ok()) r = router_.Add("GET", "/readyz", [this](const HttpRequest& req) { return Readyz(req); });
  if (r.ok()) {
    r = router_.Add("GET", "/metrics", [this](const HttpRequest&) {
      HttpResponse res;
      res.content_type = kPrometheusContentType;
      res.body = metrics_.Render();
      return res;
    });
  }
  if (!r.ok()) spdlog::critical("net: built-in routes: {}", r.ToString());
}

void ServerCore::AddReadinessCheck(std::string name, ReadinessCheck check) {
  std::lock_guard<std::mutex> lock(checks_mu_);
  checks_.emplace_back(std::move(name), std::move(check));
}

HttpResponse ServerCore::Readyz(const HttpRequest& request) {
  std::vector<std::pair<std::string, ReadinessCheck>> checks;
  {
    std::lock_guard<std::mutex> lock(checks_mu_);
    checks = checks_;
  }
  nlohmann::json results = nlohmann::json::object();
  nlohmann::json failed = nlohmann::json::array();
  for (const auto& [name, check] : checks) {
    Status s;
    try {
      s = check();
    } catch (const std::exception& e) {
      s = Internal(std::string("readiness check threw: ") + e.what());
    } catch (...) {
      s = Internal("readiness check threw");
    }
    results[name] = s.ok() ? "ok" : "failed";
    if (!s.ok()) {
      failed.push_back(name);
      // The cause may name hosts or SQL: log it, show only which check failed.
      spdlog::warn("request {}: readiness check {} failed: {}", request.request_id, name, s.ToString());
    }
  }
  bool ready = failed.empty();
  nlohmann::json body = {{"status", ready ? "ready" : "not_ready"}, {"checks", results}};
  if (!ready) body["failed"] = failed;
  return JsonResponse(body, ready ? 200 : 503);
}

void ServerCore::Handle(const httplib::Request& req, httplib::Response& res, bool tls) {
  auto start = std::chrono::steady_clock::now();
  InFlight in_flight(in_flight_);

  HttpRequest r;
  std::string incoming_id = req.get_header_value("X-Request-Id");
  r.request_id = ValidRequestId(incoming_id) ? incoming_id : NewRequestId();
  HttpResponse out;
  try {
    r.method = req.method;
    r.path = req.path;
    for (const auto& [k, v] : req.params) r.query.emplace(k, v);
    for (const auto& [k, v] : req.headers) r.headers.emplace(k, v);
    r.body = req.body;
    r.remote_addr = req.remote_addr;
    r.remote_port = req.remote_port;
    r.tls = tls;
    if (tls) r.client_cert = VerifiedPeerCertificate(req.ssl);
    out = router_.Dispatch(r);
  } catch (const std::exception& e) {
    // Only allocation failures can get here: Dispatch catches handler exceptions itself.
    spdlog::error("request {}: {}", r.request_id, e.what());
    out = ErrorResponse(500, "internal_error", "internal error", r.request_id);
  }

  res.status = out.status;
  for (const auto& [k, v] : out.headers) res.set_header(k.c_str(), v);
  res.set_header("X-Request-Id", r.request_id);
  res.set_header("X-Content-Type-Options", "nosniff");
  if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
  res.set_content(std::move(out.body), WireContentType(out.content_type).c_str());

  std::string route = r.route;
  if (route.empty()) route = router_.MatchPattern(r.path);
  if (route.empty()) route = "unmatched";
  Record(r.method, route, res.status, start, r.request_id, r.remote_addr, r.body.size(), res.body.size());
}

httplib::Server::HandlerResponse ServerCore::HandleTransportError(const httplib::Request& req,
                                                                  httplib::Response& res) {
  if (res.has_header("X-Request-Id")) return httplib::Server::HandlerResponse::Unhandled;
  auto start = std::chrono::steady_clock::now();
  std::string id = NewRequestId();
  int status = res.status;
  const char* message = status == 413 ? "request body is too large" : "the request could not be processed";
  HttpResponse out = ErrorResponse(status, TransportErrorCode(status), message, id);
  res.set_header("X-Request-Id", id);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(out.body, WireContentType(out.content_type).c_str());
  Record(req.method.empty() ? "OTHER" : req.method, "unmatched", status, start, id, req.remote_addr,
         0, res.body.size());
  return httplib::Server::HandlerResponse::Handled;
}

void ServerCore::Record(const std::string& method, const std::string& route, int status,
                        std::chrono::steady_clock::time_point start, const std::string& request_id,
                        const std::string& remote, size_t bytes_in, size_t bytes_out) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.Increment(kRequestsTotal, {MethodLabel(method), route, std::to_string(status)});
  metrics_.Observe(kRequestDuration, {route}, seconds);
  if (!config_.access_log) return;
  // One JSON object per line; the route pattern, never the raw path, query string or body.
  nlohmann::json line = {{"time", UtcNow()},
                         {"type", "access"},
                         {"request_id", request_id},
                         {"method", MethodLabel(method)},
                         {"route", route},
                         {"status", status},
                         {"duration_ms", seconds * 1000.0},
                         {"remote", remote},
                         {"bytes_in", bytes_in},
                         {"bytes_out", bytes_out}};
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::shared_ptr<spdlog::logger> logger =
      config_.access_logger ? config_.access_logger : spdlog::default_logger();
  if (logger) logger->info("{}", text);
}

}  // namespace sedun::net
