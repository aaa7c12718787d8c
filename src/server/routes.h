// The HTTP routes of each role: thin handlers that read, validate, authorise, act and render
// (business logic stays in ca/ and svs/; Status -> HTTP mapping stays in net/json_response).
//
// Exposure: the plain-HTTP listener (server.public_listen) exists only so relying parties can
// fetch the CRL and ask the OCSP responder, the way certificates name them; every other route
// answers 403 https_required there, so nothing else is ever served without TLS.
// Thread-safety: handlers run concurrently; the role objects they capture are thread-safe.
#pragma once

#include <memory>

#include "base/status.h"
#include "ca/certification_authority.h"
#include "net/metrics.h"
#include "net/router.h"
#include "server/operator_auth.h"
#include "svs/verification_service.h"

namespace sedun::server {

enum class Exposure {
  kTlsOnly,        // the default: refused on the plain-HTTP listener
  kPlainAllowed,   // CRL and OCSP (signed objects, RFC 5280 4.2.1.13, RFC 6960 A.1)
};

enum class Caller {
  kAnyone,    // public or self-authenticating (an enrolment authorisation code)
  kOperator,  // needs the operator bearer token
};

// Registers a route whose handler is guarded by the exposure and caller checks.
Status AddRoute(net::Router& router, const OperatorAuth& auth, std::string method,
                std::string pattern, Caller caller, Exposure exposure, net::Handler handler,
                net::RouteOptions options = net::JsonRoute());

Status AddCaRoutes(net::Router& router, const OperatorAuth& auth, net::MetricsRegistry& metrics,
                   ca::CertificationAuthority& authority);

Status AddSvsRoutes(net::Router& router, const OperatorAuth& auth, net::MetricsRegistry& metrics,
                    std::shared_ptr<const svs::VerificationService> service, size_t max_batch);

}  // namespace sedun::server
