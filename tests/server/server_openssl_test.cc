// The running sedun-server judged by outside tools: an SM2 request made by openssl is certified
// over HTTPS (curl), openssl verifies each link of the chain and reads the extensions; renewal
// supersedes the old certificate; a revocation shows at once in the CRL fetched over the plain
// listener and in `openssl ocsp` answers from the responder URL.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <optional>

#include <gtest/gtest.h>

#include "base/file.h"
#include "ca/certification_authority.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "pki/ocsp.h"
#include "server/process_test_util.h"
#include "util/run.h"
#include "util/temp_dir.h"

namespace sedun::server::testing {
namespace {

using nlohmann::json;
using sedun::testing::CommandResult;
using sedun::testing::RunCommand;
using sedun::testing::ShellQuote;

constexpr char kDistId[] = "distid:1234567812345678";

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

// "notBefore=2026-03-01 10:00:00Z" (openssl -dateopt iso_8601) as Unix seconds, or -1.
int64_t IsoTime(const std::string& text, const std::string& field) {
  size_t at = text.find(field + "=");
  if (at == std::string::npos) return -1;
  std::tm tm{};
  if (::strptime(text.c_str() + at + field.size() + 1, "%Y-%m-%d %H:%M:%S", &tm) == nullptr) return -1;
  return static_cast<int64_t>(::timegm(&tm));
}

class ServerOpensslTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerProcessOptions options;
    options.work_dir = dir_.path();
    auto server = ServerProcess::Start(options);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    // The trust chain as any client fetches it.
    auto chain = JsonBody(server_->Call("GET", "/v1/ca/chain"), 200);
    ASSERT_TRUE(chain.ok()) << chain.status().ToString();
    root_ = WriteText(Path("root.pem"), (*chain)["root"]);
    issuing_ = WriteText(Path("issuing.pem"), (*chain)["issuing"]);
    auto issuing = pki::Certificate::FromPem((*chain)["issuing"].get<std::string>());
    ASSERT_TRUE(issuing.ok());
    issuing_cert_ = std::move(issuing).value();
  }

  void TearDown() override {
    if (server_) {
      EXPECT_EQ(server_->Terminate(), 0) << server_->LogTail();
    }
  }

  std::string Path(const std::string& name) const { return dir_.File(name); }

  // curl over HTTPS, verifying the server's generated certificate; returns the HTTP status and
  // leaves the body in `out_file`.
  std::string Curl(const std::string& args, const std::string& out_file) {
    CommandResult r = RunCommand("curl -sS -o " + ShellQuote(out_file) + " -w '%{http_code}' --cacert " +
                                 ShellQuote(server_->tls_cert_file()) + " " + args);
    EXPECT_EQ(r.exit_code, 0) << args;
    return r.out;
  }

  // Registration (operator, HttpClient), then issuance of the openssl request `name` by curl,
  // as the client would; writes <name>.pem and returns the response.
  json IssueOpenssl(const std::string& name, const std::string& account,
                    const std::optional<std::string>& renews = std::nullopt) {
    auto csr = OpensslCsr(dir_.path(), name);
    EXPECT_TRUE(csr.ok()) << csr.status().ToString();
    auto enrolment = Register(*server_, account, "phone-" + account, "sign", renews);
    EXPECT_TRUE(enrolment.ok()) << enrolment.status().ToString();
    if (!csr.ok() || !enrolment.ok()) return json();
    json body{{"registration_id", enrolment->registration_id},
              {"auth_code", enrolment->auth_code},
              {"csr", *csr}};
    const std::string request = WriteText(Path(name + ".issue.json"), body.dump());
    const std::string response = Path(name + ".issued.json");
    EXPECT_EQ(Curl("-H 'Content-Type: application/json' --data-binary @" + ShellQuote(request) + " " +
                       ShellQuote(server_->https_base() + "/v1/ca/certificates"),
                   response),
              "201");
    auto text = ReadFile(response);
    json issued = json::parse(text.ok() ? std::string(AsChars(*text)) : "", nullptr, false);
    EXPECT_TRUE(issued.is_object()) << (text.ok() ? std::string(AsChars(*text)) : "");
    if (!issued.is_object()) return json();
    WriteText(Path(name + ".pem"), issued.value("certificate", ""));
    return issued;
  }

