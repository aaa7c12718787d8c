// The ca and svs APIs through a real server on loopback (HTTPS, plain HTTP for CRL/OCSP), on both
// database engines: the enrolment-to-revocation story, operator authentication, bad input that
// changes nothing, the plain-HTTP restriction, health and metrics, and concurrent issuance.
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "base/base64.h"
#include "crypto/sm2.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "pki/csr.h"
#include "pki/name.h"
#include "pki/pkcs7.h"
#include "server/testing/test_server.h"
#include "store/testing/engine_test.h"

namespace sedun::server {
namespace {

using nlohmann::json;
using testing::TestServer;

class ServerApiTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  void SetUp() override {
    if (store::testing::EngineSkipped(GetParam())) GTEST_SKIP() << "SEDUN_TEST_POSTGRES=skip";
    auto server = TestServer::Start(GetParam());
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
  }

  json Ok(const Result<net::HttpResponse>& response, int want) {
    EXPECT_TRUE(response.ok()) << response.status().ToString();
    if (!response.ok()) return json();
    EXPECT_EQ(response->status, want) << response->body;
    return json::parse(response->body, nullptr, false);
  }

  // Registers an enrolment for `account` and returns (registration_id, auth_code).
  std::pair<std::string, std::string> Register(const std::string& account,
                                               const std::string& profile = "sign") {
    json body{{"account_id", account},
              {"client_id", "phone-" + account},
              {"subject", "/C=CN/O=Example Bank/CN=" + account},
              {"profile", profile}};
    auto response = server_->Call("POST", "/v1/ca/registrations", &body, true);
    // T/HBPFS 5.1.8 a (12): the answer carries a one-time code and must not be cached.
    if (response.ok()) {
      auto cache = response->headers.find("Cache-Control");
      EXPECT_TRUE(cache != response->headers.end() && cache->second == "no-store");
    }
    json r = Ok(response, 201);
    return {r.value("registration_id", ""), r.value("auth_code", "")};
  }

  static crypto::Sm2PrivateKey NewKey() {
    auto key = crypto::Sm2PrivateKey::Generate();
    EXPECT_TRUE(key.ok());
    return std::move(key).value();
  }

  static std::string Csr(const crypto::Sm2PrivateKey& key, const std::string& cn = "ignored") {
    auto csr = pki::CreateCsr(*pki::ParseSlashName("/CN=" + cn), key);
    EXPECT_TRUE(csr.ok());
    return csr->ToPem();
  }

  json Issue(const std::pair<std::string, std::string>& reg, const std::string& csr, int want = 201) {
    json body{{"registration_id", reg.first}, {"auth_code", reg.second}, {"csr", csr}};
    return Ok(server_->Call("POST", "/v1/ca/certificates", &body), want);
  }

  size_t RegistryCount(const std::string& account) {
    json r = Ok(server_->Call("GET", "/v1/ca/certificates?account_id=" + account, nullptr, true), 200);
    return r["certificates"].size();
  }

  std::unique_ptr<TestServer> server_;
};

TEST_P(ServerApiTest, EnrolSignVerifyRevokeStory) {
  auto key = NewKey();
  auto reg = Register("acct-1001");
  ASSERT_FALSE(reg.second.empty());
  json issued = Issue(reg, Csr(key, "a subject the CA must not use"));
  const std::string serial = issued.value("serial", "");
  ASSERT_GE(serial.size(), 8u);  // at least 4 octets

  // The certificate: the registration's subject, the key of the CSR, a PKCS#7 with the chain.
  auto cert = pki::Certificate::FromPem(issued.value("certificate", ""));
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(cert->subject_string(), "CN=acct-1001,O=Example Bank,C=CN");
  EXPECT_TRUE(*cert->public_key() == key.public_key());
  auto p7 = Base64Decode(issued.value("pkcs7", ""));
  ASSERT_TRUE(p7.ok());
  auto bundle = pki::ParsePkcs7CertsOnly(*p7);
  ASSERT_TRUE(bundle.ok());
  EXPECT_EQ(bundle->certificates.size(), 3u);

  json status = Ok(server_->Call("GET", "/v1/ca/certificates/" + serial + "/status"), 200);
  EXPECT_EQ(status["state"], "valid");

  // A signature by the key verifies through svs with full validation (OCSP over plain HTTP).
  const std::string message = "transfer 100.00 CNY to 6222 0000 0000 0001";
  auto signature = crypto::Sm2Sign(key, AsBytes(message));
  ASSERT_TRUE(signature.ok());
  json verify{{"certificate", cert->ToPem()},
              {"data", Base64Encode(AsBytes(message))},
              {"signature", Base64Encode(*signature)}};
  json result = Ok(server_->Call("POST", "/v1/svs/verify", &verify, true), 200);
  EXPECT_EQ(result["code"], "ok") << result.dump();
  EXPECT_EQ(result["valid"], true);

  json tampered = verify;
  tampered["data"] = Base64Encode(AsBytes(message + "0"));
  result = Ok(server_->Call("POST", "/v1/svs/verify", &tampered, true), 200);
  EXPECT_EQ(result["code"], "signature_invalid");

  json bound = verify;
  bound["registered_serials"] = json::array({"0102030405060708"});
  result = Ok(server_->Call("POST", "/v1/svs/verify", &bound, true), 200);
  EXPECT_EQ(result["code"], "user_mismatch");

  // Revocation shows at once: status, svs (OCSP) and the CRL on the plain listener.
  json revoke{{"reason", "keyCompromise"}, {"requested_by", "ops-1"}};
  json revoked = Ok(server_->Call("POST", "/v1/ca/certificates/" + serial + "/revoke", &revoke, true), 200);
  EXPECT_EQ(revoked["reason"], "keyCompromise");
  status = Ok(server_->Call("GET", "/v1/ca/certificates/" + serial + "/status"), 200);
  EXPECT_EQ(status["state"], "revoked");
  result = Ok(server_->Call("POST", "/v1/svs/verify", &verify, true), 200);
  EXPECT_EQ(result["code"], "revoked");
  auto crl_response = server_->CallPublic("GET", "/v1/ca/crl");
  ASSERT_TRUE(crl_response.ok());
  EXPECT_EQ(crl_response->content_type, "application/pkix-crl");
  auto crl = pki::Crl::FromDer(AsBytes(crl_response->body));
  ASSERT_TRUE(crl.ok());
  bool listed = false;
  for (const auto& entry : crl->revoked()) listed = listed || HexEncode(entry.serial) == serial;
  EXPECT_TRUE(listed);
  // Revoking twice is refused and changes nothing.
  auto again = server_->Call("POST", "/v1/ca/certificates/" + serial + "/revoke", &revoke, true);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->status, 409);
}

