// HMAC-SM3 against tests/vectors/hmac_sm3.json: GM/T 0042-2015 Appendix D.3 (via OpenSSL's
// evpmac_sm3.txt) and the complete Wycheproof hmac_sm3 set, including its 128-bit truncated-tag
// group and its modified-tag (invalid) entries.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "base/bytes.h"
#include "crypto/hmac_sm3.h"
#include "crypto/sm3.h"
#include "util/vectors.h"

namespace sedun::crypto {
namespace {

using testing::HexField;
using testing::LoadVectors;

TEST(HmacSm3, AllVectors) {
  auto j = LoadVectors("hmac_sm3.json");
  ASSERT_EQ(j["vectors"].size(), 178u);
  size_t valid = 0, invalid = 0;
  for (const auto& v : j["vectors"]) {
    SCOPED_TRACE(v["id"].get<std::string>());
    Bytes key = HexField(v, "key");
    Bytes msg = HexField(v, "msg");
    Bytes tag = HexField(v, "tag");
    std::string result = v.value("result", "valid");
    auto full = HmacSm3Compute(key, msg);
    ASSERT_TRUE(full.ok()) << full.status().ToString();
    ASSERT_LE(tag.size(), full->size());
    bool prefix_matches = std::equal(tag.begin(), tag.end(), full->begin());
    Status verdict = HmacSm3Verify(key, msg, tag);
    if (result == "valid") {
      ++valid;
      EXPECT_TRUE(prefix_matches);
      EXPECT_TRUE(verdict.ok()) << verdict.ToString();
    } else {
      ++invalid;
      EXPECT_FALSE(prefix_matches);
      EXPECT_EQ(verdict.code(), Code::kVerifyFailed);
    }
  }
  EXPECT_EQ(valid, 70u);
  EXPECT_EQ(invalid, 108u);
}

TEST(HmacSm3, StreamingMatchesOneShotAndRestarts) {
  auto j = LoadVectors("hmac_sm3.json");
  for (const auto& v : j["vectors"]) {
    if (v.value("result", "valid") != "valid") continue;
    SCOPED_TRACE(v["id"].get<std::string>());
    Bytes key = HexField(v, "key");
    Bytes msg = HexField(v, "msg");
    Bytes tag = HexField(v, "tag");
    auto mac = HmacSm3::Create(key);
    ASSERT_TRUE(mac.ok());
    // Twice on one object: Final must restart under the same key.
    for (size_t chunk : {size_t{1}, size_t{13}}) {
      ByteView rest(msg);
      while (!rest.empty()) {
        size_t n = rest.size() < chunk ? rest.size() : chunk;
        ASSERT_TRUE(mac->Update(rest.first(n)).ok());
        rest = rest.subspan(n);
      }
      auto t = mac->Final();
      ASSERT_TRUE(t.ok());
      EXPECT_EQ(HexEncode(ByteView(*t).first(tag.size())), HexEncode(tag));
    }
  }
}

// RFC 2104 §2 computed from SM3 itself: an independent check of the key handling for an empty
// key and a key longer than the 64-byte block (which is hashed first).
Sm3Digest ReferenceHmac(ByteView key, ByteView msg) {
  Bytes k(key.begin(), key.end());
  if (k.size() > kSm3BlockSize) {
    auto hk = Sm3Hash(k);
    EXPECT_TRUE(hk.ok());
    k.assign(hk->begin(), hk->end());
  }
  k.resize(kSm3BlockSize, 0);
  Bytes ipad(kSm3BlockSize), opad(kSm3BlockSize);
  for (size_t i = 0; i < kSm3BlockSize; ++i) {
    ipad[i] = static_cast<uint8_t>(k[i] ^ 0x36);
    opad[i] = static_cast<uint8_t>(k[i] ^ 0x5c);
  }
  auto inner = Sm3Hash(Concat({ipad, msg}));
  EXPECT_TRUE(inner.ok());
  auto outer = Sm3Hash(Concat({opad, *inner}));
  EXPECT_TRUE(outer.ok());
  return *outer;
}

TEST(HmacSm3, KeyLengthsAgainstRfc2104Construction) {
  Bytes msg = {'m', 's', 'g'};
  for (size_t len : {size_t{0}, size_t{1}, size_t{63}, size_t{64}, size_t{65}, size_t{200}}) {
    SCOPED_TRACE(len);
    Bytes key(len);
    for (size_t i = 0; i < len; ++i) key[i] = static_cast<uint8_t>(i * 7 + 1);
    auto t = HmacSm3Compute(key, msg);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(*t, ReferenceHmac(key, msg));
  }
}

TEST(HmacSm3, VerifyRejectsBadTagLengths) {
  Bytes key(32, 1), msg(5, 2);
  auto t = HmacSm3Compute(key, msg);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(HmacSm3Verify(key, msg, *t).ok());
  EXPECT_TRUE(HmacSm3Verify(key, msg, ByteView(*t).first(kHmacSm3MinTagSize)).ok());
  EXPECT_EQ(HmacSm3Verify(key, msg, ByteView(*t).first(kHmacSm3MinTagSize - 1)).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(HmacSm3Verify(key, msg, {}).code(), Code::kInvalidArgument);
  Bytes longer = Concat({*t, Bytes{0}});
  EXPECT_EQ(HmacSm3Verify(key, msg, longer).code(), Code::kInvalidArgument);
  Bytes flipped(t->begin(), t->end());
  flipped[31] ^= 1;
  EXPECT_EQ(HmacSm3Verify(key, msg, flipped).code(), Code::kVerifyFailed);
}

}  // namespace
}  // namespace sedun::crypto
