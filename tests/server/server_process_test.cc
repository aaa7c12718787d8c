// The sedun-server binary as an operator runs it: first start with no configuration file (only
// the data directory and ports from the environment), `config show`, configuration errors,
// graceful shutdown with requests in flight, and IPv6 loopback.
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "base/base64.h"
#include "base/file.h"
#include "ca/ca_init.h"
#include "crypto/sm2.h"
#include "net/http_client.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "pki/csr.h"
#include "pki/name.h"
#include "server/config.h"
#include "server/process_test_util.h"
#include "util/run.h"
#include "util/temp_dir.h"

namespace sedun::server::testing {
namespace {

using nlohmann::json;
using sedun::testing::RunCommand;
using sedun::testing::ShellQuote;

bool Exists(const std::string& path) { return std::filesystem::exists(path); }

unsigned Mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return static_cast<unsigned>(st.st_mode) & 0777u;
}

std::string ReadAll(const std::string& path) {
  auto bytes = ReadFile(path, size_t{1} << 24);
  return bytes.ok() ? std::string(AsChars(*bytes)) : std::string();
}

class ServerProcessTest : public ::testing::Test {
 protected:
  std::unique_ptr<ServerProcess> StartServer(ServerProcessOptions options = {}) {
    if (options.work_dir.empty()) options.work_dir = dir_.path();
    auto server = ServerProcess::Start(std::move(options));
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    return server.ok() ? std::move(server).value() : nullptr;
  }

  sedun::testing::TempDir dir_;  // declared first: removed after every server has stopped
};

// Issue: "sedun-server starts with no config file at all on SQLite, generates TLS cert, operator
// token, CA". Only SEDUN_DATA_DIR and the listen ports come from the environment.
TEST_F(ServerProcessTest, StartsWithNoConfigFileAndMakesItsTlsCertificateTokenAndCa) {
  ServerProcessOptions options;
  options.set_base_url = false;  // nothing but the data directory and the ports
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  const std::string data = server->data_dir();

  // What a first start makes, readable only by the server's user where secret.
  for (const char* f : {"tls/tls-cert.pem", "tls/tls-key.pem", "operator.token", "ca.pass",
                        "sedun.db", "ca/root.pem", "ca/issuing.pem", "ca/issuing.key.pem"}) {
    EXPECT_TRUE(Exists(data + "/" + f)) << f;
  }
  for (const char* f : {"tls/tls-key.pem", "operator.token", "ca.pass", "ca/issuing.key.pem"}) {
    EXPECT_EQ(Mode(data + "/" + f), 0600u) << f;
  }
  EXPECT_GE(server->token().size(), 32u);
  // The default engine is SQLite: the file is a SQLite database.
  EXPECT_EQ(ReadAll(data + "/sedun.db").substr(0, 16), std::string("SQLite format 3\0", 16));
  // The CA keys are stored encrypted, never in the clear.
  EXPECT_NE(ReadAll(data + "/ca/issuing.key.pem").find("ENCRYPTED"), std::string::npos);

  // The generated TLS certificate is the one served (the client verifies against it).
  auto health = server->Call("GET", "/healthz");
  ASSERT_TRUE(health.ok()) << health.status().ToString();
  EXPECT_EQ(health->status, 200);
  // The operator token guards operator calls; a wrong token is refused like none.
  auto listed = JsonBody(server->Call("GET", "/v1/ca/certificates?account_id=nobody", nullptr, true), 200);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_TRUE((*listed)["certificates"].empty());
  EXPECT_EQ(server->Call("GET", "/v1/ca/certificates?account_id=nobody")->status, 401);
  net::HttpClientOptions client_options;
  client_options.ca_file = server->tls_cert_file();
  net::HttpClient client(client_options);
  auto wrong = client.Get(server->https_base() + "/v1/ca/certificates?account_id=nobody",
                          {{"Authorization", "Bearer " + std::string(43, 'A')}});
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->status, 401);

  // The CA it made: a self-signed root and an issuing CA under it, served as the chain.
  auto chain = JsonBody(server->Call("GET", "/v1/ca/chain"), 200);
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  auto root = pki::Certificate::FromPem((*chain)["root"].get<std::string>());
  auto issuing = pki::Certificate::FromPem((*chain)["issuing"].get<std::string>());
  ASSERT_TRUE(root.ok() && issuing.ok());
  EXPECT_TRUE(root->VerifySignature(*root).ok());
  EXPECT_TRUE(issuing->VerifySignature(*root).ok());
  EXPECT_TRUE(issuing->IsCa());

