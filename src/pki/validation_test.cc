// Tests of path validation over real SM2 chains built with the certificate builder: the
// success path, one test per failure code (JR/T 0093.6 7.3.2.2 a-h), the documented order of
// checks, trust-anchor matching and the "expiring soon" hint (JR/T 6.2.3).
#include "pki/validation.h"

#include <gtest/gtest.h>

#include "pki/validation_test_util.h"

namespace sedun::pki {
namespace {

using namespace std::chrono;
using testing::BaseOptions;
using testing::CaSpec;
using testing::IssueByCa;
using testing::LeafSpec;
using testing::MakeChain;
using testing::NewKey;
using testing::Now;
using testing::TestChain;

class ValidationTest : public ::testing::Test {
 protected:
  TestChain c_ = MakeChain();
  ValidationOptions options_ = BaseOptions(c_);

  static void ExpectCode(const ValidationResult& r, ValidationError want, std::optional<size_t> index = 0) {
    EXPECT_EQ(r.code(), ValidationErrorCode(want)) << r.message;
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(r.message.empty());
    if (index) {
      EXPECT_EQ(r.failed_index, index) << r.message;
    }
  }
};

TEST_F(ValidationTest, ValidChain) {
  ValidationResult r = ValidateCertificate(c_.leaf, options_);
  ASSERT_TRUE(r.ok()) << r.code() << ": " << r.message;
  EXPECT_EQ(r.code(), "ok");
  EXPECT_TRUE(r.message.empty());
  ASSERT_EQ(r.chain.size(), 3u);
  EXPECT_EQ(r.chain[0].ToDer(), c_.leaf.ToDer());
  EXPECT_EQ(r.chain[1].ToDer(), c_.ca.ToDer());
  EXPECT_EQ(r.chain[2].ToDer(), c_.root.ToDer());
  EXPECT_EQ(r.not_after, c_.leaf.not_after());
  EXPECT_FALSE(r.expiring_soon);
  EXPECT_FALSE(r.failed_index.has_value());
  EXPECT_TRUE(ValidationStatus(r).ok());
}

TEST_F(ValidationTest, IntermediatesInAnyOrderWithNoise) {
  TestChain other = MakeChain();
  options_.intermediates = {other.ca, other.leaf, c_.ca, other.root};
  EXPECT_TRUE(ValidateCertificate(c_.leaf, options_).ok());
}

TEST_F(ValidationTest, ErrorCodesAreStableAndRoundTrip) {
  const std::vector<std::pair<ValidationError, std::string_view>> want = {
      {ValidationError::kOk, "ok"},
      {ValidationError::kMalformed, "malformed_certificate"},
      {ValidationError::kIssuerMismatch, "issuer_mismatch"},
      {ValidationError::kBadSignature, "bad_signature"},
      {ValidationError::kAlgorithmNotAllowed, "algorithm_not_allowed"},
      {ValidationError::kNotYetValid, "not_yet_valid"},
      {ValidationError::kExpired, "expired"},
      {ValidationError::kKeyUsage, "key_usage"},
      {ValidationError::kUntrustedRoot, "untrusted_root"},
      {ValidationError::kChainIncomplete, "chain_incomplete"},
      {ValidationError::kNotCa, "not_ca"},
      {ValidationError::kPolicy, "policy"},
      {ValidationError::kRevoked, "revoked"},
      {ValidationError::kRevocationUnknown, "revocation_unknown"},
      {ValidationError::kUserMismatch, "user_mismatch"},
  };
  for (const auto& [e, s] : want) {
    EXPECT_EQ(ValidationErrorCode(e), s);
    EXPECT_EQ(ValidationErrorFromCode(s), e);
  }
  EXPECT_FALSE(ValidationErrorFromCode("Expired").has_value());
  EXPECT_FALSE(ValidationErrorFromCode("").has_value());
}

// a) The leaf names "other ca" as issuer but was signed by the key of "sedun ca".
TEST_F(ValidationTest, IssuerNameMismatch) {
  Certificate renamed =
      IssueCertificate(CaSpec("other ca", 9, 0), c_.ca_key.public_key(), c_.root, c_.root_key).value();
  for (bool aki : {true, false}) {
    CertificateSpec spec = LeafSpec("misnamed");
    spec.authority_key_identifier = aki;  // found by key identifier, or by signature alone
    Certificate leaf = IssueCertificate(spec, NewKey().public_key(), renamed, c_.ca_key).value();
    ValidationResult r = ValidateCertificate(leaf, options_);
    ExpectCode(r, ValidationError::kIssuerMismatch);
    EXPECT_NE(r.message.find("other ca"), std::string::npos) << r.message;
  }
}

// b) One bit of the signature value flipped (the last byte of the DER is in s).
TEST_F(ValidationTest, BadSignature) {
  Bytes der = c_.leaf.ToDer();
  der.back() ^= 0x01;
  Certificate tampered = Certificate::FromDer(der).value();
  ExpectCode(ValidateCertificate(tampered, options_), ValidationError::kBadSignature);
}

TEST_F(ValidationTest, BadSignatureOfIntermediate) {
  Bytes der = c_.ca.ToDer();
  der.back() ^= 0x01;
  options_.intermediates = {Certificate::FromDer(der).value()};
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kBadSignature, 1);
}

// c) every link's validity period, not just the leaf's.
TEST_F(ValidationTest, Expired) {
  CertificateSpec spec = LeafSpec("old");
  spec.not_before = Now() - days(30);
  spec.not_after = Now() - days(1);
  ValidationResult r = ValidateCertificate(IssueByCa(c_, spec), options_);
  ExpectCode(r, ValidationError::kExpired);
  EXPECT_FALSE(r.expiring_soon);
  EXPECT_EQ(r.not_after, spec.not_after);
}

TEST_F(ValidationTest, NotYetValid) {
  CertificateSpec spec = LeafSpec("future");
  spec.not_before = Now() + days(1);
  spec.not_after = Now() + days(30);
  ExpectCode(ValidateCertificate(IssueByCa(c_, spec), options_), ValidationError::kNotYetValid);
  // The same chain at a time before the leaf's notBefore.
  options_.at = Now() - hours(2);
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kNotYetValid);
}

