// The openssl command line as the outside judge, on both engines: a CSR made by openssl is
// certified, openssl verifies the certificate and reads its extensions, the PKCS#7 chain, the CRL
// after a revocation, and OCSP requests made by openssl answered in a form openssl reads.
#include <algorithm>
#include <cctype>

#include "ca/ca_test_util.h"

namespace sedun::ca {
namespace {

using sedun::testing::RunCommand;
using sedun::testing::ShellQuote;
using testing::CaTest;

constexpr char kDistId[] = "distid:1234567812345678";

class CaOpensslTest : public CaTest {
 protected:
  std::string Path(const std::string& name) { return temp_dir() + "/" + name; }

  // An SM2 key and a PKCS#10 made by openssl; `with_id` signs with the GM/T 0009 default ID.
  Bytes OpensslCsr(const std::string& name, bool with_id) {
    const std::string key = Path(name + ".key");
    const std::string csr = Path(name + ".csr");
    EXPECT_EQ(RunCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + ShellQuote(key)).exit_code,
              0);
    auto r = RunCommand("openssl req -new -key " + ShellQuote(key) + " -sm3 " +
                        (with_id ? std::string("-sigopt ") + kDistId + " " : std::string()) +
                        "-subj '/C=CN/O=evil/CN=Administrator' -outform DER -out " + ShellQuote(csr));
    EXPECT_EQ(r.exit_code, 0);
    return testing::ReadBytesFile(csr);
  }

  IssuedCertificate IssueFor(Bytes csr, Profile profile = Profile::kSign, const std::string& account = "acct-o") {
    auto reg = ca().Register(UserData(account, "phone-o", profile));
    EXPECT_TRUE(reg.ok());
    auto issued = ca().Issue({reg->registration_id, reg->auth_code.Clone(), std::move(csr)});
    EXPECT_TRUE(issued.ok()) << issued.status().ToString();
    return std::move(issued).value();
  }

