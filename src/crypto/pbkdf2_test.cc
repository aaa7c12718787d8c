// PBKDF2-HMAC-SM3 against the 60 vectors of tests/vectors/pbkdf2_hmac_sm3.json (shipped by
// GmSSL, recomputed with OpenSSL), and the argument checks.
#include <gtest/gtest.h>

#include <string>

#include "base/bytes.h"
#include "crypto/pbkdf2.h"
#include "util/vectors.h"

namespace sedun::crypto {
namespace {

using testing::HexField;
using testing::LoadVectors;

TEST(Pbkdf2HmacSm3, AllVectors) {
  auto j = LoadVectors("pbkdf2_hmac_sm3.json");
  ASSERT_EQ(j["vectors"].size(), 60u);
  for (const auto& v : j["vectors"]) {
    SCOPED_TRACE(v["id"].get<std::string>());
    ASSERT_EQ(v["result"].get<std::string>(), "valid");
    auto dk = Pbkdf2HmacSm3(HexField(v, "password"), HexField(v, "salt"),
                            v["iterations"].get<uint32_t>(), v["dk_length"].get<size_t>());
    ASSERT_TRUE(dk.ok()) << dk.status().ToString();
    EXPECT_EQ(HexEncode(dk->view()), v["dk"].get<std::string>());
  }
}

TEST(Pbkdf2HmacSm3, RejectsBadParameters) {
  Bytes pw = {'p', 'w'}, salt = {'s', 'a', 'l', 't'};
  EXPECT_EQ(Pbkdf2HmacSm3(pw, salt, 0, 32).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Pbkdf2HmacSm3(pw, salt, 0x80000000u, 32).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Pbkdf2HmacSm3(pw, salt, 1, 0).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Pbkdf2HmacSm3(pw, salt, 1, kPbkdf2MaxKeySize + 1).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Pbkdf2HmacSm3(pw, salt, 1, size_t{1} << 40).status().code(), Code::kInvalidArgument);
  auto max = Pbkdf2HmacSm3(pw, salt, 1, kPbkdf2MaxKeySize);
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max->size(), kPbkdf2MaxKeySize);
}

TEST(Pbkdf2HmacSm3, PrefixProperty) {
  // RFC 8018 §5.2: T_1 || T_2 ..., so a shorter key is a prefix of a longer one.
  Bytes pw = {'p', 'w'}, salt = {'s', 'a', 'l', 't'};
  auto a = Pbkdf2HmacSm3(pw, salt, 10, 20);
  auto b = Pbkdf2HmacSm3(pw, salt, 10, 70);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(HexEncode(a->view()), HexEncode(b->view().first(20)));
}

}  // namespace
}  // namespace sedun::crypto