TEST_F(ValidationTest, ExpiredIntermediate) {
  CertificateSpec ca_spec = CaSpec("short ca", 5, 0);
  ca_spec.not_after = Now() + days(1);
  crypto::Sm2PrivateKey ca_key = NewKey();
  Certificate ca = IssueCertificate(ca_spec, ca_key.public_key(), c_.root, c_.root_key).value();
  Certificate leaf = IssueCertificate(LeafSpec("leaf"), NewKey().public_key(), ca, ca_key).value();
  options_.intermediates = {ca};
  EXPECT_TRUE(ValidateCertificate(leaf, options_).ok());
  options_.at = Now() + days(2);  // leaf still valid, its CA no longer
  ExpectCode(ValidateCertificate(leaf, options_), ValidationError::kExpired, 1);
}

TEST_F(ValidationTest, ExpiredRoot) {
  options_.at = Now() + days(400);  // past the root (365 days) and the leaf (30 days)
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kExpired, 0);
  CertificateSpec spec = LeafSpec("long");
  spec.not_after = Now() + days(800);
  // A leaf outliving its CA (365 days): the CA is the first expired link.
  ExpectCode(ValidateCertificate(IssueByCa(c_, spec), options_), ValidationError::kExpired, 1);
}

// d) key usage against the purpose.
TEST_F(ValidationTest, EncryptionCertificateIsNotForSigning) {
  CertificateSpec spec = LeafSpec("enc");
  spec.key_usage = key_usage::kKeyEncipherment | key_usage::kDataEncipherment | key_usage::kKeyAgreement;
  Certificate enc = IssueByCa(c_, spec);
  ExpectCode(ValidateCertificate(enc, options_), ValidationError::kKeyUsage);
  options_.purpose = Purpose::kEncrypt;
  EXPECT_TRUE(ValidateCertificate(enc, options_).ok());
  // And the signing certificate is not for encryption (JR/T 7.3.3.2 a).
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kKeyUsage);
  options_.purpose = Purpose::kAny;
  EXPECT_TRUE(ValidateCertificate(enc, options_).ok());
}

