// Digital envelope tests: round trips, the documented layout, the fixed draw order, wrong key,
// a changed byte in every field, truncation and trailing bytes.
#include "crypto/envelope.h"

#include <gtest/gtest.h>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "crypto/sm2.h"
#include "crypto/sm2_test_util.h"
#include "crypto/sm4.h"

namespace sedun::crypto {
namespace {

using testing::FixedRng;
using testing::Hex;

class EnvelopeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = Sm2PrivateKey::Generate();
    ASSERT_TRUE(key.ok());
    key_ = std::make_unique<Sm2PrivateKey>(std::move(key).value());
  }
  std::unique_ptr<Sm2PrivateKey> key_;
};

TEST_F(EnvelopeTest, RoundTripVariousLengths) {
  for (size_t len : {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{4096}}) {
    Bytes msg(len);
    for (size_t i = 0; i < len; ++i) msg[i] = static_cast<uint8_t>(i ^ 0x5a);
    auto env = SealEnvelope(key_->public_key(), msg);
    ASSERT_TRUE(env.ok()) << env.status().ToString();
    auto opened = OpenEnvelope(*key_, *env);
    ASSERT_TRUE(opened.ok()) << len << " " << opened.status().ToString();
    EXPECT_EQ(HexEncode(opened->view()), HexEncode(msg));
  }
}

TEST_F(EnvelopeTest, FreshKeyAndIvEachTime) {
  const Bytes msg = ToBytes(AsBytes("same message"));
  auto a = SealEnvelope(key_->public_key(), msg);
  auto b = SealEnvelope(key_->public_key(), msg);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
}

// The layout of envelope.h, field by field, with the content key, IV and SM2 k fixed.
TEST_F(EnvelopeTest, LayoutMatchesTheDocumentedFormat) {
  const Bytes content_key = Hex("00112233445566778899aabbccddeeff");
  const Bytes iv = Hex("0f0e0d0c0b0a09080706050403020100");
  const Bytes k = Hex("59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21");
  const Bytes msg = ToBytes(AsBytes("JR/T 0093.6 digital envelope"));
  FixedRng rng{content_key, iv, k};
  auto env = SealEnvelope(key_->public_key(), msg, rng);
  ASSERT_TRUE(env.ok()) << env.status().ToString();
  EXPECT_TRUE(rng.exhausted());

  ByteReader in(*env);
  ByteView magic;
  uint8_t version = 0;
  ASSERT_TRUE(in.ReadBytes(4, &magic) && in.ReadU8(&version));
  EXPECT_EQ(AsChars(magic), "SDEV");
  EXPECT_EQ(version, kEnvelopeVersion);
  ByteView fields[5];
  for (uint8_t tag = 1; tag <= 5; ++tag) {
    uint8_t got = 0;
    ASSERT_TRUE(in.ReadU8(&got));
    EXPECT_EQ(got, tag);
    ASSERT_TRUE(in.ReadU32Prefixed(&fields[tag - 1]));
  }
  EXPECT_TRUE(in.empty());

  auto id = EnvelopeKeyId(key_->public_key());
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(HexEncode(fields[0]), HexEncode(*id));
  auto sm3 = Sm3Hash(key_->public_key().point());
  ASSERT_TRUE(sm3.ok());
  EXPECT_EQ(*id, *sm3);
  auto recipient = EnvelopeRecipient(*env);
  ASSERT_TRUE(recipient.ok());
  EXPECT_EQ(*recipient, *id);

  // The wrapped key is a plain DER SM2Cipher of the content key, openable by any SM2 decryptor.
  auto unwrapped = Sm2Decrypt(*key_, fields[1], Sm2CipherFormat::kDer);
  ASSERT_TRUE(unwrapped.ok());
  EXPECT_EQ(HexEncode(unwrapped->view()), HexEncode(content_key));
  FixedRng same_k{k};
  auto wrapped = Sm2Encrypt(key_->public_key(), content_key, Sm2CipherFormat::kDer, same_k);
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(HexEncode(fields[1]), HexEncode(*wrapped));

  EXPECT_EQ(HexEncode(fields[2]), HexEncode(iv));
  auto cbc = Sm4Encrypt(Sm4Mode::kCbc, content_key, iv, msg, Sm4Padding::kPkcs7);
  ASSERT_TRUE(cbc.ok());
  EXPECT_EQ(HexEncode(fields[3]), HexEncode(*cbc));
  EXPECT_EQ(fields[4].size(), 32u);
}

