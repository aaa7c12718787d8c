// HTTPS listeners: protocol versions (TLS 1.2 and 1.3 in, 1.1 and 1.0 out) and mutual TLS
// (JR/T 0093.6 7.5.10.1), checked with openssl s_client and curl as outside clients and with an
// in-process OpenSSL client whose own limits are lowered so that refusals are the server's.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "net/http_server.h"
#include "net/json_response.h"
#include "net/net_test_util.h"

namespace sedun::net {
namespace {

using namespace sedun::net::testing;

class TlsServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    pki_ = new TestPki(MakeTestPki(*dir_));
  }
  static void TearDownTestSuite() {
    delete pki_;
    delete dir_;
  }

  std::unique_ptr<HttpServer> StartServer(ClientCertMode mode) {
    HttpServerConfig cfg = LocalConfig(true, pki_);
    cfg.listeners.push_back({"127.0.0.1:0", false});  // a plain listener beside it
    if (mode != ClientCertMode::kNone) {
      cfg.tls.client_ca_file = pki_->client_ca;
      cfg.tls.client_cert_mode = mode;
    }
    auto server = std::make_unique<HttpServer>(cfg);
    RouteOptions need_cert;
    need_cert.require_client_cert = true;
    EXPECT_TRUE(server->router().Add("GET", "/v1/whoami", [](const HttpRequest& r) {
      return JsonResponse({{"subject", r.client_cert->subject},
                           {"issuer", r.client_cert->issuer},
                           {"serial", r.client_cert->serial_hex},
                           {"der_bytes", r.client_cert->der.size()},
                           {"tls", r.tls}});
    }, need_cert).ok());
    Status s = server->Start();
    EXPECT_TRUE(s.ok()) << s.ToString();
    return server;
  }

  std::string Curl(const HttpServer& s, const std::string& path, const std::string& extra,
                   int* exit_code) {
    CommandResult r = RunCommand("curl -s --cacert " + ShellQuote(pki_->server_ca) + " " + extra +
                                 " https://127.0.0.1:" + std::to_string(s.port(0)) + path);
    *exit_code = r.exit_code;
    return r.out;
  }

  std::string ClientCertArgs(bool other = false) {
    return "--cert " + ShellQuote(other ? pki_->other_client_cert : pki_->client_cert) + " --key " +
           ShellQuote(other ? pki_->other_client_key : pki_->client_key);
  }

  static TempDir* dir_;
  static TestPki* pki_;
};

TempDir* TlsServerTest::dir_ = nullptr;
TestPki* TlsServerTest::pki_ = nullptr;

TEST_F(TlsServerTest, Tls12And13AcceptedOlderRefused) {
  auto server = StartServer(ClientCertMode::kNone);
  int port = server->port(0);
  TlsProbe v12 = ProbeTls(port, TLS1_2_VERSION, TLS1_2_VERSION, "/healthz", pki_->server_ca);
  EXPECT_TRUE(v12.handshake_ok);
  EXPECT_EQ(v12.version, "TLSv1.2");
  EXPECT_EQ(v12.response.rfind("HTTP/1.1 200", 0), 0u) << v12.response;
  TlsProbe v13 = ProbeTls(port, TLS1_3_VERSION, TLS1_3_VERSION, "/healthz", pki_->server_ca);
  EXPECT_TRUE(v13.handshake_ok);
  EXPECT_EQ(v13.version, "TLSv1.3");
  EXPECT_EQ(v13.response.rfind("HTTP/1.1 200", 0), 0u);
  for (int old : {TLS1_1_VERSION, TLS1_VERSION}) {
    TlsProbe p = ProbeTls(port, old, old, "/healthz", pki_->server_ca);
    EXPECT_FALSE(p.handshake_ok) << old;
    // The server's protocol_version alert, not a client-side refusal.
    EXPECT_EQ(ERR_GET_REASON(p.last_error), SSL_R_TLSV1_ALERT_PROTOCOL_VERSION) << old;
  }

  // openssl s_client as the outside authority.
  std::string target = " -connect 127.0.0.1:" + std::to_string(port) + " -CAfile " +
                       ShellQuote(pki_->server_ca) + " -verify_return_error -brief </dev/null";
  std::string out = MustRun("openssl s_client -tls1_2" + target);
  EXPECT_NE(out.find("TLSv1.2"), std::string::npos) << out;
  out = MustRun("openssl s_client -tls1_3" + target);
  EXPECT_NE(out.find("TLSv1.3"), std::string::npos) << out;
  CommandResult old = RunCommand("openssl s_client -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'" + target + " 2>&1");
  EXPECT_NE(old.exit_code, 0) << old.out;
  EXPECT_NE(old.out.find("alert protocol version"), std::string::npos) << old.out;
}