  // A certificate can be issued at once, without any further setup.
  auto enrolment = Register(*server, "acct-first", "phone-1");
  ASSERT_TRUE(enrolment.ok()) << enrolment.status().ToString();
  EXPECT_EQ(Issue(*server, *enrolment, *NewCsrPem())->status, 201);

  const std::string token = server->token();
  const std::string tls_cert = ReadAll(server->tls_cert_file());
  const std::string issuing_pem = ReadAll(data + "/ca/issuing.pem");
  EXPECT_EQ(server->Terminate(), 0) << server->LogTail();

  // A second start on the same directory reuses everything: same token, TLS certificate, CA and
  // registry.
  auto again = StartServer(options);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->token(), token);
  EXPECT_EQ(ReadAll(again->tls_cert_file()), tls_cert);
  EXPECT_EQ(ReadAll(data + "/ca/issuing.pem"), issuing_pem);
  auto registry = JsonBody(again->Call("GET", "/v1/ca/certificates?account_id=acct-first", nullptr, true), 200);
  ASSERT_TRUE(registry.ok());
  EXPECT_EQ((*registry)["certificates"].size(), 1u);
  EXPECT_EQ(again->Terminate(), 0) << again->LogTail();
}

TEST_F(ServerProcessTest, ConfigShowPrintsTheEffectiveConfigurationAsToml) {
  const std::string data = dir_.File("shown-data");
  std::map<std::string, std::string> env = {
      {"SEDUN_DATA_DIR", data},
      {"SEDUN_SERVER_THREADS", "3"},
      {"SEDUN_ROLES", "ca,svs"},
      {"SEDUN_CA_PASSPHRASE", "never-printed-passphrase"},
      {"SEDUN_OPERATOR_TOKEN", "never-printed-operator-token"}};
  ServerRun shown = RunServer({"config", "show"}, env, dir_.path());
  ASSERT_EQ(shown.exit_code, 0) << shown.err;

  // Valid TOML, as toml++ reads it, holding the environment's values.
  toml::table table;
  try {
    table = toml::parse(std::string_view(shown.out), std::string_view("config show"));
  } catch (const toml::parse_error& e) {
    FAIL() << "not TOML: " << e.description() << "\n" << shown.out;
  }
  EXPECT_EQ(table["data_dir"].value<std::string>(), data);
  EXPECT_EQ(table["server"]["threads"].value<int64_t>(), 3);
  ASSERT_NE(table["roles"].as_array(), nullptr);
  EXPECT_EQ(table["roles"].as_array()->size(), 2u);
  EXPECT_EQ(table["log"]["format"].value<std::string>(), "json");
  // Secrets are not part of the configuration shown.
  EXPECT_EQ(shown.out.find("never-printed"), std::string::npos);
  EXPECT_EQ(shown.err.find("never-printed"), std::string::npos);
  // Showing changes nothing on disk.
  EXPECT_FALSE(Exists(data));

  // Every key of the table is there, and the text is a configuration file the server accepts:
  // read back with --config alone it shows the same.
  for (const ConfigKeyInfo& key : ConfigKeys()) {
    const std::string name = key.section.empty()
                                 ? std::string(key.key)
                                 : std::string(key.section) + "." + std::string(key.key);
    EXPECT_TRUE(table.at_path(name)) << name;
  }
  const std::string file = WriteText(dir_.File("shown.toml"), shown.out);
  ServerRun again = RunServer({"--config", file, "config", "show"}, {}, dir_.path());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, shown.out);

  // `config keys` names each key with its environment variable.
  ServerRun keys = RunServer({"config", "keys"}, {}, dir_.path());
  ASSERT_EQ(keys.exit_code, 0) << keys.err;
  EXPECT_NE(keys.out.find("server.threads\tSEDUN_SERVER_THREADS\t"), std::string::npos) << keys.out;
  EXPECT_NE(keys.out.find("ca.public_base_url\tSEDUN_CA_PUBLIC_BASE_URL\t"), std::string::npos);
}

