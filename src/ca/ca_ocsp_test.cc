// The OCSP responder on both engines: good / revoked / unknown answers signed by the issuing CA
// (checked in C++), nonce echo, SHA-1 and SM3 CertIDs, foreign issuers, malformed requests, and a
// revocation made through one instance answered at once by another.
#include "ca/ca_test_util.h"
#include "pki/crl.h"
#include "pki/ocsp.h"

namespace sedun::ca {
namespace {

using testing::CaTest;

class CaOcspTest : public CaTest {
 protected:
  pki::OcspResponse Ask(CertificationAuthority& responder, const std::vector<pki::OcspCertId>& ids,
                        std::optional<Bytes> nonce = std::nullopt) {
    auto req = pki::OcspRequest::Create(ids, nonce);
    EXPECT_TRUE(req.ok()) << req.status().ToString();
    OcspReply reply = responder.RespondOcsp(req->ToDer());
    EXPECT_EQ(reply.status, pki::OcspResponseStatus::kSuccessful) << reply.cause.ToString();
    EXPECT_TRUE(reply.cause.ok());
    auto resp = pki::OcspResponse::FromDer(reply.der);
    EXPECT_TRUE(resp.ok()) << resp.status().ToString();
    EXPECT_TRUE(resp->VerifySignature(ca().issuing_certificate()).ok());
    return std::move(resp).value();
  }

  pki::OcspCertId IdOf(const IssuedCertificate& c, pki::OcspHashAlgorithm h = pki::OcspHashAlgorithm::kSha1) {
    auto id = pki::MakeOcspCertId(c.certificate, ca().issuing_certificate(), h);
    EXPECT_TRUE(id.ok());
    return *id;
  }
};

TEST_P(CaOcspTest, GoodRevokedUnknown) {
  IssuedCertificate good = Enrol("acct-g");
  IssuedCertificate bad = Enrol("acct-b");
  ASSERT_TRUE(ca().Revoke(bad.serial_hex, pki::RevocationReason::kKeyCompromise).ok());
  auto unknown = pki::MakeOcspCertId(ca().issuing_certificate(), Bytes{0x12, 0x34, 0x56, 0x78});
  ASSERT_TRUE(unknown.ok());

  const Bytes nonce{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  pki::OcspResponse resp = Ask(ca(), {IdOf(good), IdOf(bad), *unknown}, nonce);
  EXPECT_EQ(resp.nonce(), std::optional(nonce));
  EXPECT_TRUE(resp.responder_key_hash().has_value());
  EXPECT_EQ(resp.signature_algorithm(), "1.2.156.10197.1.501");
  ASSERT_EQ(resp.responses().size(), 3u);

  const pki::OcspSingleResponse* g = resp.Find(IdOf(good));
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->status, pki::OcspCertStatus::kGood);
  EXPECT_NEAR_TIME(g->this_update, clock_.Now());
  EXPECT_EQ(g->next_update, std::optional(g->this_update + std::chrono::minutes(10)));

  const pki::OcspSingleResponse* r = resp.Find(IdOf(bad));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status, pki::OcspCertStatus::kRevoked);
  EXPECT_EQ(r->revocation_reason, std::optional(pki::RevocationReason::kKeyCompromise));
  EXPECT_TRUE(r->revocation_time.has_value());

  const pki::OcspSingleResponse* u = resp.Find(*unknown);
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->status, pki::OcspCertStatus::kUnknown);
}

TEST_P(CaOcspTest, Sm3CertIdsAndNoNonce) {
  IssuedCertificate good = Enrol();
  pki::OcspResponse resp = Ask(ca(), {IdOf(good, pki::OcspHashAlgorithm::kSm3)});
  EXPECT_FALSE(resp.nonce().has_value());
  ASSERT_EQ(resp.responses().size(), 1u);
  EXPECT_EQ(resp.responses()[0].status, pki::OcspCertStatus::kGood);
  EXPECT_EQ(resp.responses()[0].cert_id.hash, pki::OcspHashAlgorithm::kSm3);
}

TEST_P(CaOcspTest, OtherIssuersAreUnknown) {
  IssuedCertificate good = Enrol();
  // Same serial, but named under the root: not a certificate of the issuing CA.
  auto foreign = pki::MakeOcspCertId(ca().root_certificate(), good.certificate.serial());
  ASSERT_TRUE(foreign.ok());
  pki::OcspResponse resp = Ask(ca(), {*foreign});
  ASSERT_EQ(resp.responses().size(), 1u);
  EXPECT_EQ(resp.responses()[0].status, pki::OcspCertStatus::kUnknown);
}

TEST_P(CaOcspTest, RevocationIsVisibleAtOnceOnAnotherInstance) {
  auto second_db = store::testing::OpenTestDatabaseAgain(db());
  ASSERT_TRUE(second_db.ok()) << second_db.status().ToString();
  auto second = NewCa(**second_db);
  ASSERT_NE(second, nullptr);
  IssuedCertificate c = Enrol();
  EXPECT_EQ(Ask(*second, {IdOf(c)}).responses()[0].status, pki::OcspCertStatus::kGood);
  ASSERT_TRUE(ca().Revoke(c.serial_hex, pki::RevocationReason::kKeyCompromise).ok());
  EXPECT_EQ(Ask(*second, {IdOf(c)}).responses()[0].status, pki::OcspCertStatus::kRevoked);
  EXPECT_EQ(second->CertificateStatus(c.serial_hex)->state, CertState::kRevoked);
  EXPECT_NE(pki::Crl::FromDer(*second->CurrentCrl())->Find(c.certificate.serial()), nullptr);
}

TEST_P(CaOcspTest, MalformedRequestsGetAnUnsignedError) {
  const auto before = Snapshot();
  for (const Bytes& garbage : {Bytes{}, Bytes{0x30, 0x00}, Bytes{0x04, 0x01, 0x00}, Bytes(100, 0xff)}) {
    OcspReply reply = ca().RespondOcsp(garbage);
    EXPECT_EQ(reply.status, pki::OcspResponseStatus::kMalformedRequest);
    EXPECT_FALSE(reply.cause.ok());
    auto resp = pki::OcspResponse::FromDer(reply.der);
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    EXPECT_EQ(resp->status(), pki::OcspResponseStatus::kMalformedRequest);
    EXPECT_TRUE(resp->responses().empty());
  }
  // Too many CertIDs in one request.
  std::vector<pki::OcspCertId> many;
  for (uint8_t i = 1; i <= 65; ++i) many.push_back(*pki::MakeOcspCertId(ca().issuing_certificate(), Bytes{i}));
  OcspReply reply = ca().RespondOcsp(pki::OcspRequest::Create(many)->ToDer());
  EXPECT_EQ(reply.status, pki::OcspResponseStatus::kMalformedRequest);
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(ca().counters().ocsp_requests.load(), 5u);
}

INSTANTIATE_TEST_SUITE_P(Engines, CaOcspTest, ::testing::ValuesIn(store::testing::TestEngines()),
                         store::testing::EngineParamName);

}  // namespace
}  // namespace sedun::ca