TEST_F(ValidationTest, NonRepudiationAloneIsEnoughForSigning) {
  CertificateSpec spec = LeafSpec("nr");
  spec.key_usage = key_usage::kNonRepudiation;
  EXPECT_TRUE(ValidateCertificate(IssueByCa(c_, spec), options_).ok());
}

TEST_F(ValidationTest, ServerAuth) {
  CertificateSpec spec = LeafSpec("server");
  spec.key_usage = key_usage::kDigitalSignature;
  spec.extended_key_usage = {"serverAuth"};
  Certificate server = IssueByCa(c_, spec);
  options_.purpose = Purpose::kServerAuth;
  EXPECT_TRUE(ValidateCertificate(server, options_).ok());
  // The client-auth leaf (EKU clientAuth only) is no server certificate.
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kKeyUsage);
  // Without EKU, digitalSignature suffices; nonRepudiation alone does not.
  spec.extended_key_usage.clear();
  EXPECT_TRUE(ValidateCertificate(IssueByCa(c_, spec), options_).ok());
  spec.key_usage = key_usage::kNonRepudiation;
  ExpectCode(ValidateCertificate(IssueByCa(c_, spec), options_), ValidationError::kKeyUsage);
  // A server certificate (digitalSignature) may sign: the documented kSign rule.
  options_.purpose = Purpose::kSign;
  EXPECT_TRUE(ValidateCertificate(server, options_).ok());
}

// JR/T 7.3.2.1 a: the signature flag must be present, so no keyUsage means no signing.
TEST_F(ValidationTest, AbsentKeyUsage) {
  CertificateSpec spec = LeafSpec("no ku");
  spec.key_usage = std::nullopt;
  Certificate leaf = IssueByCa(c_, spec);
  ASSERT_FALSE(leaf.key_usage().has_value());
  for (Purpose p : {Purpose::kSign, Purpose::kEncrypt, Purpose::kServerAuth}) {
    options_.purpose = p;
    ExpectCode(ValidateCertificate(leaf, options_), ValidationError::kKeyUsage);
  }
  options_.purpose = Purpose::kAny;
  EXPECT_TRUE(ValidateCertificate(leaf, options_).ok());
}

// e) trust anchors and path building.
TEST_F(ValidationTest, UnknownRoot) {
  options_.trusted_roots = {SelfSignCertificate(CaSpec("other root", 1, std::nullopt), NewKey()).value()};
  options_.intermediates = {c_.ca, c_.root};  // the client sent its whole chain
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kUntrustedRoot, 2);
  // Without the root among the candidates the path just stops.
  options_.intermediates = {c_.ca};
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kChainIncomplete, 1);
  // No trusted roots at all.
  options_.trusted_roots.clear();
  options_.intermediates = {c_.ca, c_.root};
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kUntrustedRoot, 2);
}

TEST_F(ValidationTest, SelfSignedLeafIsUntrusted) {
  CertificateSpec spec = LeafSpec("self");
  crypto::Sm2PrivateKey key = NewKey();
  Certificate self = SelfSignCertificate(spec, key).value();
  ExpectCode(ValidateCertificate(self, options_), ValidationError::kUntrustedRoot, 0);
}

TEST_F(ValidationTest, MissingIntermediate) {
  options_.intermediates.clear();
  ValidationResult r = ValidateCertificate(c_.leaf, options_);
  ExpectCode(r, ValidationError::kChainIncomplete, 0);
  EXPECT_EQ(r.chain.size(), 1u);
}

TEST_F(ValidationTest, PathLongerThanAllowed) {
  options_.max_path_length = 2;
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kChainIncomplete, 1);
  options_.max_path_length = 3;
  EXPECT_TRUE(ValidateCertificate(c_.leaf, options_).ok());
}

// A root re-issued with the same subject and key is the same anchor; the configured one ends
// the path.
TEST_F(ValidationTest, ReissuedRootWithSameKeyIsTrusted) {
  CertificateSpec spec = CaSpec("sedun root", 77, std::nullopt);
  spec.not_after = Now() + days(3650);
  Certificate reissued = SelfSignCertificate(spec, c_.root_key).value();
  ASSERT_NE(reissued.ToDer(), c_.root.ToDer());
  options_.trusted_roots = {reissued};
  for (auto inter : {std::vector<Certificate>{c_.ca}, std::vector<Certificate>{c_.ca, c_.root}}) {
    options_.intermediates = inter;
    ValidationResult r = ValidateCertificate(c_.leaf, options_);
    ASSERT_TRUE(r.ok()) << r.message;
    EXPECT_EQ(r.chain.back().ToDer(), reissued.ToDer());
  }
}

