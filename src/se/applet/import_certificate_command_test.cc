// Tests of IMPORT CERTIFICATE: key matching, the path to the trust anchor (names, signatures,
// validity, CA constraints), key usage, PKCS#7 chains and storage capacity.
#include <gtest/gtest.h>

#include "se/applet/applet_test_util.h"

namespace sedun::se::applet {
namespace {

using test::AppletTest;
using test::At;
using test::CaSpec;
using test::kDay;
using test::kNow;
using test::LeafSpec;
using test::NewKey;

Bytes Bundle(std::vector<pki::Certificate> certs) {
  return pki::Pkcs7CertsOnlyToDer(pki::Pkcs7CertsOnly{std::move(certs), {}}).value();
}

class ImportCertificateTest : public AppletTest {
 protected:
  void SetUp() override {
    MakeContainer("bank");
    key_ = MakeKey("bank", KeySlotId::kSign);
  }
  pki::CertificateSpec Leaf() const { return LeafSpec("user", {0x10, 0x01}, KeySlotId::kSign); }
  const Bytes& StoredCertificate() { return state_.FindContainer("bank")->sign->certificate; }

  crypto::Sm2PublicKey key_ = NewKey().public_key();
};

TEST_F(ImportCertificateTest, ImportsAPkcs7Chain) {
  pki::Certificate cert = pki_.Issue(Leaf(), key_);
  auto r = Import("bank", KeySlotId::kSign, pki_.Chain(cert));
  EXPECT_EQ(r.sw, 0x9000) << apdu::SwToString(r.sw);
  EXPECT_TRUE(r.data.empty());
  EXPECT_EQ(StoredCertificate(), cert.ToDer());  // the leaf only, not the chain
}

TEST_F(ImportCertificateTest, ImportsAChainThatIncludesTheRoot) {
  pki::Certificate cert = pki_.Issue(Leaf(), key_);
  EXPECT_EQ(Import("bank", KeySlotId::kSign, Bundle({pki_.root, cert, pki_.ca})).sw, 0x9000);
  EXPECT_EQ(StoredCertificate(), cert.ToDer());
}

TEST_F(ImportCertificateTest, ImportsADerCertificateIssuedByTheRoot) {
  pki::Certificate cert = pki::IssueCertificate(Leaf(), key_, pki_.root, pki_.root_key).value();
  EXPECT_EQ(Import("bank", KeySlotId::kSign, cert.ToDer()).sw, 0x9000);
  EXPECT_EQ(StoredCertificate(), cert.ToDer());
}

TEST_F(ImportCertificateTest, ReplacesAnEarlierCertificate) {
  pki::Certificate first = pki_.Issue(Leaf(), key_);
  ASSERT_EQ(Import("bank", KeySlotId::kSign, pki_.Chain(first)).sw, 0x9000);
  pki::CertificateSpec renewed = Leaf();
  renewed.serial = {0x10, 0x02};
  pki::Certificate second = pki_.Issue(renewed, key_);
  ASSERT_EQ(Import("bank", KeySlotId::kSign, pki_.Chain(second)).sw, 0x9000);
  EXPECT_EQ(StoredCertificate(), second.ToDer());
}

TEST_F(ImportCertificateTest, RefusesACertificateForAnotherKey) {
  pki::Certificate other = pki_.Issue(Leaf(), NewKey().public_key());
  ExpectError(&ImportCertificate, test::Tlvs({{tag::kContainerName, test::Name("bank")},
                                              {tag::kKeySlot, test::Slot(KeySlotId::kSign)},
                                              {tag::kCertificate, pki_.Chain(other)}}),
              0x6A88);
  // The slot 02 key has no certificate in this chain either, and slot 01's key is not slot 02's.
  MakeKey("bank", KeySlotId::kEncrypt);
  pki::Certificate for_sign_key = pki_.Issue(LeafSpec("user", {0x10, 0x03}, KeySlotId::kEncrypt), key_);
  EXPECT_EQ(Import("bank", KeySlotId::kEncrypt, pki_.Chain(for_sign_key)).sw, 0x6A88);
  EXPECT_TRUE(StoredCertificate().empty());
}

TEST_F(ImportCertificateTest, RefusesUntrustedChains) {
  const std::string before = test::Snapshot(state_);
  // Another PKI with the same names.
  auto root_key = NewKey();
  auto ca_key = NewKey();
  pki::Certificate root = pki::SelfSignCertificate(CaSpec("sedun root", 1, std::nullopt), root_key).value();
  pki::Certificate ca = pki::IssueCertificate(CaSpec("sedun ca", 2, 0), ca_key.public_key(), root, root_key).value();
  pki::Certificate leaf = pki::IssueCertificate(Leaf(), key_, ca, ca_key).value();
  EXPECT_EQ(Import("bank", KeySlotId::kSign, Bundle({leaf, ca})).sw, 0x6982);
  EXPECT_EQ(Import("bank", KeySlotId::kSign, Bundle({leaf, ca, root})).sw, 0x6982);
  // The right intermediate's name but a certificate signed by the impostor root.
  EXPECT_EQ(Import("bank", KeySlotId::kSign, Bundle({leaf, ca, pki_.ca})).sw, 0x6982);
  // A leaf issued by the real intermediate, sent without it: no path.
  EXPECT_EQ(Import("bank", KeySlotId::kSign, pki_.Issue(Leaf(), key_).ToDer()).sw, 0x6982);
  // A self-signed certificate for the card's key.
  auto self_key = state_.FindContainer("bank")->sign->private_key.Clone();
  auto priv = crypto::Sm2PrivateKey::FromScalar(self_key.view()).value();
  pki::CertificateSpec self = CaSpec("self", 9, std::nullopt);
  pki::Certificate self_signed = pki::SelfSignCertificate(self, priv).value();
  EXPECT_EQ(Import("bank", KeySlotId::kSign, self_signed.ToDer()).sw, 0x6982);
  EXPECT_EQ(test::Snapshot(state_), before);
}

TEST_F(ImportCertificateTest, RefusesCertificatesNotValidNow) {
  pki::CertificateSpec expired = Leaf();
  expired.not_before = At(kNow - 60 * kDay);
  expired.not_after = At(kNow - 1);
  EXPECT_EQ(Import("bank", KeySlotId::kSign, pki_.Chain(pki_.Issue(expired, key_))).sw, 0x6982);
  pki::CertificateSpec future = Leaf();
  future.not_before = At(kNow + 1);
  future.not_after = At(kNow + 60 * kDay);
  EXPECT_EQ(Import("bank", KeySlotId::kSign, pki_.Chain(pki_.Issue(future, key_))).sw, 0x6982);
  // The card's clock decides: the same certificate imports once it is valid.
  now_ = kNow + 2;
  EXPECT_EQ(Import("bank", KeySlotId::kSign, pki_.Chain(pki_.Issue(future, key_))).sw, 0x9000);
  // Bounds are inclusive (RFC 5280 4.1.2.5).
  now_ = kNow - 1;
  EXPECT_EQ(Import("bank", KeySlotId::kSign, pki_.Chain(pki_.Issue(expired, key_))).sw, 0x9000);
}

TEST_F(ImportCertificateTest, RefusesAnExpiredIntermediateOrAnchor) {
  pki::CertificateSpec old_ca = CaSpec("old ca", 3, 0);
  old_ca.not_after = At(kNow - kDay);
  auto old_ca_key = NewKey();
  pki::Certificate ca = pki::IssueCertificate(old_ca, old_ca_key.public_key(), pki_.root, pki_.root_key).value();
  pki::Certificate leaf = pki::IssueCertificate(Leaf(), key_, ca, old_ca_key).value();
  EXPECT_EQ(Import("bank", KeySlotId::kSign, Bundle({leaf, ca})).sw, 0x6982);

  pki::CertificateSpec old_root = CaSpec("old root", 4, std::nullopt);
  old_root.not_after = At(kNow - kDay);
  auto old_root_key = NewKey();
  pki::Certificate root = pki::SelfSignCertificate(old_root, old_root_key).value();
  pki::Certificate leaf2 = pki::IssueCertificate(Leaf(), key_, root, old_root_key).value();
  state_.trust_anchor = root.ToDer();
  EXPECT_EQ(Import("bank", KeySlotId::kSign, leaf2.ToDer()).sw, 0x6982);
}

TEST_F(ImportCertificateTest, RefusesIntermediatesThatAreNotUsableCas) {
  // The leaf is issued with a CA twin of the intermediate; the chain carries a certificate for
  // the same name and key that is not a CA, or lacks keyCertSign.
  auto mid_key = NewKey();
  pki::Certificate mid_ca = pki::IssueCertificate(CaSpec("mid", 5, 0), mid_key.public_key(), pki_.root, pki_.root_key)
                                .value();
  pki::Certificate leaf = pki::IssueCertificate(Leaf(), key_, mid_ca, mid_key).value();
  ASSERT_EQ(Import("bank", KeySlotId::kSign, Bundle({leaf, mid_ca})).sw, 0x9000);

  pki::CertificateSpec not_ca = CaSpec("mid", 6, std::nullopt);
  not_ca.basic_constraints = pki::BasicConstraints{false, std::nullopt};
  not_ca.key_usage = pki::key_usage::kKeyCertSign;
  pki::Certificate mid_not_ca =
      pki::IssueCertificate(not_ca, mid_key.public_key(), pki_.root, pki_.root_key).value();
  EXPECT_EQ(Import("bank", KeySlotId::kSign, Bundle({leaf, mid_not_ca})).sw, 0x6982);

  pki::CertificateSpec no_bc = not_ca;
  no_bc.basic_constraints.reset();
  pki::Certificate mid_no_bc = pki::IssueCertificate(no_bc, mid_key.public_key(), pki_.root, pki_.root_key).value();
  EXPECT_EQ(Import("bank", KeySlotId::kSign, Bundle({leaf, mid_no_bc})).sw, 0x6982);

  pki::CertificateSpec no_cert_sign = CaSpec("mid", 7, 0);
  no_cert_sign.key_usage = pki::key_usage::kCrlSign;
  pki::Certificate mid_no_cert_sign =
      pki::IssueCertificate(no_cert_sign, mid_key.public_key(), pki_.root, pki_.root_key).value();
  EXPECT_EQ(Import("bank", KeySlotId::kSign, Bundle({leaf, mid_no_cert_sign})).sw, 0x6982);
}

TEST_F(ImportCertificateTest, EnforcesPathLengthConstraints) {
  // root -> ca (pathlen 0) -> sub -> leaf: ca allows no CA below it.
  auto sub_key = NewKey();
  pki::Certificate sub = pki_.Issue(CaSpec("sub", 8, std::nullopt), sub_key.public_key());
  pki::Certificate leaf = pki::IssueCertificate(Leaf(), key_, sub, sub_key).value();
  EXPECT_EQ(Import("bank", KeySlotId::kSign, Bundle({leaf, sub, pki_.ca})).sw, 0x6982);
}

TEST_F(ImportCertificateTest, ChecksKeyUsageAgainstTheSlot) {
  pki::CertificateSpec enc_only = LeafSpec("user", {0x10, 0x05}, KeySlotId::kEncrypt);
  EXPECT_EQ(Import("bank", KeySlotId::kSign, pki_.Chain(pki_.Issue(enc_only, key_))).sw, 0x6982);
  EXPECT_TRUE(StoredCertificate().empty());

  crypto::Sm2PublicKey enc_key = MakeKey("bank", KeySlotId::kEncrypt);
  pki::CertificateSpec sign_only = Leaf();
  EXPECT_EQ(Import("bank", KeySlotId::kEncrypt, pki_.Chain(pki_.Issue(sign_only, enc_key))).sw, 0x6982);
  EXPECT_EQ(Import("bank", KeySlotId::kEncrypt, pki_.Chain(pki_.Issue(enc_only, enc_key))).sw, 0x9000);

  // No keyUsage extension: any use (RFC 5280 4.2.1.3).
  pki::CertificateSpec any = Leaf();
  any.key_usage.reset();
  EXPECT_EQ(Import("bank", KeySlotId::kSign, pki_.Chain(pki_.Issue(any, key_))).sw, 0x9000);
}

TEST_F(ImportCertificateTest, StopsWhenStorageIsFull) {
  pki::Certificate cert = pki_.Issue(Leaf(), key_);
  state_.capacity = state_.UsedBytes() + static_cast<uint32_t>(cert.ToDer().size()) - 1;
  ExpectError(&ImportCertificate, test::Tlvs({{tag::kContainerName, test::Name("bank")},
                                              {tag::kKeySlot, test::Slot(KeySlotId::kSign)},
                                              {tag::kCertificate, pki_.Chain(cert)}}),
              0x6A84);
  state_.capacity += 1;
  EXPECT_EQ(Import("bank", KeySlotId::kSign, pki_.Chain(cert)).sw, 0x9000);
}

TEST_F(ImportCertificateTest, DataErrors) {
  pki::Certificate cert = pki_.Issue(Leaf(), key_);
  const Bytes chain = pki_.Chain(cert);
  auto req = [&](const std::string& name, Bytes slot, Bytes object) {
    return test::Tlvs({{tag::kContainerName, test::Name(name)}, {tag::kKeySlot, slot}, {tag::kCertificate, object}});
  };
  ExpectError(&ImportCertificate, req("nobody", test::Slot(KeySlotId::kSign), chain), 0x6A88);
  ExpectError(&ImportCertificate, req("bank", test::Slot(KeySlotId::kEncrypt), chain), 0x6A88);  // no key pair
  ExpectError(&ImportCertificate, req("bank", {0x00}, chain), 0x6A80);
  ExpectError(&ImportCertificate, req("bank", test::Slot(KeySlotId::kSign), {0x30, 0x03, 0x02, 0x01, 0x01}), 0x6A80);
  ExpectError(&ImportCertificate, req("bank", test::Slot(KeySlotId::kSign), {}), 0x6A80);
  ExpectError(&ImportCertificate, req("bank", test::Slot(KeySlotId::kSign), ToBytes(AsBytes(cert.ToPem()))),
              0x6A80);
  Bytes truncated(chain.begin(), chain.end() - 1);
  ExpectError(&ImportCertificate, req("bank", test::Slot(KeySlotId::kSign), truncated), 0x6A80);
  ExpectError(&ImportCertificate, req("bank", test::Slot(KeySlotId::kSign), Bundle({})), 0x6A80);
  ExpectError(&ImportCertificate,
              test::Tlvs({{tag::kContainerName, test::Name("bank")}, {tag::kKeySlot, test::Slot(KeySlotId::kSign)}}),
              0x6A80);
  EXPECT_EQ(Run(&ImportCertificate, req("bank", test::Slot(KeySlotId::kSign), chain), 0x01, 0x01).sw, 0x6A86);
  EXPECT_TRUE(StoredCertificate().empty());
}

TEST_F(ImportCertificateTest, NeedsATrustAnchor) {
  state_.trust_anchor.clear();
  ExpectError(&ImportCertificate, test::Tlvs({{tag::kContainerName, test::Name("bank")},
                                              {tag::kKeySlot, test::Slot(KeySlotId::kSign)},
                                              {tag::kCertificate, pki_.Chain(pki_.Issue(Leaf(), key_))}}),
              0x6985);
}

}  // namespace
}  // namespace sedun::se::applet