TEST_F(EnvelopeTest, WrongKeyIsNotFound) {
  auto env = SealEnvelope(key_->public_key(), AsBytes("for someone else"));
  ASSERT_TRUE(env.ok());
  auto other = Sm2PrivateKey::Generate();
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(OpenEnvelope(*other, *env).status().code(), Code::kNotFound);
}

// A changed byte anywhere makes Open fail; in the IV, ciphertext and MAC records it is the MAC
// that catches it (CBC alone would decrypt to garbage).
TEST_F(EnvelopeTest, AlteredByteInEveryFieldIsRejected) {
  auto env = SealEnvelope(key_->public_key(), AsBytes("sixteen byte msg and a bit more"));
  ASSERT_TRUE(env.ok());
  // Offsets of each record's value: magic(4) version(1), then tag(1) length(4) value.
  size_t offset = 5;
  std::vector<std::pair<size_t, size_t>> values;  // (start, size)
  {
    ByteReader in(*env);
    ASSERT_TRUE(in.Skip(5));
    for (int i = 0; i < 5; ++i) {
      ByteView v;
      ASSERT_TRUE(in.Skip(1) && in.ReadU32Prefixed(&v));
      values.emplace_back(offset + 5, v.size());
      offset += 5 + v.size();
    }
  }
  for (size_t i = 0; i < env->size(); ++i) {
    Bytes bad = *env;
    bad[i] ^= 0x01;
    auto opened = OpenEnvelope(*key_, bad);
    EXPECT_FALSE(opened.ok()) << "byte " << i;
    const bool in_iv_ct_mac = (i >= values[2].first && i < values[2].first + values[2].second) ||
                              (i >= values[3].first && i < values[3].first + values[3].second) ||
                              (i >= values[4].first && i < values[4].first + values[4].second);
    if (in_iv_ct_mac) {
      EXPECT_EQ(opened.status().code(), Code::kVerifyFailed) << "byte " << i;
    }
    const bool in_key_id = i >= values[0].first && i < values[0].first + values[0].second;
    if (in_key_id) {
      EXPECT_EQ(opened.status().code(), Code::kNotFound) << "byte " << i;
    }
  }
}

TEST_F(EnvelopeTest, TruncatedAndTrailing) {
  auto env = SealEnvelope(key_->public_key(), AsBytes("truncate me"));
  ASSERT_TRUE(env.ok());
  for (size_t len = 0; len < env->size(); ++len) {
    EXPECT_EQ(OpenEnvelope(*key_, ByteView(*env).first(len)).status().code(), Code::kMalformed) << len;
  }
  Bytes trailing = *env;
  trailing.push_back(0);
  EXPECT_EQ(OpenEnvelope(*key_, trailing).status().code(), Code::kMalformed);
  EXPECT_EQ(EnvelopeRecipient(trailing).status().code(), Code::kMalformed);
}

TEST_F(EnvelopeTest, RejectsOtherVersionsAndLayouts) {
  auto env = SealEnvelope(key_->public_key(), AsBytes("versioned"));
  ASSERT_TRUE(env.ok());
  Bytes v2 = *env;
  v2[4] = 2;
  EXPECT_EQ(OpenEnvelope(*key_, v2).status().code(), Code::kMalformed);
  Bytes magic = *env;
  magic[0] = 'X';
  EXPECT_EQ(OpenEnvelope(*key_, magic).status().code(), Code::kMalformed);
  Bytes tag = *env;
  tag[5] = 0x02;  // first record claims to be the wrapped key
  EXPECT_EQ(OpenEnvelope(*key_, tag).status().code(), Code::kMalformed);
  // A ciphertext that is not a whole number of blocks (length field and data both shortened).
  // Build it by re-encoding: drop one byte from the ciphertext record.
  ByteReader in(*env);
  ASSERT_TRUE(in.Skip(5));
  ByteWriter w;
  w.PutBytes(ByteView(*env).first(5));
  for (uint8_t t = 1; t <= 5; ++t) {
    ByteView v;
    ASSERT_TRUE(in.Skip(1) && in.ReadU32Prefixed(&v));
    if (t == 4) v = v.first(v.size() - 1);
    w.PutU8(t);
    w.OpenPrefixed(4);
    w.PutBytes(v);
    ASSERT_TRUE(w.ClosePrefixed().ok());
  }
  EXPECT_EQ(OpenEnvelope(*key_, w.bytes()).status().code(), Code::kMalformed);
}

}  // namespace
}  // namespace sedun::crypto