TEST_P(ServerApiTest, AuthorisationCodeIsSingleUseAndBadCsrConsumesNothing) {
  auto key = NewKey();
  auto reg = Register("acct-2002");
  // A CSR whose signature is broken: refused, the code stays usable.
  std::string good = Csr(key);
  auto der = pki::CertificateRequest::FromPem(good)->ToDer();
  der[der.size() - 3] ^= 0x01;
  json bad{{"registration_id", reg.first}, {"auth_code", reg.second}, {"csr", Base64Encode(der)}};
  auto refused = server_->Call("POST", "/v1/ca/certificates", &bad);
  ASSERT_TRUE(refused.ok());
  EXPECT_TRUE(refused->status == 422 || refused->status == 400) << refused->body;
  EXPECT_EQ(RegistryCount("acct-2002"), 0u);

  Issue(reg, good);
  EXPECT_EQ(RegistryCount("acct-2002"), 1u);
  json reused = Issue(reg, Csr(NewKey()), 403);
  EXPECT_EQ(reused["error"]["code"], "permission_denied");
  auto wrong = reg;
  wrong.second = "AAAA-BBBB-CCCC-DDDD-EEEE";
  Issue(wrong, Csr(NewKey()), 403);
  EXPECT_EQ(RegistryCount("acct-2002"), 1u);
}

TEST_P(ServerApiTest, OperatorCallsNeedTheToken) {
  json body{{"account_id", "a"}, {"client_id", "c"}, {"subject", "/CN=x"}};
  auto none = server_->Call("POST", "/v1/ca/registrations", &body, false);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->status, 401);
  EXPECT_EQ(json::parse(none->body)["error"]["code"], "unauthorized");
  auto wrong = server_->CallRaw("POST", "/v1/svs/sign", R"({"data":"AA=="})", "application/json", false);
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->status, 401);
  json sign{{"data", Base64Encode(AsBytes("challenge-123"))}};
  json signed_ = Ok(server_->Call("POST", "/v1/svs/sign", &sign, true), 200);
  auto signer = pki::Certificate::FromPem(signed_.value("certificate", ""));
  ASSERT_TRUE(signer.ok());
  auto sig = Base64Decode(signed_.value("signature", ""));
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(crypto::Sm2Verify(*signer->public_key(), AsBytes("challenge-123"), *sig).ok());
}

