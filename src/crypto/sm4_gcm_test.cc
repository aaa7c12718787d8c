// SM4-GCM against the complete Wycheproof sm4_gcm set (tests/vectors/sm4_gcm_wycheproof.json:
// 104 cases; valid ones must reproduce ct || tag and decrypt, invalid ones must be rejected),
// plus truncated tags, tampering and argument checks.
#include <gtest/gtest.h>

#include <string>

#include "base/bytes.h"
#include "crypto/sm4.h"
#include "util/vectors.h"

namespace sedun::crypto {
namespace {

using testing::HexField;
using testing::LoadVectors;

TEST(Sm4Gcm, CompleteWycheproofSet) {
  auto j = LoadVectors("sm4_gcm_wycheproof.json");
  ASSERT_EQ(j["vectors"].size(), 104u);
  size_t valid = 0, invalid = 0;
  for (const auto& v : j["vectors"]) {
    SCOPED_TRACE(v["id"].get<std::string>() + " " + v["comment"].get<std::string>());
    Bytes key = HexField(v, "key"), iv = HexField(v, "iv"), aad = HexField(v, "aad");
    Bytes msg = HexField(v, "msg"), ct = HexField(v, "ct"), tag = HexField(v, "tag");
    size_t tag_size = v["tag_length"].get<size_t>();
    ASSERT_EQ(tag.size(), tag_size);
    Bytes sealed_in = Concat({ct, tag});
    auto opened = Sm4GcmOpen(key, iv, aad, sealed_in, tag_size);
    auto sealed = Sm4GcmSeal(key, iv, aad, msg, tag_size);
    if (v["result"].get<std::string>() == "valid") {
      ++valid;
      ASSERT_TRUE(sealed.ok()) << sealed.status().ToString();
      EXPECT_EQ(HexEncode(*sealed), HexEncode(sealed_in));
      ASSERT_TRUE(opened.ok()) << opened.status().ToString();
      EXPECT_EQ(HexEncode(opened->view()), HexEncode(msg));
    } else {
      ++invalid;
      EXPECT_FALSE(opened.ok());
      if (iv.empty()) {
        EXPECT_EQ(opened.status().code(), Code::kInvalidArgument);
        EXPECT_EQ(sealed.status().code(), Code::kInvalidArgument);
      } else {
        EXPECT_EQ(opened.status().code(), Code::kVerifyFailed);
        ASSERT_TRUE(sealed.ok());
        EXPECT_NE(HexEncode(*sealed), HexEncode(sealed_in));
      }
    }
  }
  EXPECT_EQ(valid, 75u);
  EXPECT_EQ(invalid, 29u);
}

struct Case {
  Bytes key = *HexDecode("0123456789abcdeffedcba9876543210");
  Bytes iv = *HexDecode("00001234567800000000abcd");
  Bytes aad = *HexDecode("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  Bytes pt = Bytes(70, 0x5a);
};

TEST(Sm4Gcm, TruncatedTagsArePrefixes) {
  Case c;
  auto full = Sm4GcmSeal(c.key, c.iv, c.aad, c.pt);
  ASSERT_TRUE(full.ok());
  for (size_t t = 4; t <= 16; ++t) {
    SCOPED_TRACE(t);
    auto s = Sm4GcmSeal(c.key, c.iv, c.aad, c.pt, t);
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(HexEncode(*s), HexEncode(ByteView(*full).first(c.pt.size() + t)));
    auto o = Sm4GcmOpen(c.key, c.iv, c.aad, *s, t);
    ASSERT_TRUE(o.ok());
    EXPECT_EQ(HexEncode(o->view()), HexEncode(c.pt));
  }
  for (size_t t : {size_t{0}, size_t{3}, size_t{17}}) {
    EXPECT_EQ(Sm4GcmSeal(c.key, c.iv, c.aad, c.pt, t).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(Sm4GcmOpen(c.key, c.iv, c.aad, *full, t).status().code(), Code::kInvalidArgument);
  }
}

TEST(Sm4Gcm, AnyTamperingIsRejected) {
  Case c;
  auto sealed = Sm4GcmSeal(c.key, c.iv, c.aad, c.pt);
  ASSERT_TRUE(sealed.ok());
  for (size_t i = 0; i < sealed->size(); ++i) {
    Bytes bad = *sealed;
    bad[i] ^= 0x01;
    EXPECT_EQ(Sm4GcmOpen(c.key, c.iv, c.aad, bad).status().code(), Code::kVerifyFailed) << i;
  }
  Bytes aad = c.aad;
  aad[0] ^= 0x80;
  EXPECT_EQ(Sm4GcmOpen(c.key, c.iv, aad, *sealed).status().code(), Code::kVerifyFailed);
  Bytes iv = c.iv;
  iv[11] ^= 1;
  EXPECT_EQ(Sm4GcmOpen(c.key, iv, c.aad, *sealed).status().code(), Code::kVerifyFailed);
  // Moving bytes between ciphertext and tag (a shorter tag) must not verify either.
  EXPECT_FALSE(Sm4GcmOpen(c.key, c.iv, c.aad, *sealed, 12).ok());
}

TEST(Sm4Gcm, RejectsBadArguments) {
  Case c;
  EXPECT_EQ(Sm4GcmSeal(Bytes(15, 0), c.iv, c.aad, c.pt).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Sm4GcmSeal(Bytes(32, 0), c.iv, c.aad, c.pt).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Sm4GcmSeal(c.key, {}, c.aad, c.pt).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Sm4GcmOpen(Bytes(15, 0), c.iv, c.aad, Bytes(32, 0)).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Sm4GcmOpen(c.key, c.iv, c.aad, Bytes(15, 0)).status().code(), Code::kMalformed);
  EXPECT_EQ(Sm4GcmOpen(c.key, c.iv, c.aad, Bytes(3, 0), 4).status().code(), Code::kMalformed);
}

TEST(Sm4Gcm, EmptyMessageAndLongInputs) {
  Case c;
  auto empty = Sm4GcmSeal(c.key, c.iv, {}, {});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->size(), kSm4GcmTagSize);
  auto back = Sm4GcmOpen(c.key, c.iv, {}, *empty);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->empty());
  // Longer than one keystream batch, with a non-96-bit IV (J0 through GHASH).
  Bytes pt(5000);
  for (size_t i = 0; i < pt.size(); ++i) pt[i] = static_cast<uint8_t>(i * 31);
  Bytes iv(20, 0x42);
  auto s = Sm4GcmSeal(c.key, iv, c.aad, pt);
  ASSERT_TRUE(s.ok());
  auto o = Sm4GcmOpen(c.key, iv, c.aad, *s);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(HexEncode(o->view()), HexEncode(pt));
}

}  // namespace
}  // namespace sedun::crypto
