// EnsureSelfSignedTlsCertificate: created once, reused, key mode 0600, SANs checked with the
// openssl command line, and a server using the files reachable with curl.
#include "net/tls_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "base/file.h"
#include "net/http_server.h"
#include "net/net_test_util.h"

namespace sedun::net {
namespace {

using namespace sedun::net::testing;

TEST(TlsFilesTest, CreatedOnceThenReused) {
  TempDir dir;
  std::string sub = dir.File("data");
  Result<TlsFiles> first = EnsureSelfSignedTlsCertificate(sub, {"bank.example", "10.0.0.7"});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->created);
  struct stat st {};
  ASSERT_EQ(stat(first->key_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(sub.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);
  Bytes cert = *ReadFile(first->cert_file);
  Bytes key = *ReadFile(first->key_file);

  Result<TlsFiles> second = EnsureSelfSignedTlsCertificate(sub);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->created);
  EXPECT_EQ(*ReadFile(second->cert_file), cert);
  EXPECT_EQ(*ReadFile(second->key_file), key);

  std::string text = MustRun("openssl x509 -noout -text -in " + ShellQuote(first->cert_file));
  EXPECT_NE(text.find("DNS:localhost"), std::string::npos) << text;
  EXPECT_NE(text.find("IP Address:127.0.0.1"), std::string::npos);
  EXPECT_NE(text.find("IP Address:0:0:0:0:0:0:0:1"), std::string::npos);
  EXPECT_NE(text.find("DNS:bank.example"), std::string::npos);
  EXPECT_NE(text.find("IP Address:10.0.0.7"), std::string::npos);
  EXPECT_NE(text.find("ASN1 OID: prime256v1"), std::string::npos);
  EXPECT_NE(text.find("CA:FALSE"), std::string::npos);
  EXPECT_NE(text.find("TLS Web Server Authentication"), std::string::npos);
  MustRun("openssl pkey -noout -in " + ShellQuote(first->key_file));
}

TEST(TlsFilesTest, ServerWithTheFilesIsReachableOverHttps) {
  TempDir dir;
  Result<TlsFiles> files = EnsureSelfSignedTlsCertificate(dir.path());
  ASSERT_TRUE(files.ok());
  HttpServerConfig cfg = LocalConfig(true);
  cfg.tls.cert_chain_file = files->cert_file;
  cfg.tls.key_file = files->key_file;
  HttpServer server(cfg);
  ASSERT_TRUE(server.Start().ok());
  std::string out = MustRun("curl -s --cacert " + ShellQuote(files->cert_file) +
                            " --resolve localhost:" + std::to_string(server.port()) +
                            ":127.0.0.1 https://localhost:" + std::to_string(server.port()) + "/healthz");
  EXPECT_EQ(out, "{\"status\":\"ok\"}");
}

TEST(TlsFilesTest, MissingCertificateIsRegenerated) {
  TempDir dir;
  Result<TlsFiles> first = EnsureSelfSignedTlsCertificate(dir.path());
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(std::remove(first->cert_file.c_str()), 0);
  Result<TlsFiles> again = EnsureSelfSignedTlsCertificate(dir.path());
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->created);
}

TEST(TlsFilesTest, BadInputChangesNothing) {
  TempDir dir;
  EXPECT_EQ(EnsureSelfSignedTlsCertificate(dir.path(), {"bad,name"}).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(EnsureSelfSignedTlsCertificate(dir.path(), {"x y"}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(EnsureSelfSignedTlsCertificate("").status().code(), Code::kInvalidArgument);
  struct stat st {};
  EXPECT_NE(stat(dir.File("tls-key.pem").c_str(), &st), 0);

  // Existing files that are not a matching pair are reported, not overwritten.
  TempDir a;
  TempDir b;
  ASSERT_TRUE(EnsureSelfSignedTlsCertificate(a.path()).ok());
  ASSERT_TRUE(EnsureSelfSignedTlsCertificate(b.path()).ok());
  Bytes other_key = *ReadFile(b.File("tls-key.pem"));
  ASSERT_TRUE(WriteFileAtomic(a.File("tls-key.pem"), other_key, 0600).ok());
  Result<TlsFiles> mismatch = EnsureSelfSignedTlsCertificate(a.path());
  EXPECT_EQ(mismatch.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(*ReadFile(a.File("tls-key.pem")), other_key);
  ASSERT_TRUE(WriteFileAtomic(a.File("tls-cert.pem"), AsBytes("not a certificate"), 0644).ok());
  EXPECT_EQ(EnsureSelfSignedTlsCertificate(a.path()).status().code(), Code::kMalformed);
}

}  // namespace
}  // namespace sedun::net
