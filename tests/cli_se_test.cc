// `sedun se ...` without a card: help on every command, and the input errors (exit 2) that are
// caught before any reader is opened. PINs have no command-line option at all, and error text
// never repeats a PIN or key. The card itself is exercised by tests/e2e/pcsc_e2e.sh.
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

std::string Cli(const std::string& args) { return ShellQuote(kCli) + " " + args; }

void Write(const std::string& path, const std::string& content) {
  ASSERT_TRUE(WriteFileAtomic(path, AsBytes(content)).ok());
}

TEST(CliSe, HelpOnEveryCommand) {
  for (std::string cmd :
       {"se", "se readers", "se info", "se personalise", "se pin", "se pin verify", "se pin change", "se pin unblock",
        "se container", "se container create", "se container delete", "se container list", "se keygen", "se csr",
        "se cert", "se cert import", "se cert export", "se cert read", "se cert delete", "se sign", "se verify",
        "se encrypt", "se decrypt", "se envelope", "se envelope open"}) {
    auto r = RunCommand(Cli(cmd + " --help"));
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd;
  }
}

TEST(CliSe, NoPinOnTheCommandLine) {
  for (std::string cmd : {"se sign --container a --pin 123456", "se pin verify --pin 123456",
                          "se personalise --user-pin 123456"}) {
    EXPECT_EQ(RunCommand(Cli(cmd + " 2>/dev/null")).exit_code, 2) << cmd;
  }
}

// Input problems are reported before any reader is opened (these pass with or without pcscd).
TEST(CliSe, InputErrorsComeFirst) {
  TempDir dir;
  Write(dir.File("keys"), std::string(96, 'a') + "\n");
  Write(dir.File("short.keys"), "00112233\n");
  Write(dir.File("short.pin"), "12345\n");
  Write(dir.File("empty.pin"), "\n");
  const std::string keys = " --client-keys " + ShellQuote(dir.File("keys"));
  struct Case {
    std::string args, env, message, secret;
  };
  const Case cases[] = {
      {"se sign --container a --in /dev/null" + keys, "env -u SEDUN_PIN", "SEDUN_PIN", ""},
      {"se sign --container a --in /dev/null" + keys, "env SEDUN_PIN=1234", "a PIN is 6 to 16 bytes", "1234"},
      {"se sign --container a --in /dev/null --pin-file " + ShellQuote(dir.File("short.pin")) + keys, "",
       "a PIN is 6 to 16 bytes", "12345"},
      {"se sign --container a --in /dev/null --pin-file " + ShellQuote(dir.File("empty.pin")) + keys, "",
       "holds no PIN", ""},
      {"se container list --client-keys " + ShellQuote(dir.File("short.keys")), "", "48 bytes", "00112233"},
      {"se container list", "env -u SEDUN_CLIENT_KEYS", "--client-keys is required", ""},
      {"se keygen --container a --slot both" + keys, "env SEDUN_PIN=123456", "--slot", ""},
      {"se csr --container a --subject CN=x" + keys, "env SEDUN_PIN=123456", "--subject", ""},
      {"se cert read" + keys, "", "--serial", ""},
      {"se cert read --at yesterday" + keys, "", "--at", ""},
      {"se verify --sig /dev/null" + keys, "", "exactly one of --container and --cert", ""},
      {"se personalise --issuer-keys x --trust-anchor x --server-cert x --user-pin-file x --admin-pin-file x "
       "--client-keys-out x --retry-limit 7",
       "", "--retry-limit", ""},
  };
  for (const Case& c : cases) {
    auto r = RunCommand(c.env + " " + Cli(c.args + " 2>&1"));
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.out;
    EXPECT_NE(r.out.find(c.message), std::string::npos) << c.args << "\n" << r.out;
    EXPECT_EQ(r.out.find("SCard"), std::string::npos) << "reached PC/SC: " << c.args << "\n" << r.out;
    if (!c.secret.empty()) {
      EXPECT_EQ(r.out.find(c.secret), std::string::npos) << "secret echoed: " << c.args;
    }
  }
}

TEST(CliSe, PersonaliseNeverOverwritesAKeyFile) {
  TempDir dir;
  Write(dir.File("issuer.keys"), std::string(96, 'b') + "\n");
  Write(dir.File("pin"), "123456\n");
  Write(dir.File("client.keys"), "precious\n");
  // Any certificate will do: the refusal comes before the card.
  auto made = RunCommand("openssl genpkey -algorithm SM2 -out " + ShellQuote(dir.File("k.pem")) +
                         " && openssl req -x509 -new -key " + ShellQuote(dir.File("k.pem")) +
                         " -subj /CN=r -days 1 -out " + ShellQuote(dir.File("root.pem")) + " 2>/dev/null");
  ASSERT_EQ(made.exit_code, 0);
  auto r = RunCommand(Cli("se personalise --issuer-keys " + ShellQuote(dir.File("issuer.keys")) +
                          " --trust-anchor " + ShellQuote(dir.File("root.pem")) + " --server-cert " +
                          ShellQuote(dir.File("root.pem")) + " --user-pin-file " + ShellQuote(dir.File("pin")) +
                          " --admin-pin-file " + ShellQuote(dir.File("pin")) + " --client-keys-out " +
                          ShellQuote(dir.File("client.keys")) + " 2>&1"));
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("refusing to overwrite"), std::string::npos) << r.out;
  auto kept = ReadFile(dir.File("client.keys"));
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(std::string(AsChars(*kept)), "precious\n");
}

}  // namespace
}  // namespace sedun
