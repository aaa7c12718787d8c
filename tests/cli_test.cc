// Behaviour of the `sedun` command line: outputs, exit codes (0 ok, 1 verification failed,
// 2 usage or input error), and that errors name the bad input without echoing secrets.
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

std::string Cli(const std::string& args) { return ShellQuote(kCli) + " " + args; }

void Write(const std::string& path, const std::string& content) {
  ASSERT_TRUE(WriteFileAtomic(path, AsBytes(content)).ok());
}

std::string Slurp(const std::string& path) {
  auto b = ReadFile(path);
  return b.ok() ? std::string(AsChars(*b)) : std::string("<missing>");
}

TEST(CliSm3, FileAndStdinMatchTheStandardExample) {
  TempDir dir;
  Write(dir.File("abc"), "abc");
  const std::string expected = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0\n";
  auto r = Run(Cli("sm3 " + ShellQuote(dir.File("abc"))));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, expected);
  r = Run("printf abc | " + Cli("sm3"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, expected);
}

TEST(CliSm3, MissingFileIsAnInputError) {
  auto r = Run(Cli("sm3 /nonexistent/file 2>&1"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("/nonexistent/file"), std::string::npos) << r.out;
}

TEST(Cli, HelpOnEveryCommandAndUsageErrors) {
  for (std::string cmd : {"", "sm3", "sm4", "sm4 encrypt", "sm4 decrypt", "sm2", "sm2 keygen", "sm2 sign",
                          "sm2 verify", "sm2 encrypt", "sm2 decrypt", "selftest"}) {
    auto r = Run(Cli(cmd + " --help"));
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd;
  }
  EXPECT_EQ(Run(Cli("")).exit_code, 2);
  EXPECT_EQ(Run(Cli("nosuchcommand 2>/dev/null")).exit_code, 2);
  EXPECT_EQ(Run(Cli("sm4 encrypt --mode xts --key " + kKey + " 2>/dev/null")).exit_code, 2);
}

class CliSm4 : public ::testing::TestWithParam<std::string> {};

TEST_P(CliSm4, RoundTripWithAndWithoutExplicitIv) {
  TempDir dir;
  const std::string mode = GetParam();
  const std::string plain = "The quick brown fox jumps over the lazy dog, twice over the fence.";
  Write(dir.File("p"), plain);
  for (bool explicit_iv : {false, true}) {
    std::string iv = mode == "ecb" || !explicit_iv ? "" : (mode == "gcm" ? " --iv 000102030405060708090a0b"
                                                                            : " --iv 000102030405060708090a0b0c0d0e0f");
    std::string common = " --mode " + mode + " --key " + kKey + iv;
    ASSERT_EQ(Run(Cli("sm4 encrypt" + common + " --in " + dir.File("p") + " --out " + dir.File("c"))).exit_code, 0);
    ASSERT_EQ(Run(Cli("sm4 decrypt" + common + " --in " + dir.File("c") + " --out " + dir.File("d"))).exit_code, 0);
    EXPECT_EQ(Slurp(dir.File("d")), plain) << mode << " explicit_iv=" << explicit_iv;
    EXPECT_NE(Slurp(dir.File("c")), plain);
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, CliSm4, ::testing::Values("ecb", "cbc", "ctr", "gcm"));

TEST(CliSm4Errors, WrongTagExitsOneAndWritesNothing) {
  TempDir dir;
  Write(dir.File("p"), "secret payload");
  ASSERT_EQ(Run(Cli("sm4 encrypt --mode gcm --key " + kKey + " --in " + dir.File("p") + " --out " + dir.File("c")))
                .exit_code,
            0);
  Bytes c = *ReadFile(dir.File("c"));
  c.back() ^= 1;
  ASSERT_TRUE(WriteFileAtomic(dir.File("c"), c).ok());
  auto r = Run(Cli("sm4 decrypt --mode gcm --key " + kKey + " --in " + dir.File("c") + " --out " + dir.File("d") +
                   " 2>&1"));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(Slurp(dir.File("d")), "<missing>");
}

TEST(CliSm4Errors, BadKeysAndIvsAreInputErrorsWithoutEchoingTheKey) {
  TempDir dir;
  Write(dir.File("p"), "x");
  const std::string in = " --in " + dir.File("p") + " --out " + dir.File("c") + " 2>&1";
  const std::string secret_looking = "00112233445566778899aabbccddeeff00";
  auto r = Run(Cli("sm4 encrypt --mode cbc --key " + secret_looking + in));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out.find(secret_looking), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--key"), std::string::npos) << r.out;
  r = Run(Cli("sm4 encrypt --mode cbc --key zz" + in));
  EXPECT_EQ(r.exit_code, 2);
  r = Run(Cli("sm4 encrypt --mode cbc --key " + kKey + " --iv 0011" + in));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--iv"), std::string::npos) << r.out;
  r = Run(Cli("sm4 encrypt --mode cbc" + in));
  EXPECT_EQ(r.exit_code, 2);
  r = Run(Cli("sm4 decrypt --mode ecb --no-pad --key " + kKey + in));  // 1 byte is not a block
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Slurp(dir.File("c")), "<missing>");
}

TEST(CliSm4Errors, KeyFromFile) {
  TempDir dir;
  Write(dir.File("p"), "data");
  Write(dir.File("k"), kKey + "\n");
  ASSERT_EQ(Run(Cli("sm4 encrypt --mode ctr --key-file " + dir.File("k") + " --in " + dir.File("p") + " --out " +
                    dir.File("c")))
                .exit_code,
            0);
  ASSERT_EQ(Run(Cli("sm4 decrypt --mode ctr --key " + kKey + " --in " + dir.File("c") + " --out " + dir.File("d")))
                .exit_code,
            0);
  EXPECT_EQ(Slurp(dir.File("d")), "data");
}

}  // namespace
}  // namespace sedun
