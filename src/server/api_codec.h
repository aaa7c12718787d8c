// The JSON shapes of the /v1/ APIs (docs/api/openapi.json): request bodies parsed into the role
// domain types and domain results rendered back. No HTTP here, so the parsers can be fuzzed
// alone (fuzz/server_api_fuzzer.cc) and the routes stay thin.
//
// Conventions: binary fields are standard base64 (RFC 4648 4, canonical, no whitespace);
// certificates and CSRs are accepted as PEM text or base64 DER; times are RFC 3339 UTC
// ("2026-11-22T08:00:00Z"); certificate serials are lowercase hex. Unknown fields are refused,
// so a misspelt optional field is an error rather than silently ignored. Every failure is
// kInvalidArgument or kMalformed naming the field, never echoing its value (it may be secret).
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/bytes.h"
#include "base/status.h"
#include "ca/certification_authority.h"
#include "pki/pki_types.h"
#include "svs/verification_service.h"

namespace sedun::server {

std::string FormatTime(std::chrono::sys_seconds t);

std::string_view RevocationReasonName(pki::RevocationReason reason);  // RFC 5280 names
Result<pki::RevocationReason> ParseRevocationReason(std::string_view name);

// Certificates and CSRs: PEM text, or base64 of DER.
Result<Bytes> DecodePkiObject(const nlohmann::json& object, std::string_view field);

// --- ca ---------------------------------------------------------------------------------------
// POST /v1/ca/registrations
// {"account_id","client_id","subject":"/C=CN/O=.../CN=...","profile":"sign|enc|server",
//  "validity_days"?, "renews_serial"?}
Result<ca::RegistrationData> ParseRegistration(const nlohmann::json& body);
nlohmann::json RegistrationJson(const ca::Registration& registration);

// POST /v1/ca/certificates  {"registration_id","auth_code","csr"}
Result<ca::IssueRequest> ParseIssueRequest(const nlohmann::json& body);
nlohmann::json IssuedJson(const ca::IssuedCertificate& issued);

// POST /v1/ca/certificates/{serial}/revoke  {"reason"?, "requested_by"?}
struct RevokeBody {
  pki::RevocationReason reason = pki::RevocationReason::kUnspecified;
  std::string requested_by;
};
Result<RevokeBody> ParseRevokeRequest(const nlohmann::json& body);
nlohmann::json RevocationJson(const ca::RevocationResult& result);

nlohmann::json StatusJson(const ca::CertificateStatusInfo& info);
nlohmann::json RecordJson(const ca::CertificateRecord& record, bool with_certificate);

// --- svs --------------------------------------------------------------------------------------
// One item of POST /v1/svs/verify and of the batch:
// {"certificate","data","signature","signer_id"?,"extra_certificates"?,"registered_serials"?}
Result<svs::VerifyRequest> ParseVerifyRequest(const nlohmann::json& body);
// POST /v1/svs/verify/batch {"items":[...]} ; at most `max_items` items.
Result<std::vector<svs::VerifyRequest>> ParseBatchRequest(const nlohmann::json& body,
                                                          size_t max_items);
nlohmann::json VerifyResultJson(const svs::VerifyResult& result);

// POST /v1/svs/certificates/validate {"certificate","registered_serials"?}
struct ValidateBody {
  Bytes certificate;
  std::optional<std::vector<Bytes>> registered_serials;
};
Result<ValidateBody> ParseValidateRequest(const nlohmann::json& body);

// POST /v1/svs/sign {"data"}
Result<Bytes> ParseSignRequest(const nlohmann::json& body);
nlohmann::json ServerSignatureJson(const svs::ServerSignature& signature);

}  // namespace sedun::server