TEST_F(TlsServerTest, CurlVerifiesTheServerCertificate) {
  auto server = StartServer(ClientCertMode::kNone);
  int rc = -1;
  std::string body = Curl(*server, "/healthz", "", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(body, "{\"status\":\"ok\"}");
  CommandResult wrong = RunCommand("curl -s --cacert " + ShellQuote(pki_->other_ca) +
                                   " https://127.0.0.1:" + std::to_string(server->port(0)) + "/healthz");
  EXPECT_EQ(wrong.exit_code, 60);  // peer certificate cannot be authenticated
  // Without mTLS, a route that needs a client certificate says so.
  body = Curl(*server, "/v1/whoami", ClientCertArgs(), &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(body.find("client_certificate_required"), std::string::npos) << body;
}

TEST_F(TlsServerTest, MutualTlsRequired) {
  auto server = StartServer(ClientCertMode::kRequire);
  int rc = -1;
  std::string body = Curl(*server, "/v1/whoami", ClientCertArgs(), &rc);
  ASSERT_EQ(rc, 0) << body;
  nlohmann::json j = nlohmann::json::parse(body);
  EXPECT_EQ(j["subject"], "CN=teller-01,O=Example Bank,C=CN");
  EXPECT_EQ(j["issuer"], "CN=sedun test client CA");
  EXPECT_EQ(j["serial"], "60c0ffee");
  EXPECT_GT(j["der_bytes"].get<int>(), 200);
  EXPECT_EQ(j["tls"], true);

  // No certificate: the handshake is refused (curl 56 or 35, never an HTTP answer).
  body = Curl(*server, "/healthz", "", &rc);
  EXPECT_NE(rc, 0);
  EXPECT_EQ(body, "");
  // A certificate from another CA: refused too.
  body = Curl(*server, "/healthz", ClientCertArgs(true), &rc);
  EXPECT_NE(rc, 0);
  EXPECT_EQ(body, "");
  // Same with the in-process client, over TLS 1.2 and 1.3.
  for (int v : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    TlsProbe none = ProbeTls(server->port(0), v, v, "/healthz", pki_->server_ca);
    EXPECT_EQ(none.response.find("HTTP/1.1"), std::string::npos) << v;
    TlsProbe other = ProbeTls(server->port(0), v, v, "/healthz", pki_->server_ca,
                              pki_->other_client_cert, pki_->other_client_key);
    EXPECT_EQ(other.response.find("HTTP/1.1"), std::string::npos) << v;
    TlsProbe good = ProbeTls(server->port(0), v, v, "/v1/whoami", pki_->server_ca,
                             pki_->client_cert, pki_->client_key);
    EXPECT_EQ(good.response.rfind("HTTP/1.1 200", 0), 0u) << v;
  }
  // The plain listener of the same server has no client identity.
  CommandResult plain = RunCommand("curl -s http://127.0.0.1:" + std::to_string(server->port(1)) +
                                   "/v1/whoami");
  EXPECT_NE(plain.out.find("client_certificate_required"), std::string::npos) << plain.out;
}

TEST_F(TlsServerTest, MutualTlsOptional) {
  auto server = StartServer(ClientCertMode::kOptional);
  int rc = -1;
  EXPECT_EQ(Curl(*server, "/healthz", "", &rc), "{\"status\":\"ok\"}");
  EXPECT_EQ(rc, 0);
  std::string body = Curl(*server, "/v1/whoami", "", &rc);
  EXPECT_NE(body.find("client_certificate_required"), std::string::npos) << body;
  body = Curl(*server, "/v1/whoami", ClientCertArgs(), &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(body.find("teller-01"), std::string::npos) << body;
  // A presented certificate must verify: another CA's is refused at the handshake.
  body = Curl(*server, "/healthz", ClientCertArgs(true), &rc);
  EXPECT_NE(rc, 0);
  EXPECT_EQ(body, "");
}

TEST_F(TlsServerTest, BadTlsMaterialFailsStart) {
  HttpServerConfig cfg = LocalConfig(true, pki_);
  cfg.tls.key_file = pki_->client_key;  // not the server certificate's key
  Status s = HttpServer(cfg).Start();
  EXPECT_EQ(s.code(), Code::kCrypto);
  EXPECT_NE(s.message().find("mismatch"), std::string::npos) << s.ToString();

  cfg = LocalConfig(true, pki_);
  cfg.tls.cert_chain_file = pki_->server_key;  // a key where a certificate belongs
  s = HttpServer(cfg).Start();
  EXPECT_EQ(s.code(), Code::kCrypto) << s.ToString();

  cfg = LocalConfig(true, pki_);
  cfg.tls.client_cert_mode = ClientCertMode::kRequire;  // without a client CA
  EXPECT_EQ(HttpServer(cfg).Start().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace sedun::net
