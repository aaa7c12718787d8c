// Tests of InitCa / LoadCaKeys / ReadPassphraseFile: files and modes, keys encrypted at rest
// (our loader and the openssl command line agree), wrong passphrase, re-init refused, the CA
// profile as openssl sees it.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

#include "ca/ca_test_util.h"
#include "pki/key_io.h"

namespace sedun::ca {
namespace {

using sedun::testing::RunCommand;
using sedun::testing::ShellQuote;
using sedun::testing::TempDir;
using testing::FastInitOptions;
using testing::Secret;

unsigned ModeOf(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return 0;
  return static_cast<unsigned>(st.st_mode) & 0777u;
}

TEST(CaInitTest, CreatesEncryptedKeysAndCertificates) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/ca";
  CaInitOptions o = FastInitOptions(dir);
  o.pbkdf2_iterations = pki::kDefaultPbkdf2Iterations;  // the production setting, once
  auto r = InitCa(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(ModeOf(dir), 0700u);
  for (const char* key : {kRootKeyFile, kIssuingKeyFile, kServiceKeyFile}) {
    const std::string path = dir + "/" + key;
    EXPECT_EQ(ModeOf(path), 0600u) << key;
    Bytes bytes = testing::ReadBytesFile(path);
    std::string_view text = AsChars(bytes);
    EXPECT_EQ(text.rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0), 0u) << key;
    // Not usable without the passphrase, by us or by openssl.
    auto plain = pki::LoadPrivateKey(bytes);
    EXPECT_FALSE(plain.ok()) << key;
    EXPECT_NE(RunCommand("openssl pkey -noout -passin pass:wrong -in " + ShellQuote(path) + " 2>/dev/null").exit_code,
              0);
    EXPECT_EQ(RunCommand("openssl pkey -noout -passin " + ShellQuote(std::string("pass:") + testing::kTestPassphrase) +
                         " -in " + ShellQuote(path))
                  .exit_code,
              0)
        << key;
    // The PBES2 parameters: SM4-CBC under PBKDF2.
    auto asn1 = RunCommand("openssl asn1parse -in " + ShellQuote(path));
    EXPECT_NE(asn1.out.find("PBES2"), std::string::npos);
    EXPECT_NE(asn1.out.find("PBKDF2"), std::string::npos);
  }

  auto keys = LoadCaKeys(dir, Secret(testing::kTestPassphrase));
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_TRUE(keys->root.IsCa());
  EXPECT_TRUE(keys->root.IsSelfIssued());
  EXPECT_TRUE(keys->issuing.IsCa());
  ASSERT_TRUE(keys->issuing.basic_constraints().has_value());
  EXPECT_EQ(keys->issuing.basic_constraints()->path_len, std::optional<uint32_t>(0));
  EXPECT_TRUE(keys->issuing.VerifySignature(keys->root).ok());
  EXPECT_TRUE(keys->service.VerifySignature(keys->issuing).ok());
  EXPECT_FALSE(keys->service.IsCa());
  EXPECT_EQ(keys->root.subject_string(), "CN=sedun Root CA,O=sedun,C=CN");
  for (const pki::Certificate* c : {&keys->root, &keys->issuing, &keys->service}) {
    EXPECT_LE(c->not_after() - c->not_before(), std::chrono::days(kMaxValidityDays));
    EXPECT_GE(c->serial().size(), 4u);
  }
  EXPECT_LE(keys->issuing.not_after(), keys->root.not_after());
  EXPECT_LE(keys->service.not_after(), keys->issuing.not_after());
  ASSERT_TRUE(keys->service.key_usage().has_value());
  EXPECT_NE(*keys->service.key_usage() & pki::key_usage::kDigitalSignature, 0);
  EXPECT_EQ(keys->service.crl_distribution_urls(),
            std::vector<std::string>{std::string(testing::kTestBaseUrl) + "/v1/ca/crl"});

  // openssl accepts each link (default SM2 ID). OpenSSL 3.0 applies -vfyopt distid only to the
  // certificate named on the command line, so each link is checked on its own.
  for (auto [issuer, subject] : {std::pair{r->root_cert, r->root_cert}, std::pair{r->root_cert, r->issuing_cert},
                                 std::pair{r->issuing_cert, r->service_cert}}) {
    auto v = RunCommand("openssl verify -vfyopt distid:1234567812345678 -partial_chain -CAfile " +
                        ShellQuote(issuer) + " " + ShellQuote(subject));
    EXPECT_EQ(v.exit_code, 0) << v.out;
  }
  auto text = RunCommand("openssl x509 -noout -text -in " + ShellQuote(r->issuing_cert));
  EXPECT_NE(text.out.find("X509v3 Basic Constraints: critical"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("CA:TRUE, pathlen:0"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Certificate Sign, CRL Sign"), std::string::npos) << text.out;
}

TEST(CaInitTest, WrongPassphraseFailsClearly) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/ca";
  ASSERT_TRUE(InitCa(FastInitOptions(dir)).ok());
  auto keys = LoadCaKeys(dir, Secret("not the passphrase"));
  ASSERT_FALSE(keys.ok());
  EXPECT_EQ(keys.status().code(), Code::kVerifyFailed);
  EXPECT_NE(keys.status().message().find("passphrase"), std::string::npos);
  EXPECT_EQ(keys.status().message().find("not the passphrase"), std::string::npos);
  EXPECT_EQ(LoadCaKeys(dir, SecretBytes()).status().code(), Code::kInvalidArgument);
}

TEST(CaInitTest, RefusesReinitAndKeepsFiles) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/ca";
  ASSERT_TRUE(InitCa(FastInitOptions(dir)).ok());
  Bytes before = testing::ReadBytesFile(dir + "/" + kIssuingKeyFile);
  auto again = InitCa(FastInitOptions(dir));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kAlreadyExists);
  EXPECT_EQ(testing::ReadBytesFile(dir + "/" + kIssuingKeyFile), before);
  // One leftover file is enough to refuse.
  TempDir tmp2;
  const std::string dir2 = tmp2.path() + "/ca";
  ASSERT_TRUE(InitCa(FastInitOptions(dir2)).ok());
  ASSERT_EQ(std::remove((dir2 + "/" + kChainFile).c_str()), 0);
  EXPECT_EQ(InitCa(FastInitOptions(dir2)).status().code(), Code::kAlreadyExists);
}

TEST(CaInitTest, RefusesPlaintextKeyFile) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/ca";
  ASSERT_TRUE(InitCa(FastInitOptions(dir)).ok());
  auto keys = LoadCaKeys(dir, Secret(testing::kTestPassphrase));
  ASSERT_TRUE(keys.ok());
  auto pem = pki::PrivateKeyToPem(keys->issuing_key);
  ASSERT_TRUE(pem.ok());
  ASSERT_TRUE(WriteFileAtomic(dir + "/" + kIssuingKeyFile, pem->view(), 0600).ok());
  auto again = LoadCaKeys(dir, Secret(testing::kTestPassphrase));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kFailedPrecondition);
}

