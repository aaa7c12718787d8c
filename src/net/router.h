// Router: maps (method, path pattern) to handlers and applies the per-route checks.
//
// Patterns are absolute paths whose segments are literals or "{name}" captures, e.g.
// "/v1/ca/certificates/{serial}"; a capture matches one non-empty segment. Literal segments win
// over captures when both match. Dispatch answers, before any handler runs:
//   404 not_found            no pattern matches the path
//   405 method_not_allowed   a pattern matches but not for this method (with an Allow header)
//   413 payload_too_large    the body exceeds the route's limit
//   415 unsupported_media_type  the Content-Type is not one the route accepts
//   401 client_certificate_required  the route needs a verified mTLS client certificate
// A handler that throws is caught: 500 internal_error with the request id, cause logged.
// Bad input therefore never reaches a handler and changes nothing.
// Thread-safety: Add() only before serving starts; Dispatch() is const and safe concurrently.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "net/http.h"

namespace sedun::net {

struct RouteOptions {
  // Largest accepted body; nullopt = the router default (HttpServerConfig::max_body_bytes).
  std::optional<size_t> max_body_bytes;
  // Accepted media types of a non-empty body (lower case, e.g. "application/json",
  // "application/ocsp-request"); empty = any. Requests with a body of another type get 415.
  std::vector<std::string> content_types;
  // JR/T 0093.6 7.5.10.1: the caller must present a client certificate the TLS layer verified.
  bool require_client_cert = false;
};

// The usual options of a JSON API route.
RouteOptions JsonRoute();

class Router {
 public:
  Router() = default;

  // Registers a handler. Fails with kInvalidArgument on a malformed pattern or method, and with
  // kAlreadyExists when the same method and pattern are registered twice.
  Status Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});

  // The body limit of routes that do not set their own.
  void set_default_max_body_bytes(size_t n) { default_max_body_ = n; }
  size_t default_max_body_bytes() const { return default_max_body_; }

  // Finds the route, runs the checks above and the handler. Fills request.route and
  // request.path_params. Never throws.
  HttpResponse Dispatch(HttpRequest& request) const;

  // The pattern that matches `path` for any method, or "" (for metrics labels of 404/405).
  std::string MatchPattern(const std::string& path) const;

  // The largest body any route accepts (the transport's hard cap).
  size_t MaxBodyBytesOfAnyRoute() const;
  // Every registered (method, pattern), in registration order (for the API document check).
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" for captures
    Handler handler;
    RouteOptions options;
  };
  // Routes matching `segments`, best (most literal segments) first.
  std::vector<const Route*> Match(const std::vector<std::string>& segments) const;

  std::vector<Route> routes_;
  size_t default_max_body_ = size_t{1} << 20;
};

}  // namespace sedun::net