TEST_F(ServerProcessTest, ConfigurationErrorsExitTwoWithAClearMessageAndStartNothing) {
  struct Case {
    std::string toml;  // empty: no --config
    std::map<std::string, std::string> env;
    std::string message;
  };
  const Case cases[] = {
      {"colour = \"red\"\n", {}, "unknown key 'colour'"},
      {"[server]\nlisen = [\"127.0.0.1:0\"]\n", {}, "unknown key 'server.lisen'"},
      {"[vault]\nx = 1\n", {}, "unknown key 'vault'"},
      {"[server]\nthreads = \"many\"\n", {}, "server.threads: expected an integer"},
      {"[server]\nthreads = 0\n", {}, "server.threads: 0 is outside 1..256"},
      {"data_dir = \n", {}, "bad.toml:1:"},
      {"", {{"SEDUN_SERVER_THREADS", "lots"}}, "SEDUN_SERVER_THREADS"},
      {"", {{"SEDUN_ROLES", "ca,teller"}}, "unknown role 'teller'"},
      {"", {{"SEDUN_LOG_LEVEL", "chatty"}}, "log.level"},
  };
  for (const Case& c : cases) {
    const std::string data = dir_.File("never-made");
    std::map<std::string, std::string> env = c.env;
    env["SEDUN_DATA_DIR"] = data;
    std::vector<std::string> args;
    if (!c.toml.empty()) args = {"--config", WriteText(dir_.File("bad.toml"), c.toml)};
    ServerRun run = RunServer(args, env, dir_.path());
    EXPECT_EQ(run.exit_code, 2) << c.toml << " " << run.err;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << c.message << " in: " << run.err;
    EXPECT_FALSE(Exists(data)) << c.message;
  }
  ServerRun missing = RunServer({"--config", dir_.File("absent.toml")}, {}, dir_.path());
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("absent.toml"), std::string::npos) << missing.err;
  ServerRun usage = RunServer({"frobnicate"}, {}, dir_.path());
  EXPECT_EQ(usage.exit_code, 2) << usage.err;
}

// One signed message for svs: the certificate (base64 DER), data and signature, as a verify item.
json VerifyItem(const std::string& cert_b64, const crypto::Sm2PrivateKey& key, int n) {
  const std::string message = "payment order " + std::to_string(n);
  auto signature = crypto::Sm2Sign(key, AsBytes(message));
  EXPECT_TRUE(signature.ok());
  return json{{"certificate", cert_b64},
              {"data", Base64Encode(AsBytes(message))},
              {"signature", Base64Encode(*signature)}};
}