TEST_F(ValidationTest, SameNameOtherKeyIsNotTheRoot) {
  Certificate impostor = SelfSignCertificate(CaSpec("sedun root", 1, std::nullopt), NewKey()).value();
  options_.trusted_roots = {impostor};
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kBadSignature, 1);
  options_.intermediates = {c_.ca, c_.root};
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kUntrustedRoot, 2);
}

// A CA renewed with the same key: the expired copy sent along does not hide the current one.
TEST_F(ValidationTest, RenewedIntermediatePreferredOverExpiredCopy) {
  CertificateSpec old_spec = CaSpec("sedun ca", 30, 0);
  old_spec.not_before = Now() - days(400);
  old_spec.not_after = Now() - days(35);
  Certificate old_ca = IssueCertificate(old_spec, c_.ca_key.public_key(), c_.root, c_.root_key).value();
  options_.intermediates = {old_ca, c_.ca};
  ValidationResult r = ValidateCertificate(c_.leaf, options_);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.chain[1].ToDer(), c_.ca.ToDer());
  options_.intermediates = {old_ca};
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kExpired, 1);
}

TEST_F(ValidationTest, LeafThatIsTheTrustedRoot) {
  options_.purpose = Purpose::kAny;
  ValidationResult r = ValidateCertificate(c_.root, options_);
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.chain.size(), 1u);
}

// e) issuers must be CAs allowed to sign certificates, within their path length.
TEST_F(ValidationTest, IssuerNotCa) {
  // A certificate with the CA's name and key but cA = FALSE stands in for the CA.
  CertificateSpec spec = CaSpec("sedun ca", 40, std::nullopt);
  spec.basic_constraints = BasicConstraints{false, std::nullopt};
  spec.key_usage = key_usage::kDigitalSignature | key_usage::kKeyCertSign;
  options_.intermediates = {IssueCertificate(spec, c_.ca_key.public_key(), c_.root, c_.root_key).value()};
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kNotCa, 1);

  spec.basic_constraints = std::nullopt;
  options_.intermediates = {IssueCertificate(spec, c_.ca_key.public_key(), c_.root, c_.root_key).value()};
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kNotCa, 1);
}

TEST_F(ValidationTest, IssuerWithoutKeyCertSign) {
  CertificateSpec spec = CaSpec("sedun ca", 41, 0);
  spec.key_usage = key_usage::kDigitalSignature | key_usage::kCrlSign;
  options_.intermediates = {IssueCertificate(spec, c_.ca_key.public_key(), c_.root, c_.root_key).value()};
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kNotCa, 1);
  spec.key_usage = std::nullopt;
  options_.intermediates = {IssueCertificate(spec, c_.ca_key.public_key(), c_.root, c_.root_key).value()};
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kNotCa, 1);
}

TEST_F(ValidationTest, PathLengthConstraint) {
  // root -> ca (pathLen 0) -> sub CA -> leaf: one intermediate too many below "sedun ca".
  crypto::Sm2PrivateKey sub_key = NewKey();
  Certificate sub =
      IssueCertificate(CaSpec("sub ca", 50, std::nullopt), sub_key.public_key(), c_.ca, c_.ca_key).value();
  Certificate leaf = IssueCertificate(LeafSpec("deep"), NewKey().public_key(), sub, sub_key).value();
  options_.intermediates = {c_.ca, sub};
  ExpectCode(ValidateCertificate(leaf, options_), ValidationError::kNotCa, 2);
  // Under a CA without a constraint the same depth is fine.
  crypto::Sm2PrivateKey open_key = NewKey();
  Certificate open =
      IssueCertificate(CaSpec("open ca", 51, std::nullopt), open_key.public_key(), c_.root, c_.root_key).value();
  Certificate sub2 = IssueCertificate(CaSpec("sub ca 2", 52, 0), sub_key.public_key(), open, open_key).value();
  Certificate leaf2 = IssueCertificate(LeafSpec("deep"), NewKey().public_key(), sub2, sub_key).value();
  options_.intermediates = {open, sub2};
  ValidationResult r = ValidateCertificate(leaf2, options_);
  EXPECT_TRUE(r.ok()) << r.message;
  EXPECT_EQ(r.chain.size(), 4u);
}

