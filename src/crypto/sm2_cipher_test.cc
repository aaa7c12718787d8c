// SM2 encryption tests: every vector of tests/vectors/sm2_encrypt.json (GM/T 0003.5 Annex C on
// sm2p256v1 and GB/T 32918.4 A.2 on the Fp-256 test curve, reproduced byte for byte in all three
// layouts with the printed k; OpenSSL's evppkey_sm2.txt decryption vector), in-process
// interoperability with OpenSSL's EVP_PKEY_encrypt/decrypt, and rejection of malformed or altered
// ciphertexts.
#include <gtest/gtest.h>

#include "crypto/ossl/sm2_curve.h"
#include "crypto/sm2.h"
#include "crypto/sm2_engine_ossl.h"
#include "crypto/sm2_test_util.h"

namespace sedun::crypto {
namespace {

using sedun::testing::HexField;
using sedun::testing::LoadVectors;
using testing::EvpKey;
using testing::FixedRng;
using testing::Hex;

constexpr Sm2CipherFormat kAllFormats[] = {Sm2CipherFormat::kDer, Sm2CipherFormat::kC1C3C2,
                                           Sm2CipherFormat::kC1C2C3};

const char* FieldFor(Sm2CipherFormat f) {
  switch (f) {
    case Sm2CipherFormat::kDer:
      return "ciphertext_der_gmt0009";
    case Sm2CipherFormat::kC1C3C2:
      return "ciphertext_C1C3C2";
    case Sm2CipherFormat::kC1C2C3:
      return "ciphertext_C1C2C3";
  }
  return "";
}

nlohmann::json EncVector(const std::string& id) {
  const nlohmann::json file = LoadVectors("sm2_encrypt.json");
  for (const auto& v : file["vectors"]) {
    if (v["id"] == id) return v;
  }
  ADD_FAILURE() << "no vector " << id;
  return nlohmann::json::object();
}

Sm2PrivateKey AnnexCKey() {
  auto key = Sm2PrivateKey::FromScalar(Hex("3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"));
  EXPECT_TRUE(key.ok());
  return std::move(key).value();
}

Sm2CipherParts PartsFromVector(const nlohmann::json& v) {
  Sm2CipherParts parts;
  Bytes c1 = Concat({Hex("04"), HexField(v, "C1_x"), HexField(v, "C1_y")});
  Bytes c3 = HexField(v, "C3");
  std::copy(c1.begin(), c1.end(), parts.c1.begin());
  std::copy(c3.begin(), c3.end(), parts.c3.begin());
  parts.c2 = HexField(v, "C2");
  return parts;
}

// --- Known answers --------------------------------------------------------------------------

TEST(Sm2EncryptKat, GmT0003AnnexC) {
  auto v = EncVector("sm2-enc-gmt0003.5-annexC");
  Sm2PrivateKey key = AnnexCKey();
  EXPECT_EQ(HexEncode(key.public_key().x()), v["public_key_x"]);
  Bytes msg = HexField(v, "message_hex");
  for (Sm2CipherFormat f : kAllFormats) {
    FixedRng rng{HexField(v, "k")};
    auto ct = Sm2Encrypt(key.public_key(), msg, f, rng);
    ASSERT_TRUE(ct.ok()) << ct.status().ToString();
    EXPECT_TRUE(rng.exhausted());
    EXPECT_EQ(HexEncode(*ct), v[FieldFor(f)]);
    auto pt = Sm2Decrypt(key, HexField(v, FieldFor(f)), f);
    ASSERT_TRUE(pt.ok()) << pt.status().ToString();
    EXPECT_EQ(HexEncode(pt->view()), HexEncode(msg));
  }
}

// GB/T 32918.4 A.2 on the Fp-256 curve through the curve-parametrised engine.
TEST(Sm2EncryptKat, GbT32918Part4AnnexA2Fp256) {
  auto v = EncVector("sm2-enc-gbt32918.4-A2-fp256");
  ossl::EcGroupPtr group = testing::CurveFromVectors("sm2-test-fp256");
  ASSERT_TRUE(group);
  Bytes point = Concat({Hex("04"), HexField(v, "public_key_x"), HexField(v, "public_key_y")});
  Bytes msg = HexField(v, "message_hex");
  FixedRng rng{HexField(v, "k")};
  auto parts = sm2_ossl::Encrypt(group.get(), point, msg, rng);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ(HexEncode(ByteView(parts->c1).subspan(1, 32)), v["C1_x"]);
  EXPECT_EQ(HexEncode(ByteView(parts->c1).subspan(33)), v["C1_y"]);
  EXPECT_EQ(HexEncode(parts->c3), v["C3"]);
  EXPECT_EQ(HexEncode(parts->c2), v["C2"]);
  for (Sm2CipherFormat f : kAllFormats) EXPECT_EQ(HexEncode(Sm2EncodeCiphertext(*parts, f)), v[FieldFor(f)]);

  auto pt = sm2_ossl::Decrypt(group.get(), HexField(v, "private_key_d"), PartsFromVector(v));
  ASSERT_TRUE(pt.ok()) << pt.status().ToString();
  EXPECT_EQ(HexEncode(pt->view()), HexEncode(msg));
  Sm2CipherParts bad = PartsFromVector(v);
  bad.c3[0] ^= 1;
  EXPECT_EQ(sm2_ossl::Decrypt(group.get(), HexField(v, "private_key_d"), bad).status().code(), Code::kVerifyFailed);
}

TEST(Sm2EncryptKat, OpenSslEvpDecryptVector) {
  auto v = EncVector("sm2-dec-openssl-evppkey");
  auto key = Sm2PrivateKey::FromScalar(Hex("d09156733017bdad809fd9bbd8c693f60230593169b6f94aaf1c8ee138cc99b5"));
  ASSERT_TRUE(key.ok());
  auto pt = Sm2Decrypt(*key, HexField(v, "ciphertext_der_gmt0009"));
  ASSERT_TRUE(pt.ok()) << pt.status().ToString();
  EXPECT_EQ(AsChars(pt->view()), v["plaintext_ascii"].get<std::string>());
}

TEST(Sm2EncryptKat, EveryVectorIsCovered) {
  const nlohmann::json file = LoadVectors("sm2_encrypt.json");
  EXPECT_EQ(file["vectors"].size(), 3u);
}

// --- Round trips and interoperability --------------------------------------------------------

TEST(Sm2Encrypt, RoundTripAllFormatsAndLengths) {
  auto key = Sm2PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  for (size_t len : {size_t{1}, size_t{31}, size_t{32}, size_t{33}, size_t{127}, size_t{128}, size_t{1000}}) {
    Bytes msg(len);
    for (size_t i = 0; i < len; ++i) msg[i] = static_cast<uint8_t>(i * 13 + 1);
    for (Sm2CipherFormat f : kAllFormats) {
      auto ct = Sm2Encrypt(key->public_key(), msg, f);
      ASSERT_TRUE(ct.ok());
      if (f != Sm2CipherFormat::kDer) {
        EXPECT_EQ(ct->size(), 97 + len);
      }
      auto pt = Sm2Decrypt(*key, *ct, f);
      ASSERT_TRUE(pt.ok()) << len << " " << pt.status().ToString();
      EXPECT_EQ(HexEncode(pt->view()), HexEncode(msg));
    }
  }
}

TEST(Sm2Encrypt, FormatsConvert) {
  auto v = EncVector("sm2-enc-gmt0003.5-annexC");
  for (Sm2CipherFormat from : kAllFormats) {
    auto parts = Sm2DecodeCiphertext(HexField(v, FieldFor(from)), from);
    ASSERT_TRUE(parts.ok()) << parts.status().ToString();
    for (Sm2CipherFormat to : kAllFormats) EXPECT_EQ(HexEncode(Sm2EncodeCiphertext(*parts, to)), v[FieldFor(to)]);
  }
}

// Encrypt with sedun and decrypt with OpenSSL's EVP_PKEY_decrypt, and back.
TEST(Sm2Encrypt, InteroperatesWithOpenSslEvp) {
  Sm2PrivateKey key = AnnexCKey();
  ossl::EvpPkeyPtr pkey = EvpKey(key);
  ASSERT_TRUE(pkey);
  const Bytes msg = ToBytes(AsBytes("a 16-byte SM4 key and then some more"));
  for (int i = 0; i < 4; ++i) {
    auto ct = Sm2Encrypt(key.public_key(), msg);
    ASSERT_TRUE(ct.ok());
    ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(pkey.get(), nullptr));
    ASSERT_TRUE(ctx);
    ASSERT_EQ(EVP_PKEY_decrypt_init(ctx.get()), 1);
    size_t len = 0;
    ASSERT_EQ(EVP_PKEY_decrypt(ctx.get(), nullptr, &len, ct->data(), ct->size()), 1);
    Bytes pt(len);
    ASSERT_EQ(EVP_PKEY_decrypt(ctx.get(), pt.data(), &len, ct->data(), ct->size()), 1);
    pt.resize(len);
    EXPECT_EQ(pt, msg);
  }
  ossl::EvpPkeyPtr pub = EvpKey(key.public_key());
  ASSERT_TRUE(pub);
  for (int i = 0; i < 4; ++i) {
    ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(pub.get(), nullptr));
    ASSERT_TRUE(ctx);
    ASSERT_EQ(EVP_PKEY_encrypt_init(ctx.get()), 1);
    size_t len = 0;
    ASSERT_EQ(EVP_PKEY_encrypt(ctx.get(), nullptr, &len, msg.data(), msg.size()), 1);
    Bytes ct(len);
    ASSERT_EQ(EVP_PKEY_encrypt(ctx.get(), ct.data(), &len, msg.data(), msg.size()), 1);
    ct.resize(len);
    auto pt = Sm2Decrypt(key, ct);
    ASSERT_TRUE(pt.ok()) << pt.status().ToString();
    EXPECT_EQ(HexEncode(pt->view()), HexEncode(msg));
  }
  ossl::ClearErrors();
}

