// Tests of SIGN and SIGN WITH SERVER CHECK: signatures over SM3(ZA || M) with the signer ID,
// checked by sedun and by openssl; the PIN verification consumed by each attempt (JR/T 7.2); the
// server signature checked before anything is signed (film-shield 2.3.2).
#include <gtest/gtest.h>

#include "base/file.h"
#include "crypto/sm2.h"
#include "pki/key_io.h"
#include "se/applet/applet_test_util.h"
#include "util/run.h"
#include "util/temp_dir.h"

namespace sedun::se::applet {
namespace {

using test::AppletTest;
using test::Name;
using test::ResponseField;
using test::Tlvs;

const Bytes kMessage = ToBytes(AsBytes("pay 100.00 CNY to 6222 0000 1234 5678 at 2025-06-01T08:00:00Z"));

class SignCommandsTest : public AppletTest {
 protected:
  void SetUp() override { cert_ = Enrol("bank", KeySlotId::kSign); }
  crypto::Sm2PublicKey Key() const { return cert_.public_key().value(); }
  Bytes ServerSignature(ByteView message) const {
    return crypto::Sm2Sign(pki_.server_key, message).value();
  }
  pki::Certificate cert_ = pki_.server;
};

TEST_F(SignCommandsTest, SignsWithTheDefaultId) {
  auto r = Ok(&Sign, Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, kMessage}}));
  auto sig = ResponseField(r, tag::kSignature);
  ASSERT_TRUE(sig.has_value());
  EXPECT_TRUE(crypto::Sm2Verify(Key(), kMessage, *sig).ok());
  EXPECT_FALSE(crypto::Sm2Verify(Key(), kMessage, *sig, AsBytes("another id")).ok());
  EXPECT_FALSE(session_.user_pin_verified);
}

TEST_F(SignCommandsTest, SignsWithTheGivenId) {
  const Bytes id = ToBytes(AsBytes("zhangsan@bank.example"));
  auto r = Ok(&Sign, Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, kMessage}, {tag::kUserId, id}}));
  auto sig = ResponseField(r, tag::kSignature);
  ASSERT_TRUE(sig.has_value());
  EXPECT_TRUE(crypto::Sm2Verify(Key(), kMessage, *sig, id).ok());
  EXPECT_FALSE(crypto::Sm2Verify(Key(), kMessage, *sig).ok());
}

TEST_F(SignCommandsTest, SignsAnEmptyMessage) {
  auto r = Ok(&Sign, Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, {}}}));
  EXPECT_TRUE(crypto::Sm2Verify(Key(), {}, ResponseField(r, tag::kSignature).value_or(Bytes{})).ok());
}

TEST_F(SignCommandsTest, OpensslVerifiesTheSignature) {
  auto r = Ok(&Sign, Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, kMessage}}));
  sedun::testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.File("m"), kMessage).ok());
  ASSERT_TRUE(WriteFileAtomic(dir.File("sig"), ResponseField(r, tag::kSignature).value_or(Bytes{})).ok());
  ASSERT_TRUE(WriteFileAtomic(dir.File("pub.pem"), AsBytes(pki::PublicKeyToPem(Key()).value())).ok());
  const std::string verify = "openssl pkeyutl -verify -pubin -inkey " + dir.File("pub.pem") +
                             " -rawin -digest sm3 -in " + dir.File("m") + " -sigfile " + dir.File("sig");
  auto v = sedun::testing::RunCommand(verify + " -pkeyopt distid:1234567812345678 2>&1");
  EXPECT_EQ(v.exit_code, 0) << v.out;
  v = sedun::testing::RunCommand(verify + " -pkeyopt distid:1234567812345679 2>&1");
  EXPECT_NE(v.exit_code, 0) << v.out;
}

TEST_F(SignCommandsTest, EachSignatureNeedsItsOwnPinVerification) {
  const Bytes req = Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, kMessage}});
  Ok(&Sign, req);
  // JR/T 7.2: the state machine resets after the signature; the handler refuses a second one.
  ExpectError(&Sign, req, 0x6982);
  session_.user_pin_verified = true;  // VERIFY again
  Ok(&Sign, req);
  // A failed attempt uses up the verification as well.
  session_.user_pin_verified = true;
  ExpectError(&Sign, Tlvs({{tag::kContainerName, Name("nobody")}, {tag::kData, kMessage}}), 0x6A88);
  EXPECT_FALSE(session_.user_pin_verified);
  ExpectError(&Sign, req, 0x6982);
}

