// Router: pattern matching and the per-route checks that run before a handler.
// Thread-safety: see router.h (Add before serving, Dispatch concurrently).
#include "net/router.h"

#include <algorithm>
#include <exception>
#include <set>
#include <utility>

#include <spdlog/spdlog.h>

#include "net/json_response.h"

namespace sedun::net {
namespace {

// "/a/b" -> {"a", "b"}; "/" -> {}; "/a/" -> {"a", ""}. The caller checks the leading '/'.
std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  if (path.size() <= 1) return out;
  path.remove_prefix(1);
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    out.emplace_back(path.substr(start, slash == std::string_view::npos ? path.npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

bool IsCapture(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool ValidCaptureName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool ValidLiteral(std::string_view s) {
  if (s.empty()) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    return c == '{' || c == '}' || c == '?' || c == '#' || c == ' ' || static_cast<unsigned char>(c) < 0x21;
  });
}

bool ValidMethod(std::string_view m) {
  static const std::set<std::string_view> kMethods = {"GET",  "POST",   "PUT",    "PATCH",
                                                      "DELETE", "HEAD", "OPTIONS"};
  return kMethods.count(m) == 1;
}

}  // namespace

RouteOptions JsonRoute() {
  RouteOptions options;
  options.content_types = {"application/json"};
  return options;
}

Status Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  if (!ValidMethod(method)) return InvalidArgument("route: unknown method '" + method + "'");
  if (pattern.empty() || pattern.front() != '/') {
    return InvalidArgument("route: pattern must start with '/': '" + pattern + "'");
  }
  if (!handler) return InvalidArgument("route: empty handler for " + pattern);
  Route route;
  route.segments = SplitPath(pattern);
  std::set<std::string> names;
  for (const std::string& s : route.segments) {
    if (IsCapture(s)) {
      std::string name = s.substr(1, s.size() - 2);
      if (!ValidCaptureName(name)) return InvalidArgument("route: bad capture in " + pattern);
      if (!names.insert(name).second) return InvalidArgument("route: repeated capture in " + pattern);
    } else if (!ValidLiteral(s)) {
      return InvalidArgument("route: bad segment in '" + pattern + "'");
    }
  }
  for (std::string& type : options.content_types) {
    std::transform(type.begin(), type.end(), type.begin(), [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    });
  }
  for (const Route& r : routes_) {
    if (r.method == method && r.segments.size() == route.segments.size()) {
      bool same = true;
      for (size_t i = 0; i < r.segments.size() && same; ++i) {
        // "{a}" and "{b}" in the same place are the same route.
        same = (IsCapture(r.segments[i]) && IsCapture(route.segments[i])) ||
               r.segments[i] == route.segments[i];
      }
      if (same) return AlreadyExists("route: " + method + " " + pattern + " is already registered");
    }
  }
  route.method = std::move(method);
  route.pattern = std::move(pattern);
  route.handler = std::move(handler);
  route.options = std::move(options);
  routes_.push_back(std::move(route));
  return Status::Ok();
}

std::vector<const Router::Route*> Router::Match(const std::vector<std::string>& segments) const {
  std::vector<const Route*> out;
  for (const Route& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      ok = IsCapture(r.segments[i]) ? !segments[i].empty() : r.segments[i] == segments[i];
    }
    if (ok) out.push_back(&r);
  }
  // More specific first: at the first position where two patterns differ, a literal wins.
  std::stable_sort(out.begin(), out.end(), [](const Route* a, const Route* b) {
    for (size_t i = 0; i < a->segments.size(); ++i) {
      bool la = !IsCapture(a->segments[i]);
      bool lb = !IsCapture(b->segments[i]);
      if (la != lb) return la;
    }
    return false;
  });
  return out;
}

std::string Router::MatchPattern(const std::string& path) const {
  if (path.empty() || path.front() != '/') return {};
  auto matches = Match(SplitPath(path));
  return matches.empty() ? std::string() : matches.front()->pattern;
}

std::vector<std::pair<std::string, std::string>> Router::Routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Route& route : routes_) out.emplace_back(route.method, route.pattern);
  return out;
}

size_t Router::MaxBodyBytesOfAnyRoute() const {
  size_t max = default_max_body_;
  for (const Route& r : routes_) max = std::max(max, r.options.max_body_bytes.value_or(0));
  return max;
}

HttpResponse Router::Dispatch(HttpRequest& request) const {
  const std::string& id = request.request_id;
  if (request.path.empty() || request.path.front() != '/') {
    return ErrorResponse(400, "malformed", "request target must be an absolute path", id);
  }
  std::vector<std::string> segments = SplitPath(request.path);
  std::vector<const Route*> matches = Match(segments);
  if (matches.empty()) return ErrorResponse(404, "not_found", "no such resource", id);

  // HEAD is served by the GET handler; the transport drops the body.
  const std::string& method = request.method == "HEAD" ? std::string("GET") : request.method;
  const Route* route = nullptr;
  for (const Route* r : matches) {
    if (r->method == request.method || r->method == method) {
      // An exact HEAD route beats GET; otherwise the first (most specific) match.
      if (route == nullptr || (r->method == request.method && route->method != request.method &&
                               r->segments == route->segments)) {
        route = r;
      }
    }
  }
  if (route == nullptr) {
    std::set<std::string> allowed;
    for (const Route* r : matches) {
      allowed.insert(r->method);
      if (r->method == "GET") allowed.insert("HEAD");
    }
    std::string allow;
    for (const std::string& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
    HttpResponse res = ErrorResponse(405, "method_not_allowed",
                                     "method " + request.method + " is not allowed here", id);
    res.headers.emplace("Allow", allow);
    return res;
  }

  request.route = route->pattern;
  request.path_params.clear();
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& s = route->segments[i];
    if (IsCapture(s)) request.path_params[s.substr(1, s.size() - 2)] = segments[i];
  }

  const RouteOptions& opt = route->options;
  if (opt.require_client_cert && !request.client_cert.has_value()) {
    // JR/T 0093.6 7.5.10.1: the peer must prove its identity with a certificate.
    return ErrorResponse(401, "client_certificate_required",
                         "this resource requires a verified TLS client certificate", id);
  }
  size_t limit = opt.max_body_bytes.value_or(default_max_body_);
  if (request.body.size() > limit) {
    return ErrorResponse(413, "payload_too_large",
                         "request body exceeds " + std::to_string(limit) + " bytes", id);
  }
  if (!opt.content_types.empty() && !request.body.empty()) {
    std::string type = request.MediaType();
    if (std::find(opt.content_types.begin(), opt.content_types.end(), type) ==
        opt.content_types.end()) {
      std::string want;
      for (const std::string& t : opt.content_types) want += (want.empty() ? "" : ", ") + t;
      return ErrorResponse(415, "unsupported_media_type", "Content-Type must be " + want, id);
    }
  }

  try {
    return route->handler(request);
  } catch (const std::exception& e) {
    spdlog::error("request {}: handler for {} {} threw: {}", id, route->method, route->pattern,
                  e.what());
  } catch (...) {
    spdlog::error("request {}: handler for {} {} threw a non-standard exception", id,
                  route->method, route->pattern);
  }
  return ErrorResponse(500, "internal_error", "internal error", id);
}

}  // namespace sedun::net
