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

using testing::RunCommand;
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
  auto ours = RunCommand(Cli("sm3 " + dir.File("m")));
  auto theirs = RunCommand("openssl dgst -sm3 -r " + dir.File("m"));
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
  ASSERT_EQ(RunCommand(Cli("sm4 encrypt --mode " + mode + " --key " + kKey + iv_sedun + " --in " + dir.File("m") +
                    " --out " + dir.File("c1")))
                .exit_code,
            0);
  ASSERT_EQ(RunCommand("openssl enc -d -sm4-" + mode + " -K " + kKey + iv_ossl + " -in " + dir.File("c1") + " -out " +
                dir.File("d1"))
                .exit_code,
            0);
  EXPECT_EQ(Slurp(dir.File("d1")), Message());
  // openssl -> sedun
  ASSERT_EQ(RunCommand("openssl enc -sm4-" + mode + " -K " + kKey + iv_ossl + " -in " + dir.File("m") + " -out " +
                dir.File("c2"))
                .exit_code,
            0);
  EXPECT_EQ(Slurp(dir.File("c1")), Slurp(dir.File("c2")));
  ASSERT_EQ(RunCommand(Cli("sm4 decrypt --mode " + mode + " --key " + kKey + iv_sedun + " --in " + dir.File("c2") +
                    " --out " + dir.File("d2")))
                .exit_code,
            0);
  EXPECT_EQ(Slurp(dir.File("d2")), Message());
}

INSTANTIATE_TEST_SUITE_P(Modes, Sm4Interop, ::testing::Values("ecb", "cbc", "ctr"));

const std::string kDistId = " -pkeyopt distid:1234567812345678";

// Keys made by each side, used by both.
class Sm2Interop : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(RunCommand(Cli("sm2 keygen --out " + F("s.key") + " --pubout " + F("s.pub"))).exit_code, 0);
    ASSERT_EQ(RunCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + F("o.key")).exit_code, 0);
    ASSERT_EQ(RunCommand("openssl pkey -in " + F("o.key") + " -pubout -out " + F("o.pub")).exit_code, 0);
    Write(F("m"), Message());
  }
  std::string F(const std::string& name) const { return dir_.File(name); }
  TempDir dir_;
};

TEST_F(Sm2Interop, KeysAreReadByTheOtherSide) {
  EXPECT_EQ(RunCommand("openssl pkey -in " + F("s.key") + " -noout").exit_code, 0);
  EXPECT_EQ(RunCommand("openssl pkey -pubin -in " + F("s.pub") + " -noout").exit_code, 0);
  auto text = RunCommand("openssl pkey -in " + F("s.key") + " -noout -text");
  EXPECT_NE(text.out.find("SM2"), std::string::npos) << text.out;
  // openssl's key (PKCS#8 PEM) signs through sedun, and the public halves agree.
  EXPECT_EQ(RunCommand(Cli("sm2 sign --key " + F("o.key") + " --in " + F("m") + " --out " + F("sig"))).exit_code, 0);
  EXPECT_EQ(RunCommand(Cli("sm2 verify --pubkey " + F("o.pub") + " --in " + F("m") + " --sig " + F("sig"))).exit_code, 0);
  // DER forms too.
  ASSERT_EQ(RunCommand("openssl pkey -in " + F("o.key") + " -outform DER -out " + F("o.key.der")).exit_code, 0);
  ASSERT_EQ(RunCommand("openssl pkey -pubin -in " + F("o.pub") + " -outform DER -out " + F("o.pub.der")).exit_code, 0);
  EXPECT_EQ(RunCommand(Cli("sm2 sign --key " + F("o.key.der") + " --in " + F("m") + " --out " + F("sig2"))).exit_code, 0);
  EXPECT_EQ(RunCommand(Cli("sm2 verify --pubkey " + F("o.pub.der") + " --in " + F("m") + " --sig " + F("sig2"))).exit_code,
            0);
}

TEST_F(Sm2Interop, SedunSignsOpensslVerifies) {
  ASSERT_EQ(RunCommand(Cli("sm2 sign --key " + F("s.key") + " --in " + F("m") + " --out " + F("sig"))).exit_code, 0);
  auto r = RunCommand("openssl pkeyutl -verify -pubin -inkey " + F("s.pub") + " -rawin -digest sm3 -in " + F("m") +
               " -sigfile " + F("sig") + kDistId);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  // The same signature under OpenSSL's empty default ID must fail: proof that ZA used the ID.
  r = RunCommand("openssl pkeyutl -verify -pubin -inkey " + F("s.pub") + " -rawin -digest sm3 -in " + F("m") +
          " -sigfile " + F("sig"));
  EXPECT_NE(r.exit_code, 0);
}