// f) certificate policy.
TEST_F(ValidationTest, Policy) {
  const std::string fin = "1.2.156.112560.1.1";
  options_.required_policies = {"1.2.156.112560.9", fin};
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kPolicy);
  CertificateSpec spec = LeafSpec("with policy");
  spec.policy_oids = {"1.2.3.4", fin};
  EXPECT_TRUE(ValidateCertificate(IssueByCa(c_, spec), options_).ok());
  spec.policy_oids = {"2.5.29.32.0"};  // anyPolicy in the leaf does not assert the financial one
  ExpectCode(ValidateCertificate(IssueByCa(c_, spec), options_), ValidationError::kPolicy);

  // An intermediate that lists policies must allow the leaf's one.
  crypto::Sm2PrivateKey key = NewKey();
  for (const auto& [ca_policies, ok] : std::vector<std::pair<std::vector<std::string>, bool>>{
           {{"1.2.156.112560.9"}, false}, {{fin}, true}, {{"2.5.29.32.0"}, true}}) {
    CertificateSpec ca_spec = CaSpec("policy ca", 60, 0);
    ca_spec.policy_oids = ca_policies;
    Certificate ca = IssueCertificate(ca_spec, key.public_key(), c_.root, c_.root_key).value();
    spec.policy_oids = {fin};
    Certificate leaf = IssueCertificate(spec, NewKey().public_key(), ca, key).value();
    options_.intermediates = {ca};
    ValidationResult r = ValidateCertificate(leaf, options_);
    if (ok) {
      EXPECT_TRUE(r.ok()) << r.message;
    } else {
      ExpectCode(r, ValidationError::kPolicy, 1);
    }
  }
}

// g) revocation must be configured or explicitly skipped.
TEST_F(ValidationTest, RevocationRequiredWithoutSource) {
  options_.check_revocation = true;
  ValidationResult r = ValidateCertificate(c_.leaf, options_);
  ExpectCode(r, ValidationError::kRevocationUnknown);
  Status st = ValidationStatus(r);
  EXPECT_EQ(st.code(), Code::kUnavailable);
  EXPECT_EQ(st.message().rfind("revocation_unknown: ", 0), 0u) << st.message();
}

// h) / JR/T 7.3.1.3 c: the certificate must be the user's.
TEST_F(ValidationTest, UserBindingBySerial) {
  Bytes serial = c_.leaf.serial();
  options_.binding.registered_serials = std::vector<Bytes>{{0x42}, Concat({Bytes{0x00}, serial})};
  EXPECT_TRUE(ValidateCertificate(c_.leaf, options_).ok());
  options_.binding.registered_serials = std::vector<Bytes>{{0x42}};
  ValidationResult r = ValidateCertificate(c_.leaf, options_);
  ExpectCode(r, ValidationError::kUserMismatch);
  EXPECT_EQ(ValidationStatus(r).code(), Code::kVerifyFailed);
  // Set but empty: the user has no registered certificate.
  options_.binding.registered_serials = std::vector<Bytes>{};
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kUserMismatch);
}

TEST_F(ValidationTest, UserBindingBySubjectAndCallback) {
  options_.binding.expected_subject_der = c_.leaf.subject_der();
  EXPECT_TRUE(ValidateCertificate(c_.leaf, options_).ok());
  options_.binding.expected_subject_der = c_.ca.subject_der();
  ExpectCode(ValidateCertificate(c_.leaf, options_), ValidationError::kUserMismatch);

  options_.binding = {};
  int calls = 0;
  options_.binding.check = [&](const Certificate& leaf) {
    ++calls;
    return leaf.subject_string().find("CN=leaf") != std::string::npos ? Status::Ok()
                                                                      : PermissionDenied("not this user's device");
  };
  EXPECT_TRUE(ValidateCertificate(c_.leaf, options_).ok());
  ValidationResult r = ValidateCertificate(IssueByCa(c_, LeafSpec("someone else")), options_);
  ExpectCode(r, ValidationError::kUserMismatch);
  EXPECT_EQ(r.message, "not this user's device");
  EXPECT_EQ(calls, 2);
}

