// Helpers shared by the process-level tests of sedun-server: the enrolment calls every test
// makes (register as operator, issue with a PKCS#10), CSRs made in C++ or by the openssl command
// line, OCSP queries and the registry as the database holds it.
// Thread-safety: free functions; those taking a ServerProcess may run on several threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "net/http.h"
#include "pki/certificate.h"
#include "pki/ocsp.h"
#include "server/server_process.h"
#include "store/database.h"

namespace sedun::server::testing {

// The body of `response` as JSON when it has status `want`, else an error naming both.
Result<nlohmann::json> JsonBody(const Result<net::HttpResponse>& response, int want);

struct Enrolment {
  std::string registration_id;
  std::string auth_code;
};

// POST /v1/ca/registrations as operator.
Result<Enrolment> Register(const ServerProcess& server, const std::string& account,
                           const std::string& client, const std::string& profile = "sign",
                           const std::optional<std::string>& renews_serial = std::nullopt);

// A fresh SM2 key's PKCS#10 (PEM), made in this process.
Result<std::string> NewCsrPem();

// POST /v1/ca/certificates; the whole response (the caller decides what status it expects).
Result<net::HttpResponse> Issue(const ServerProcess& server, const Enrolment& enrolment,
                                const std::string& csr_pem);

// An SM2 key and a PKCS#10 made by the openssl command line, signed with the GM/T 0009 default
// ID: writes <dir>/<name>.key and <dir>/<name>.csr (PEM) and returns the CSR's text.
Result<std::string> OpensslCsr(const std::string& dir, const std::string& name);

// Writes `text` to `path`; returns the path.
std::string WriteText(const std::string& path, const std::string& text);

// An OCSP request for `cert` (issued by `issuer`), posted to `public_base`/v1/ca/ocsp; the
// response is parsed and its signature checked against `issuer` (GM/T 0009 default ID).
Result<pki::OcspSingleResponse> QueryOcsp(const std::string& public_base,
                                          const pki::Certificate& cert,
                                          const pki::Certificate& issuer);

// One row of ca_certificates as stored.
struct RegistryRow {
  std::string serial;
  std::string account_id;
  std::optional<std::string> registration_id;
  Bytes der;
};
Result<std::vector<RegistryRow>> ReadRegistry(store::Database& db);
// Registration ids marked used (used_at set).
Result<std::vector<std::string>> UsedRegistrations(store::Database& db);

}  // namespace sedun::server::testing
