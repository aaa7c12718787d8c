// Tests of the revocation sources inside path validation (JR/T 0093.6 7.3.2.2 g): CRLs (revoked,
// good, stale, signed by another key, wrong issuer rights, delta/partitioned), OCSP through an
// in-process responder built with OcspResponseBuilder (revoked, good, nonce, signature,
// delegated responders, unknown, stale, error statuses, URLs) and the chained source.
#include "pki/revocation.h"

#include <gtest/gtest.h>

#include "pki/validation_test_util.h"

namespace sedun::pki {
namespace {

using namespace std::chrono;
using testing::BaseOptions;
using testing::CaSpec;
using testing::GoodCrls;
using testing::IssueByCa;
using testing::LeafSpec;
using testing::MakeChain;
using testing::MakeCrl;
using testing::NewKey;
using testing::Now;
using testing::TestChain;
using testing::TestOcspResponder;
using Fault = TestOcspResponder::Fault;

class RevocationTest : public ::testing::Test {
 protected:
  TestChain c_ = MakeChain();
  ValidationOptions options_ = WithRevocation(BaseOptions(c_));
  sys_seconds now_ = Now();

  static ValidationOptions WithRevocation(ValidationOptions o) {
    o.check_revocation = true;
    return o;
  }

  ValidationResult ValidateWith(RevocationChecker& checker, const Certificate& leaf) {
    options_.revocation = &checker;
    return ValidateCertificate(leaf, options_);
  }
  ValidationResult ValidateWith(RevocationChecker& checker) { return ValidateWith(checker, c_.leaf); }

  static void ExpectCode(const ValidationResult& r, ValidationError want, size_t index = 0) {
    EXPECT_EQ(r.code(), ValidationErrorCode(want)) << r.message;
    EXPECT_EQ(r.failed_index, index) << r.message;
  }

