// Fuzz target for the request parsers of sedun-server: the JSON reader of the HTTP layer
// (net/json_response.h ParseJson), every body parser of server/api_codec.h, and the TOML
// configuration reader (server/config.h ParseConfig).
//
// The same bytes go to all of them (the corpus mixes JSON bodies and TOML files). None may
// crash or throw. What parses is re-encoded and must parse back to the same values: JSON dumps
// re-parse to an equal document; each request body is rebuilt from its parsed fields (binary
// fields as base64, names in the -subj form, serials as the parser normalised them) and must
// parse to the same fields; a configuration rendered by RenderConfig must parse again and
// render identically. Any mismatch aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "base/bytes.h"
#include "ca/certification_authority.h"
#include "net/json_response.h"
#include "pki/name.h"
#include "server/api_codec.h"
#include "server/config.h"

namespace {

using namespace sedun;
using namespace sedun::server;
using nlohmann::json;

void Check(bool ok) {
  if (!ok) abort();
}

// The -subj form of a name that ParseSlashName reads back as the same attributes.
std::string SlashName(const pki::DistinguishedName& dn) {
  std::string out;
  auto escaped = [&out](const std::string& text) {
    for (char c : text) {
      if (c == '/' || c == '\\' || c == '=') out.push_back('\\');
      out.push_back(c);
    }
  };
  for (const pki::NameAttribute& a : dn) {
    out.push_back('/');
    escaped(a.type);
    out.push_back('=');
    escaped(a.value);
  }
  return out;
}

json SerialsJson(const std::vector<Bytes>& serials) {
  json out = json::array();
  for (const Bytes& s : serials) out.push_back(HexEncode(s));
  return out;
}

void FuzzRegistration(const json& body) {
  auto data = ParseRegistration(body);
  if (!data.ok()) return;
  // Identifier syntax (account_id, client_id) is the CA's to check (ca::Register), not the codec's.
  Check(!data->subject.empty());
  json again{{"account_id", data->account_id},
             {"client_id", data->client_id},
             {"subject", SlashName(data->subject)},
             {"profile", ca::ProfileName(data->profile)}};
  if (data->validity_days) {
    Check(*data->validity_days >= 1 && *data->validity_days <= 3650);
    again["validity_days"] = *data->validity_days;
  }
  if (data->renews_serial) {
    // Already in the registry's form: normalising again changes nothing.
    auto normal = ca::NormalizeSerial(*data->renews_serial);
    Check(normal.ok() && *normal == *data->renews_serial);
    again["renews_serial"] = *data->renews_serial;
  }
  auto reparsed = ParseRegistration(again);
  Check(reparsed.ok());
  Check(reparsed->account_id == data->account_id && reparsed->client_id == data->client_id);
  Check(reparsed->subject == data->subject && reparsed->profile == data->profile);
  Check(reparsed->validity_days == data->validity_days);
  Check(reparsed->renews_serial == data->renews_serial);
}

void FuzzIssue(const json& body) {
  auto request = ParseIssueRequest(body);
  if (!request.ok()) return;
  json again{{"registration_id", request->registration_id},
             {"auth_code", std::string(AsChars(request->auth_code.view()))},
             {"csr", Base64Encode(request->csr)}};
  auto reparsed = ParseIssueRequest(again);
  Check(reparsed.ok());
  Check(reparsed->registration_id == request->registration_id);
  Check(ToBytes(reparsed->auth_code.view()) == ToBytes(request->auth_code.view()));
  Check(reparsed->csr == request->csr);
}

void FuzzRevoke(const json& body) {
  auto revoke = ParseRevokeRequest(body);
  if (!revoke.ok()) return;
  const std::string_view name = RevocationReasonName(revoke->reason);
  auto reason = ParseRevocationReason(name);
  Check(reason.ok() && *reason == revoke->reason);
  json again{{"reason", name}, {"requested_by", revoke->requested_by}};
  auto reparsed = ParseRevokeRequest(again);
  Check(reparsed.ok() && reparsed->reason == revoke->reason &&
        reparsed->requested_by == revoke->requested_by);
}

json VerifyJson(const svs::VerifyRequest& r) {
  json out{{"certificate", Base64Encode(r.certificate)},
           {"data", Base64Encode(r.data)},
           {"signature", Base64Encode(r.signature)}};
  if (r.signer_id) out["signer_id"] = Base64Encode(*r.signer_id);
  if (!r.extra_certificates.empty()) {
    out["extra_certificates"] = json::array();
    for (const Bytes& c : r.extra_certificates) out["extra_certificates"].push_back(Base64Encode(c));
  }
  if (r.registered_serials) out["registered_serials"] = SerialsJson(*r.registered_serials);
  return out;
}

void SameVerify(const svs::VerifyRequest& a, const svs::VerifyRequest& b) {
  Check(a.certificate == b.certificate && a.data == b.data && a.signature == b.signature);
  Check(a.signer_id == b.signer_id && a.extra_certificates == b.extra_certificates);
  Check(a.registered_serials == b.registered_serials);
}

void FuzzVerify(const json& body) {
  auto request = ParseVerifyRequest(body);
  if (request.ok()) {
    auto reparsed = ParseVerifyRequest(VerifyJson(*request));
    Check(reparsed.ok());
    SameVerify(*request, *reparsed);
  }
  constexpr size_t kMaxItems = 8;
  auto batch = ParseBatchRequest(body, kMaxItems);
  if (batch.ok()) {
    Check(batch->size() <= kMaxItems);
    json items = json::array();
    for (const svs::VerifyRequest& item : *batch) items.push_back(VerifyJson(item));
    auto reparsed = ParseBatchRequest(json{{"items", items}}, kMaxItems);
    Check(reparsed.ok() && reparsed->size() == batch->size());
    for (size_t i = 0; i < batch->size(); ++i) SameVerify((*batch)[i], (*reparsed)[i]);
  }
}

void FuzzValidateAndSign(const json& body) {
  auto validate = ParseValidateRequest(body);
  if (validate.ok()) {
    json again{{"certificate", Base64Encode(validate->certificate)}};
    if (validate->registered_serials) {
      again["registered_serials"] = SerialsJson(*validate->registered_serials);
    }
    auto reparsed = ParseValidateRequest(again);
    Check(reparsed.ok() && reparsed->certificate == validate->certificate &&
          reparsed->registered_serials == validate->registered_serials);
  }
  auto data = ParseSignRequest(body);
  if (data.ok()) {
    auto reparsed = ParseSignRequest(json{{"data", Base64Encode(*data)}});
    Check(reparsed.ok() && *reparsed == *data);
  }
}

void FuzzJson(std::string_view text) {
  auto parsed = net::ParseJson(text);
  if (!parsed.ok()) return;
  // The reader's output dumps and re-reads to the same document.
  const std::string dumped = parsed->dump(-1, ' ', false, json::error_handler_t::strict);
  auto again = net::ParseJson(dumped);
  Check(again.ok() && *again == *parsed);

  FuzzRegistration(*parsed);
  FuzzIssue(*parsed);
  FuzzRevoke(*parsed);
  FuzzVerify(*parsed);
  FuzzValidateAndSign(*parsed);
}

void FuzzConfig(std::string_view text) {
  auto config = ParseConfig(text, "fuzz.toml");
  if (!config.ok()) return;
  (void)ValidateConfig(*config);
  // What `config show` prints is itself a configuration file, and a fixed point.
  const std::string rendered = RenderConfig(*config);
  auto again = ParseConfig(rendered, "rendered.toml");
  Check(again.ok());
  Check(RenderConfig(*again) == rendered);
  Check(again->roles == config->roles && again->listen == config->listen);
  Check(again->data_dir == config->data_dir && again->threads == config->threads);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  FuzzJson(text);
  FuzzConfig(text);
  return 0;
}
