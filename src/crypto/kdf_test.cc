// SM2 KDF against tests/vectors/sm2_kdf.json (Z and K from the GB/T 32918.3/.4 and
// GM/T 0003.5 examples, plus computed multi-block lengths), and against a direct SM3(Z || ct)
// loop written from GB/T 32918.4 §5.4.3.
#include <gtest/gtest.h>

#include <string>

#include "base/bytes.h"
#include "crypto/kdf.h"
#include "crypto/sm3.h"
#include "util/vectors.h"

namespace sedun::crypto {
namespace {

using testing::HexField;
using testing::LoadVectors;

TEST(Sm2Kdf, AllVectors) {
  auto j = LoadVectors("sm2_kdf.json");
  ASSERT_EQ(j["vectors"].size(), 6u);
  for (const auto& v : j["vectors"]) {
    SCOPED_TRACE(v["id"].get<std::string>());
    auto k = Sm2Kdf(HexField(v, "Z"), v["klen_bytes"].get<size_t>());
    ASSERT_TRUE(k.ok()) << k.status().ToString();
    EXPECT_EQ(HexEncode(k->view()), v["K"].get<std::string>());
  }
}

Bytes DirectKdf(ByteView z, size_t klen) {
  Bytes out;
  for (uint32_t ct = 1; out.size() < klen; ++ct) {
    Bytes ctr = {static_cast<uint8_t>(ct >> 24), static_cast<uint8_t>(ct >> 16),
                 static_cast<uint8_t>(ct >> 8), static_cast<uint8_t>(ct)};
    auto h = Sm3Hash(Concat({z, ctr}));
    EXPECT_TRUE(h.ok());
    out.insert(out.end(), h->begin(), h->end());
  }
  out.resize(klen);
  return out;
}

TEST(Sm2Kdf, MatchesTheStandardsLoop) {
  Bytes z(64);
  for (size_t i = 0; i < z.size(); ++i) z[i] = static_cast<uint8_t>(i);
  for (size_t len : {size_t{1}, size_t{31}, size_t{32}, size_t{33}, size_t{64}, size_t{1000}}) {
    SCOPED_TRACE(len);
    auto k = Sm2Kdf(z, len);
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(HexEncode(k->view()), HexEncode(DirectKdf(z, len)));
  }
}

TEST(Sm2Kdf, Bounds) {
  Bytes z(64, 7);
  auto empty = Sm2Kdf(z, 0);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  EXPECT_EQ(Sm2Kdf(z, kSm2KdfMaxBytes + 1).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Sm2Kdf({}, 16).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace sedun::crypto