// JR/T 6.2.3: "about to expire" inside the window, not outside; a hint, not an error.
TEST_F(ValidationTest, ExpiringSoon) {
  CertificateSpec spec = LeafSpec("soon");
  spec.not_after = Now() + days(3);
  Certificate soon = IssueByCa(c_, spec);
  ValidationResult r = ValidateCertificate(soon, options_);  // window 7 days
  ASSERT_TRUE(r.ok()) << r.message;
  EXPECT_TRUE(r.expiring_soon);
  EXPECT_EQ(r.not_after, spec.not_after);
  options_.expiring_window = days(2);
  EXPECT_FALSE(ValidateCertificate(soon, options_).expiring_soon);
  options_.expiring_window = days(30);
  EXPECT_TRUE(ValidateCertificate(c_.leaf, options_).expiring_soon);  // 30 days left
  options_.expiring_window = days(29);
  EXPECT_FALSE(ValidateCertificate(c_.leaf, options_).expiring_soon);
  // Reported even when another check fails.
  options_.expiring_window = days(7);
  options_.purpose = Purpose::kEncrypt;
  r = ValidateCertificate(soon, options_);
  ExpectCode(r, ValidationError::kKeyUsage);
  EXPECT_TRUE(r.expiring_soon);
}

// The documented order decides which fault is reported.
TEST_F(ValidationTest, OrderOfChecks) {
  CertificateSpec spec = LeafSpec("many faults");
  spec.not_before = Now() - days(10);
  spec.not_after = Now() - days(1);
  spec.key_usage = key_usage::kKeyEncipherment;
  Certificate expired_enc = IssueByCa(c_, spec);
  options_.required_policies = {"1.2.3"};
  options_.binding.registered_serials = std::vector<Bytes>{};
  ExpectCode(ValidateCertificate(expired_enc, options_), ValidationError::kExpired);  // time before usage

  Bytes der = expired_enc.ToDer();
  der.back() ^= 0x01;
  Certificate tampered = Certificate::FromDer(der).value();
  ExpectCode(ValidateCertificate(tampered, options_), ValidationError::kBadSignature);  // signature before time

  options_.intermediates.clear();
  ExpectCode(ValidateCertificate(tampered, options_), ValidationError::kChainIncomplete);  // path first

  options_.intermediates = {c_.ca};
  spec.not_before = Now() - days(1);
  spec.not_after = Now() + days(100);
  ExpectCode(ValidateCertificate(IssueByCa(c_, spec), options_), ValidationError::kKeyUsage);  // usage before policy
  spec.key_usage = key_usage::kDigitalSignature;
  ExpectCode(ValidateCertificate(IssueByCa(c_, spec), options_), ValidationError::kPolicy);  // policy before binding
  options_.required_policies.clear();
  ExpectCode(ValidateCertificate(IssueByCa(c_, spec), options_), ValidationError::kUserMismatch);
  options_.check_revocation = true;  // revocation before binding
  ExpectCode(ValidateCertificate(IssueByCa(c_, spec), options_), ValidationError::kRevocationUnknown);
}

TEST_F(ValidationTest, BytesInput) {
  EXPECT_TRUE(ValidateCertificateBytes(c_.leaf.ToDer(), options_).ok());
  EXPECT_TRUE(ValidateCertificateBytes(AsBytes(c_.leaf.ToPem()), options_).ok());
  for (const Bytes& bad : {Bytes{}, Bytes{0x30, 0x03, 0x02, 0x01}, Concat({c_.leaf.ToDer(), Bytes{0x00}})}) {
    ValidationResult r = ValidateCertificateBytes(bad, options_);
    EXPECT_EQ(r.code(), "malformed_certificate");
    EXPECT_TRUE(r.chain.empty());
    EXPECT_EQ(ValidationStatus(r).code(), Code::kMalformed);
  }
}

}  // namespace
}  // namespace sedun::pki
