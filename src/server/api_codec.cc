// JSON codecs of the /v1/ APIs.
#include "server/api_codec.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <initializer_list>

#include "base/base64.h"
#include "pki/name.h"
#include "pki/pkcs7.h"

namespace sedun::server {
namespace {

using nlohmann::json;

// Refuses fields outside `allowed`: a misspelt optional field must not be silently ignored.
Status OnlyFields(const json& object, std::initializer_list<std::string_view> allowed) {
  if (!object.is_object()) return InvalidArgument("expected a JSON object");
  for (const auto& item : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
      // The key is printed only when it is short and plain, so no value can leak through it.
      const std::string& key = item.key();
      bool plain = key.size() <= 40 && std::all_of(key.begin(), key.end(), [](char c) {
                     return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                   });
      return InvalidArgument(plain ? "unknown field '" + key + "'" : "unknown field");
    }
  }
  return Status::Ok();
}

const json* Field(const json& object, std::string_view name) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<std::string> String(const json& object, std::string_view name, bool required) {
  const json* value = Field(object, name);
  if (value == nullptr) {
    if (required) return InvalidArgument("missing field '" + std::string(name) + "'");
    return std::string();
  }
  if (!value->is_string()) {
    return InvalidArgument("field '" + std::string(name) + "' must be a string");
  }
  return value->get<std::string>();
}

Result<Bytes> Base64Field(const json& object, std::string_view name) {
  SEDUN_ASSIGN_OR_RETURN(std::string text, String(object, name, true));
  return Base64Decode(text, name);
}

Result<std::vector<Bytes>> SerialList(const json& value, std::string_view name) {
  if (!value.is_array()) return InvalidArgument("field '" + std::string(name) + "' must be an array");
  if (value.size() > 1000) return ResourceExhausted("field '" + std::string(name) + "': too many");
  std::vector<Bytes> out;
  for (const json& item : value) {
    if (!item.is_string()) return InvalidArgument("field '" + std::string(name) + "': strings expected");
    SEDUN_ASSIGN_OR_RETURN(std::string normal, ca::NormalizeSerial(item.get<std::string>()));
    SEDUN_ASSIGN_OR_RETURN(Bytes serial, HexDecode(normal));
    out.push_back(std::move(serial));
  }
  return out;
}

constexpr std::array<std::pair<pki::RevocationReason, std::string_view>, 10> kReasons = {{
    {pki::RevocationReason::kUnspecified, "unspecified"},
    {pki::RevocationReason::kKeyCompromise, "keyCompromise"},
    {pki::RevocationReason::kCaCompromise, "cACompromise"},
    {pki::RevocationReason::kAffiliationChanged, "affiliationChanged"},
    {pki::RevocationReason::kSuperseded, "superseded"},
    {pki::RevocationReason::kCessationOfOperation, "cessationOfOperation"},
    {pki::RevocationReason::kCertificateHold, "certificateHold"},
    {pki::RevocationReason::kRemoveFromCrl, "removeFromCRL"},
    {pki::RevocationReason::kPrivilegeWithdrawn, "privilegeWithdrawn"},
    {pki::RevocationReason::kAaCompromise, "aACompromise"},
}};

}  // namespace

