// Tests of SM2 key files: round trips, interoperability with the openssl command line in both
// directions, passphrase encryption, and rejection of malformed and non-SM2 keys.
#include "pki/key_io.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <algorithm>

#include "pki/asn1_util.h"
#include "pki/der_walk.h"
#include "pki/ossl_key.h"
#include "pki/ossl_types.h"
#include "pki/pem.h"
#include "pki/pki_test_util.h"
#include "util/temp_dir.h"

namespace sedun::pki {
namespace {

using crypto::Sm2PrivateKey;
using sedun::testing::TempDir;
using testing::NewKey;
using testing::ReadBytes;
using testing::ReadText;
using testing::RunCommand;
using testing::WriteBytes;
using testing::WriteText;

void ExpectSameKey(const Sm2PrivateKey& a, const Sm2PrivateKey& b) {
  EXPECT_EQ(ToBytes(a.scalar().view()), ToBytes(b.scalar().view()));
  EXPECT_TRUE(a.public_key() == b.public_key());
}

TEST(KeyIo, Pkcs8PemAndDerRoundTrip) {
  Sm2PrivateKey key = NewKey();
  auto pem = PrivateKeyToPem(key);
  ASSERT_TRUE(pem.ok()) << pem.status().ToString();
  EXPECT_EQ(AsChars(pem->view()).substr(0, 27), "-----BEGIN PRIVATE KEY-----");
  auto from_pem = LoadPrivateKey(pem->view());
  ASSERT_TRUE(from_pem.ok()) << from_pem.status().ToString();
  ExpectSameKey(key, *from_pem);

  auto der = PrivateKeyToDer(key);
  ASSERT_TRUE(der.ok());
  auto from_der = LoadPrivateKey(der->view());
  ASSERT_TRUE(from_der.ok()) << from_der.status().ToString();
  ExpectSameKey(key, *from_der);
  // A passphrase given for an unencrypted key is not an error (the caller cannot always know).
  EXPECT_TRUE(LoadPrivateKey(der->view(), "unused").ok());
}

TEST(KeyIo, PublicKeyRoundTrip) {
  Sm2PrivateKey key = NewKey();
  auto pem = PublicKeyToPem(key.public_key());
  ASSERT_TRUE(pem.ok());
  EXPECT_EQ(pem->substr(0, 26), "-----BEGIN PUBLIC KEY-----");
  auto back = LoadPublicKey(AsBytes(*pem));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == key.public_key());
  auto der = PublicKeyToDer(key.public_key());
  ASSERT_TRUE(der.ok());
  auto back_der = LoadPublicKey(*der);
  ASSERT_TRUE(back_der.ok());
  EXPECT_TRUE(*back_der == key.public_key());
  // RFC 5480: id-ecPublicKey with namedCurve sm2p256v1 (1.2.156.10197.1.301).
  Bytes curve_oid = HexDecode("06082a811ccf5501822d").value();
  EXPECT_NE(std::search(der->begin(), der->end(), curve_oid.begin(), curve_oid.end()), der->end());
}

TEST(KeyIo, OpensslReadsSedunKeys) {
  TempDir dir;
  Sm2PrivateKey key = NewKey();
  WriteBytes(dir.File("k.pem"), PrivateKeyToPem(key)->view());
  WriteBytes(dir.File("k.der"), PrivateKeyToDer(key)->view());
  auto r = RunCommand("openssl pkey -in " + dir.File("k.pem") + " -noout");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = RunCommand("openssl pkey -inform DER -in " + dir.File("k.der") + " -noout");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // openssl derives the same public key from our file.
  r = RunCommand("openssl pkey -in " + dir.File("k.pem") + " -pubout -out " + dir.File("pub.pem"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto pub = LoadPublicKey(ReadBytes(dir.File("pub.pem")));
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_TRUE(*pub == key.public_key());
  r = RunCommand("openssl pkey -in " + dir.File("k.pem") + " -text -noout");
  EXPECT_NE(r.output.find("SM2"), std::string::npos) << r.output;

  WriteText(dir.File("p.pem"), PublicKeyToPem(key.public_key()).value());
  r = RunCommand("openssl pkey -pubin -in " + dir.File("p.pem") + " -noout");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(KeyIo, SedunReadsOpensslKeys) {
  TempDir dir;
  auto r =
      RunCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + dir.File("k.pem"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  ASSERT_EQ(RunCommand("openssl pkey -in " + dir.File("k.pem") + " -outform DER -out " + dir.File("k.der"))
                .exit_code,
            0);
  ASSERT_EQ(
      RunCommand("openssl pkey -in " + dir.File("k.pem") + " -pubout -out " + dir.File("pub.pem")).exit_code,
      0);
  ASSERT_EQ(RunCommand("openssl pkey -in " + dir.File("k.pem") + " -pubout -outform DER -out " +
                       dir.File("pub.der"))
                .exit_code,
            0);
  // SEC1: OpenSSL 3.0 labels SM2 keys "SM2 PRIVATE KEY"; other tools write "EC PRIVATE KEY".
  ASSERT_EQ(RunCommand("openssl ec -in " + dir.File("k.pem") + " -out " + dir.File("sec1.pem")).exit_code, 0);
  ASSERT_EQ(RunCommand("openssl ec -in " + dir.File("k.pem") + " -outform DER -out " + dir.File("sec1.der"))
                .exit_code,
            0);

  auto pem = LoadPrivateKey(ReadBytes(dir.File("k.pem")));
  ASSERT_TRUE(pem.ok()) << pem.status().ToString();
  auto der = LoadPrivateKey(ReadBytes(dir.File("k.der")));
  ASSERT_TRUE(der.ok()) << der.status().ToString();
  ExpectSameKey(*pem, *der);
  auto pub = LoadPublicKey(ReadBytes(dir.File("pub.pem")));
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_TRUE(*pub == pem->public_key());
  auto pub_der = LoadPublicKey(ReadBytes(dir.File("pub.der")));
  ASSERT_TRUE(pub_der.ok());
  EXPECT_TRUE(*pub_der == pem->public_key());

  std::string sec1 = ReadText(dir.File("sec1.pem"));
  EXPECT_NE(sec1.find("SM2 PRIVATE KEY"), std::string::npos) << sec1;
  auto from_sec1 = LoadPrivateKey(AsBytes(sec1));
  ASSERT_TRUE(from_sec1.ok()) << from_sec1.status().ToString();
  ExpectSameKey(*pem, *from_sec1);
  std::string ec_label = sec1;
  for (std::string_view from : {"BEGIN SM2 PRIVATE KEY", "END SM2 PRIVATE KEY"}) {
    size_t at = ec_label.find(from);
    ASSERT_NE(at, std::string::npos);
    ec_label.replace(at, from.size(), from[0] == 'B' ? "BEGIN EC PRIVATE KEY" : "END EC PRIVATE KEY");
  }
  auto from_ec = LoadPrivateKey(AsBytes(ec_label));
  ASSERT_TRUE(from_ec.ok()) << from_ec.status().ToString();
  ExpectSameKey(*pem, *from_ec);
  auto from_sec1_der = LoadPrivateKey(ReadBytes(dir.File("sec1.der")));
  ASSERT_TRUE(from_sec1_der.ok()) << from_sec1_der.status().ToString();
  ExpectSameKey(*pem, *from_sec1_der);
}

TEST(KeyIo, EncryptedPkcs8) {
  Sm2PrivateKey key = NewKey();
  auto pem = EncryptPrivateKeyToPem(key, "correct horse", kMinPbkdf2Iterations);
  ASSERT_TRUE(pem.ok()) << pem.status().ToString();
  EXPECT_EQ(pem->substr(0, 37), "-----BEGIN ENCRYPTED PRIVATE KEY-----");
  auto back = LoadPrivateKey(AsBytes(*pem), "correct horse");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSameKey(key, *back);
  EXPECT_EQ(LoadPrivateKey(AsBytes(*pem), "wrong horse").status().code(), Code::kVerifyFailed);
  EXPECT_EQ(LoadPrivateKey(AsBytes(*pem)).status().code(), Code::kInvalidArgument);

  auto der = EncryptPrivateKeyToDer(key, "pw", kMinPbkdf2Iterations);
  ASSERT_TRUE(der.ok());
  // PBES2 with SM4-CBC (1.2.156.10197.1.104.2) and hmacWithSHA256 (1.2.840.113549.2.9).
  for (std::string_view oid : {"06082a811ccf55016802", "06082a864886f70d0209"}) {
    Bytes o = HexDecode(oid).value();
    EXPECT_NE(std::search(der->begin(), der->end(), o.begin(), o.end()), der->end()) << oid;
  }
  auto back_der = LoadPrivateKey(*der, "pw");
  ASSERT_TRUE(back_der.ok()) << back_der.status().ToString();
  ExpectSameKey(key, *back_der);

  EXPECT_EQ(EncryptPrivateKeyToDer(key, "").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(EncryptPrivateKeyToDer(key, "pw", 10).status().code(), Code::kInvalidArgument);
}

TEST(KeyIo, EncryptedInteropWithOpenssl) {
  TempDir dir;
  Sm2PrivateKey key = NewKey();
  WriteText(dir.File("enc.pem"), EncryptPrivateKeyToPem(key, "s3cret", kMinPbkdf2Iterations).value());
  auto r = RunCommand("openssl pkey -in " + dir.File("enc.pem") + " -passin pass:s3cret -out " +
                      dir.File("plain.pem"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto plain = LoadPrivateKey(ReadBytes(dir.File("plain.pem")));
  ASSERT_TRUE(plain.ok());
  ExpectSameKey(key, *plain);

  WriteBytes(dir.File("k.pem"), PrivateKeyToPem(key)->view());
  for (std::string_view cipher : {"sm4-cbc", "aes-256-cbc"}) {
    std::string out = dir.File(std::string(cipher) + ".pem");
    r = RunCommand("openssl pkcs8 -topk8 -v2 " + std::string(cipher) + " -in " + dir.File("k.pem") +
                   " -passout pass:s3cret -out " + out);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto k = LoadPrivateKey(ReadBytes(out), "s3cret");
    ASSERT_TRUE(k.ok()) << cipher << ": " << k.status().ToString();
    ExpectSameKey(key, *k);
  }
  // PKCS#5 v1.5 / PKCS#12 PBEs (here 3DES with SHA-1) are refused.
  r = RunCommand("openssl pkcs8 -topk8 -v1 PBE-SHA1-3DES -in " + dir.File("k.pem") +
                 " -passout pass:s3cret -out " + dir.File("v1.pem"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(LoadPrivateKey(ReadBytes(dir.File("v1.pem")), "s3cret").status().code(), Code::kUnsupported);
}

TEST(KeyIo, ExcessiveIterationCountRefusedBeforeDerivation) {
  // Build the parameters directly (no key derivation happens until encryption) and attach
  // random "ciphertext": the loader must refuse on the iteration count alone.
  X509AlgorPtr pbe(PKCS5_pbe2_set_iv_ex(EVP_sm4_cbc(), static_cast<int>(kMaxPbkdf2Iterations) + 1, nullptr, 0,
                                        nullptr, NID_hmacWithSHA256, nullptr));
  ASSERT_TRUE(pbe);
  Bytes pbe_der = I2d(i2d_X509_ALGOR, pbe.get(), "alg").value();
  Bytes body = Concat({pbe_der, DerEncode(der_tag::kOctetString, Bytes(48, 0x5a))});
  Bytes der = DerEncode(der_tag::kSequence, body);
  auto r = LoadPrivateKey(der, "pw");
  EXPECT_EQ(r.status().code(), Code::kUnsupported) << r.status().ToString();
}

TEST(KeyIo, RejectsMalformedInput) {
  Sm2PrivateKey key = NewKey();
  SecretBytes der = PrivateKeyToDer(key).value();
  Bytes d = ToBytes(der.view());

  Bytes truncated(d.begin(), d.end() - 5);
  EXPECT_EQ(LoadPrivateKey(truncated).status().code(), Code::kMalformed);
  Bytes trailing = d;
  trailing.push_back(0x00);
  auto t = LoadPrivateKey(trailing);
  EXPECT_EQ(t.status().code(), Code::kMalformed);
  EXPECT_NE(t.status().message().find("private key"), std::string::npos) << t.status().ToString();
  EXPECT_EQ(LoadPrivateKey(AsBytes("-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n"))
                .status()
                .code(),
            Code::kMalformed);
  EXPECT_EQ(LoadPrivateKey(AsBytes("hello")).status().code(), Code::kMalformed);
  EXPECT_EQ(LoadPrivateKey(ByteView()).status().code(), Code::kMalformed);

  Bytes pub = PublicKeyToDer(key.public_key()).value();
  Bytes pub_trailing = pub;
  pub_trailing.push_back(0x00);
  EXPECT_EQ(LoadPublicKey(pub_trailing).status().code(), Code::kMalformed);
  EXPECT_EQ(LoadPublicKey(Bytes(pub.begin(), pub.end() - 1)).status().code(), Code::kMalformed);
  // A private key where a public key is expected.
  EXPECT_EQ(LoadPublicKey(AsBytes(AsChars(PrivateKeyToPem(key)->view()))).status().code(), Code::kMalformed);
  // A PEM label that contradicts the content.
  std::string lying = PemEncode("EC PRIVATE KEY", d);
  EXPECT_EQ(LoadPrivateKey(AsBytes(lying)).status().code(), Code::kMalformed);
  // Oversized input.
  Bytes huge(3 * kMaxKeySize, 0x30);
  EXPECT_EQ(LoadPrivateKey(huge).status().code(), Code::kResourceExhausted);
}

TEST(KeyIo, RejectsNonSm2Keys) {
  TempDir dir;
  ASSERT_EQ(RunCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                       dir.File("p256.pem"))
                .exit_code,
            0);
  ASSERT_EQ(RunCommand("openssl pkey -in " + dir.File("p256.pem") + " -pubout -out " + dir.File("p256.pub"))
                .exit_code,
            0);
  ASSERT_EQ(RunCommand("openssl genpkey -algorithm ED25519 -out " + dir.File("ed.pem")).exit_code, 0);
  ASSERT_EQ(RunCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt "
                       "ec_param_enc:explicit -out " +
                       dir.File("p256x.pem"))
                .exit_code,
            0);

  auto p256 = LoadPrivateKey(ReadBytes(dir.File("p256.pem")));
  EXPECT_EQ(p256.status().code(), Code::kUnsupported);
  EXPECT_NE(p256.status().message().find("prime256v1"), std::string::npos) << p256.status().ToString();
  EXPECT_EQ(LoadPublicKey(ReadBytes(dir.File("p256.pub"))).status().code(), Code::kUnsupported);
  auto ed = LoadPrivateKey(ReadBytes(dir.File("ed.pem")));
  EXPECT_EQ(ed.status().code(), Code::kUnsupported);
  EXPECT_NE(ed.status().message().find("ED25519"), std::string::npos) << ed.status().ToString();
  EXPECT_EQ(LoadPrivateKey(ReadBytes(dir.File("p256x.pem"))).status().code(), Code::kUnsupported);
}

TEST(KeyIo, ExplicitSm2ParametersAreNamedByOpenssl) {
  // OpenSSL 3.0 names explicit parameters that equal sm2p256v1 exactly, so such a key is the
  // same key as its named-curve form; it loads, and re-encoding writes the named curve.
  TempDir dir;
  ASSERT_EQ(
      RunCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + dir.File("k.pem"))
          .exit_code,
      0);
  ASSERT_EQ(
      RunCommand("openssl ec -in " + dir.File("k.pem") + " -param_enc explicit -out " + dir.File("x.pem"))
          .exit_code,
      0);
  auto named = LoadPrivateKey(ReadBytes(dir.File("k.pem")));
  auto expl = LoadPrivateKey(ReadBytes(dir.File("x.pem")));
  ASSERT_TRUE(named.ok());
  ASSERT_TRUE(expl.ok()) << expl.status().ToString();
  ExpectSameKey(*named, *expl);
}

TEST(KeyIo, RejectsMismatchedPublicKey) {
  // PKCS#8 whose embedded public key belongs to another scalar.
  Sm2PrivateKey a = NewKey();
  Sm2PrivateKey b = NewKey();
  crypto::ossl::BnPtr d(BN_bin2bn(a.scalar().data(), 32, nullptr));
  OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  ASSERT_EQ(OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0), 1);
  ASSERT_EQ(OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()), 1);
  ASSERT_EQ(
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, b.public_key().point().data(), 65),
      1);
  OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  crypto::ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* raw = nullptr;
  ASSERT_EQ(EVP_PKEY_fromdata_init(ctx.get()), 1);
  ASSERT_EQ(EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()), 1);
  crypto::ossl::EvpPkeyPtr pkey(raw);
  Pkcs8Ptr p8(EVP_PKEY2PKCS8(pkey.get()));
  ASSERT_TRUE(p8);
  Bytes der = I2d(i2d_PKCS8_PRIV_KEY_INFO, p8.get(), "p8").value();
  auto r = LoadPrivateKey(der);
  EXPECT_EQ(r.status().code(), Code::kMalformed) << r.status().ToString();
}

}  // namespace
}  // namespace sedun::pki
