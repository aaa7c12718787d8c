// Tests of ENCRYPT (to a validated certificate only), DECRYPT and OPEN ENVELOPE (slot 02 key),
// including altered ciphertexts and envelopes.
#include <gtest/gtest.h>

#include "crypto/envelope.h"
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
using test::ResponseField;
using test::Tlvs;

const Bytes kSecret = ToBytes(AsBytes("card number 6222 0000 1234 5678"));

class CipherCommandsTest : public AppletTest {
 protected:
  void SetUp() override {
    enc_cert_ = Enrol("bank", KeySlotId::kEncrypt, {0x50, 0x01});
    enc_key_ = enc_cert_.public_key().value();
  }
  Bytes DecryptRequest(const Bytes& ciphertext, const std::string& name = "bank") {
    return Tlvs({{tag::kContainerName, Name(name)}, {tag::kCiphertext, ciphertext}});
  }
  Bytes EnvelopeRequest(const Bytes& envelope, const std::string& name = "bank") {
    return Tlvs({{tag::kContainerName, Name(name)}, {tag::kEnvelope, envelope}});
  }

  pki::Certificate enc_cert_ = pki_.server;
  crypto::Sm2PublicKey enc_key_ = NewKey().public_key();
};

TEST_F(CipherCommandsTest, EncryptsToAValidatedCertificate) {
  crypto::Sm2PrivateKey recipient = NewKey();
  pki::Certificate cert = pki_.Issue(LeafSpec("bank backend", {0x60}, KeySlotId::kEncrypt), recipient.public_key());
  auto r = Ok(&Encrypt, Tlvs({{tag::kCertificate, pki_.Chain(cert)}, {tag::kData, kSecret}}));
  auto ct = ResponseField(r, tag::kCiphertext);
  ASSERT_TRUE(ct.has_value());
  auto pt = crypto::Sm2Decrypt(recipient, *ct, crypto::Sm2CipherFormat::kDer);
  ASSERT_TRUE(pt.ok()) << pt.status().ToString();
  EXPECT_EQ(ToBytes(pt->view()), kSecret);
}

TEST_F(CipherCommandsTest, EncryptThenDecryptInTheCard) {
  auto r = Ok(&Encrypt, Tlvs({{tag::kCertificate, pki_.Chain(enc_cert_)}, {tag::kData, kSecret}}));
  auto ct = ResponseField(r, tag::kCiphertext);
  ASSERT_TRUE(ct.has_value());
  auto d = Ok(&Decrypt, DecryptRequest(*ct));
  EXPECT_EQ(ResponseField(d, tag::kData), kSecret);
  EXPECT_TRUE(session_.user_pin_verified);  // not a signature: the PIN state stays
}

TEST_F(CipherCommandsTest, EncryptRefusesCertificatesItCannotTrust) {
  const Bytes req_data = kSecret;
  // Signature-only key usage (JR/T 7.3.3.2 a).
  pki::Certificate sign_only = pki_.Issue(LeafSpec("x", {0x61}, KeySlotId::kSign), enc_key_);
  ExpectError(&Encrypt, Tlvs({{tag::kCertificate, pki_.Chain(sign_only)}, {tag::kData, req_data}}), 0x6982);
  // Expired (JR/T 7.3.3.2 c: no encryption to an invalid certificate).
  pki::CertificateSpec expired = LeafSpec("x", {0x62}, KeySlotId::kEncrypt);
  expired.not_after = At(kNow - 1);
  ExpectError(&Encrypt, Tlvs({{tag::kCertificate, pki_.Chain(pki_.Issue(expired, enc_key_))}, {tag::kData, req_data}}),
              0x6982);
  // Not from the card's PKI.
  auto other = NewKey();
  pki::Certificate self = pki::SelfSignCertificate(LeafSpec("x", {0x63}, KeySlotId::kEncrypt), other).value();
  ExpectError(&Encrypt, Tlvs({{tag::kCertificate, self.ToDer()}, {tag::kData, req_data}}), 0x6982);
  // Data errors.
  ExpectError(&Encrypt, Tlvs({{tag::kCertificate, pki_.Chain(enc_cert_)}, {tag::kData, {}}}), 0x6A80);
  ExpectError(&Encrypt, Tlvs({{tag::kCertificate, pki_.Chain(enc_cert_)}}), 0x6A80);
  ExpectError(&Encrypt, Tlvs({{tag::kData, req_data}}), 0x6A80);
  ExpectError(&Encrypt, Tlvs({{tag::kCertificate, {0x30, 0x00}}, {tag::kData, req_data}}), 0x6A80);
}