  std::string WritePem(const std::string& name, const pki::Certificate& c) {
    testing::WriteBytesFile(Path(name), AsBytes(c.ToPem()));
    return Path(name);
  }
};

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

TEST_P(CaOpensslTest, CertifiesAnOpensslCsrThatOpensslVerifies) {
  IssuedCertificate issued = IssueFor(OpensslCsr("user", true));
  const std::string leaf = WritePem("leaf.pem", issued.certificate);
  const std::string issuing = WritePem("issuing.pem", ca().issuing_certificate());

  auto v = RunCommand("openssl verify -vfyopt " + std::string(kDistId) + " -partial_chain -CAfile " +
                      ShellQuote(issuing) + " " + ShellQuote(leaf));
  EXPECT_EQ(v.exit_code, 0) << v.out;
  EXPECT_NE(v.out.find(": OK"), std::string::npos) << v.out;
  // The same check without the ID fails: the signature really uses the default ID.
  EXPECT_NE(RunCommand("openssl verify -partial_chain -CAfile " + ShellQuote(issuing) + " " + ShellQuote(leaf) +
                       " 2>/dev/null")
                .exit_code,
            0);

  auto text = RunCommand("openssl x509 -noout -text -in " + ShellQuote(leaf));
  ASSERT_EQ(text.exit_code, 0);
  const std::string& t = text.out;
  EXPECT_NE(t.find("Subject: C = CN, O = sedun bank, OU = mobile, CN = user acct-o"), std::string::npos) << t;
  EXPECT_EQ(t.find("Administrator"), std::string::npos) << t;
  EXPECT_NE(t.find("Signature Algorithm: SM2-with-SM3"), std::string::npos) << t;
  EXPECT_NE(t.find("X509v3 Basic Constraints: critical\n                CA:FALSE"), std::string::npos) << t;
  EXPECT_NE(t.find("X509v3 Key Usage: critical\n                Digital Signature, Non Repudiation"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find(std::string("Policy: ") + kDefaultPolicyOid), std::string::npos) << t;
  EXPECT_NE(t.find(std::string("URI:") + testing::kTestBaseUrl + "/v1/ca/crl"), std::string::npos) << t;
  EXPECT_NE(t.find(std::string("OCSP - URI:") + testing::kTestBaseUrl + "/v1/ca/ocsp"), std::string::npos) << t;

  auto serial = RunCommand("openssl x509 -noout -serial -in " + ShellQuote(leaf));
  EXPECT_EQ(serial.out, "serial=" + Upper(issued.serial_hex) + "\n");
  EXPECT_EQ(issued.serial_hex.size(), 32u);  // 16 octets
  // Validity within 3653 days: openssl -checkend agrees with notAfter.
  EXPECT_EQ(RunCommand("openssl x509 -noout -checkend " + std::to_string(729 * 86400) + " -in " + ShellQuote(leaf))
                .exit_code,
            0);
  EXPECT_NE(RunCommand("openssl x509 -noout -checkend " + std::to_string(731 * 86400) + " -in " + ShellQuote(leaf))
                .exit_code,
            0);

  // The PKCS#7 chain as openssl reads it.
  testing::WriteBytesFile(Path("chain.p7b"), issued.pkcs7_der);
  auto p7 = RunCommand("openssl pkcs7 -inform DER -print_certs -noout -in " + ShellQuote(Path("chain.p7b")));
  ASSERT_EQ(p7.exit_code, 0);
  EXPECT_NE(p7.out.find("subject=C = CN, O = sedun bank, OU = mobile, CN = user acct-o"), std::string::npos) << p7.out;
  EXPECT_NE(p7.out.find("subject=C = CN, O = sedun, CN = sedun Issuing CA"), std::string::npos) << p7.out;
  EXPECT_NE(p7.out.find("subject=C = CN, O = sedun, CN = sedun Root CA"), std::string::npos) << p7.out;
}

TEST_P(CaOpensslTest, EncryptionProfileAsOpensslSeesIt) {
  IssuedCertificate issued = IssueFor(OpensslCsr("enc", true), Profile::kEnc);
  auto text = RunCommand("openssl x509 -noout -text -in " + ShellQuote(WritePem("enc.pem", issued.certificate)));
  EXPECT_NE(text.out.find("Key Encipherment, Data Encipherment"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("CA:FALSE"), std::string::npos) << text.out;
}

TEST_P(CaOpensslTest, CsrSignedWithoutTheDefaultIdIsRefused) {
  // OpenSSL 3.0 signs SM2 with an empty ID unless told otherwise; such a request does not
  // verify under GM/T 0009 and is refused without consuming the registration.
  Bytes csr = OpensslCsr("noid", false);
  auto reg = ca().Register(UserData());
  ASSERT_TRUE(reg.ok());
  const auto before = Snapshot();
  EXPECT_EQ(ca().Issue({reg->registration_id, reg->auth_code.Clone(), csr}).status().code(), Code::kVerifyFailed);
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(CaOpensslTest, CrlAfterRevocationAsOpensslReadsIt) {
  IssuedCertificate issued = IssueFor(OpensslCsr("user", true));
  auto r = ca().Revoke(issued.serial_hex, pki::RevocationReason::kKeyCompromise);
  ASSERT_TRUE(r.ok());
  auto der = ca().CurrentCrl();
  ASSERT_TRUE(der.ok());
  testing::WriteBytesFile(Path("ca.crl"), *der);
  auto text = RunCommand("openssl crl -inform DER -text -noout -in " + ShellQuote(Path("ca.crl")));
  ASSERT_EQ(text.exit_code, 0);
  const std::string& t = text.out;
  EXPECT_NE(t.find("Serial Number: " + Upper(issued.serial_hex)), std::string::npos) << t;
  EXPECT_NE(t.find("Key Compromise"), std::string::npos) << t;
  EXPECT_NE(t.find("X509v3 CRL Number: \n                " + std::to_string(r->crl_number)), std::string::npos) << t;
  EXPECT_NE(t.find("Issuer: C = CN, O = sedun, CN = sedun Issuing CA"), std::string::npos) << t;
  EXPECT_NE(t.find("X509v3 Authority Key Identifier"), std::string::npos) << t;
}

TEST_P(CaOpensslTest, AnswersOpensslOcspRequests) {
  IssuedCertificate good = IssueFor(OpensslCsr("good", true), Profile::kSign, "acct-g");
  IssuedCertificate bad = IssueFor(OpensslCsr("bad", true), Profile::kSign, "acct-b");
  ASSERT_TRUE(ca().Revoke(bad.serial_hex, pki::RevocationReason::kSuperseded).ok());
  const std::string issuing = WritePem("issuing.pem", ca().issuing_certificate());

  for (const auto& [name, cert, expect] : {std::tuple{"good", &good, "good"}, std::tuple{"bad", &bad, "revoked"}}) {
    const std::string leaf = WritePem(std::string(name) + ".pem", cert->certificate);
    const std::string req = Path(std::string(name) + ".req");
    const std::string resp = Path(std::string(name) + ".resp");
    ASSERT_EQ(RunCommand("openssl ocsp -issuer " + ShellQuote(issuing) + " -cert " + ShellQuote(leaf) +
                         " -reqout " + ShellQuote(req))
                  .exit_code,
              0);
    OcspReply reply = ca().RespondOcsp(testing::ReadBytesFile(req));
    ASSERT_EQ(reply.status, pki::OcspResponseStatus::kSuccessful) << reply.cause.ToString();
    // Our own check of the SM2 signature (openssl 3.0 can only verify with an empty ID).
    auto parsed = pki::OcspResponse::FromDer(reply.der);
    ASSERT_TRUE(parsed.ok());
    EXPECT_TRUE(parsed->VerifySignature(ca().issuing_certificate()).ok());
    EXPECT_TRUE(parsed->nonce().has_value());  // openssl adds a nonce by default; echoed
    testing::WriteBytesFile(resp, reply.der);

    auto text = RunCommand("openssl ocsp -respin " + ShellQuote(resp) + " -resp_text -noverify -issuer " +
                           ShellQuote(issuing) + " -cert " + ShellQuote(leaf) + " 2>&1");
    EXPECT_EQ(text.exit_code, 0) << text.out;
    EXPECT_NE(text.out.find("OCSP Response Status: successful (0x0)"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("Cert Status: " + std::string(expect)), std::string::npos) << text.out;
    EXPECT_NE(text.out.find(leaf + ": " + expect), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("Signature Algorithm: SM2-with-SM3"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("OCSP Nonce"), std::string::npos) << text.out;
    if (std::string(expect) == "revoked") {
      EXPECT_NE(text.out.find("Revocation Reason: superseded (0x4)"), std::string::npos) << text.out;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, CaOpensslTest, ::testing::ValuesIn(store::testing::TestEngines()),
                         store::testing::EngineParamName);

}  // namespace
}  // namespace sedun::ca
