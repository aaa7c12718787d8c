// Revocation, CRLs and status answers on both engines: a revocation is in the next CRL (higher
// number, reason, signed by the issuing CA), CurrentCrl regenerates only when stale, refusals
// change nothing, and the JR/T 0093.6 6.2.3 states as the clock moves.
#include "ca/ca_test_util.h"
#include "pki/crl.h"

namespace sedun::ca {
namespace {

using testing::CaTest;

class CaRevokeTest : public CaTest {};

Bytes CrlNumber(const pki::Crl& crl) { return crl.crl_number().value_or(Bytes{}); }

TEST_P(CaRevokeTest, RevocationIsInTheNewCrl) {
  IssuedCertificate a = Enrol("acct-1", "phone-1");
  IssuedCertificate b = Enrol("acct-2", "phone-2");
  auto first = pki::Crl::FromDer(*ca().CurrentCrl());
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->revoked().empty());
  EXPECT_TRUE(first->VerifySignature(ca().issuing_certificate()).ok());
  EXPECT_EQ(first->issuer_der(), ca().issuing_certificate().subject_der());
  EXPECT_EQ(first->next_update(), std::optional(first->this_update() + std::chrono::hours(24)));

  auto r = ca().Revoke(a.serial_hex, pki::RevocationReason::kKeyCompromise, "operator:alice");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->serial_hex, a.serial_hex);
  EXPECT_NEAR_TIME(r->revoked_at, clock_.Now());
  EXPECT_EQ(Count("ca_certificates", "revoked_by = 'operator:alice'"), 1);

  auto der = ca().CurrentCrl();
  ASSERT_TRUE(der.ok());
  auto crl = pki::Crl::FromDer(*der);
  ASSERT_TRUE(crl.ok());
  EXPECT_TRUE(crl->VerifySignature(ca().issuing_certificate()).ok());
  EXPECT_EQ(crl->crl_number(), std::optional<Bytes>(Bytes{static_cast<uint8_t>(r->crl_number)}));
  EXPECT_GT(CrlNumber(*crl), CrlNumber(*first));
  ASSERT_EQ(crl->revoked().size(), 1u);
  const pki::RevokedCertificate* entry = crl->Find(a.certificate.serial());
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->reason, std::optional(pki::RevocationReason::kKeyCompromise));
  EXPECT_EQ(entry->revocation_time, r->revoked_at);
  EXPECT_EQ(crl->Find(b.certificate.serial()), nullptr);

  // A second revocation: the next CRL lists both.
  auto r2 = ca().Revoke(b.serial_hex, pki::RevocationReason::kUnspecified);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->crl_number, r->crl_number + 1);
  auto crl2 = pki::Crl::FromDer(*ca().CurrentCrl());
  ASSERT_TRUE(crl2.ok());
  EXPECT_EQ(crl2->revoked().size(), 2u);
  ASSERT_NE(crl2->Find(b.certificate.serial()), nullptr);
  EXPECT_FALSE(crl2->Find(b.certificate.serial())->reason.has_value());  // unspecified: no reasonCode
  EXPECT_EQ(ca().counters().revoked.load(), 2u);
}

TEST_P(CaRevokeTest, RevokeRefusalsChangeNothing) {
  IssuedCertificate a = Enrol();
  ASSERT_TRUE(ca().Revoke(a.serial_hex, pki::RevocationReason::kAffiliationChanged).ok());
  IssuedCertificate b = Enrol("acct-2");
  const auto before = Snapshot();
  EXPECT_EQ(ca().Revoke(a.serial_hex, pki::RevocationReason::kKeyCompromise).status().code(),
            Code::kFailedPrecondition);
  EXPECT_EQ(ca().Revoke("0102030405060708", pki::RevocationReason::kKeyCompromise).status().code(), Code::kNotFound);
  EXPECT_EQ(ca().Revoke("xyz", pki::RevocationReason::kKeyCompromise).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ca().Revoke("", pki::RevocationReason::kKeyCompromise).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ca().Revoke(std::string(42, '1'), pki::RevocationReason::kKeyCompromise).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ca().Revoke(b.serial_hex, pki::RevocationReason::kCertificateHold).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ca().Revoke(b.serial_hex, pki::RevocationReason::kRemoveFromCrl).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ca().Revoke(b.serial_hex, static_cast<pki::RevocationReason>(7)).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ca().Revoke(b.serial_hex, pki::RevocationReason::kKeyCompromise, "bad\nrequester").status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Snapshot(), before);
  // Serials are accepted in any case, with colons and leading zeros.
  std::string upper;
  for (char c : b.serial_hex) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  auto r = ca().Revoke("00" + upper, pki::RevocationReason::kKeyCompromise);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->serial_hex, b.serial_hex);
}