TEST_F(Sm2Interop, OpensslSignsSedunVerifies) {
  ASSERT_EQ(RunCommand("openssl pkeyutl -sign -inkey " + F("o.key") + " -rawin -digest sm3 -in " + F("m") + " -out " +
                F("sig") + kDistId)
                .exit_code,
            0);
  EXPECT_EQ(RunCommand(Cli("sm2 verify --pubkey " + F("o.pub") + " --in " + F("m") + " --sig " + F("sig"))).exit_code, 0);
  // openssl dgst is the other common way to sign; it must agree as well.
  ASSERT_EQ(RunCommand("openssl dgst -sm3 -sign " + F("o.key") + " -sigopt distid:1234567812345678 -out " + F("sig2") + " " +
                F("m"))
                .exit_code,
            0);
  EXPECT_EQ(RunCommand(Cli("sm2 verify --pubkey " + F("o.pub") + " --in " + F("m") + " --sig " + F("sig2"))).exit_code, 0);
}

TEST_F(Sm2Interop, CustomUserIdBothWays) {
  ASSERT_EQ(RunCommand(Cli("sm2 sign --key " + F("s.key") + " --id alice@bank.example --in " + F("m") + " --out " +
                    F("sig")))
                .exit_code,
            0);
  EXPECT_EQ(RunCommand("openssl pkeyutl -verify -pubin -inkey " + F("s.pub") + " -rawin -digest sm3 -in " + F("m") +
                " -sigfile " + F("sig") + " -pkeyopt distid:alice@bank.example")
                .exit_code,
            0);
  EXPECT_EQ(RunCommand(Cli("sm2 verify --pubkey " + F("s.pub") + " --hexid " + HexEncode(AsBytes("alice@bank.example")) +
                    " --in " + F("m") + " --sig " + F("sig")))
                .exit_code,
            0);
  // Wrong ID: invalid (exit 1).
  EXPECT_EQ(RunCommand(Cli("sm2 verify --pubkey " + F("s.pub") + " --in " + F("m") + " --sig " + F("sig"))).exit_code, 1);
}

TEST_F(Sm2Interop, SedunEncryptsOpensslDecrypts) {
  ASSERT_EQ(RunCommand(Cli("sm2 encrypt --pubkey " + F("o.pub") + " --in " + F("m") + " --out " + F("c"))).exit_code, 0);
  ASSERT_EQ(RunCommand("openssl pkeyutl -decrypt -inkey " + F("o.key") + " -in " + F("c") + " -out " + F("d")).exit_code, 0);
  EXPECT_EQ(Slurp(F("d")), Message());
}

TEST_F(Sm2Interop, OpensslEncryptsSedunDecrypts) {
  ASSERT_EQ(RunCommand("openssl pkeyutl -encrypt -pubin -inkey " + F("s.pub") + " -in " + F("m") + " -out " + F("c")).exit_code,
            0);
  ASSERT_EQ(RunCommand(Cli("sm2 decrypt --key " + F("s.key") + " --in " + F("c") + " --out " + F("d"))).exit_code, 0);
  EXPECT_EQ(Slurp(F("d")), Message());
}

TEST_F(Sm2Interop, RawLayoutsRoundTrip) {
  for (std::string format : {"c1c3c2", "c1c2c3"}) {
    ASSERT_EQ(RunCommand(Cli("sm2 encrypt --format " + format + " --pubkey " + F("s.pub") + " --in " + F("m") + " --out " +
                      F("c")))
                  .exit_code,
              0);
    EXPECT_EQ(Slurp(F("c")).size(), 65 + 32 + Message().size()) << format;
    ASSERT_EQ(RunCommand(Cli("sm2 decrypt --format " + format + " --key " + F("s.key") + " --in " + F("c") + " --out " +
                      F("d")))
                  .exit_code,
              0);
    EXPECT_EQ(Slurp(F("d")), Message()) << format;
    // Read in the other raw layout, the bytes do not decrypt.
    std::string other = format == "c1c3c2" ? "c1c2c3" : "c1c3c2";
    EXPECT_NE(RunCommand(Cli("sm2 decrypt --format " + other + " --key " + F("s.key") + " --in " + F("c") + " --out " +
                      F("d2") + " 2>/dev/null"))
                  .exit_code,
              0);
  }
}

}  // namespace
}  // namespace sedun
