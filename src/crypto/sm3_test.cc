// SM3 against every vector of tests/vectors/sm3.json (GB/T 32905 Annex A examples, ZA
// pre-images from the SM2 standards, computed boundary cases), one-shot and streamed.
#include <gtest/gtest.h>

#include <string>

#include "base/bytes.h"
#include "crypto/sm3.h"
#include "util/vectors.h"

namespace sedun::crypto {
namespace {

using testing::HexField;
using testing::LoadVectors;

// The message of a vector: message_hex, or the 1,000,000 x 'a' described in prose.
Bytes Message(const nlohmann::json& v) {
  if (v.contains("message_hex")) return HexField(v, "message_hex");
  EXPECT_EQ(v.value("id", ""), "sm3-computed-million-a");
  return Bytes(1000000, 0x61);
}

TEST(Sm3, AllVectorsOneShot) {
  auto j = LoadVectors("sm3.json");
  ASSERT_EQ(j["vectors"].size(), 10u);
  for (const auto& v : j["vectors"]) {
    SCOPED_TRACE(v["id"].get<std::string>());
    Bytes msg = Message(v);
    auto d = Sm3Hash(msg);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(HexEncode(*d), v["digest"].get<std::string>());
  }
}

TEST(Sm3, AllVectorsStreamedAtOddSplits) {
  auto j = LoadVectors("sm3.json");
  // Odd chunk sizes straddle the 64-byte block and the 56-byte padding boundary.
  for (size_t chunk : {size_t{1}, size_t{3}, size_t{7}, size_t{55}, size_t{63}, size_t{65},
                       size_t{127}, size_t{4099}}) {
    for (const auto& v : j["vectors"]) {
      SCOPED_TRACE(v["id"].get<std::string>() + " chunk " + std::to_string(chunk));
      Bytes msg = Message(v);
      if (msg.size() > 100000 && chunk < 63) continue;  // keeps the 10^6-byte case quick
      auto h = Sm3::Create();
      ASSERT_TRUE(h.ok());
      ByteView rest(msg);
      while (!rest.empty()) {
        size_t n = rest.size() < chunk ? rest.size() : chunk;
        ASSERT_TRUE(h->Update(rest.first(n)).ok());
        rest = rest.subspan(n);
      }
      auto d = h->Final();
      ASSERT_TRUE(d.ok());
      EXPECT_EQ(HexEncode(*d), v["digest"].get<std::string>());
    }
  }
}

TEST(Sm3, FinalResetsForTheNextMessage) {
  auto h = Sm3::Create();
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE(h->Update(AsBytes("ab")).ok());
  ASSERT_TRUE(h->Update(AsBytes("c")).ok());
  auto first = h->Final();
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(h->Update(AsBytes("abc")).ok());
  auto second = h->Final();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_EQ(HexEncode(*first), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

}  // namespace
}  // namespace sedun::crypto
