// Helpers of the sedun-server process tests.
#include "server/process_test_util.h"

#include <fstream>

#include "base/file.h"
#include "crypto/sm2_key.h"
#include "net/http_client.h"
#include "pki/csr.h"
#include "pki/name.h"
#include "util/run.h"

namespace sedun::server::testing {

using nlohmann::json;
using sedun::testing::RunCommand;
using sedun::testing::ShellQuote;

Result<json> JsonBody(const Result<net::HttpResponse>& response, int want) {
  if (!response.ok()) return response.status();
  if (response->status != want) {
    return Internal("HTTP " + std::to_string(response->status) + " (wanted " +
                    std::to_string(want) + "): " + response->body.substr(0, 500));
  }
  json body = json::parse(response->body, nullptr, false);
  if (body.is_discarded()) return Malformed("response body is not JSON");
  return body;
}

Result<Enrolment> Register(const ServerProcess& server, const std::string& account,
                           const std::string& client, const std::string& profile,
                           const std::optional<std::string>& renews_serial) {
  json body{{"account_id", account},
            {"client_id", client},
            {"subject", "/C=CN/O=Example Bank/CN=" + account},
            {"profile", profile}};
  if (renews_serial) body["renews_serial"] = *renews_serial;
  SEDUN_ASSIGN_OR_RETURN(json r,
                         JsonBody(server.Call("POST", "/v1/ca/registrations", &body, true), 201));
  Enrolment out{r.value("registration_id", ""), r.value("auth_code", "")};
  if (out.registration_id.empty() || out.auth_code.empty()) {
    return Internal("registration without id or code");
  }
  return out;
}

Result<std::string> NewCsrPem() {
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PrivateKey key, crypto::Sm2PrivateKey::Generate());
  SEDUN_ASSIGN_OR_RETURN(pki::DistinguishedName name, pki::ParseSlashName("/CN=ignored"));
  SEDUN_ASSIGN_OR_RETURN(pki::CertificateRequest csr, pki::CreateCsr(name, key));
  return csr.ToPem();
}

Result<net::HttpResponse> Issue(const ServerProcess& server, const Enrolment& enrolment,
                                const std::string& csr_pem) {
  json body{{"registration_id", enrolment.registration_id},
            {"auth_code", enrolment.auth_code},
            {"csr", csr_pem}};
  return server.Call("POST", "/v1/ca/certificates", &body);
}

Result<std::string> OpensslCsr(const std::string& dir, const std::string& name) {
  const std::string key = dir + "/" + name + ".key";
  const std::string csr = dir + "/" + name + ".csr";
  // OpenSSL 3.0: an SM2 key is an EC key on the SM2 curve; the request is signed with SM3 and,
  // told so, the GM/T 0009 default ID (without -sigopt it would use an empty ID).
  auto gen = RunCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " +
                        ShellQuote(key) + " 2>&1");
  if (gen.exit_code != 0) return Internal("openssl genpkey: " + gen.out);
  auto req = RunCommand("openssl req -new -key " + ShellQuote(key) +
                        " -sm3 -sigopt distid:1234567812345678 -subj '/C=CN/O=client/CN=" + name +
                        "' -out " + ShellQuote(csr) + " 2>&1");
  if (req.exit_code != 0) return Internal("openssl req: " + req.out);
  SEDUN_ASSIGN_OR_RETURN(Bytes pem, ReadFile(csr));
  return std::string(AsChars(pem));
}

std::string WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return path;
}

Result<pki::OcspSingleResponse> QueryOcsp(const std::string& public_base,
                                          const pki::Certificate& cert,
                                          const pki::Certificate& issuer) {
  SEDUN_ASSIGN_OR_RETURN(pki::OcspCertId id, pki::MakeOcspCertId(cert, issuer));
  SEDUN_ASSIGN_OR_RETURN(pki::OcspRequest request,
                         pki::OcspRequest::Create({id}, Bytes(16, 0x5a)));
  net::HttpClient client;
  SEDUN_ASSIGN_OR_RETURN(
      net::HttpResponse response,
      client.Post(public_base + "/v1/ca/ocsp", std::string(AsChars(request.ToDer())),
                  "application/ocsp-request"));
  if (response.status != 200) return Internal("OCSP: HTTP " + std::to_string(response.status));
  SEDUN_ASSIGN_OR_RETURN(pki::OcspResponse parsed,
                         pki::OcspResponse::FromDer(AsBytes(response.body)));
  if (parsed.status() != pki::OcspResponseStatus::kSuccessful) {
    return Internal("OCSP response not successful");
  }
  SEDUN_RETURN_IF_ERROR(parsed.VerifySignature(issuer));
  if (parsed.nonce() != Bytes(16, 0x5a)) return Internal("OCSP nonce not echoed");
  const pki::OcspSingleResponse* single = parsed.Find(id);
  if (single == nullptr) return NotFound("OCSP response has no answer for the certificate");
  return *single;
}

Result<std::vector<RegistryRow>> ReadRegistry(store::Database& db) {
  SEDUN_ASSIGN_OR_RETURN(auto tx, db.Begin(store::TxMode::kRead));
  SEDUN_ASSIGN_OR_RETURN(
      std::vector<store::Row> rows,
      tx->Query("SELECT serial, account_id, registration_id, der FROM ca_certificates"));
  std::vector<RegistryRow> out;
  for (const store::Row& row : rows) {
    RegistryRow r;
    SEDUN_ASSIGN_OR_RETURN(r.serial, row.Text(0));
    SEDUN_ASSIGN_OR_RETURN(r.account_id, row.Text(1));
    if (!row.IsNull(2)) {
      SEDUN_ASSIGN_OR_RETURN(std::string id, row.Text(2));
      r.registration_id = std::move(id);
    }
    SEDUN_ASSIGN_OR_RETURN(r.der, row.Blob(3));
    out.push_back(std::move(r));
  }
  SEDUN_RETURN_IF_ERROR(tx->Commit());
  return out;
}

Result<std::vector<std::string>> UsedRegistrations(store::Database& db) {
  SEDUN_ASSIGN_OR_RETURN(auto tx, db.Begin(store::TxMode::kRead));
  SEDUN_ASSIGN_OR_RETURN(std::vector<store::Row> rows,
                         tx->Query("SELECT id FROM ca_registrations WHERE used_at IS NOT NULL"));
  std::vector<std::string> out;
  for (const store::Row& row : rows) {
    SEDUN_ASSIGN_OR_RETURN(std::string id, row.Text(0));
    out.push_back(std::move(id));
  }
  SEDUN_RETURN_IF_ERROR(tx->Commit());
  return out;
}

}  // namespace sedun::server::testing
