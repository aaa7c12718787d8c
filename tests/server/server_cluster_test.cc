// Two sedun-server processes serving one CA from one PostgreSQL database, as a deployment
// behind a load balancer would: `ca init` once into a shared CA directory, concurrent issuance
// through both (unique serials, a complete registry), and a revocation through one seen at once
// by the other's OCSP responder, status endpoint and CRL.
#include <atomic>
#include <optional>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "base/base64.h"
#include "crypto/rng.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "server/process_test_util.h"
#include "store/testing/test_database.h"
#include "util/temp_dir.h"

namespace sedun::server::testing {
namespace {

using nlohmann::json;

class ServerClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (store::testing::EngineSkipped(store::Engine::kPostgres)) {
      GTEST_SKIP() << "SEDUN_TEST_POSTGRES=skip";
    }
    auto db = store::testing::OpenTestDatabase(store::Engine::kPostgres, dir_.path());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    auto url = store::testing::TestDatabaseUrl(*db_);
    ASSERT_TRUE(url.ok()) << url.status().ToString();

    // One CA for both: made once by `sedun-server ca init`, its passphrase and the operator
    // token given by environment.
    auto pass = crypto::RandomBytes(crypto::SystemRng(), 24);
    auto token = crypto::RandomBytes(crypto::SystemRng(), 24);
    ASSERT_TRUE(pass.ok() && token.ok());
    std::map<std::string, std::string> env = {{"SEDUN_CA_DIR", dir_.File("shared-ca")},
                                              {"SEDUN_CA_PASSPHRASE", HexEncode(*pass)},
                                              {"SEDUN_OPERATOR_TOKEN", HexEncode(*token)},
                                              {"SEDUN_DATABASE_URL", *url},
                                              {"SEDUN_DATABASE_POOL_SIZE", "4"}};
    std::map<std::string, std::string> init_env = env;
    init_env["SEDUN_DATA_DIR"] = dir_.File("init-data");
    ServerRun init = RunServer({"ca", "init"}, init_env, dir_.path());
    ASSERT_EQ(init.exit_code, 0) << init.err;
    // A second init refuses to replace the CA.
    ServerRun again = RunServer({"ca", "init"}, init_env, dir_.path());
    EXPECT_EQ(again.exit_code, 2) << again.err;

    for (const char* name : {"a", "b"}) {
      ServerProcessOptions options;
      options.work_dir = dir_.path();
      options.data_dir = dir_.File(std::string("data-") + name);
      options.env = env;
      auto server = ServerProcess::Start(options);
      ASSERT_TRUE(server.ok()) << server.status().ToString();
      servers_.push_back(std::move(server).value());
    }
    auto chain = JsonBody(servers_[0]->Call("GET", "/v1/ca/chain"), 200);
    ASSERT_TRUE(chain.ok()) << chain.status().ToString();
    auto issuing = pki::Certificate::FromPem((*chain)["issuing"].get<std::string>());
    ASSERT_TRUE(issuing.ok());
    issuing_ = std::move(issuing).value();
  }

  void TearDown() override {
    for (auto& server : servers_) EXPECT_EQ(server->Terminate(), 0) << server->LogTail();
  }

  ServerProcess& a() { return *servers_[0]; }
  ServerProcess& b() { return *servers_[1]; }

  sedun::testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;  // owns the test schema: outlives the servers
  std::vector<std::unique_ptr<ServerProcess>> servers_;
  std::optional<pki::Certificate> issuing_;
};

