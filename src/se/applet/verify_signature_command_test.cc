// Tests of VERIFY SIGNATURE: with a certificate the card validates first, or with a container's
// signature certificate; 6300 for a signature that does not verify.
#include <gtest/gtest.h>

#include "crypto/sm2.h"
#include "se/applet/applet_test_util.h"

namespace sedun::se::applet {
namespace {

using test::AppletTest;
using test::At;
using test::kNow;
using test::LeafSpec;
using test::Name;
using test::NewKey;
using test::Tlvs;

const Bytes kMessage = ToBytes(AsBytes("statement 2025-05"));

class VerifySignatureTest : public AppletTest {
 protected:
  crypto::Sm2PrivateKey signer_key_ = NewKey();
  pki::Certificate signer_ = pki_.Issue(LeafSpec("counterparty", {0x44}, KeySlotId::kSign), signer_key_.public_key());
  Bytes signature_ = crypto::Sm2Sign(signer_key_, kMessage).value();
};

TEST_F(VerifySignatureTest, VerifiesWithAValidatedCertificate) {
  auto r = Ok(&VerifySignature,
              Tlvs({{tag::kCertificate, pki_.Chain(signer_)}, {tag::kData, kMessage}, {tag::kSignature, signature_}}));
  EXPECT_TRUE(r.data.empty());
  // The certificate alone, without its intermediate, does not validate...
  ExpectError(&VerifySignature,
              Tlvs({{tag::kCertificate, signer_.ToDer()}, {tag::kData, kMessage}, {tag::kSignature, signature_}}),
              0x6982);
  // ...but a certificate issued by the root directly does.
  pki::Certificate direct = pki::IssueCertificate(LeafSpec("direct", {0x45}, KeySlotId::kSign),
                                                  signer_key_.public_key(), pki_.root, pki_.root_key)
                                .value();
  Ok(&VerifySignature,
     Tlvs({{tag::kCertificate, direct.ToDer()}, {tag::kData, kMessage}, {tag::kSignature, signature_}}));
}

TEST_F(VerifySignatureTest, ReportsABadSignatureWith6300) {
  Bytes altered = kMessage;
  altered[0] ^= 0x20;
  const Bytes chain = pki_.Chain(signer_);
  ExpectError(&VerifySignature,
              Tlvs({{tag::kCertificate, chain}, {tag::kData, altered}, {tag::kSignature, signature_}}), 0x6300);
  ExpectError(&VerifySignature,
              Tlvs({{tag::kCertificate, chain}, {tag::kData, kMessage}, {tag::kSignature, {0x30, 0x00}}}), 0x6300);
  // Another ID than the one signed with.
  ExpectError(&VerifySignature,
              Tlvs({{tag::kCertificate, chain},
                    {tag::kData, kMessage},
                    {tag::kSignature, signature_},
                    {tag::kUserId, Name("someone")}}),
              0x6300);
  Bytes with_id = crypto::Sm2Sign(signer_key_, kMessage, AsBytes("someone")).value();
  Ok(&VerifySignature, Tlvs({{tag::kCertificate, chain},
                             {tag::kData, kMessage},
                             {tag::kSignature, with_id},
                             {tag::kUserId, Name("someone")}}));
}

TEST_F(VerifySignatureTest, RefusesCertificatesTheCardDoesNotTrust) {
  auto rogue_key = NewKey();
  pki::Certificate rogue =
      pki::SelfSignCertificate(test::CaSpec("sedun ca", 2, std::nullopt), rogue_key).value();
  Bytes sig = crypto::Sm2Sign(rogue_key, kMessage).value();
  ExpectError(&VerifySignature, Tlvs({{tag::kCertificate, rogue.ToDer()}, {tag::kData, kMessage}, {tag::kSignature, sig}}),
              0x6982);
  // Expired signer certificate.
  pki::CertificateSpec expired = LeafSpec("old", {0x46}, KeySlotId::kSign);
  expired.not_after = At(kNow - 1);
  pki::Certificate old = pki_.Issue(expired, signer_key_.public_key());
  ExpectError(&VerifySignature,
              Tlvs({{tag::kCertificate, pki_.Chain(old)}, {tag::kData, kMessage}, {tag::kSignature, signature_}}),
              0x6982);
  // An encryption-only certificate is not for signatures (JR/T 7.3.2.1 a).
  pki::Certificate enc = pki_.Issue(LeafSpec("enc", {0x47}, KeySlotId::kEncrypt), signer_key_.public_key());
  ExpectError(&VerifySignature,
              Tlvs({{tag::kCertificate, pki_.Chain(enc)}, {tag::kData, kMessage}, {tag::kSignature, signature_}}),
              0x6982);
  ExpectError(&VerifySignature,
              Tlvs({{tag::kCertificate, {0x30, 0x01, 0x00}}, {tag::kData, kMessage}, {tag::kSignature, signature_}}),
              0x6A80);
}

TEST_F(VerifySignatureTest, VerifiesWithAContainersCertificate) {
  Enrol("bank", KeySlotId::kSign);
  session_.user_pin_verified = true;
  auto signed_r = Ok(&Sign, Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, kMessage}}));
  Bytes sig = test::ResponseField(signed_r, tag::kSignature).value_or(Bytes{});
  Ok(&VerifySignature, Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, kMessage}, {tag::kSignature, sig}}));
  ExpectError(&VerifySignature,
              Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, Name("other")}, {tag::kSignature, sig}}), 0x6300);
  ExpectError(&VerifySignature,
              Tlvs({{tag::kContainerName, Name("nobody")}, {tag::kData, kMessage}, {tag::kSignature, sig}}), 0x6A88);
  MakeContainer("no cert");
  MakeKey("no cert", KeySlotId::kSign);
  ExpectError(&VerifySignature,
              Tlvs({{tag::kContainerName, Name("no cert")}, {tag::kData, kMessage}, {tag::kSignature, sig}}), 0x6A88);
}

TEST_F(VerifySignatureTest, DataErrors) {
  Enrol("bank", KeySlotId::kSign);
  const Bytes chain = pki_.Chain(signer_);
  // Both a certificate and a container, or neither.
  ExpectError(&VerifySignature,
              Tlvs({{tag::kCertificate, chain},
                    {tag::kContainerName, Name("bank")},
                    {tag::kData, kMessage},
                    {tag::kSignature, signature_}}),
              0x6A80);
  ExpectError(&VerifySignature, Tlvs({{tag::kData, kMessage}, {tag::kSignature, signature_}}), 0x6A80);
  ExpectError(&VerifySignature, Tlvs({{tag::kCertificate, chain}, {tag::kSignature, signature_}}), 0x6A80);
  ExpectError(&VerifySignature, Tlvs({{tag::kCertificate, chain}, {tag::kData, kMessage}}), 0x6A80);
  ExpectError(&VerifySignature,
              Tlvs({{tag::kCertificate, chain}, {tag::kData, kMessage}, {tag::kSignature, signature_}, {0x8E, {1}}}),
              0x6A80);
  EXPECT_EQ(Run(&VerifySignature,
                Tlvs({{tag::kCertificate, chain}, {tag::kData, kMessage}, {tag::kSignature, signature_}}), 0x01, 0x00)
                .sw,
            0x6A86);
}

}  // namespace
}  // namespace sedun::se::applet
