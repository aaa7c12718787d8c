// Behaviour of the `sedun` command line: outputs, exit codes (0 ok, 1 verification failed,
// 2 usage or input error), and that errors name the bad input without echoing secrets.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "base/file.h"
#include "util/run.h"
#include "util/temp_dir.h"

namespace sedun {
namespace {

using testing::RunCommand;
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
  auto r = RunCommand(Cli("sm3 " + ShellQuote(dir.File("abc"))));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, expected);
  r = RunCommand("printf abc | " + Cli("sm3"));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, expected);
}

TEST(CliSm3, MissingFileIsAnInputError) {
  auto r = RunCommand(Cli("sm3 /nonexistent/file 2>&1"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("/nonexistent/file"), std::string::npos) << r.out;
}

TEST(Cli, HelpOnEveryCommandAndUsageErrors) {
  for (std::string cmd : {"", "sm3", "sm4", "sm4 encrypt", "sm4 decrypt", "sm2", "sm2 keygen", "sm2 sign",
                          "sm2 verify", "sm2 encrypt", "sm2 decrypt", "selftest"}) {
    auto r = RunCommand(Cli(cmd + " --help"));
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd;
  }
  EXPECT_EQ(RunCommand(Cli("")).exit_code, 2);
  EXPECT_EQ(RunCommand(Cli("nosuchcommand 2>/dev/null")).exit_code, 2);
  EXPECT_EQ(RunCommand(Cli("sm4 encrypt --mode xts --key " + kKey + " 2>/dev/null")).exit_code, 2);
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
    ASSERT_EQ(RunCommand(Cli("sm4 encrypt" + common + " --in " + dir.File("p") + " --out " + dir.File("c"))).exit_code, 0);
    ASSERT_EQ(RunCommand(Cli("sm4 decrypt" + common + " --in " + dir.File("c") + " --out " + dir.File("d"))).exit_code, 0);
    EXPECT_EQ(Slurp(dir.File("d")), plain) << mode << " explicit_iv=" << explicit_iv;
    EXPECT_NE(Slurp(dir.File("c")), plain);
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, CliSm4, ::testing::Values("ecb", "cbc", "ctr", "gcm"));

TEST(CliSm4Errors, WrongTagExitsOneAndWritesNothing) {
  TempDir dir;
  Write(dir.File("p"), "secret payload");
  ASSERT_EQ(RunCommand(Cli("sm4 encrypt --mode gcm --key " + kKey + " --in " + dir.File("p") + " --out " + dir.File("c")))
                .exit_code,
            0);
  Bytes c = *ReadFile(dir.File("c"));
  c.back() ^= 1;
  ASSERT_TRUE(WriteFileAtomic(dir.File("c"), c).ok());
  auto r = RunCommand(Cli("sm4 decrypt --mode gcm --key " + kKey + " --in " + dir.File("c") + " --out " + dir.File("d") +
                   " 2>&1"));
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_EQ(Slurp(dir.File("d")), "<missing>");
}

TEST(CliSm4Errors, BadKeysAndIvsAreInputErrorsWithoutEchoingTheKey) {
  TempDir dir;
  Write(dir.File("p"), "x");
  const std::string in = " --in " + dir.File("p") + " --out " + dir.File("c") + " 2>&1";
  const std::string secret_looking = "00112233445566778899aabbccddeeff00";
  auto r = RunCommand(Cli("sm4 encrypt --mode cbc --key " + secret_looking + in));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out.find(secret_looking), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--key"), std::string::npos) << r.out;
  r = RunCommand(Cli("sm4 encrypt --mode cbc --key zz" + in));
  EXPECT_EQ(r.exit_code, 2);
  r = RunCommand(Cli("sm4 encrypt --mode cbc --key " + kKey + " --iv 0011" + in));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--iv"), std::string::npos) << r.out;
  r = RunCommand(Cli("sm4 encrypt --mode cbc" + in));
  EXPECT_EQ(r.exit_code, 2);
  r = RunCommand(Cli("sm4 decrypt --mode ecb --no-pad --key " + kKey + in));  // 1 byte is not a block
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Slurp(dir.File("c")), "<missing>");
}

