// Tests of CERTIFICATION REQUEST: the PKCS#10 request is signed in the card with the slot key and
// the default ID, verifies with openssl, and consumes the PIN verification.
#include <gtest/gtest.h>

#include "base/file.h"
#include "pki/csr.h"
#include "pki/name.h"
#include "se/applet/applet_test_util.h"
#include "util/run.h"
#include "util/temp_dir.h"

namespace sedun::se::applet {
namespace {

using test::AppletTest;
using test::Name;
using test::Slot;
using test::Tlvs;

const pki::DistinguishedName kSubject = {
    {"C", "CN"}, {"O", "sedun bank"}, {"OU", "mobile"}, {"CN", "\xE5\xBC\xA0\xE4\xB8\x89"}};  // 张三

class CertificationRequestTest : public AppletTest {
 protected:
  Bytes Request(const std::string& name, KeySlotId slot, const Bytes& subject) {
    return Tlvs({{tag::kContainerName, Name(name)}, {tag::kKeySlot, Slot(slot)}, {tag::kSubject, subject}});
  }
  Bytes subject_ = pki::NameToDer(kSubject).value();
};

TEST_F(CertificationRequestTest, CardSignsTheRequestForItsKey) {
  MakeContainer("bank");
  crypto::Sm2PublicKey key = MakeKey("bank", KeySlotId::kSign);
  auto r = Ok(&CertificationRequest, Request("bank", KeySlotId::kSign, subject_));
  auto csr = pki::CertificateRequest::FromDer(r.data);
  ASSERT_TRUE(csr.ok()) << csr.status().ToString();
  EXPECT_TRUE(csr->VerifySelfSignature().ok());
  EXPECT_EQ(*csr->public_key(), key);
  EXPECT_EQ(csr->subject(), kSubject);
  EXPECT_EQ(csr->subject_der(), subject_);
  EXPECT_EQ(csr->signature_algorithm(), "1.2.156.10197.1.501");
  // JR/T 7.2: a signature uses up the PIN verification.
  EXPECT_FALSE(session_.user_pin_verified);
  ExpectError(&CertificationRequest, Request("bank", KeySlotId::kSign, subject_), 0x6982);

  // The encryption key pair can be certified too.
  MakeKey("bank", KeySlotId::kEncrypt);
  session_.user_pin_verified = true;
  auto enc = Ok(&CertificationRequest, Request("bank", KeySlotId::kEncrypt, subject_));
  auto enc_csr = pki::CertificateRequest::FromDer(enc.data);
  ASSERT_TRUE(enc_csr.ok());
  EXPECT_EQ(ToBytes(enc_csr->public_key()->point()), state_.FindContainer("bank")->encrypt->public_key);
}

TEST_F(CertificationRequestTest, OpensslVerifiesTheRequestWithTheDefaultId) {
  MakeContainer("bank");
  MakeKey("bank", KeySlotId::kSign);
  auto r = Ok(&CertificationRequest, Request("bank", KeySlotId::kSign, subject_));
  sedun::testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.File("req.der"), r.data).ok());
  auto v = sedun::testing::RunCommand("openssl req -inform DER -in " + dir.File("req.der") +
                                      " -verify -noout -vfyopt distid:1234567812345678 2>&1");
  EXPECT_EQ(v.exit_code, 0) << v.out;
  EXPECT_NE(v.out.find("verify OK"), std::string::npos) << v.out;
  // Under OpenSSL's empty default ID it fails (reported, though the exit status stays 0 in
  // OpenSSL 3.0): the card hashed ZA with 1234567812345678.
  v = sedun::testing::RunCommand("openssl req -inform DER -in " + dir.File("req.der") + " -verify -noout 2>&1");
  EXPECT_NE(v.out.find("verify failure"), std::string::npos) << v.out;
  v = sedun::testing::RunCommand("openssl req -inform DER -in " + dir.File("req.der") +
                                 " -noout -subject -nameopt RFC2253 2>&1");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("OU=mobile,O=sedun bank,C=CN"), std::string::npos) << v.out;
}

TEST_F(CertificationRequestTest, RefusedWithoutPinVerification) {
  MakeContainer("bank");
  MakeKey("bank", KeySlotId::kSign);
  session_.user_pin_verified = false;
  ExpectError(&CertificationRequest, Request("bank", KeySlotId::kSign, subject_), 0x6982);
}

TEST_F(CertificationRequestTest, Errors) {
  MakeContainer("bank");
  MakeKey("bank", KeySlotId::kSign);
  struct Case {
    Bytes data;
    uint16_t sw;
  };
  const Case cases[] = {
      {Request("nobody", KeySlotId::kSign, subject_), 0x6A88},
      {Request("bank", KeySlotId::kEncrypt, subject_), 0x6A88},            // no key pair in slot 02
      {Request("bank", KeySlotId::kSign, {0x30, 0x00}), 0x6A80},            // empty Name
      {Request("bank", KeySlotId::kSign, {0x30, 0x03, 0x31, 0x01}), 0x6A80},  // not DER
      {Request("bank", KeySlotId::kSign, Name("CN=x")), 0x6A80},           // text, not DER
      {Tlvs({{tag::kContainerName, Name("bank")}, {tag::kKeySlot, Slot(KeySlotId::kSign)}}), 0x6A80},
      {Tlvs({{tag::kContainerName, Name("bank")}, {tag::kKeySlot, {0x07}}, {tag::kSubject, subject_}}), 0x6A80},
  };
  for (const Case& c : cases) {
    session_.user_pin_verified = true;
    ExpectError(&CertificationRequest, c.data, c.sw);
    // Every attempt uses up the verification, whatever its outcome.
    EXPECT_FALSE(session_.user_pin_verified);
  }
}

}  // namespace
}  // namespace sedun::se::applet