// Issue: "Graceful shutdown: SIGTERM while a request is in flight - in-flight requests complete
// with their normal status, then the process exits 0". The svs role runs in its own process (as
// deployed behind the CA) so its verifications still reach the CA's OCSP responder while it
// shuts down; batches of many items keep requests in flight long enough to be certain of it.
TEST_F(ServerProcessTest, SigtermLetsInFlightRequestsFinishThenExitsZero) {
  ServerProcessOptions ca_options;
  ca_options.work_dir = dir_.path();
  ca_options.data_dir = dir_.File("ca-data");
  ca_options.env = {{"SEDUN_ROLES", "ca"}};
  auto ca = StartServer(ca_options);
  ASSERT_NE(ca, nullptr);

  ServerProcessOptions svs_options;
  svs_options.work_dir = dir_.path();
  svs_options.data_dir = dir_.File("svs-data");
  svs_options.set_base_url = false;
  svs_options.env = {{"SEDUN_ROLES", "svs"},
                     {"SEDUN_CA_DIR", ca->data_dir() + "/ca"},
                     {"SEDUN_CA_PASSPHRASE_FILE", ca->data_dir() + "/ca.pass"},
                     {"SEDUN_SERVER_SHUTDOWN_GRACE_SECONDS", "120"},
                     {"SEDUN_SVS_MAX_BATCH", "150"},
                     {"SEDUN_SERVER_MAX_BODY_BYTES", "1048576"}};
  auto svs = StartServer(svs_options);
  ASSERT_NE(svs, nullptr);

  auto key = crypto::Sm2PrivateKey::Generate();
  ASSERT_TRUE(key.ok());
  auto csr = pki::CreateCsr(*pki::ParseSlashName("/CN=x"), *key);
  ASSERT_TRUE(csr.ok());
  auto enrolment = Register(*ca, "acct-term", "phone-1");
  ASSERT_TRUE(enrolment.ok()) << enrolment.status().ToString();
  auto issued = JsonBody(Issue(*ca, *enrolment, csr->ToPem()), 201);
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  auto cert = pki::Certificate::FromPem((*issued)["certificate"].get<std::string>());
  ASSERT_TRUE(cert.ok());
  const std::string cert_b64 = Base64Encode(cert->ToDer());

  json batch{{"items", json::array()}};
  for (int i = 0; i < 150; ++i) batch["items"].push_back(VerifyItem(cert_b64, *key, i));
  // How long one batch takes here (sanitizer builds are slower), to send SIGTERM well inside.
  const auto t0 = std::chrono::steady_clock::now();
  auto warm = JsonBody(svs->Call("POST", "/v1/svs/verify/batch", &batch, true), 200);
  const auto batch_time = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(warm.ok()) << warm.status().ToString();
  ASSERT_EQ((*warm)["results"].size(), 150u);
  EXPECT_EQ((*warm)["results"][0]["code"], "ok") << (*warm)["results"][0].dump();

  constexpr int kInFlight = 2;
  std::vector<Result<net::HttpResponse>> responses(kInFlight, Internal("not sent"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kInFlight; ++i) {
    threads.emplace_back([&, i] { responses[static_cast<size_t>(i)] = svs->Call("POST", "/v1/svs/verify/batch", &batch, true); });
  }
  std::this_thread::sleep_for(std::max<std::chrono::steady_clock::duration>(
      batch_time / 3, std::chrono::milliseconds(100)));
  const auto term_at = std::chrono::steady_clock::now();
  svs->SendTerm();
  for (auto& t : threads) t.join();
  const int code = svs->Wait(std::chrono::seconds(120));
  EXPECT_EQ(code, 0) << svs->LogTail();
  EXPECT_LT(std::chrono::steady_clock::now() - term_at, std::chrono::seconds(120));

  for (const auto& response : responses) {
    auto body = JsonBody(response, 200);
    ASSERT_TRUE(body.ok()) << body.status().ToString() << "\n" << svs->LogTail();
    ASSERT_EQ((*body)["results"].size(), 150u);
    for (const json& result : (*body)["results"]) {
      ASSERT_EQ(result["code"], "ok") << result.dump();
    }
  }
  // Stopped means stopped: no new connection is taken.
  EXPECT_FALSE(svs->Call("GET", "/healthz").ok());
  EXPECT_NE(svs->LogTail().find("stopped"), std::string::npos);
  EXPECT_EQ(ca->Terminate(), 0) << ca->LogTail();
}

// Issue: "IPv6: the server listening on [::1]:port as well answers there".
TEST_F(ServerProcessTest, AnswersOnIpv6LoopbackToo) {
  if (auto probe = FreeIpv6LoopbackPort(); !probe.ok()) {
    GTEST_SKIP() << "this machine has no IPv6 loopback: " << probe.status().ToString();
  }
  ServerProcessOptions options;
  options.ipv6 = true;
  auto server = StartServer(options);
  ASSERT_NE(server, nullptr);
  ASSERT_FALSE(server->https_base6().empty());

  net::HttpClientOptions client_options;
  client_options.ca_file = server->tls_cert_file();
  net::HttpClient client(client_options);
  auto ready = client.Get(server->https_base6() + "/readyz");
  ASSERT_TRUE(ready.ok()) << ready.status().ToString();
  EXPECT_EQ(ready->status, 200);
  // An operator call over IPv6, verifying the certificate's ::1 address.
  json body{{"account_id", "acct-v6"}, {"client_id", "phone-v6"}, {"subject", "/CN=v6"}};
  auto registered = client.Post(server->https_base6() + "/v1/ca/registrations", body.dump(),
                                "application/json", {{"Authorization", "Bearer " + server->token()}});
  ASSERT_TRUE(registered.ok());
  EXPECT_EQ(registered->status, 201) << registered->body;
  // curl agrees, and the plain listener serves the CRL over IPv6.
  auto curl = RunCommand("curl -sS -g -o /dev/null -w '%{http_code}' --cacert " +
                         ShellQuote(server->tls_cert_file()) + " " +
                         ShellQuote(server->https_base6() + "/v1/ca/chain"));
  EXPECT_EQ(curl.exit_code, 0);
  EXPECT_EQ(curl.out, "200");
  net::HttpClient plain;
  auto crl = plain.Get(server->public_base6() + "/v1/ca/crl");
  ASSERT_TRUE(crl.ok()) << crl.status().ToString();
  EXPECT_EQ(crl->status, 200);
  EXPECT_TRUE(pki::Crl::FromDer(AsBytes(crl->body)).ok());
  EXPECT_EQ(server->Terminate(), 0) << server->LogTail();
}

}  // namespace
}  // namespace sedun::server::testing