TEST_F(CipherCommandsTest, DecryptsLongerPlaintexts) {
  for (size_t n : {size_t{1}, size_t{127}, size_t{128}, size_t{255}, size_t{256}, size_t{4000}}) {
    Bytes pt(n, static_cast<uint8_t>(n));
    Bytes ct = crypto::Sm2Encrypt(enc_key_, pt).value();
    auto d = Ok(&Decrypt, DecryptRequest(ct));
    EXPECT_EQ(ResponseField(d, tag::kData), pt) << n;
  }
}

TEST_F(CipherCommandsTest, DecryptRejectsAlteredOrForeignCiphertexts) {
  Bytes ct = crypto::Sm2Encrypt(enc_key_, kSecret).value();
  Bytes altered = ct;
  altered[altered.size() - 1] ^= 0x01;  // last byte of C2
  ExpectError(&Decrypt, DecryptRequest(altered), 0x6A80);
  auto parts = crypto::Sm2DecodeCiphertext(ct, crypto::Sm2CipherFormat::kDer).value();
  parts.c3[0] ^= 0x01;
  ExpectError(&Decrypt, DecryptRequest(crypto::Sm2EncodeCiphertext(parts, crypto::Sm2CipherFormat::kDer)), 0x6A80);
  ExpectError(&Decrypt, DecryptRequest(crypto::Sm2Encrypt(NewKey().public_key(), kSecret).value()), 0x6A80);
  ExpectError(&Decrypt, DecryptRequest({0x30, 0x00}), 0x6A80);
  ExpectError(&Decrypt, DecryptRequest(crypto::Sm2Encrypt(enc_key_, kSecret, crypto::Sm2CipherFormat::kC1C3C2).value()),
              0x6A80);

  // Key lookup: the slot 02 key only.
  ExpectError(&Decrypt, DecryptRequest(ct, "nobody"), 0x6A88);
  MakeContainer("sign only");
  MakeKey("sign only", KeySlotId::kSign);
  ExpectError(&Decrypt, DecryptRequest(ct, "sign only"), 0x6A88);
  ExpectError(&Decrypt, Tlvs({{tag::kContainerName, Name("bank")}}), 0x6A80);
  ExpectError(&Decrypt, Tlvs({{tag::kCiphertext, ct}}), 0x6A80);
}

TEST_F(CipherCommandsTest, OpensEnvelopes) {
  Bytes env = crypto::SealEnvelope(enc_key_, kSecret).value();
  auto r = Ok(&OpenEnvelope, EnvelopeRequest(env));
  EXPECT_EQ(ResponseField(r, tag::kData), kSecret);
  Bytes large(3000, 0x5A);
  r = Ok(&OpenEnvelope, EnvelopeRequest(crypto::SealEnvelope(enc_key_, large).value()));
  EXPECT_EQ(ResponseField(r, tag::kData), large);
  r = Ok(&OpenEnvelope, EnvelopeRequest(crypto::SealEnvelope(enc_key_, Bytes{}).value()));
  EXPECT_EQ(r.data, (Bytes{0x84, 0x00}));
}

TEST_F(CipherCommandsTest, OpenEnvelopeRejectsAlteredOrForeignEnvelopes) {
  Bytes env = crypto::SealEnvelope(enc_key_, kSecret).value();
  for (size_t i : {size_t{50}, env.size() / 2, env.size() - 40, env.size() - 1}) {
    Bytes altered = env;
    altered[i] ^= 0x04;
    ExpectError(&OpenEnvelope, EnvelopeRequest(altered), 0x6A80);
  }
  ExpectError(&OpenEnvelope, EnvelopeRequest(Bytes(env.begin(), env.end() - 1)), 0x6A80);
  ExpectError(&OpenEnvelope, EnvelopeRequest(crypto::SealEnvelope(NewKey().public_key(), kSecret).value()), 0x6A88);
  ExpectError(&OpenEnvelope, EnvelopeRequest({}), 0x6A80);
  ExpectError(&OpenEnvelope, EnvelopeRequest(env, "nobody"), 0x6A88);
  MakeContainer("sign only");
  MakeKey("sign only", KeySlotId::kSign);
  ExpectError(&OpenEnvelope, EnvelopeRequest(env, "sign only"), 0x6A88);
  ExpectError(&OpenEnvelope, Tlvs({{tag::kEnvelope, env}}), 0x6A80);
  ExpectError(&OpenEnvelope, Tlvs({{tag::kContainerName, Name("bank")}, {tag::kEnvelope, env}, {tag::kCiphertext, env}}),
              0x6A80);
}

}  // namespace
}  // namespace sedun::se::applet
