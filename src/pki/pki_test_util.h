// Test helpers for pki/: running the openssl command line (the outside authority for the
// formats), file I/O in a TempDir, and a small certificate chain for the CRL/OCSP/PKCS#7 tests.
// Test-only; header-only so each test program stays self-contained.
#pragma once

#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <chrono>
#include <string>

#include "base/file.h"
#include "crypto/sm2_key.h"
#include "pki/cert_builder.h"
#include "pki/certificate.h"

namespace sedun::pki::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `command` through the shell; the arguments used by the tests are fixed strings and paths
// under a TempDir, never untrusted input.
inline CommandResult RunCommand(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline void WriteText(const std::string& path, std::string_view text) {
  ASSERT_TRUE(WriteFileAtomic(path, AsBytes(text)).ok()) << path;
}
inline void WriteBytes(const std::string& path, ByteView data) {
  ASSERT_TRUE(WriteFileAtomic(path, data).ok()) << path;
}
inline Bytes ReadBytes(const std::string& path) {
  auto r = ReadFile(path);
  EXPECT_TRUE(r.ok()) << path << ": " << r.status().ToString();
  return r.ok() ? *r : Bytes{};
}
inline std::string ReadText(const std::string& path) {
  Bytes b = ReadBytes(path);
  return std::string(AsChars(b));
}

// `openssl ca -gencrl` run in `dir` for `ca_pem`/`ca_key_pem`, revoking serial 0A with
// keyCompromise; with_id adds -sigopt distid:1234567812345678. Returns the CRL's PEM path.
inline std::string OpensslGenCrl(const std::string& dir, const std::string& ca_pem,
                                 const std::string& ca_key_pem, bool with_id) {
  WriteText(dir + "/index.txt", "R\t301231235959Z\t250101000000Z,keyCompromise\t0A\tunknown\t/CN=x\n");
  WriteText(dir + "/crlnumber", "1000\n");
  WriteText(dir + "/ca.cnf", "[ca]\ndefault_ca = d\n[d]\ndatabase = " + dir + "/index.txt\ncrlnumber = " +
                                 dir + "/crlnumber\ndefault_md = sm3\ndefault_crl_days = 1\n");
  const std::string out = dir + "/openssl.crl";
  auto r = RunCommand("openssl ca -config " + dir + "/ca.cnf -gencrl -keyfile " + ca_key_pem + " -cert " +
                      ca_pem + (with_id ? " -sigopt distid:1234567812345678" : "") + " -out " + out);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return out;
}

inline crypto::Sm2PrivateKey NewKey() {
  auto k = crypto::Sm2PrivateKey::Generate();
  EXPECT_TRUE(k.ok());
  return std::move(k).value();
}

inline std::chrono::sys_seconds Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// root (self-signed CA) -> ca (intermediate CA, pathlen 0) -> leaf (end entity), valid from an
// hour ago, so the openssl command line accepts them at the current time. A failed build throws
// (Result::value on an error), which gtest reports as a test failure.
struct TestChain {
  crypto::Sm2PrivateKey root_key;
  crypto::Sm2PrivateKey ca_key;
  crypto::Sm2PrivateKey leaf_key;
  Certificate root;
  Certificate ca;
  Certificate leaf;
};

inline CertificateSpec CaSpec(std::string cn, uint8_t serial, std::optional<uint32_t> path_len) {
  CertificateSpec s;
  s.serial = {serial};
  s.subject = {{"C", "CN"}, {"O", "sedun test"}, {"CN", std::move(cn)}};
  s.not_before = Now() - std::chrono::hours(1);
  s.not_after = Now() + std::chrono::days(365);
  s.basic_constraints = BasicConstraints{true, path_len};
  s.key_usage = key_usage::kKeyCertSign | key_usage::kCrlSign;
  return s;
}

inline CertificateSpec LeafSpec(std::string cn) {
  CertificateSpec s;
  s.serial = {0x01, 0x23, 0x45, 0x67, 0x89};
  s.subject = {{"C", "CN"}, {"O", "sedun test"}, {"CN", std::move(cn)}};
  s.not_before = Now() - std::chrono::hours(1);
  s.not_after = Now() + std::chrono::days(30);
  s.basic_constraints = BasicConstraints{false, std::nullopt};
  s.key_usage = key_usage::kDigitalSignature | key_usage::kNonRepudiation;
  s.extended_key_usage = {"clientAuth"};
  s.crl_distribution_urls = {"http://crl.example.test/ca.crl"};
  s.ocsp_urls = {"http://ocsp.example.test/"};
  return s;
}

inline TestChain MakeChain() {
  crypto::Sm2PrivateKey root_key = NewKey();
  crypto::Sm2PrivateKey ca_key = NewKey();
  crypto::Sm2PrivateKey leaf_key = NewKey();
  Certificate root = SelfSignCertificate(CaSpec("sedun root", 1, std::nullopt), root_key).value();
  Certificate ca = IssueCertificate(CaSpec("sedun ca", 2, 0), ca_key.public_key(), root, root_key).value();
  Certificate leaf = IssueCertificate(LeafSpec("leaf"), leaf_key.public_key(), ca, ca_key).value();
  return TestChain{std::move(root_key), std::move(ca_key), std::move(leaf_key), root, ca, leaf};
}

}  // namespace sedun::pki::testing