// --- Negative cases -------------------------------------------------------------------------

class Sm2DecryptNegative : public ::testing::Test {
 protected:
  void SetUp() override { v_ = EncVector("sm2-enc-gmt0003.5-annexC"); }
  Bytes Ct(Sm2CipherFormat f) const { return HexField(v_, FieldFor(f)); }
  Code DecryptCode(ByteView ct, Sm2CipherFormat f) const { return Sm2Decrypt(key_, ct, f).status().code(); }

  nlohmann::json v_;
  Sm2PrivateKey key_ = AnnexCKey();
};

TEST_F(Sm2DecryptNegative, EmptyPlaintextIsRejected) {
  EXPECT_EQ(Sm2Encrypt(key_.public_key(), ByteView()).status().code(), Code::kInvalidArgument);
}

TEST_F(Sm2DecryptNegative, WrongKey) {
  auto other = Sm2PrivateKey::Generate();
  ASSERT_TRUE(other.ok());
  for (Sm2CipherFormat f : kAllFormats) {
    EXPECT_EQ(Sm2Decrypt(*other, Ct(f), f).status().code(), Code::kVerifyFailed);
  }
}

TEST_F(Sm2DecryptNegative, AlteredC2AndC3) {
  // C1C3C2: bytes 65..96 are C3, the rest C2.
  Bytes ct = Ct(Sm2CipherFormat::kC1C3C2);
  for (size_t i = 65; i < ct.size(); ++i) {
    Bytes bad = ct;
    bad[i] ^= 0x80;
    EXPECT_EQ(DecryptCode(bad, Sm2CipherFormat::kC1C3C2), Code::kVerifyFailed) << i;
  }
  // Reading one layout as the other swaps C2 and C3 material and must fail too.
  EXPECT_NE(DecryptCode(ct, Sm2CipherFormat::kC1C2C3), Code::kOk);
}

