// Tests of certificate issuance: spec validation, field round trips (serials, times across the
// UTCTime/GeneralizedTime boundary, UTF-8 names, policies, URLs) and issuer checks.
#include "pki/cert_builder.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>

#include "pki/pki_test_util.h"
#include "util/temp_dir.h"

namespace sedun::pki {
namespace {

using sedun::testing::TempDir;
using testing::CaSpec;
using testing::LeafSpec;
using testing::NewKey;
using testing::RunCommand;
using testing::WriteText;

using namespace std::chrono;

Bytes H(std::string_view hex) { return HexDecode(hex).value(); }

TEST(CertBuilder, SelfSignedRoundTrip) {
  auto key = NewKey();
  CertificateSpec spec = CaSpec("root", 1, 3);
  spec.serial = H("00ff00112233445566778899aabbccddeeff0011");  // leading zero dropped: 19 octets
  spec.subject = {{"C", "CN"}, {"O", "中国测试"}, {"OU", "个人网银"}, {"CN", "张三"}};
  spec.not_before = sys_days(2020y / 1 / 1) + 12h;
  spec.not_after = sys_days(2051y / 6 / 30) + 23h + 59min + 59s;  // GeneralizedTime from 2050
  spec.policy_oids = {"1.2.156.112570.1.1.1", "2.5.29.32.0"};
  spec.ca_issuer_urls = {"http://ca.example.test/root.cer"};
  spec.ocsp_urls = {"http://ocsp.example.test/a", "http://ocsp.example.test/b"};
  spec.crl_distribution_urls = {"http://crl.example.test/a.crl", "ldap://ldap.example.test/cn=crl"};
  auto cert = SelfSignCertificate(spec, key);
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_EQ(cert->serial(), H("ff00112233445566778899aabbccddeeff0011"));
  EXPECT_EQ(cert->subject(), spec.subject);
  EXPECT_EQ(cert->issuer(), spec.subject);
  EXPECT_EQ(cert->subject_string(), "CN=张三,OU=个人网银,O=中国测试,C=CN");
  EXPECT_EQ(cert->not_before(), spec.not_before);
  EXPECT_EQ(cert->not_after(), spec.not_after);
  EXPECT_EQ(cert->basic_constraints(), (BasicConstraints{true, 3}));
  EXPECT_EQ(cert->policy_oids(), spec.policy_oids);
  EXPECT_EQ(cert->ca_issuer_urls(), spec.ca_issuer_urls);
  EXPECT_EQ(cert->ocsp_urls(), spec.ocsp_urls);
  EXPECT_EQ(cert->crl_distribution_urls(), spec.crl_distribution_urls);
  EXPECT_EQ(cert->subject_key_id(), cert->authority_key_id());
  EXPECT_EQ(cert->subject_key_id()->size(), 20u);
  EXPECT_TRUE(cert->VerifySignature(*cert).ok());

  TempDir dir;
  WriteText(dir.File("c.pem"), cert->ToPem());
  auto r = RunCommand("openssl x509 -in " + dir.File("c.pem") + " -noout -text -nameopt utf8,sep_comma_plus");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("CN=张三"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Not After : Jun 30 23:59:59 2051 GMT"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Policy: 1.2.156.112570.1.1.1"), std::string::npos) << r.output;
  // openssl computes the same key identifier (SHA-1 of the subjectPublicKey).
  r = RunCommand("openssl x509 -in " + dir.File("c.pem") + " -noout -ext subjectKeyIdentifier");
  std::string hex;
  for (size_t i = 0; i < cert->subject_key_id()->size(); ++i) {
    if (i) hex += ":";
    char b[3];
    snprintf(b, sizeof b, "%02X", (*cert->subject_key_id())[i]);
    hex += b;
  }
  EXPECT_NE(r.output.find(hex), std::string::npos) << hex << "\n" << r.output;
}

TEST(CertBuilder, HighBitSerialStaysPositive) {
  auto key = NewKey();
  CertificateSpec spec = CaSpec("root", 1, std::nullopt);
  spec.serial = H("80");
  auto cert = SelfSignCertificate(spec, key);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(cert->serial(), H("80"));
}

TEST(CertBuilder, OptionalExtensionsOff) {
  auto key = NewKey();
  CertificateSpec spec;
  spec.serial = {1};
  spec.subject = {{"CN", "bare"}};
  spec.not_before = sys_days(2024y / 1 / 1);
  spec.not_after = sys_days(2025y / 1 / 1);
  spec.subject_key_identifier = false;
  spec.authority_key_identifier = false;
  auto cert = SelfSignCertificate(spec, key);
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_TRUE(cert->extensions().empty());
  EXPECT_FALSE(cert->basic_constraints().has_value());
  EXPECT_FALSE(cert->key_usage().has_value());
  EXPECT_FALSE(cert->subject_key_id().has_value());
}

TEST(CertBuilder, RejectsBadSpecs) {
  auto key = NewKey();
  auto expect_invalid = [&](const std::function<void(CertificateSpec&)>& change) {
    CertificateSpec spec = CaSpec("root", 1, std::nullopt);
    change(spec);
    auto r = SelfSignCertificate(spec, key);
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << r.status().ToString();
  };
  expect_invalid([](CertificateSpec& s) { s.serial = {}; });
  expect_invalid([](CertificateSpec& s) { s.serial = {0, 0}; });
  expect_invalid([](CertificateSpec& s) { s.serial = Bytes(21, 1); });
  expect_invalid([](CertificateSpec& s) { s.subject = {}; });
  expect_invalid([](CertificateSpec& s) { s.subject = {{"C", "CHN"}}; });  // countryName is 2 letters
  expect_invalid([](CertificateSpec& s) { s.subject = {{"NoSuchAttr", "x"}}; });
  expect_invalid([](CertificateSpec& s) { s.subject = {{"CN", ""}}; });
  expect_invalid([](CertificateSpec& s) { s.not_after = s.not_before; });
  expect_invalid([](CertificateSpec& s) { s.basic_constraints = BasicConstraints{false, 1}; });
  expect_invalid([](CertificateSpec& s) { s.key_usage = 0; });
  expect_invalid([](CertificateSpec& s) { s.extended_key_usage = {"noSuchPurpose"}; });
  expect_invalid([](CertificateSpec& s) { s.policy_oids = {"1.2.x"}; });
  expect_invalid([](CertificateSpec& s) { s.ocsp_urls = {"http://a b/"}; });
  expect_invalid([](CertificateSpec& s) { s.crl_distribution_urls = {"http://é/"}; });
}

TEST(CertBuilder, IssuerChecks) {
  auto root_key = NewKey(), leaf_key = NewKey(), other = NewKey();
  Certificate root = SelfSignCertificate(CaSpec("root", 1, std::nullopt), root_key).value();
  EXPECT_EQ(IssueCertificate(LeafSpec("x"), leaf_key.public_key(), root, other).status().code(),
            Code::kInvalidArgument);
  Certificate leaf = IssueCertificate(LeafSpec("x"), leaf_key.public_key(), root, root_key).value();
  EXPECT_EQ(leaf.issuer_der(), root.subject_der());
  EXPECT_EQ(IssueCertificate(LeafSpec("y"), other.public_key(), leaf, leaf_key).status().code(),
            Code::kFailedPrecondition);
}

}  // namespace
}  // namespace sedun::pki