std::string FormatTime(std::chrono::sys_seconds t) {
  const std::time_t tt = static_cast<std::time_t>(t.time_since_epoch().count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::string_view RevocationReasonName(pki::RevocationReason reason) {
  for (const auto& [value, name] : kReasons) {
    if (value == reason) return name;
  }
  return "unspecified";
}

Result<pki::RevocationReason> ParseRevocationReason(std::string_view name) {
  for (const auto& [value, known] : kReasons) {
    if (known == name) return value;
  }
  return InvalidArgument("field 'reason': not an RFC 5280 CRLReason name");
}

Result<Bytes> DecodePkiObject(const json& object, std::string_view field) {
  SEDUN_ASSIGN_OR_RETURN(std::string text, String(object, field, true));
  if (text.find("-----BEGIN ") != std::string::npos) return ToBytes(AsBytes(text));
  return Base64Decode(text, field);
}

Result<ca::RegistrationData> ParseRegistration(const json& body) {
  SEDUN_RETURN_IF_ERROR(OnlyFields(
      body, {"account_id", "client_id", "subject", "profile", "validity_days", "renews_serial"}));
  ca::RegistrationData data;
  SEDUN_ASSIGN_OR_RETURN(data.account_id, String(body, "account_id", true));
  SEDUN_ASSIGN_OR_RETURN(data.client_id, String(body, "client_id", true));
  SEDUN_ASSIGN_OR_RETURN(std::string subject, String(body, "subject", true));
  auto dn = pki::ParseSlashName(subject);
  if (!dn.ok()) return dn.status().Annotate("field 'subject'");
  data.subject = std::move(dn).value();
  SEDUN_ASSIGN_OR_RETURN(std::string profile, String(body, "profile", false));
  if (!profile.empty()) {
    auto parsed = ca::ParseProfile(profile);
    if (!parsed.ok()) return InvalidArgument("field 'profile': one of sign, enc, server");
    data.profile = *parsed;
  }
  if (const json* days = Field(body, "validity_days")) {
    if (!days->is_number_integer()) return InvalidArgument("field 'validity_days' must be an integer");
    const int64_t v = days->get<int64_t>();
    if (v < 1 || v > 3650) return InvalidArgument("field 'validity_days': 1..3650");
    data.validity_days = static_cast<int>(v);
  }
  SEDUN_ASSIGN_OR_RETURN(std::string renews, String(body, "renews_serial", false));
  if (!renews.empty()) {
    SEDUN_ASSIGN_OR_RETURN(std::string normal, ca::NormalizeSerial(renews));
    data.renews_serial = normal;
  }
  return data;
}

json RegistrationJson(const ca::Registration& registration) {
  return json{{"registration_id", registration.registration_id},
              {"auth_code", std::string(AsChars(registration.auth_code.view()))},
              {"expires_at", FormatTime(registration.expires_at)}};
}

Result<ca::IssueRequest> ParseIssueRequest(const json& body) {
  SEDUN_RETURN_IF_ERROR(OnlyFields(body, {"registration_id", "auth_code", "csr"}));
  ca::IssueRequest request;
  SEDUN_ASSIGN_OR_RETURN(request.registration_id, String(body, "registration_id", true));
  SEDUN_ASSIGN_OR_RETURN(std::string code, String(body, "auth_code", true));
  request.auth_code = SecretBytes(AsBytes(code));
  std::fill(code.begin(), code.end(), '\0');
  SEDUN_ASSIGN_OR_RETURN(request.csr, DecodePkiObject(body, "csr"));
  return request;
}

json IssuedJson(const ca::IssuedCertificate& issued) {
  json out{{"serial", issued.serial_hex},
           {"certificate", issued.certificate.ToPem()},
           {"pkcs7", Base64Encode(issued.pkcs7_der)},
           {"not_after", FormatTime(issued.not_after)}};
  if (issued.superseded_serial) out["superseded_serial"] = *issued.superseded_serial;
  return out;
}

Result<RevokeBody> ParseRevokeRequest(const json& body) {
  SEDUN_RETURN_IF_ERROR(OnlyFields(body, {"reason", "requested_by"}));
  RevokeBody out;
  SEDUN_ASSIGN_OR_RETURN(std::string reason, String(body, "reason", false));
  if (!reason.empty()) {
    SEDUN_ASSIGN_OR_RETURN(out.reason, ParseRevocationReason(reason));
  }
  SEDUN_ASSIGN_OR_RETURN(out.requested_by, String(body, "requested_by", false));
  return out;
}

json RevocationJson(const ca::RevocationResult& result) {
  return json{{"serial", result.serial_hex},
              {"revoked_at", FormatTime(result.revoked_at)},
              {"reason", RevocationReasonName(result.reason)},
              {"crl_number", result.crl_number}};
}

json StatusJson(const ca::CertificateStatusInfo& info) {
  json out{{"serial", info.serial_hex}, {"state", ca::CertStateName(info.state)}};
  if (info.state != ca::CertState::kUnknown) out["not_after"] = FormatTime(info.not_after);
  if (info.revoked_at) out["revoked_at"] = FormatTime(*info.revoked_at);
  if (info.reason) out["reason"] = RevocationReasonName(*info.reason);
  return out;
}

json RecordJson(const ca::CertificateRecord& record, bool with_certificate) {
  json out{{"serial", record.serial_hex},
           {"account_id", record.account_id},
           {"client_id", record.client_id},
           {"profile", ca::ProfileName(record.profile)},
           {"subject", record.subject},
           {"not_before", FormatTime(record.not_before)},
           {"not_after", FormatTime(record.not_after)},
           {"issued_at", FormatTime(record.issued_at)},
           {"state", ca::CertStateName(record.state)}};
  if (record.registration_id) out["registration_id"] = *record.registration_id;
  if (record.revoked_at) out["revoked_at"] = FormatTime(*record.revoked_at);
  if (record.reason) out["reason"] = RevocationReasonName(*record.reason);
  if (record.renews) out["renews"] = *record.renews;
  if (record.replaced_by) out["replaced_by"] = *record.replaced_by;
  if (with_certificate && !record.der.empty()) {
    auto cert = pki::Certificate::FromDer(record.der);
    if (cert.ok()) out["certificate"] = cert->ToPem();
  }
  return out;
}

Result<svs::VerifyRequest> ParseVerifyRequest(const json& body) {
  SEDUN_RETURN_IF_ERROR(OnlyFields(body, {"certificate", "data", "signature", "signer_id",
                                          "extra_certificates", "registered_serials"}));
  svs::VerifyRequest request;
  SEDUN_ASSIGN_OR_RETURN(request.certificate, DecodePkiObject(body, "certificate"));
  SEDUN_ASSIGN_OR_RETURN(request.data, Base64Field(body, "data"));
  SEDUN_ASSIGN_OR_RETURN(request.signature, Base64Field(body, "signature"));
  if (Field(body, "signer_id") != nullptr) {
    SEDUN_ASSIGN_OR_RETURN(Bytes id, Base64Field(body, "signer_id"));
    request.signer_id = std::move(id);
  }
  if (const json* extra = Field(body, "extra_certificates")) {
    if (!extra->is_array() || extra->size() > 16) {
      return InvalidArgument("field 'extra_certificates': an array of at most 16 certificates");
    }
    for (const json& item : *extra) {
      json wrapper{{"certificate", item}};
      SEDUN_ASSIGN_OR_RETURN(Bytes der, DecodePkiObject(wrapper, "certificate"));
      request.extra_certificates.push_back(std::move(der));
    }
  }
  if (const json* serials = Field(body, "registered_serials")) {
    SEDUN_ASSIGN_OR_RETURN(request.registered_serials, SerialList(*serials, "registered_serials"));
  }
  return request;
}

Result<std::vector<svs::VerifyRequest>> ParseBatchRequest(const json& body, size_t max_items) {
  SEDUN_RETURN_IF_ERROR(OnlyFields(body, {"items"}));
  const json* items = Field(body, "items");
  if (items == nullptr || !items->is_array()) return InvalidArgument("field 'items' must be an array");
  if (items->size() > max_items) {
    return ResourceExhausted("field 'items': at most " + std::to_string(max_items) + " items");
  }
  std::vector<svs::VerifyRequest> out;
  for (size_t i = 0; i < items->size(); ++i) {
    auto request = ParseVerifyRequest((*items)[i]);
    if (!request.ok()) return request.status().Annotate("items[" + std::to_string(i) + "]");
    out.push_back(std::move(request).value());
  }
  return out;
}

json VerifyResultJson(const svs::VerifyResult& result) {
  json out{{"valid", result.ok()}, {"code", result.code()}};
  if (!result.message.empty()) out["message"] = result.message;
  if (!result.serial_hex.empty()) out["serial"] = result.serial_hex;
  if (!result.subject.empty()) out["subject"] = result.subject;
  if (result.not_after) out["not_after"] = FormatTime(*result.not_after);
  out["expiring_soon"] = result.expiring_soon;
  return out;
}

Result<ValidateBody> ParseValidateRequest(const json& body) {
  SEDUN_RETURN_IF_ERROR(OnlyFields(body, {"certificate", "registered_serials"}));
  ValidateBody out;
  SEDUN_ASSIGN_OR_RETURN(out.certificate, DecodePkiObject(body, "certificate"));
  if (const json* serials = Field(body, "registered_serials")) {
    SEDUN_ASSIGN_OR_RETURN(out.registered_serials, SerialList(*serials, "registered_serials"));
  }
  return out;
}

Result<Bytes> ParseSignRequest(const json& body) {
  SEDUN_RETURN_IF_ERROR(OnlyFields(body, {"data"}));
  return Base64Field(body, "data");
}

json ServerSignatureJson(const svs::ServerSignature& signature) {
  json chain = json::array();
  for (const pki::Certificate& cert : signature.chain) chain.push_back(cert.ToPem());
  return json{{"signature", Base64Encode(signature.signature)},
              {"certificate", signature.certificate.ToPem()},
              {"chain", chain}};
}

}  // namespace sedun::server