TEST_F(Sm2DecryptNegative, C1OffTheCurve) {
  for (Sm2CipherFormat f : {Sm2CipherFormat::kC1C3C2, Sm2CipherFormat::kC1C2C3}) {
    Bytes bad = Ct(f);
    bad[64] ^= 0x01;  // last byte of y1
    EXPECT_EQ(DecryptCode(bad, f), Code::kMalformed);
    Bytes compressed = Ct(f);
    compressed[0] = 0x02;
    EXPECT_EQ(DecryptCode(compressed, f), Code::kMalformed);
    Bytes infinity = Ct(f);
    std::fill(infinity.begin(), infinity.begin() + 65, 0);
    EXPECT_EQ(DecryptCode(infinity, f), Code::kMalformed);
  }
  // DER: flip the last byte of the x INTEGER (offset 2 + 2 + 31).
  Bytes der = Ct(Sm2CipherFormat::kDer);
  der[35] ^= 0x01;
  EXPECT_EQ(DecryptCode(der, Sm2CipherFormat::kDer), Code::kMalformed);
}

TEST_F(Sm2DecryptNegative, TruncatedAndTrailing) {
  for (Sm2CipherFormat f : kAllFormats) {
    Bytes ct = Ct(f);
    // The raw layouts lose C2 bytes when cut after C1 || C3 and stay well-formed until C2 is gone;
    // a shorter C2 then fails the C3 check.
    for (size_t len = 0; len < ct.size(); ++len) {
      Code c = DecryptCode(ByteView(ct).first(len), f);
      EXPECT_TRUE(c == Code::kMalformed || c == Code::kVerifyFailed) << static_cast<int>(f) << " " << len;
      if (f == Sm2CipherFormat::kDer || len < kSm2MinRawCiphertextSize) {
        EXPECT_EQ(c, Code::kMalformed) << len;
      }
    }
    Bytes trailing = ct;
    trailing.push_back(0);
    EXPECT_NE(DecryptCode(trailing, f), Code::kOk);
    if (f == Sm2CipherFormat::kDer) {
      EXPECT_EQ(DecryptCode(trailing, f), Code::kMalformed);
    }
  }
}