  Crl CaCrlRevokingLeaf() const {
    return MakeCrl(c_.ca, c_.ca_key, {{c_.leaf.serial(), now_ - hours(3), RevocationReason::kKeyCompromise}},
                   now_ - hours(1), now_ + days(1), 2);
  }
  // The CA certificate names no responder; the root's answers come from this URL.
  static OcspCheckerOptions OcspOptions() {
    OcspCheckerOptions o;
    o.default_url = "http://ocsp.root.example.test/";
    return o;
  }
  Crl RootCrl() const { return MakeCrl(c_.root, c_.root_key, {}, now_ - hours(1), now_ + days(1)); }
};

TEST_F(RevocationTest, CrlGood) {
  CrlRevocationChecker crls(GoodCrls(c_));
  ValidationResult r = ValidateWith(crls);
  ASSERT_TRUE(r.ok()) << r.message;
  ASSERT_TRUE(r.revocation.has_value());
  EXPECT_FALSE(r.revocation->revoked);
  EXPECT_EQ(r.revocation->source, "crl");
}

TEST_F(RevocationTest, CrlRevokedLeaf) {
  CrlRevocationChecker crls({RootCrl(), CaCrlRevokingLeaf()});
  ValidationResult r = ValidateWith(crls);
  ExpectCode(r, ValidationError::kRevoked);
  ASSERT_TRUE(r.revocation.has_value());
  EXPECT_TRUE(r.revocation->revoked);
  EXPECT_EQ(r.revocation->reason, RevocationReason::kKeyCompromise);
  EXPECT_EQ(r.revocation->revocation_time, now_ - hours(3));
  // Another leaf of the same CA is not on the list.
  CertificateSpec other = LeafSpec("other");
  other.serial = {0x0a, 0x0b};
  EXPECT_TRUE(ValidateWith(crls, IssueByCa(c_, other)).ok());
}

TEST_F(RevocationTest, CrlRevokedIntermediate) {
  Crl root_crl = MakeCrl(c_.root, c_.root_key, {{c_.ca.serial(), now_ - hours(5), RevocationReason::kCaCompromise}},
                         now_ - hours(1), now_ + days(1));
  CrlRevocationChecker crls({root_crl, GoodCrls(c_)[1]});
  ExpectCode(ValidateWith(crls), ValidationError::kRevoked, 1);
  // Leaf-only scope does not look at the CA.
  options_.revocation_scope = RevocationScope::kLeafOnly;
  EXPECT_TRUE(ValidateWith(crls).ok());
}

// Revoked wins over unknown, wherever each is in the path.
TEST_F(RevocationTest, RevokedWinsOverUnknown) {
  CrlRevocationChecker crls({CaCrlRevokingLeaf()});  // no root CRL: the CA's status is unknown
  ExpectCode(ValidateWith(crls), ValidationError::kRevoked, 0);
  CrlRevocationChecker good_leaf({GoodCrls(c_)[1]});
  ExpectCode(ValidateWith(good_leaf), ValidationError::kRevocationUnknown, 1);
}

TEST_F(RevocationTest, StaleCrlIsUnknown) {
  Crl stale = MakeCrl(c_.ca, c_.ca_key, {}, now_ - days(3), now_ - days(1));
  CrlRevocationChecker crls({RootCrl(), stale});
  ValidationResult r = ValidateWith(crls);
  ExpectCode(r, ValidationError::kRevocationUnknown);
  EXPECT_NE(r.message.find("stale"), std::string::npos) << r.message;
  // The freshest CRL is the one used.
  CrlRevocationChecker both({RootCrl(), stale, GoodCrls(c_)[1]});
  EXPECT_TRUE(ValidateWith(both).ok());
}

TEST_F(RevocationTest, FutureCrlIsUnknown) {
  CrlRevocationChecker crls({RootCrl(), MakeCrl(c_.ca, c_.ca_key, {}, now_ + hours(1), now_ + days(1))});
  ExpectCode(ValidateWith(crls), ValidationError::kRevocationUnknown);
}

// A CRL naming the CA but signed by another key proves nothing, even a revocation.
TEST_F(RevocationTest, CrlSignedByAnotherKeyIsNotTrusted) {
  crypto::Sm2PrivateKey other_key = NewKey();
  Certificate impostor = SelfSignCertificate(CaSpec("sedun ca", 2, 0), other_key).value();
  ASSERT_EQ(impostor.subject_der(), c_.ca.subject_der());
  Crl forged = MakeCrl(impostor, other_key, {{c_.leaf.serial(), now_ - hours(1), std::nullopt}}, now_ - hours(1),
                       now_ + days(1));
  CrlRevocationChecker crls({RootCrl(), forged});
  ValidationResult r = ValidateWith(crls);
  ExpectCode(r, ValidationError::kRevocationUnknown);
  EXPECT_NE(r.message.find("not signed by the issuer"), std::string::npos) << r.message;
}

TEST_F(RevocationTest, CrlOfAnIssuerWithoutCrlSign) {
  // The CA's name and key, keyUsage without cRLSign: its CRLs are not acceptable.
  CertificateSpec spec = CaSpec("sedun ca", 3, 0);
  spec.key_usage = key_usage::kKeyCertSign;
  Certificate no_crl_sign = IssueCertificate(spec, c_.ca_key.public_key(), c_.root, c_.root_key).value();
  options_.intermediates = {no_crl_sign};
  CrlRevocationChecker crls(GoodCrls(c_));
  ExpectCode(ValidateWith(crls), ValidationError::kRevocationUnknown);
}

TEST_F(RevocationTest, CrlSourceErrorsAreUnknown) {
  CrlRevocationChecker failing(
      CrlSource([](const Certificate&) -> Result<std::vector<Crl>> { return Unavailable("database down"); }));
  ValidationResult r = ValidateWith(failing);
  ExpectCode(r, ValidationError::kRevocationUnknown);
  EXPECT_NE(r.message.find("database down"), std::string::npos);
  int calls = 0;
  CrlRevocationChecker live(CrlSource([&](const Certificate&) -> Result<std::vector<Crl>> {
    ++calls;
    return GoodCrls(c_);
  }));
  EXPECT_TRUE(ValidateWith(live).ok());
  EXPECT_EQ(calls, 2);  // leaf and CA
}

TEST_F(RevocationTest, OcspGood) {
  TestOcspResponder responder{&c_};
  OcspRevocationChecker ocsp(std::ref(responder), OcspOptions());
  ValidationResult r = ValidateWith(ocsp);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(responder.requests, 2);
  // The leaf's AIA URL, then the configured one for the CA (which names none).
  EXPECT_EQ(responder.urls, (std::vector<std::string>{"http://ocsp.example.test/", "http://ocsp.root.example.test/"}));
  ASSERT_TRUE(r.revocation.has_value());
  EXPECT_EQ(r.revocation->source, "ocsp http://ocsp.example.test/");
}

TEST_F(RevocationTest, OcspRevoked) {
  TestOcspResponder responder{&c_};
  responder.leaf_status = OcspCertStatus::kRevoked;
  OcspRevocationChecker ocsp(std::ref(responder), OcspOptions());
  ValidationResult r = ValidateWith(ocsp);
  ExpectCode(r, ValidationError::kRevoked);
  ASSERT_TRUE(r.revocation.has_value());
  EXPECT_EQ(r.revocation->reason, RevocationReason::kKeyCompromise);
  responder.leaf_status = OcspCertStatus::kGood;
  responder.ca_status = OcspCertStatus::kRevoked;
  ExpectCode(ValidateWith(ocsp), ValidationError::kRevoked, 1);
}

TEST_F(RevocationTest, OcspFaultsAreUnknown) {
  for (Fault f : {Fault::kWrongNonce, Fault::kNoNonce, Fault::kBadSignature, Fault::kStale, Fault::kUnsuccessful}) {
    TestOcspResponder responder{&c_};
    responder.fault = f;
    OcspRevocationChecker ocsp(std::ref(responder), OcspOptions());
    SCOPED_TRACE(static_cast<int>(f));
    ExpectCode(ValidateWith(ocsp), ValidationError::kRevocationUnknown);
  }
  // Responders that ignore nonces are accepted only when asked for.
  TestOcspResponder responder{&c_};
  responder.fault = Fault::kNoNonce;
  OcspCheckerOptions lenient = OcspOptions();
  lenient.require_nonce = false;
  OcspRevocationChecker ocsp(std::ref(responder), lenient);
  EXPECT_TRUE(ValidateWith(ocsp).ok());
  // ... but a wrong nonce never is.
  responder.fault = Fault::kWrongNonce;
  ExpectCode(ValidateWith(ocsp), ValidationError::kRevocationUnknown);
}

TEST_F(RevocationTest, OcspUnknownStatus) {
  TestOcspResponder responder{&c_};
  responder.leaf_status = OcspCertStatus::kUnknown;
  OcspRevocationChecker ocsp(std::ref(responder), OcspOptions());
  ValidationResult r = ValidateWith(ocsp);
  ExpectCode(r, ValidationError::kRevocationUnknown);
  EXPECT_NE(r.message.find("does not know"), std::string::npos) << r.message;
}

TEST_F(RevocationTest, OcspTransportErrorAndMissingUrl) {
  OcspRevocationChecker down([](const std::string&, ByteView) -> Result<Bytes> { return IoError("refused"); },
                             OcspOptions());
  ExpectCode(ValidateWith(down), ValidationError::kRevocationUnknown);

  CertificateSpec spec = LeafSpec("no aia");
  spec.ocsp_urls.clear();
  Certificate leaf = IssueByCa(c_, spec);
  options_.revocation_scope = RevocationScope::kLeafOnly;
  TestOcspResponder responder{&c_};
  OcspRevocationChecker ocsp(std::ref(responder));
  ExpectCode(ValidateWith(ocsp, leaf), ValidationError::kRevocationUnknown);
  EXPECT_EQ(responder.requests, 0);
  OcspCheckerOptions o;
  o.default_url = "http://fallback.example.test/ocsp";
  OcspRevocationChecker with_default(std::ref(responder), o);
  EXPECT_TRUE(ValidateWith(with_default, leaf).ok());
  EXPECT_EQ(responder.last_url, "http://fallback.example.test/ocsp");
  // The certificate's own URL wins unless overridden.
  EXPECT_TRUE(ValidateWith(with_default).ok());
  EXPECT_EQ(responder.last_url, "http://ocsp.example.test/");
  o.override_certificate_url = true;
  OcspRevocationChecker overriding(std::ref(responder), o);
  EXPECT_TRUE(ValidateWith(overriding).ok());
  EXPECT_EQ(responder.last_url, "http://fallback.example.test/ocsp");
}

// RFC 6960 4.2.2.2: a delegated responder issued by the CA with id-kp-OCSPSigning.
TEST_F(RevocationTest, OcspDelegatedResponder) {
  options_.revocation_scope = RevocationScope::kLeafOnly;
  crypto::Sm2PrivateKey key = NewKey();
  CertificateSpec spec = LeafSpec("ocsp responder");
  spec.serial = {0x77};
  spec.key_usage = key_usage::kDigitalSignature;
  spec.extended_key_usage = {"OCSPSigning"};
  Certificate delegate = IssueCertificate(spec, key.public_key(), c_.ca, c_.ca_key).value();
  TestOcspResponder responder{&c_};
  responder.delegate = delegate;
  responder.delegate_key = &key;
  OcspRevocationChecker ocsp(std::ref(responder), OcspOptions());
  EXPECT_TRUE(ValidateWith(ocsp).ok());
  responder.leaf_status = OcspCertStatus::kRevoked;
  ExpectCode(ValidateWith(ocsp), ValidationError::kRevoked);

  // Without the OCSPSigning purpose, or issued by another CA, the responder is not authorised.
  spec.extended_key_usage = {"clientAuth"};
  responder.delegate = IssueCertificate(spec, key.public_key(), c_.ca, c_.ca_key).value();
  ExpectCode(ValidateWith(ocsp), ValidationError::kRevocationUnknown);
  TestChain other = MakeChain();
  spec.extended_key_usage = {"OCSPSigning"};
  responder.delegate = IssueCertificate(spec, key.public_key(), other.ca, other.ca_key).value();
  ExpectCode(ValidateWith(ocsp), ValidationError::kRevocationUnknown);
  // Nor when it has expired.
  spec.not_before = now_ - days(3);
  spec.not_after = now_ - days(1);
  responder.delegate = IssueCertificate(spec, key.public_key(), c_.ca, c_.ca_key).value();
  ExpectCode(ValidateWith(ocsp), ValidationError::kRevocationUnknown);
}

// OCSP first, CRL as fallback; the first established answer decides.
TEST_F(RevocationTest, ChainedSources) {
  TestOcspResponder responder{&c_};
  responder.fault = Fault::kUnsuccessful;
  OcspRevocationChecker ocsp(std::ref(responder), OcspOptions());
  CrlRevocationChecker crls({RootCrl(), CaCrlRevokingLeaf()});
  ChainedRevocationChecker chained({&ocsp, &crls});
  ExpectCode(ValidateWith(chained), ValidationError::kRevoked);  // OCSP down, CRL says revoked

  responder.fault = Fault::kNone;
  EXPECT_TRUE(ValidateWith(chained).ok());  // OCSP answers good first

  CrlRevocationChecker stale({MakeCrl(c_.ca, c_.ca_key, {}, now_ - days(3), now_ - days(1))});
  responder.fault = Fault::kBadSignature;
  ChainedRevocationChecker neither({&ocsp, &stale});
  ValidationResult r = ValidateWith(neither);
  ExpectCode(r, ValidationError::kRevocationUnknown);
  EXPECT_NE(r.message.find("not signed"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("stale"), std::string::npos) << r.message;

  ChainedRevocationChecker empty({});
  ExpectCode(ValidateWith(empty), ValidationError::kRevocationUnknown);
}

TEST_F(RevocationTest, RevokedAfterNotValidBefore) {
  // Revocation is checked after time: an expired and revoked certificate reports expired.
  CertificateSpec spec = LeafSpec("expired and revoked");
  spec.not_before = now_ - days(10);
  spec.not_after = now_ - days(1);
  Certificate leaf = IssueByCa(c_, spec);
  CrlRevocationChecker crls({RootCrl(), MakeCrl(c_.ca, c_.ca_key, {{leaf.serial(), now_ - days(2), std::nullopt}},
                                                now_ - hours(1), now_ + days(1))});
  ExpectCode(ValidateWith(crls, leaf), ValidationError::kExpired);
}

}  // namespace
}  // namespace sedun::pki
