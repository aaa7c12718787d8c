// The seed corpus of fuzz/scp_fuzzer.cc: valid first commands of the fixed sessions that the
// fuzzer opens (scp_test_util.h keys and challenges), at level 13 (files l13_*) and 33 (l33_*).
// Generate writes them when SEDUN_FUZZ_SEEDS_DIR is set (normally <repo>/fuzz/corpus):
//   SEDUN_FUZZ_SEEDS_DIR=$PWD/fuzz/corpus build/src/scp/sedun_scp_test --gtest_filter=ScpFuzzSeeds.*
// CorpusUnwraps checks on every run that the committed seeds still unwrap, so a protocol change
// cannot leave the fuzzer starting from inputs it rejects at the first byte that matters.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "scp/scp.h"
#include "scp/scp_test_util.h"

namespace sedun::scp {
namespace {

using apdu::CommandApdu;
using testing::H;
using testing::TestKeys;

struct Seed {
  const char* name;
  CommandApdu plain;
};

std::vector<Seed> Seeds() {
  Bytes long_data(300);
  for (size_t i = 0; i < long_data.size(); ++i) long_data[i] = static_cast<uint8_t>(i);
  return {
      {"case1_list_containers", {0x80, 0xE2, 0x00, 0x00, {}, 0, false}},
      {"case2_get_data", {0x80, 0xCA, 0x00, 0x01, {}, 256, false}},
      {"case3_verify_pin", {0x00, 0x20, 0x00, 0x01, H("9106313233343536"), 0, false}},
      {"case4_sign", {0x80, 0x2A, 0x00, 0x00, H("810161840568656c6c6f"), 256, false}},
      {"case4_block_exact", {0x80, 0x2E, 0x00, 0x00, Bytes(16, 0x84), 256, false}},
      {"case3e_long", {0x80, 0x2C, 0x00, 0x00, long_data, 0, false}},
      {"case2e_forced", {0x80, 0xCA, 0x00, 0x01, {}, 1000, true}},
      {"chained_part", {0x90, 0xD0, 0x00, 0x00, Bytes(200, 0x86), 0, false}},
  };
}

std::string LevelPrefix(uint8_t level) { return level == kLevelFull ? "l33_" : "l13_"; }

Bytes FirstWrapped(uint8_t level, const CommandApdu& plain) {
  HostChannel host;
  CardChannel card;
  EXPECT_TRUE(testing::OpenPair(host, card, level, TestKeys(), TestKeys()));
  Result<CommandApdu> wrapped = host.Wrap(plain);
  EXPECT_TRUE(wrapped.ok());
  if (!wrapped.ok()) return {};
  Result<Bytes> bytes = wrapped->Encode();
  EXPECT_TRUE(bytes.ok());
  return bytes.ok() ? *bytes : Bytes{};
}

TEST(ScpFuzzSeeds, Generate) {
  const char* root = std::getenv("SEDUN_FUZZ_SEEDS_DIR");
  if (root == nullptr) GTEST_SKIP() << "SEDUN_FUZZ_SEEDS_DIR not set";
  const std::filesystem::path dir = std::filesystem::path(root) / "scp";
  std::filesystem::create_directories(dir);
  for (uint8_t level : {kLevelStandard, kLevelFull}) {
    for (const Seed& seed : Seeds()) {
      const Bytes bytes = FirstWrapped(level, seed.plain);
      std::ofstream out(dir / (LevelPrefix(level) + seed.name), std::ios::binary);
      out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
      ASSERT_TRUE(out.good());
    }
  }
}

TEST(ScpFuzzSeeds, CorpusUnwraps) {
  const std::filesystem::path dir = std::filesystem::path(SEDUN_SOURCE_DIR) / "fuzz" / "corpus" / "scp";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  size_t checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    std::ifstream in(entry.path(), std::ios::binary);
    const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Result<CommandApdu> wrapped = CommandApdu::Parse(bytes);
    ASSERT_TRUE(wrapped.ok()) << wrapped.status().ToString();
    const uint8_t level = name.rfind("l33_", 0) == 0 ? kLevelFull : kLevelStandard;
    HostChannel host;
    CardChannel card;
    ASSERT_TRUE(testing::OpenPair(host, card, level, TestKeys(), TestKeys()));
    Result<CommandApdu> plain = card.Unwrap(*wrapped);
    EXPECT_TRUE(plain.ok()) << plain.status().ToString();
    ++checked;
  }
  EXPECT_EQ(checked, 2 * Seeds().size());
}

}  // namespace
}  // namespace sedun::scp