TEST(CaInitTest, RefusesMismatchedKey) {
  TempDir tmp;
  const std::string a = tmp.path() + "/a";
  const std::string b = tmp.path() + "/b";
  ASSERT_TRUE(InitCa(FastInitOptions(a)).ok());
  ASSERT_TRUE(InitCa(FastInitOptions(b)).ok());
  ASSERT_TRUE(WriteFileAtomic(a + "/" + kIssuingKeyFile, testing::ReadBytesFile(b + "/" + kIssuingKeyFile), 0600).ok());
  EXPECT_EQ(LoadCaKeys(a, Secret(testing::kTestPassphrase)).status().code(), Code::kFailedPrecondition);
}

TEST(CaInitTest, BadOptionsChangeNothing) {
  TempDir tmp;
  auto bad = [&](auto mutate) {
    CaInitOptions o = FastInitOptions(tmp.path() + "/ca");
    mutate(o);
    auto r = InitCa(o);
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << r.status().ToString();
  };
  bad([](CaInitOptions& o) { o.passphrase = SecretBytes(); });
  bad([](CaInitOptions& o) { o.root_validity_days = 3653; });
  bad([](CaInitOptions& o) { o.issuing_validity_days = o.root_validity_days + 1; });
  bad([](CaInitOptions& o) { o.service_validity_days = 0; });
  bad([](CaInitOptions& o) { o.root_subject = "CN=no slash"; });
  bad([](CaInitOptions& o) { o.issuing_subject = "/XX=unknown"; });
  bad([](CaInitOptions& o) { o.dir.clear(); });
  bad([](CaInitOptions& o) { o.pbkdf2_iterations = 1; });
  EXPECT_FALSE(std::filesystem::exists(tmp.path() + "/ca"));
}

TEST(CaInitTest, ConfigurableSubjectsAndValidity) {
  TempDir tmp;
  CaInitOptions o = FastInitOptions(tmp.path() + "/ca");
  o.root_subject = "/C=CN/O=Example Bank/CN=Example Root";
  o.issuing_subject = "/C=CN/O=Example Bank/CN=Example Issuing";
  o.root_validity_days = 3652;
  o.issuing_validity_days = 100;
  o.service_validity_days = 10;
  ASSERT_TRUE(InitCa(o).ok());
  auto keys = LoadCaKeys(o.dir, Secret(testing::kTestPassphrase));
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->issuing.subject_string(), "CN=Example Issuing,O=Example Bank,C=CN");
  EXPECT_LE(keys->root.not_after() - keys->root.not_before(), std::chrono::days(kMaxValidityDays));
  EXPECT_LE(keys->issuing.not_after() - keys->issuing.not_before(), std::chrono::days(101));
  EXPECT_LE(keys->service.not_after() - keys->service.not_before(), std::chrono::days(11));
}

TEST(CaInitTest, ReadPassphraseFile) {
  TempDir tmp;
  const std::string path = tmp.File("pass");
  ASSERT_TRUE(WriteFileAtomic(path, AsBytes("secret\r\n"), 0600).ok());
  auto p = ReadPassphraseFile(path);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(AsChars(p->view()), "secret");
  ASSERT_TRUE(WriteFileAtomic(path, AsBytes("two\nlines\n"), 0600).ok());
  EXPECT_EQ(AsChars(ReadPassphraseFile(path)->view()), "two\nlines");
  ASSERT_TRUE(WriteFileAtomic(path, AsBytes("\n"), 0600).ok());
  EXPECT_EQ(ReadPassphraseFile(path).status().code(), Code::kInvalidArgument);
  ASSERT_TRUE(WriteFileAtomic(path, Bytes(1025, 'a'), 0600).ok());
  EXPECT_FALSE(ReadPassphraseFile(path).ok());
  EXPECT_FALSE(ReadPassphraseFile(tmp.File("missing")).ok());
}

}  // namespace
}  // namespace sedun::ca