  // The CRL over the plain listener, as `openssl crl -text` prints it.
  std::string CrlText(const std::string& name) {
    CommandResult fetched = RunCommand("curl -sS -o " + ShellQuote(Path(name)) + " -w '%{http_code}' " +
                                       ShellQuote(server_->public_base() + "/v1/ca/crl"));
    EXPECT_EQ(fetched.out, "200");
    CommandResult text = RunCommand("openssl crl -inform DER -text -noout -in " + ShellQuote(Path(name)));
    EXPECT_EQ(text.exit_code, 0);
    // Its signature is the issuing CA's (checked here, as openssl 3.0 cannot with the default ID).
    auto der = ReadFile(Path(name));
    EXPECT_TRUE(der.ok());
    if (der.ok()) {
      auto crl = pki::Crl::FromDer(*der);
      EXPECT_TRUE(crl.ok());
      if (crl.ok()) {
        EXPECT_TRUE(crl->VerifySignature(*issuing_cert_).ok());
      }
    }
    return text.out;
  }

  int64_t CrlNumber(const std::string& crl_text) {
    const std::string label = "X509v3 CRL Number: \n";
    size_t at = crl_text.find(label);
    if (at == std::string::npos) return -1;
    return std::stoll(crl_text.substr(at + label.size()));
  }

  // `openssl ocsp` against the server's responder URL; the answer is also kept in <name>.resp
  // and its SM2 signature checked in C++ (openssl 3.0 verifies SM2 only with an empty ID).
  std::string OpensslOcsp(const std::string& leaf_name) {
    const std::string resp = Path(leaf_name + ".resp");
    CommandResult r = RunCommand("openssl ocsp -issuer " + ShellQuote(issuing_) + " -cert " +
                                 ShellQuote(Path(leaf_name + ".pem")) + " -url " +
                                 ShellQuote(server_->public_base() + "/v1/ca/ocsp") +
                                 " -resp_text -noverify -respout " + ShellQuote(resp) + " 2>&1");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    auto der = ReadFile(resp);
    EXPECT_TRUE(der.ok());
    if (der.ok()) {
      auto parsed = pki::OcspResponse::FromDer(*der);
      EXPECT_TRUE(parsed.ok());
      if (parsed.ok()) {
        EXPECT_TRUE(parsed->VerifySignature(*issuing_cert_).ok());
      }
    }
    return r.out;
  }

  sedun::testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string root_;
  std::string issuing_;
  std::optional<pki::Certificate> issuing_cert_;
};