TEST_F(SignCommandsTest, SignErrors) {
  MakeContainer("enc only");
  MakeKey("enc only", KeySlotId::kEncrypt);
  struct Case {
    Bytes data;
    uint16_t sw;
  };
  const Case cases[] = {
      {Tlvs({{tag::kContainerName, Name("nobody")}, {tag::kData, kMessage}}), 0x6A88},
      {Tlvs({{tag::kContainerName, Name("enc only")}, {tag::kData, kMessage}}), 0x6A88},  // no slot 01 key
      {Tlvs({{tag::kContainerName, Name("bank")}}), 0x6A80},
      {Tlvs({{tag::kData, kMessage}}), 0x6A80},
      {Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, kMessage}, {tag::kUserId, {}}}), 0x6A80},
      {Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, kMessage}, {tag::kUserId, Bytes(256, 'i')}}), 0x6A80},
      {Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, kMessage}, {tag::kData, kMessage}}), 0x6A80},
      {Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, kMessage}, {tag::kKeySlot, {0x01}}}), 0x6A80},
  };
  for (const Case& c : cases) {
    session_.user_pin_verified = true;
    ExpectError(&Sign, c.data, c.sw);
  }
  session_.user_pin_verified = false;
  ExpectError(&Sign, Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, kMessage}}), 0x6982);
}

TEST_F(SignCommandsTest, SignsAfterCheckingTheServerSignature) {
  const Bytes challenge = ToBytes(AsBytes("login challenge 8f3a91c2"));
  auto r = Ok(&SignWithServerCheck, Tlvs({{tag::kContainerName, Name("bank")},
                                          {tag::kData, challenge},
                                          {tag::kServerSignature, ServerSignature(challenge)}}));
  auto sig = ResponseField(r, tag::kSignature);
  ASSERT_TRUE(sig.has_value());
  EXPECT_TRUE(crypto::Sm2Verify(Key(), challenge, *sig).ok());
  EXPECT_FALSE(session_.user_pin_verified);

  const Bytes id = ToBytes(AsBytes("user-7"));
  session_.user_pin_verified = true;
  r = Ok(&SignWithServerCheck, Tlvs({{tag::kContainerName, Name("bank")},
                                     {tag::kData, challenge},
                                     {tag::kServerSignature, ServerSignature(challenge)},
                                     {tag::kUserId, id}}));
  EXPECT_TRUE(crypto::Sm2Verify(Key(), challenge, ResponseField(r, tag::kSignature).value_or(Bytes{}), id).ok());
}

TEST_F(SignCommandsTest, RefusesToSignWhenTheServerSignatureFails) {
  const Bytes data = ToBytes(AsBytes("transfer 5000.00 CNY nonce 77"));
  Bytes altered = data;
  altered[10] ^= 0x01;
  auto other_key = crypto::Sm2PrivateKey::Generate().value();
  const Bytes bad_signatures[] = {
      ServerSignature(altered),                                  // over other data
      crypto::Sm2Sign(other_key, data).value(),                  // by another key
      crypto::Sm2Sign(pki_.server_key, data, AsBytes("x")).value(),  // with another ID
      {0x30, 0x00},                                              // not a signature
      {},
  };
  for (const Bytes& bad : bad_signatures) {
    session_.user_pin_verified = true;
    ExpectError(&SignWithServerCheck,
                Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, data}, {tag::kServerSignature, bad}}),
                0x6988);
    EXPECT_FALSE(session_.user_pin_verified);
  }
}

TEST_F(SignCommandsTest, ServerCheckErrors) {
  const Bytes data = ToBytes(AsBytes("d"));
  const Bytes good = ServerSignature(data);
  session_.user_pin_verified = false;
  ExpectError(&SignWithServerCheck,
              Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, data}, {tag::kServerSignature, good}}), 0x6982);
  session_.user_pin_verified = true;
  ExpectError(&SignWithServerCheck, Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, data}}), 0x6A80);
  session_.user_pin_verified = true;
  ExpectError(&SignWithServerCheck,
              Tlvs({{tag::kContainerName, Name("nobody")}, {tag::kData, data}, {tag::kServerSignature, good}}), 0x6A88);
  session_.user_pin_verified = true;
  state_.server_certificate.clear();
  ExpectError(&SignWithServerCheck,
              Tlvs({{tag::kContainerName, Name("bank")}, {tag::kData, data}, {tag::kServerSignature, good}}), 0x6985);
}

}  // namespace
}  // namespace sedun::se::applet