TEST_F(Sm2DecryptNegative, MalformedDer) {
  auto parts = Sm2DecodeCiphertext(Ct(Sm2CipherFormat::kDer), Sm2CipherFormat::kDer);
  ASSERT_TRUE(parts.ok());
  const std::string x = HexEncode(ByteView(parts->c1).subspan(1, 32));
  const std::string y = HexEncode(ByteView(parts->c1).subspan(33));
  const std::string c3 = HexEncode(parts->c3);
  const std::string c2 = HexEncode(parts->c2);
  // The vector as built here, to anchor the edits below.
  EXPECT_EQ("307c0220" + x + "022100" + y + "0420" + c3 + "0413" + c2, v_["ciphertext_der_gmt0009"]);
  for (const std::string& bad : {
           "307b0220" + x + "022100" + y + "041f" + c3.substr(2) + "0413" + c2,  // 31-byte hash
           "305b0220" + x + "022100" + y + "0413" + c2,                          // hash missing
           "30690220" + x + "022100" + y + "0420" + c3 + "0400",                 // empty C2
           "307d022100" + x + "022100" + y + "0420" + c3 + "0413" + c2,          // x with a redundant 00
           "307b0220" + x + "0220" + y + "0420" + c3 + "0413" + c2,              // y negative
           "307c0220" + x + "022100" + y + "0413" + c2 + "0420" + c3,            // C2 before C3
           "307c0220" + x + "022100" + y + "0320" + c3 + "0413" + c2,            // BIT STRING hash
           "30817c0220" + x + "022100" + y + "0420" + c3 + "0413" + c2,          // long form < 128
           "307f0220" + x + "022100" + y + "0420" + c3 + "0413" + c2 + "050000", // extra field
       }) {
    EXPECT_EQ(DecryptCode(Hex(bad), Sm2CipherFormat::kDer), Code::kMalformed) << bad;
  }
  // x or y shorter than 32 bytes are legal DER and left-padded: only the decoded point decides.
  EXPECT_EQ(HexEncode(Sm2EncodeCiphertext(*parts, Sm2CipherFormat::kDer)), v_["ciphertext_der_gmt0009"]);
}

}  // namespace
}  // namespace sedun::crypto