TEST_F(ServerOpensslTest, CertifiesAnOpensslSm2RequestThatOpensslVerifies) {
  json issued = IssueOpenssl("leaf", "acct-ossl");
  ASSERT_TRUE(issued.is_object());
  const std::string leaf = Path("leaf.pem");
  const std::string serial = issued["serial"];

  // Each link of the chain, with the GM/T 0009 default ID (OpenSSL 3.0 uses an empty ID unless
  // told): leaf under the issuing CA, issuing CA under the root. One link at a time because
  // openssl 3.0 gives -vfyopt's ID only to the certificate named on the command line, not to
  // the intermediates it finds on the way.
  CommandResult v = RunCommand("openssl verify -vfyopt " + std::string(kDistId) + " -partial_chain -CAfile " +
                               ShellQuote(issuing_) + " " + ShellQuote(leaf) + " 2>&1");
  EXPECT_EQ(v.exit_code, 0) << v.out;
  EXPECT_NE(v.out.find(": OK"), std::string::npos) << v.out;
  v = RunCommand("openssl verify -vfyopt " + std::string(kDistId) + " -CAfile " + ShellQuote(root_) + " " +
                 ShellQuote(issuing_) + " 2>&1");
  EXPECT_EQ(v.exit_code, 0) << v.out;
  // Without the ID the signature does not verify: the default ID is really in use.
  v = RunCommand("openssl verify -partial_chain -CAfile " + ShellQuote(issuing_) + " " + ShellQuote(leaf) + " 2>&1");
  EXPECT_NE(v.exit_code, 0) << v.out;

  CommandResult text = RunCommand("openssl x509 -noout -text -in " + ShellQuote(leaf));
  ASSERT_EQ(text.exit_code, 0);
  const std::string& t = text.out;
  // The registration's subject, not the request's.
  EXPECT_NE(t.find("Subject: C = CN, O = Example Bank, CN = acct-ossl"), std::string::npos) << t;
  EXPECT_EQ(t.find("O = client"), std::string::npos) << t;
  EXPECT_NE(t.find("Signature Algorithm: SM2-with-SM3"), std::string::npos) << t;
  EXPECT_NE(t.find(std::string("Policy: ") + ca::kDefaultPolicyOid), std::string::npos) << t;
  EXPECT_NE(t.find("URI:" + server_->public_base() + "/v1/ca/crl"), std::string::npos) << t;
  EXPECT_NE(t.find("OCSP - URI:" + server_->public_base() + "/v1/ca/ocsp"), std::string::npos) << t;
  EXPECT_NE(t.find("X509v3 Key Usage: critical\n                Digital Signature, Non Repudiation\n"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("X509v3 Basic Constraints: critical\n                CA:FALSE"), std::string::npos) << t;

  // The certified key is the one openssl generated.
  CommandResult cert_key = RunCommand("openssl x509 -noout -pubkey -in " + ShellQuote(leaf));
  CommandResult own_key = RunCommand("openssl pkey -pubout -in " + ShellQuote(Path("leaf.key")));
  EXPECT_EQ(cert_key.out, own_key.out);
  EXPECT_FALSE(own_key.out.empty());

  // Serial: at least 4 octets, the one the API answered.
  CommandResult s = RunCommand("openssl x509 -noout -serial -in " + ShellQuote(leaf));
  EXPECT_EQ(s.out, "serial=" + Upper(serial) + "\n");
  EXPECT_GE(serial.size(), 8u);
  // Validity: at most 3653 days (here the configured 730 and a short backdating).
  CommandResult dates =
      RunCommand("openssl x509 -noout -startdate -enddate -dateopt iso_8601 -in " + ShellQuote(leaf));
  ASSERT_EQ(dates.exit_code, 0) << dates.out;
  const int64_t not_before = IsoTime(dates.out, "notBefore");
  const int64_t not_after = IsoTime(dates.out, "notAfter");
  ASSERT_GT(not_before, 0) << dates.out;
  ASSERT_GT(not_after, not_before) << dates.out;
  EXPECT_LE(not_after - not_before, int64_t{3653} * 86400);
  EXPECT_GE(not_after - not_before, int64_t{730} * 86400);
  EXPECT_LE(not_after - not_before, int64_t{730} * 86400 + 3600);
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  EXPECT_LE(not_before, now);
  EXPECT_GT(not_before, now - 3600);
}

// Issue: "Renewal (a registration with renews_serial) issues a new certificate and the old one
// shows revoked/superseded".
TEST_F(ServerOpensslTest, RenewalIssuesANewCertificateAndSupersedesTheOld) {
  json first = IssueOpenssl("old", "acct-renew");
  ASSERT_TRUE(first.is_object());
  const std::string old_serial = first["serial"];
  json second = IssueOpenssl("new", "acct-renew", old_serial);
  ASSERT_TRUE(second.is_object());
  const std::string new_serial = second["serial"];
  EXPECT_NE(new_serial, old_serial);
  EXPECT_EQ(second.value("superseded_serial", ""), old_serial);

  auto old_status = JsonBody(server_->Call("GET", "/v1/ca/certificates/" + old_serial + "/status"), 200);
  ASSERT_TRUE(old_status.ok());
  EXPECT_EQ((*old_status)["state"], "revoked");
  EXPECT_EQ((*old_status)["reason"], "superseded");
  auto new_status = JsonBody(server_->Call("GET", "/v1/ca/certificates/" + new_serial + "/status"), 200);
  ASSERT_TRUE(new_status.ok());
  EXPECT_EQ((*new_status)["state"], "valid");
  // The registry links both ways.
  auto old_record = JsonBody(server_->Call("GET", "/v1/ca/certificates/" + old_serial, nullptr, true), 200);
  ASSERT_TRUE(old_record.ok());
  EXPECT_EQ(old_record->value("replaced_by", ""), new_serial);
  auto new_record = JsonBody(server_->Call("GET", "/v1/ca/certificates/" + new_serial, nullptr, true), 200);
  ASSERT_TRUE(new_record.ok());
  EXPECT_EQ(new_record->value("renews", ""), old_serial);

  // Outside tools see the same: the CRL lists the old serial as superseded; OCSP says revoked
  // for the old and good for the new.
  const std::string crl = CrlText("renew.crl");
  EXPECT_NE(crl.find("Serial Number: " + Upper(old_serial)), std::string::npos) << crl;
  EXPECT_NE(crl.find("Superseded"), std::string::npos) << crl;
  EXPECT_EQ(crl.find(Upper(new_serial)), std::string::npos) << crl;
  const std::string ocsp_old = OpensslOcsp("old");
  EXPECT_NE(ocsp_old.find(Path("old.pem") + ": revoked"), std::string::npos) << ocsp_old;
  EXPECT_NE(ocsp_old.find("Revocation Reason: superseded (0x4)"), std::string::npos) << ocsp_old;
  const std::string ocsp_new = OpensslOcsp("new");
  EXPECT_NE(ocsp_new.find(Path("new.pem") + ": good"), std::string::npos) << ocsp_new;

  // The superseded certificate cannot be renewed again, nor a certificate of another account:
  // both refusals (409) change nothing.
  for (const auto& [account, serial] : {std::pair<std::string, std::string>{"acct-renew", old_serial},
                                        {"acct-other", new_serial}}) {
    json body{{"account_id", account},
              {"client_id", "phone-acct-renew"},
              {"subject", "/CN=" + account},
              {"renews_serial", serial}};
    auto refused = server_->Call("POST", "/v1/ca/registrations", &body, true);
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ(refused->status, 409) << refused->body;
  }
  auto listed = JsonBody(server_->Call("GET", "/v1/ca/certificates?account_id=acct-renew", nullptr, true), 200);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ((*listed)["certificates"].size(), 2u);
  new_status = JsonBody(server_->Call("GET", "/v1/ca/certificates/" + new_serial + "/status"), 200);
  ASSERT_TRUE(new_status.ok());
  EXPECT_EQ((*new_status)["state"], "valid");
}

// Issue: "Revocation is visible at once in the CRL fetched over the plain-HTTP listener and via
// openssl ocsp (good before, revoked right after)".
TEST_F(ServerOpensslTest, RevocationShowsAtOnceInTheCrlAndOcspOverPlainHttp) {
  json issued = IssueOpenssl("leaf", "acct-revoke");
  ASSERT_TRUE(issued.is_object());
  const std::string serial = issued["serial"];

  const std::string before = CrlText("before.crl");
  const int64_t number_before = CrlNumber(before);
  ASSERT_GE(number_before, 1) << before;
  EXPECT_EQ(before.find(Upper(serial)), std::string::npos) << before;
  std::string ocsp = OpensslOcsp("leaf");
  EXPECT_NE(ocsp.find(Path("leaf.pem") + ": good"), std::string::npos) << ocsp;
  EXPECT_NE(ocsp.find("Signature Algorithm: SM2-with-SM3"), std::string::npos) << ocsp;

  json revoke{{"reason", "keyCompromise"}, {"requested_by", "ops-7"}};
  auto revoked = JsonBody(server_->Call("POST", "/v1/ca/certificates/" + serial + "/revoke", &revoke, true), 200);
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();

  // Right after, with no wait: the CRL and the responder both know.
  const std::string after = CrlText("after.crl");
  EXPECT_NE(after.find("Serial Number: " + Upper(serial)), std::string::npos) << after;
  EXPECT_NE(after.find("Key Compromise"), std::string::npos) << after;
  EXPECT_GT(CrlNumber(after), number_before) << after;
  EXPECT_EQ(CrlNumber(after), (*revoked)["crl_number"].get<int64_t>());
  ocsp = OpensslOcsp("leaf");
  EXPECT_NE(ocsp.find(Path("leaf.pem") + ": revoked"), std::string::npos) << ocsp;
  EXPECT_NE(ocsp.find("Revocation Reason: keyCompromise (0x1)"), std::string::npos) << ocsp;

  // The plain listener serves nothing else: the registry stays behind HTTPS.
  auto plain = server_->CallPublic("GET", "/v1/ca/certificates/" + serial + "/status");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->status, 403);
}

}  // namespace
}  // namespace sedun::server::testing