TEST(CliSm4Errors, KeyFromFile) {
  TempDir dir;
  Write(dir.File("p"), "data");
  Write(dir.File("k"), kKey + "\n");
  ASSERT_EQ(RunCommand(Cli("sm4 encrypt --mode ctr --key-file " + dir.File("k") + " --in " + dir.File("p") + " --out " +
                    dir.File("c")))
                .exit_code,
            0);
  ASSERT_EQ(RunCommand(Cli("sm4 decrypt --mode ctr --key " + kKey + " --in " + dir.File("c") + " --out " + dir.File("d")))
                .exit_code,
            0);
  EXPECT_EQ(Slurp(dir.File("d")), "data");
}

class CliSm2Errors : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(RunCommand(Cli("sm2 keygen --out " + F("k") + " --pubout " + F("p"))).exit_code, 0);
    ASSERT_EQ(RunCommand(Cli("sm2 keygen --out " + F("k2") + " --pubout " + F("p2"))).exit_code, 0);
    Write(F("m"), "pay 10.00 to merchant 42");
    ASSERT_EQ(RunCommand(Cli("sm2 sign --key " + F("k") + " --in " + F("m") + " --out " + F("sig"))).exit_code, 0);
    sig_ = *ReadFile(F("sig"));
  }
  std::string F(const std::string& name) const { return dir_.File(name); }
  int Verify(const Bytes& sig, const std::string& extra = "") {
    EXPECT_TRUE(WriteFileAtomic(F("sig.test"), sig).ok());
    return RunCommand(Cli("sm2 verify --pubkey " + F("p") + " --in " + F("m") + " --sig " + F("sig.test") + extra +
                   " 2>/dev/null"))
        .exit_code;
  }
  TempDir dir_;
  Bytes sig_;
};

TEST_F(CliSm2Errors, PrivateKeyFileIsNotWorldReadable) {
  struct stat st;
  ASSERT_EQ(stat(F("k").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u);
}

TEST_F(CliSm2Errors, AlteredSignatureIsInvalid) {
  EXPECT_EQ(Verify(sig_), 0);
  for (size_t i : {sig_.size() - 1, sig_.size() - 10, size_t{10}}) {
    Bytes bad = sig_;
    bad[i] ^= 0x01;
    EXPECT_EQ(Verify(bad), 1) << "byte " << i;
  }
}

TEST_F(CliSm2Errors, TruncatedOrGarbageSignatureIsAnInputError) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{8}, sig_.size() - 1}) {
    EXPECT_EQ(Verify(Bytes(sig_.begin(), sig_.begin() + static_cast<std::ptrdiff_t>(n))), 2) << n;
  }
  Bytes trailing = sig_;
  trailing.push_back(0);
  EXPECT_EQ(Verify(trailing), 2);
  EXPECT_EQ(Verify(Bytes(5000, 0x30)), 2);  // larger than any signature: refused before parsing
}

TEST_F(CliSm2Errors, WrongIdAndWrongKeyAreInvalid) {
  EXPECT_EQ(Verify(sig_, " --id 1234567812345679"), 1);
  auto r = RunCommand(Cli("sm2 verify --pubkey " + F("p2") + " --in " + F("m") + " --sig " + F("sig") + " 2>/dev/null"));
  EXPECT_EQ(r.exit_code, 1);
  Write(F("m2"), "pay 99.00 to merchant 42");
  r = RunCommand(Cli("sm2 verify --pubkey " + F("p") + " --in " + F("m2") + " --sig " + F("sig") + " 2>/dev/null"));
  EXPECT_EQ(r.exit_code, 1);
}

