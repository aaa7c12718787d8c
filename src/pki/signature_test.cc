// Tests of SM3withSM2 with the default ID, cross-checked against `openssl dgst -sigopt distid`.
#include "pki/signature.h"

#include <gtest/gtest.h>

#include "pki/der_walk.h"
#include "pki/key_io.h"
#include "pki/pki_test_util.h"
#include "util/temp_dir.h"

namespace sedun::pki {
namespace {

using sedun::testing::TempDir;
using testing::NewKey;
using testing::ReadBytes;
using testing::RunCommand;
using testing::WriteBytes;
using testing::WriteText;

TEST(Signature, SignVerify) {
  auto key = NewKey(), other = NewKey();
  Bytes msg = ToBytes(AsBytes("message digest"));
  auto sig = Sm2SignWithDefaultId(key, msg);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_TRUE(DerParseSingle(*sig, der_tag::kSequence, "sig").ok());
  EXPECT_TRUE(Sm2VerifyWithDefaultId(key.public_key(), msg, *sig).ok());
  EXPECT_EQ(Sm2VerifyWithDefaultId(other.public_key(), msg, *sig).code(), Code::kVerifyFailed);
  Bytes msg2 = msg;
  msg2.back() ^= 1;
  EXPECT_EQ(Sm2VerifyWithDefaultId(key.public_key(), msg2, *sig).code(), Code::kVerifyFailed);
  EXPECT_EQ(Sm2VerifyWithDefaultId(key.public_key(), msg, ByteView(*sig).first(sig->size() - 1)).code(),
            Code::kVerifyFailed);
  // Non-canonical DER (an extra leading zero in r) is refused by OpenSSL's SM2 verifier.
  EXPECT_EQ(Sm2VerifyWithDefaultId(key.public_key(), msg, {}).code(), Code::kVerifyFailed);
}

TEST(Signature, InteropWithOpensslDgst) {
  TempDir dir;
  auto key = NewKey();
  WriteBytes(dir.File("k.pem"), PrivateKeyToPem(key)->view());
  WriteText(dir.File("pub.pem"), PublicKeyToPem(key.public_key()).value());
  WriteText(dir.File("msg"), "abc");
  // openssl signs, we verify.
  auto r =
      RunCommand("openssl dgst -sm3 -sign " + dir.File("k.pem") + " -sigopt distid:1234567812345678 -out " +
                 dir.File("theirs.sig") + " " + dir.File("msg"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(
      Sm2VerifyWithDefaultId(key.public_key(), AsBytes("abc"), ReadBytes(dir.File("theirs.sig"))).ok());
  // We sign, openssl verifies.
  WriteBytes(dir.File("ours.sig"), Sm2SignWithDefaultId(key, AsBytes("abc")).value());
  r = RunCommand("openssl dgst -sm3 -verify " + dir.File("pub.pem") +
                 " -sigopt distid:1234567812345678 -signature " + dir.File("ours.sig") + " " +
                 dir.File("msg"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Verified OK"), std::string::npos) << r.output;
  // openssl's default (empty) ID gives a different ZA: our signature does not verify there.
  r = RunCommand("openssl dgst -sm3 -verify " + dir.File("pub.pem") + " -signature " + dir.File("ours.sig") +
                 " " + dir.File("msg"));
  EXPECT_NE(r.exit_code, 0) << r.output;
}

TEST(Signature, VerifySignedDer) {
  auto key = NewKey();
  Bytes tbs = DerEncode(der_tag::kSequence, AsBytes("x"));
  Bytes sig = Sm2SignWithDefaultId(key, tbs).value();
  EXPECT_TRUE(
      VerifySignedDer(AssembleSigned(tbs, Sm3WithSm2AlgorithmId(), sig), key.public_key(), "obj").ok());
  Bytes ecdsa = HexDecode("300a06082a8648ce3d040302").value();
  auto st = VerifySignedDer(AssembleSigned(tbs, ecdsa, sig), key.public_key(), "obj");
  EXPECT_EQ(st.code(), Code::kUnsupported);
  EXPECT_NE(st.message().find("obj"), std::string::npos);
}

}  // namespace
}  // namespace sedun::pki