TEST_P(CaRevokeTest, CurrentCrlIsReusedUntilHalfItsLifetime) {
  auto a = ca().CurrentCrl();
  ASSERT_TRUE(a.ok());
  auto b = ca().CurrentCrl();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*a, *b);  // no new CRL while fresh
  EXPECT_EQ(Count("ca_crls"), 1);
  EXPECT_EQ(ca().counters().crls_generated.load(), 1u);
  clock_.Advance(std::chrono::hours(11));
  EXPECT_EQ(*ca().CurrentCrl(), *a);
  clock_.Advance(std::chrono::hours(2));  // 13 h of 24 h: past half
  auto c = ca().CurrentCrl();
  ASSERT_TRUE(c.ok());
  EXPECT_NE(*c, *a);
  auto crl = pki::Crl::FromDer(*c);
  ASSERT_TRUE(crl.ok());
  EXPECT_NEAR_TIME(crl->this_update(), clock_.Now());
  EXPECT_EQ(CrlNumber(*crl), Bytes{2});
  // A second instance on the same database serves the same CRL.
  auto other = NewCa(db());
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(*other->CurrentCrl(), *c);
}

TEST_P(CaRevokeTest, ExpiredCertificatesLeaveTheCrl) {
  RegistrationData d = UserData();
  d.validity_days = 2;
  auto reg = ca().Register(d);
  ASSERT_TRUE(reg.ok());
  crypto::Sm2PrivateKey key = testing::NewKey();
  auto issued = ca().Issue({reg->registration_id, reg->auth_code.Clone(), testing::MakeCsr(key)});
  ASSERT_TRUE(issued.ok());
  ASSERT_TRUE(ca().Revoke(issued->serial_hex, pki::RevocationReason::kKeyCompromise).ok());
  EXPECT_EQ(pki::Crl::FromDer(*ca().CurrentCrl())->revoked().size(), 1u);
  clock_.Advance(std::chrono::days(3));
  auto crl = pki::Crl::FromDer(*ca().CurrentCrl());
  ASSERT_TRUE(crl.ok());
  EXPECT_TRUE(crl->revoked().empty());
  // Status still says revoked: revocation wins over expiry.
  EXPECT_EQ(ca().CertificateStatus(issued->serial_hex)->state, CertState::kRevoked);
}

TEST_P(CaRevokeTest, StatusStates) {
  RegistrationData d = UserData("acct-s", "phone-s");
  d.validity_days = 60;
  auto reg = ca().Register(d);
  ASSERT_TRUE(reg.ok());
  crypto::Sm2PrivateKey key = testing::NewKey();
  auto issued = ca().Issue({reg->registration_id, reg->auth_code.Clone(), testing::MakeCsr(key)});
  ASSERT_TRUE(issued.ok());
  const std::string serial = issued->serial_hex;

  auto s = ca().CertificateStatus(serial);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->state, CertState::kValid);
  EXPECT_EQ(s->account_id, "acct-s");
  EXPECT_EQ(s->client_id, "phone-s");
  EXPECT_EQ(s->not_after, issued->not_after);
  EXPECT_EQ(CertStateName(s->state), "valid");

  clock_.Advance(std::chrono::days(30));  // exactly the window before notAfter
  EXPECT_EQ(ca().CertificateStatus(serial)->state, CertState::kExpiringSoon);
  EXPECT_EQ(ca().ListCertificates("acct-s")->at(0).state, CertState::kExpiringSoon);
  // The window is configurable.
  CaConfig narrow = Config();
  narrow.expiring_soon_window = std::chrono::days(7);
  auto other = NewCa(db(), narrow);
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->CertificateStatus(serial)->state, CertState::kValid);

  clock_.Advance(std::chrono::days(30) + std::chrono::seconds(1));
  EXPECT_EQ(ca().CertificateStatus(serial)->state, CertState::kExpired);

  ASSERT_TRUE(ca().Revoke(serial, pki::RevocationReason::kCessationOfOperation).ok());
  s = ca().CertificateStatus(serial);
  EXPECT_EQ(s->state, CertState::kRevoked);
  EXPECT_EQ(s->reason, std::optional(pki::RevocationReason::kCessationOfOperation));
  EXPECT_TRUE(s->revoked_at.has_value());

  s = ca().CertificateStatus("0a0b0c0d");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->state, CertState::kUnknown);
  EXPECT_EQ(ca().CertificateStatus("not hex").status().code(), Code::kInvalidArgument);
}

TEST_P(CaRevokeTest, ListCertificatesByAccountAndClient) {
  IssuedCertificate a1 = Enrol("acct-l", "phone-a");
  IssuedCertificate a2 = Enrol("acct-l", "phone-b");
  Enrol("acct-other", "phone-a");
  auto all = ca().ListCertificates("acct-l");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
  auto one = ca().ListCertificates("acct-l", "phone-b");
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one->at(0).serial_hex, a2.serial_hex);
  EXPECT_TRUE(one->at(0).der.empty());
  EXPECT_TRUE(ca().ListCertificates("nobody")->empty());
  EXPECT_EQ(ca().ListCertificates("bad id").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ca().ListCertificates("acct-l", "bad'client").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ca().FindCertificate("0a0b").status().code(), Code::kNotFound);
  (void)a1;
}

INSTANTIATE_TEST_SUITE_P(Engines, CaRevokeTest, ::testing::ValuesIn(store::testing::TestEngines()),
                         store::testing::EngineParamName);

}  // namespace
}  // namespace sedun::ca