TEST_P(ServerApiTest, BadInputGetsFourHundredsAndChangesNothing) {
  struct Case {
    std::string path, body, content_type;
    int status;
  };
  const std::string big(static_cast<size_t>(server_->config().max_body_bytes) + 10, 'x');
  const Case cases[] = {
      {"/v1/ca/registrations", "{not json", "application/json", 400},
      {"/v1/ca/registrations", R"([1,2])", "application/json", 400},
      {"/v1/ca/registrations", R"({"account_id":"acct-3003","client_id":"c","subject":"/CN=x","colour":"red"})",
       "application/json", 400},
      {"/v1/ca/registrations", R"({"account_id":"acct 3003!","client_id":"c","subject":"/CN=x"})",
       "application/json", 400},
      {"/v1/ca/registrations", R"({"account_id":"acct-3003","client_id":"c","subject":"CN=x"})",
       "application/json", 400},
      {"/v1/ca/registrations", R"({"account_id":"acct-3003","client_id":"c","subject":"/CN=x","profile":"root"})",
       "application/json", 400},
      {"/v1/ca/registrations", R"({"account_id":"acct-3003","client_id":"c","subject":"/CN=x"})",
       "text/plain", 415},
      {"/v1/ca/registrations", big, "application/json", 413},
      {"/v1/ca/certificates", R"({"registration_id":"00","auth_code":"x","csr":"!!"})",
       "application/json", 400},
      {"/v1/ca/certificates", R"({"registration_id":"00","auth_code":"x","csr":"MAA="})",
       "application/json", 400},
      {"/v1/svs/verify", R"({"certificate":"MAA=","data":"","signature":"M"})", "application/json", 400},
  };
  for (const Case& c : cases) {
    auto response = server_->CallRaw("POST", c.path, c.body, c.content_type, true);
    ASSERT_TRUE(response.ok()) << c.path;
    EXPECT_EQ(response->status, c.status) << c.path << " " << c.body.substr(0, 80) << " -> " << response->body;
    auto error = json::parse(response->body, nullptr, false);
    EXPECT_TRUE(error.contains("error")) << response->body;
    EXPECT_NE(response->headers.find("X-Request-Id"), response->headers.end());
  }
  EXPECT_EQ(RegistryCount("acct-3003"), 0u);
  auto missing = server_->Call("GET", "/v1/ca/certificates/0102030405/status");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(json::parse(missing->body)["state"], "unknown");
  auto unknown_revoke = server_->Call("POST", "/v1/ca/certificates/0102030405/revoke", nullptr, true);
  ASSERT_TRUE(unknown_revoke.ok());
  EXPECT_EQ(unknown_revoke->status, 404);
  auto no_route = server_->Call("GET", "/v1/ca/nothing-here");
  ASSERT_TRUE(no_route.ok());
  EXPECT_EQ(no_route->status, 404);
}

TEST_P(ServerApiTest, PlainHttpServesOnlyCrlOcspAndChain) {
  json body{{"account_id", "a"}, {"client_id", "c"}, {"subject", "/CN=x"}};
  auto refused = server_->CallPublic("POST", "/v1/ca/registrations", body.dump(), "application/json");
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(json::parse(refused->body)["error"]["code"], "https_required");
  auto crl = server_->CallPublic("GET", "/v1/ca/crl");
  ASSERT_TRUE(crl.ok());
  EXPECT_EQ(crl->status, 200);
  auto chain = server_->CallPublic("GET", "/v1/ca/chain");
  ASSERT_TRUE(chain.ok());
  EXPECT_EQ(chain->status, 200);
  auto ocsp = server_->CallPublic("POST", "/v1/ca/ocsp", "garbage", "application/ocsp-request");
  ASSERT_TRUE(ocsp.ok());
  EXPECT_EQ(ocsp->status, 200);  // an unsigned malformedRequest OCSPResponse
  EXPECT_EQ(ocsp->content_type, "application/ocsp-response");
}

TEST_P(ServerApiTest, HealthReadinessAndMetrics) {
  EXPECT_EQ(Ok(server_->Call("GET", "/healthz"), 200)["status"], "ok");
  auto ready = server_->Call("GET", "/readyz");
  ASSERT_TRUE(ready.ok());
  EXPECT_EQ(ready->status, 200) << ready->body;
  Issue(Register("acct-4004"), Csr(NewKey()));
  auto metrics = server_->Call("GET", "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->body.find("sedun_ca_certificates_issued_total{profile=\"sign\"} 1"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("sedun_http_requests_total"), std::string::npos);
}

TEST_P(ServerApiTest, ConcurrentIssuanceGivesUniqueSerialsAndACompleteRegistry) {
  constexpr int kThreads = 6;
  constexpr int kEach = 4;
  std::vector<std::pair<std::string, std::string>> regs;
  for (int i = 0; i < kThreads * kEach; ++i) regs.push_back(Register("acct-5005"));
  std::vector<std::string> serials(regs.size());
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        size_t n = static_cast<size_t>(t * kEach + i);
        serials[n] = Issue(regs[n], Csr(NewKey())).value("serial", "");
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> unique(serials.begin(), serials.end());
  unique.erase("");
  EXPECT_EQ(unique.size(), regs.size());
  EXPECT_EQ(RegistryCount("acct-5005"), regs.size());
}

INSTANTIATE_TEST_SUITE_P(Engines, ServerApiTest,
                         ::testing::ValuesIn(store::testing::TestEngines()),
                         store::testing::EngineParamName);

}  // namespace
}  // namespace sedun::server