TEST_F(ServerClusterTest, ConcurrentIssuanceThroughBothGivesUniqueSerialsAndACompleteRegistry) {
  constexpr int kThreads = 6;
  constexpr int kEach = 5;
  constexpr int kTotal = kThreads * kEach;
  const std::string account = "acct-cluster";
  std::vector<Enrolment> enrolments;
  for (int i = 0; i < kTotal; ++i) {
    auto e = Register(*servers_[static_cast<size_t>(i % 2)], account, "phone-" + std::to_string(i % 3));
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    enrolments.push_back(*e);
  }
  std::vector<std::string> csrs;
  for (int i = 0; i < kTotal; ++i) {
    auto csr = NewCsrPem();
    ASSERT_TRUE(csr.ok());
    csrs.push_back(*csr);
  }

  struct Outcome {
    int status = 0;
    std::string serial;
    std::string certificate;
  };
  std::vector<Outcome> outcomes(kTotal);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        const size_t n = static_cast<size_t>(t * kEach + i);
        // Alternate the processes, and issue through the one that did not register.
        const ServerProcess& via = *servers_[(n + 1) % 2];
        auto response = Issue(via, enrolments[n], csrs[n]);
        if (!response.ok()) continue;
        outcomes[n].status = response->status;
        json body = json::parse(response->body, nullptr, false);
        if (response->status == 201 && body.is_object()) {
          outcomes[n].serial = body.value("serial", "");
          outcomes[n].certificate = body.value("certificate", "");
        }
      }
    });
  }
  for (auto& th : threads) th.join();

  std::set<std::string> serials;
  size_t successes = 0;
  for (const Outcome& o : outcomes) {
    EXPECT_EQ(o.status, 201);
    if (o.status != 201) continue;
    ++successes;
    serials.insert(o.serial);
  }
  EXPECT_EQ(successes, static_cast<size_t>(kTotal));
  EXPECT_EQ(serials.size(), successes);  // unique

  // Every answered serial is in the registry, with the certificate that was answered, through
  // either process.
  for (size_t n = 0; n < outcomes.size(); ++n) {
    if (outcomes[n].status != 201) continue;
    for (auto& server : servers_) {
      auto record = JsonBody(server->Call("GET", "/v1/ca/certificates/" + outcomes[n].serial, nullptr, true), 200);
      ASSERT_TRUE(record.ok()) << record.status().ToString();
      EXPECT_EQ(record->value("certificate", ""), outcomes[n].certificate);
      EXPECT_EQ(record->value("registration_id", ""), enrolments[n].registration_id);
    }
  }
  auto listed = JsonBody(a().Call("GET", "/v1/ca/certificates?account_id=" + account, nullptr, true), 200);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ((*listed)["certificates"].size(), successes);
  // The database itself: exactly these rows for the account, each one whole.
  auto rows = ReadRegistry(*db_);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  size_t account_rows = 0;
  for (const RegistryRow& row : *rows) {
    auto cert = pki::Certificate::FromDer(row.der);
    ASSERT_TRUE(cert.ok()) << row.serial;
    EXPECT_EQ(cert->serial_hex(), row.serial);
    if (row.account_id != account) continue;
    ++account_rows;
    EXPECT_TRUE(serials.count(row.serial)) << row.serial;
  }
  EXPECT_EQ(account_rows, successes);
}

TEST_F(ServerClusterTest, RevocationThroughOneIsSeenAtOnceByTheOther) {
  auto enrolment = Register(a(), "acct-two", "phone-1");
  ASSERT_TRUE(enrolment.ok());
  auto issued = JsonBody(Issue(a(), *enrolment, *NewCsrPem()), 201);
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  const std::string serial = (*issued)["serial"];
  auto cert = pki::Certificate::FromPem((*issued)["certificate"].get<std::string>());
  ASSERT_TRUE(cert.ok());

  auto before = QueryOcsp(b().public_base(), *cert, *issuing_);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_EQ(before->status, pki::OcspCertStatus::kGood);

  json revoke{{"reason", "keyCompromise"}};
  auto revoked = JsonBody(a().Call("POST", "/v1/ca/certificates/" + serial + "/revoke", &revoke, true), 200);
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();

  // No wait: the other process reads the shared registry on every answer.
  auto after = QueryOcsp(b().public_base(), *cert, *issuing_);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->status, pki::OcspCertStatus::kRevoked);
  EXPECT_EQ(after->revocation_reason, pki::RevocationReason::kKeyCompromise);
  auto status = JsonBody(b().Call("GET", "/v1/ca/certificates/" + serial + "/status"), 200);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ((*status)["state"], "revoked");
  EXPECT_EQ((*status)["reason"], "keyCompromise");
  auto crl_response = b().CallPublic("GET", "/v1/ca/crl");
  ASSERT_TRUE(crl_response.ok());
  auto crl = pki::Crl::FromDer(AsBytes(crl_response->body));
  ASSERT_TRUE(crl.ok());
  EXPECT_TRUE(crl->VerifySignature(*issuing_).ok());
  bool listed = false;
  for (const auto& entry : crl->revoked()) listed = listed || HexEncode(entry.serial) == serial;
  EXPECT_TRUE(listed);
  // The other process refuses a second revocation: it sees the first.
  auto twice = b().Call("POST", "/v1/ca/certificates/" + serial + "/revoke", &revoke, true);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->status, 409) << twice->body;
}

}  // namespace
}  // namespace sedun::server::testing
