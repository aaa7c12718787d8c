// SM2 signature tests: every vector of tests/vectors/sm2_sign.json (GM/T 0003.5 Annex A on
// sm2p256v1 and GB/T 32918.2 A.2 on the Fp-256 test curve reproduced with their printed k; the
// OpenSSL evppkey_sm2.txt verification vectors), ZA, encodings, in-process interoperability with
// OpenSSL's native SM2 (EVP_DigestSign/Verify with distid), and rejection of bad signatures.
#include "crypto/sm2.h"

#include <gtest/gtest.h>

#include "crypto/ossl/sm2_curve.h"
#include "crypto/sm2_engine_ossl.h"
#include "crypto/sm2_test_util.h"
#include "crypto/sm2_za.h"

namespace sedun::crypto {
namespace {

using sedun::testing::HexField;
using sedun::testing::LoadVectors;
using testing::EvpKey;
using testing::FixedRng;
using testing::Hex;

nlohmann::json SignVector(const std::string& id) {
  const nlohmann::json file = LoadVectors("sm2_sign.json");
  for (const auto& v : file["vectors"]) {
    if (v["id"] == id) return v;
  }
  ADD_FAILURE() << "no vector " << id;
  return nlohmann::json::object();
}

Sm2PrivateKey KeyFromHex(std::string_view d) {
  auto key = Sm2PrivateKey::FromScalar(Hex(d));
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return std::move(key).value();
}

Sm2PrivateKey AnnexAKey() { return KeyFromHex("3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"); }

// --- ZA -------------------------------------------------------------------------------------

TEST(Sm2Za, BuiltInCurveParametersMatchOpenSsl) {
  auto params = sm2_ossl::CurveZaParams(ossl::Sm2Group());
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(HexEncode(*params), HexEncode(sm2_internal::Sm2p256v1ZaParams()));
  auto vec = LoadVectors("sm2_curves.json")["vectors"][0];
  EXPECT_EQ(HexEncode(*params), std::string(vec["a"]) + std::string(vec["b"]) + std::string(vec["gx"]) +
                                    std::string(vec["gy"]));
}

TEST(Sm2Za, DefaultIdIsGmt0009Clause10) {
  EXPECT_EQ(AsChars(kSm2DefaultId), "1234567812345678");
}

TEST(Sm2Za, RejectsIdsTooLongForEntl) {
  Sm2PrivateKey key = AnnexAKey();
  Bytes id(kSm2MaxIdSize, 'a');
  EXPECT_TRUE(Sm2ComputeZa(key.public_key(), id).ok());
  id.push_back('a');
  EXPECT_EQ(Sm2ComputeZa(key.public_key(), id).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Sm2Sign(key, AsBytes("m"), id).status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(Sm2ComputeZa(key.public_key(), ByteView()).ok());  // ENTL = 0 is encodable
}

TEST(Sm2Za, StreamingDigestMatchesOneShot) {
  Sm2PrivateKey key = AnnexAKey();
  Bytes msg(1000);
  for (size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<uint8_t>(i * 7);
  auto one = Sm2ComputeE(key.public_key(), msg);
  auto d = Sm2Digest::Create(key.public_key());
  ASSERT_TRUE(one.ok() && d.ok());
  for (size_t off = 0; off < msg.size(); off += 77) {
    ASSERT_TRUE(d->Update(ByteView(msg).subspan(off, std::min<size_t>(77, msg.size() - off))).ok());
  }
  auto streamed = d->Final();
  ASSERT_TRUE(streamed.ok());
  EXPECT_EQ(*streamed, *one);
  EXPECT_EQ(d->Final().status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(d->Update(msg).code(), Code::kFailedPrecondition);
}

// --- Known answers --------------------------------------------------------------------------

// GM/T 0003.5 Annex A on sm2p256v1, default ID: ZA, e, r, s and the DER reproduced exactly.
TEST(Sm2SignKat, GmT0003AnnexA) {
  auto v = SignVector("sm2-sign-gmt0003.5-annexA");
  Sm2PrivateKey key = KeyFromHex(v["private_key_d"].get<std::string>());
  EXPECT_EQ(HexEncode(key.public_key().x()), v["public_key_x"]);
  EXPECT_EQ(HexEncode(key.public_key().y()), v["public_key_y"]);
  Bytes id = HexField(v, "id_hex");
  Bytes msg = HexField(v, "message_hex");
  EXPECT_EQ(HexEncode(id), HexEncode(kSm2DefaultId));

  auto za = Sm2ComputeZa(key.public_key(), id);
  ASSERT_TRUE(za.ok());
  EXPECT_EQ(HexEncode(*za), v["ZA"]);
  auto e = Sm2ComputeE(key.public_key(), msg, id);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(HexEncode(*e), v["e"]);

  FixedRng rng{HexField(v, "k")};
  auto der = Sm2Sign(key, msg, id, rng);
  ASSERT_TRUE(der.ok()) << der.status().ToString();
  EXPECT_TRUE(rng.exhausted());
  EXPECT_EQ(HexEncode(*der), v["signature_der"]);
  auto raw = Sm2SignatureDerToRaw(*der);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(HexEncode(*raw), v["signature_raw_r_s"]);
  EXPECT_EQ(HexEncode(*raw).substr(0, 64), v["r"]);
  EXPECT_EQ(HexEncode(*raw).substr(64), v["s"]);

  FixedRng rng2{HexField(v, "k")};
  auto der2 = Sm2SignDigest(key, *e, rng2);
  ASSERT_TRUE(der2.ok());
  EXPECT_EQ(*der2, *der);

  EXPECT_TRUE(Sm2Verify(key.public_key(), msg, *der, id).ok());
  EXPECT_TRUE(Sm2Verify(key.public_key(), msg, *der).ok());  // the default ID is the same ID
  EXPECT_TRUE(Sm2VerifyDigest(key.public_key(), *e, *der).ok());
}

// GB/T 32918.2-2016 A.2 on the Fp-256 test curve, through the curve-parametrised engine.
TEST(Sm2SignKat, GbT32918Part2AnnexA2Fp256) {
  auto v = SignVector("sm2-sign-gbt32918.2-A2-fp256");
  ossl::EcGroupPtr group = testing::CurveFromVectors("sm2-test-fp256");
  ASSERT_TRUE(group);
  Bytes x = HexField(v, "public_key_x");
  Bytes y = HexField(v, "public_key_y");
  Bytes point = Concat({Hex("04"), x, y});

  auto params = sm2_ossl::CurveZaParams(group.get());
  ASSERT_TRUE(params.ok());
  auto za = sm2_internal::ComputeZaWithCurve(*params, HexField(v, "id_hex"), x, y);
  ASSERT_TRUE(za.ok());
  EXPECT_EQ(HexEncode(*za), v["ZA"]);
  auto e = Sm3Hash(Concat({*za, HexField(v, "message_hex")}));
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(HexEncode(*e), v["e"]);

  FixedRng rng{HexField(v, "k")};
  auto sig = sm2_ossl::SignDigest(group.get(), HexField(v, "private_key_d"), *e, rng);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_EQ(HexEncode(sig->r), v["r"]);
  EXPECT_EQ(HexEncode(sig->s), v["s"]);
  EXPECT_EQ(HexEncode(Sm2EncodeSignature(*sig)), v["signature_der"]);
  EXPECT_TRUE(sm2_ossl::VerifyDigest(group.get(), point, *e, *sig).ok());

  Sm2Signature bad = *sig;
  bad.s[31] ^= 1;
  EXPECT_EQ(sm2_ossl::VerifyDigest(group.get(), point, *e, bad).code(), Code::kVerifyFailed);
}

// OpenSSL's evppkey_sm2.txt: verification of (e, signature) pairs; the third uses a 64-byte
// SHA-512 e, which only the curve-level primitive accepts.
TEST(Sm2SignKat, OpenSslEvpVerifyVectors) {
  int checked = 0;
  const nlohmann::json file = LoadVectors("sm2_sign.json");
  for (const auto& v : file["vectors"]) {
    if (!v.contains("input_is_e")) continue;
    auto pub = Sm2PublicKey::FromUncompressed(HexField(v, "public_key_uncompressed"));
    ASSERT_TRUE(pub.ok());
    auto key = Sm2PrivateKey::FromScalar(HexField(v, "private_key_d"));
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(key->public_key(), *pub);
    Bytes e = HexField(v, "input_is_e");
    Bytes der = HexField(v, "signature_der");
    auto sig = Sm2DecodeSignature(der);
    ASSERT_TRUE(sig.ok());
    EXPECT_TRUE(sm2_ossl::VerifyDigest(ossl::Sm2Group(), pub->point(), e, *sig).ok()) << v["id"];
    if (e.size() == 32) {
      EXPECT_TRUE(Sm2VerifyDigest(*pub, e, der).ok()) << v["id"];
      e[0] ^= 1;
      EXPECT_EQ(Sm2VerifyDigest(*pub, e, der).code(), Code::kVerifyFailed) << v["id"];
    } else {
      EXPECT_EQ(Sm2VerifyDigest(*pub, e, der).code(), Code::kInvalidArgument) << v["id"];
    }
    ++checked;
  }
  EXPECT_EQ(checked, 3);
}

TEST(Sm2SignKat, KeyPairFixture) {
  auto v = SignVector("sm2-keypair-gmt0003.5-annexA");
  Sm2PrivateKey key = KeyFromHex(v["private_key_d"].get<std::string>());
  EXPECT_EQ(HexEncode(key.public_key().point()), v["public_key_uncompressed"]);
}

// --- Round trips and interoperability --------------------------------------------------------

TEST(Sm2Sign, RandomKeysRoundTrip) {
  for (int i = 0; i < 8; ++i) {
    auto key = Sm2PrivateKey::Generate();
    ASSERT_TRUE(key.ok());
    Bytes msg(static_cast<size_t>(i * 37), static_cast<uint8_t>(i));
    auto sig = Sm2Sign(*key, msg, AsBytes("alice@example"));
    ASSERT_TRUE(sig.ok());
    EXPECT_GE(sig->size(), 8u);
    EXPECT_LE(sig->size(), 72u);
    EXPECT_TRUE(Sm2Verify(key->public_key(), msg, *sig, AsBytes("alice@example")).ok());
  }
}

// Sign with sedun, verify with OpenSSL's EVP_DigestVerify (distid = default ID), and back.
TEST(Sm2Sign, InteroperatesWithOpenSslEvp) {
  Sm2PrivateKey key = AnnexAKey();
  ossl::EvpPkeyPtr pkey = EvpKey(key);
  ASSERT_TRUE(pkey);
  const Bytes msg = ToBytes(AsBytes("interoperability with the OpenSSL SM2 provider"));

  auto evp_ctx = [&](bool sign) {
    ossl::EvpMdCtxPtr md(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new(pkey.get(), nullptr);
    EXPECT_TRUE(md && pctx);
    EXPECT_EQ(EVP_PKEY_CTX_set1_id(pctx, kSm2DefaultId.data(), kSm2DefaultId.size()), 1);
    EVP_MD_CTX_set_pkey_ctx(md.get(), pctx);  // md takes no ownership: freed below via md
    int rc = sign ? EVP_DigestSignInit(md.get(), nullptr, EVP_sm3(), nullptr, pkey.get())
                  : EVP_DigestVerifyInit(md.get(), nullptr, EVP_sm3(), nullptr, pkey.get());
    EXPECT_EQ(rc, 1);
    return std::pair{std::move(md), ossl::EvpPkeyCtxPtr(pctx)};
  };

  for (int i = 0; i < 4; ++i) {
    auto sig = Sm2Sign(key, msg);
    ASSERT_TRUE(sig.ok());
    auto [md, pctx] = evp_ctx(false);
    EXPECT_EQ(EVP_DigestVerify(md.get(), sig->data(), sig->size(), msg.data(), msg.size()), 1);
  }
  for (int i = 0; i < 4; ++i) {
    auto [md, pctx] = evp_ctx(true);
    size_t len = 0;
    ASSERT_EQ(EVP_DigestSign(md.get(), nullptr, &len, msg.data(), msg.size()), 1);
    Bytes sig(len);
    ASSERT_EQ(EVP_DigestSign(md.get(), sig.data(), &len, msg.data(), msg.size()), 1);
    sig.resize(len);
    EXPECT_TRUE(Sm2Verify(key.public_key(), msg, sig).ok());
    EXPECT_EQ(Sm2Verify(key.public_key(), msg, sig, AsBytes("other id")).code(), Code::kVerifyFailed);
  }
  ossl::ClearErrors();
}

// --- Negative cases -------------------------------------------------------------------------

class Sm2SignNegative : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = SignVector("sm2-sign-gmt0003.5-annexA");
    msg_ = HexField(v, "message_hex");
    der_ = HexField(v, "signature_der");
    raw_ = HexField(v, "signature_raw_r_s");
  }
  Sm2PrivateKey key_ = AnnexAKey();
  Bytes msg_, der_, raw_;
  const Bytes n_ = Hex("fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123");
};

TEST_F(Sm2SignNegative, WrongMessageIdOrKey) {
  ASSERT_TRUE(Sm2Verify(key_.public_key(), msg_, der_).ok());
  Bytes other = msg_;
  other.back() ^= 1;
  EXPECT_EQ(Sm2Verify(key_.public_key(), other, der_).code(), Code::kVerifyFailed);
  EXPECT_EQ(Sm2Verify(key_.public_key(), msg_, der_, AsBytes("1234567812345679")).code(), Code::kVerifyFailed);
  EXPECT_EQ(Sm2Verify(key_.public_key(), msg_, der_, ByteView()).code(), Code::kVerifyFailed);
  auto other_key = Sm2PrivateKey::Generate();
  ASSERT_TRUE(other_key.ok());
  EXPECT_EQ(Sm2Verify(other_key->public_key(), msg_, der_).code(), Code::kVerifyFailed);
}

TEST_F(Sm2SignNegative, AlteredSignatureBytes) {
  // Every single-bit change either breaks the DER or changes r or s.
  for (size_t i = 0; i < der_.size(); ++i) {
    Bytes bad = der_;
    bad[i] ^= 0x01;
    Status s = Sm2Verify(key_.public_key(), msg_, bad);
    EXPECT_TRUE(s.code() == Code::kVerifyFailed || s.code() == Code::kMalformed) << i << " " << s.ToString();
  }
}

TEST_F(Sm2SignNegative, TruncatedOrExtendedDer) {
  for (size_t len = 0; len < der_.size(); ++len) {
    EXPECT_EQ(Sm2Verify(key_.public_key(), msg_, ByteView(der_).first(len)).code(), Code::kMalformed) << len;
  }
  Bytes trailing = der_;
  trailing.push_back(0);
  EXPECT_EQ(Sm2Verify(key_.public_key(), msg_, trailing).code(), Code::kMalformed);
}

Bytes DerOf(ByteView r, ByteView s) {
  Sm2Signature sig;
  std::copy(r.begin(), r.end(), sig.r.begin() + static_cast<std::ptrdiff_t>(32 - r.size()));
  std::copy(s.begin(), s.end(), sig.s.begin() + static_cast<std::ptrdiff_t>(32 - s.size()));
  return Sm2EncodeSignature(sig);
}

TEST_F(Sm2SignNegative, OutOfRangeRAndS) {
  ByteView r = ByteView(raw_).first(32);
  ByteView s = ByteView(raw_).subspan(32);
  Bytes zero(32, 0);
  Bytes n_plus_1 = n_;
  n_plus_1.back() += 1;
  Bytes max(32, 0xff);
  for (const Bytes& bad : {DerOf(zero, s), DerOf(r, zero), DerOf(n_, s), DerOf(r, n_), DerOf(n_plus_1, s),
                           DerOf(r, max)}) {
    EXPECT_EQ(Sm2Verify(key_.public_key(), msg_, bad).code(), Code::kVerifyFailed) << HexEncode(bad);
  }
  // r + s = n gives t = 0 (GB/T 32918.2 §7.1 B5).
  auto r_bn = ossl::BnFromBytes(r);
  auto n_bn = ossl::BnFromBytes(n_);
  ASSERT_TRUE(r_bn.ok() && n_bn.ok());
  ossl::BnPtr s_bn(BN_new());
  ASSERT_EQ(BN_sub(s_bn.get(), n_bn->get(), r_bn->get()), 1);
  uint8_t s_bytes[32];
  ASSERT_TRUE(ossl::BnToFixed(s_bn.get(), s_bytes, 32).ok());
  EXPECT_EQ(Sm2Verify(key_.public_key(), msg_, DerOf(r, s_bytes)).code(), Code::kVerifyFailed);
}

TEST_F(Sm2SignNegative, MalformedDer) {
  const std::string r = HexEncode(ByteView(raw_).first(32));
  const std::string s = HexEncode(ByteView(raw_).subspan(32));
  for (const std::string& bad : {
           "3046022100" + r + "022100" + s + "00",          // trailing byte inside the SEQUENCE
           "3045022100" + r + "0220" + s,                   // s (top bit set) without its sign octet
           "304702220000" + r + "022100" + s,               // non-minimal r
           "3046022100" + r + "042100" + s,                 // s as OCTET STRING
           "318146022100" + r + "022100" + s,               // SET, long-form length < 128
           "308146022100" + r + "022100" + s,               // long-form length < 128
           "3080022100" + r + "022100" + s + "0000",        // indefinite length
           "3023022100" + r,                                // s missing
           "3049022100" + r + "022100" + s + "020101",      // a third INTEGER
           "304702220100" + r + "022100" + s,               // r wider than 256 bits
           std::string("3000"),                             // empty SEQUENCE
           std::string(),                                   // nothing
       }) {
    EXPECT_EQ(Sm2Verify(key_.public_key(), msg_, Hex(bad)).code(), Code::kMalformed) << bad;
  }
}

TEST_F(Sm2SignNegative, RawConversions) {
  auto der = Sm2SignatureRawToDer(raw_);
  ASSERT_TRUE(der.ok());
  EXPECT_EQ(*der, der_);
  EXPECT_EQ(Sm2SignatureRawToDer(ByteView(raw_).first(63)).status().code(), Code::kMalformed);
  Bytes longer = raw_;
  longer.push_back(0);
  EXPECT_EQ(Sm2SignatureRawToDer(longer).status().code(), Code::kMalformed);
  // Short integers are left-padded back to 32 bytes.
  Bytes small = DerOf(Hex("01"), Hex("7f"));
  EXPECT_EQ(HexEncode(small), "300602010102017f");
  auto raw = Sm2SignatureDerToRaw(small);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(HexEncode(*raw), std::string(62, '0') + "01" + std::string(62, '0') + "7f");
}

TEST_F(Sm2SignNegative, DigestMustBe32Bytes) {
  EXPECT_EQ(Sm2SignDigest(key_, ByteView(msg_)).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Sm2VerifyDigest(key_.public_key(), ByteView(msg_), der_).code(), Code::kInvalidArgument);
}

TEST_F(Sm2SignNegative, NonceFromTheRngIsRangeChecked) {
  // k = 0 and k = n are redrawn (GB/T 32918.2 §6.1 A3), so the third value is the one used.
  auto v = SignVector("sm2-sign-gmt0003.5-annexA");
  FixedRng rng{Bytes(32, 0), n_, HexField(v, "k")};
  auto der = Sm2Sign(key_, msg_, kSm2DefaultId, rng);
  ASSERT_TRUE(der.ok());
  EXPECT_EQ(*der, der_);
  FixedRng empty;
  EXPECT_EQ(Sm2Sign(key_, msg_, kSm2DefaultId, empty).status().code(), Code::kCrypto);
}

}  // namespace
}  // namespace sedun::crypto