TEST_F(CliSm2Errors, MalformedKeysAreInputErrorsNamingTheFile) {
  Write(F("bad.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  Write(F("junk.der"), std::string("\x30\x82\x01\x00junk", 8));
  Write(F("empty"), "");
  for (std::string key : {"bad.pem", "junk.der", "empty", "m"}) {
    auto r = RunCommand(Cli("sm2 sign --key " + F(key) + " --in " + F("m") + " --out " + F("o") + " 2>&1"));
    EXPECT_EQ(r.exit_code, 2) << key;
    EXPECT_NE(r.out.find(F(key)), std::string::npos) << r.out;
    r = RunCommand(Cli("sm2 verify --pubkey " + F(key) + " --in " + F("m") + " --sig " + F("sig") + " 2>&1"));
    EXPECT_EQ(r.exit_code, 2) << key;
  }
  // A public key where a private key is expected, and the other way round.
  EXPECT_EQ(RunCommand(Cli("sm2 sign --key " + F("p") + " --in " + F("m") + " --out " + F("o") + " 2>/dev/null")).exit_code, 2);
  EXPECT_EQ(RunCommand(Cli("sm2 encrypt --pubkey " + F("k") + " --in " + F("m") + " --out " + F("o") + " 2>/dev/null")).exit_code,
            2);
  // A P-256 key is not an SM2 key.
  ASSERT_EQ(RunCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + F("p256")).exit_code, 0);
  auto r = RunCommand(Cli("sm2 sign --key " + F("p256") + " --in " + F("m") + " --out " + F("o") + " 2>&1"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("SM2"), std::string::npos) << r.out;
}

TEST_F(CliSm2Errors, ErrorsNeverPrintKeyMaterial) {
  auto key_pem = *ReadFile(F("k"));
  std::string body(AsChars(key_pem));
  body = body.substr(body.find('\n') + 1, 40);  // a slice of the base64 key body
  auto r = RunCommand(Cli("sm2 decrypt --key " + F("k") + " --in " + F("m") + " --out " + F("o") + " 2>&1"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out.find(body), std::string::npos) << r.out;
}

TEST_F(CliSm2Errors, CiphertextTamperingAndWrongKey) {
  ASSERT_EQ(RunCommand(Cli("sm2 encrypt --pubkey " + F("p") + " --in " + F("m") + " --out " + F("c"))).exit_code, 0);
  EXPECT_EQ(RunCommand(Cli("sm2 decrypt --key " + F("k2") + " --in " + F("c") + " --out " + F("d") + " 2>/dev/null")).exit_code,
            1);
  Bytes c = *ReadFile(F("c"));
  c.back() ^= 0x80;  // inside C2: parses, fails the C3 check
  ASSERT_TRUE(WriteFileAtomic(F("c.bad"), c).ok());
  EXPECT_EQ(RunCommand(Cli("sm2 decrypt --key " + F("k") + " --in " + F("c.bad") + " --out " + F("d") + " 2>/dev/null")).exit_code,
            1);
  EXPECT_FALSE(ReadFile(F("d")).ok());  // nothing written on failure
  c.resize(c.size() / 2);
  ASSERT_TRUE(WriteFileAtomic(F("c.short"), c).ok());
  EXPECT_EQ(
      RunCommand(Cli("sm2 decrypt --key " + F("k") + " --in " + F("c.short") + " --out " + F("d") + " 2>/dev/null")).exit_code,
      2);
}

TEST_F(CliSm2Errors, OversizeInputsAreRefused) {
  // A 2 MiB "key" and a 65 MiB plaintext (sparse file): both above the documented limits.
  ASSERT_EQ(RunCommand("truncate -s 2M " + F("big.key") + " && truncate -s 65M " + F("big.msg")).exit_code, 0);
  auto r = RunCommand(Cli("sm2 sign --key " + F("big.key") + " --in " + F("m") + " --out " + F("o") + " 2>&1"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("limit"), std::string::npos) << r.out;
  r = RunCommand(Cli("sm2 encrypt --pubkey " + F("p") + " --in " + F("big.msg") + " --out " + F("o") + " 2>&1"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("limit"), std::string::npos) << r.out;
  // Signing streams, so a large message is fine there.
  EXPECT_EQ(RunCommand(Cli("sm2 sign --key " + F("k") + " --in " + F("big.msg") + " --out " + F("o"))).exit_code, 0);
}

}  // namespace
}  // namespace sedun
