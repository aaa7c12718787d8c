// kill -9 during issuance, on both engines: a server under a stream of concurrent enrolments is
// SIGKILLed at a random moment, restarted, and checked. Every certificate answered 201 must be
// in the registry with the same DER; every row must be whole (its DER parses, its serial is the
// row's key); a registration is marked used exactly when its certificate row exists (both are
// written in one transaction); and an enrolment whose answer was lost, if not used, still
// works after the restart. Several rounds on the same data.
#include <atomic>
#include <iostream>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "pki/certificate.h"
#include "server/process_test_util.h"
#include "store/testing/engine_test.h"
#include "util/temp_dir.h"

namespace sedun::server::testing {
namespace {

using nlohmann::json;

struct Answered {
  std::string serial;
  std::string certificate;
};

struct Unanswered {
  Enrolment enrolment;
  std::string csr;
};

class ServerCrashTest : public ::testing::TestWithParam<store::Engine> {
 protected:
  void SetUp() override {
    if (store::testing::EngineSkipped(GetParam())) GTEST_SKIP() << "SEDUN_TEST_POSTGRES=skip";
    auto db = store::testing::OpenTestDatabase(GetParam(), dir_.path());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    auto url = store::testing::TestDatabaseUrl(*db_);
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    url_ = *url;
  }

  std::unique_ptr<ServerProcess> Start() {
    ServerProcessOptions options;
    options.work_dir = dir_.path();
    options.data_dir = dir_.File("data");  // the same CA, token and files every round
    options.env = {{"SEDUN_DATABASE_URL", url_}, {"SEDUN_DATABASE_POOL_SIZE", "4"}};
    auto server = ServerProcess::Start(options);
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    return server.ok() ? std::move(server).value() : nullptr;
  }

  sedun::testing::TempDir dir_;
  std::unique_ptr<store::Database> db_;  // the test database; outlives every server
  std::string url_;
};

TEST_P(ServerCrashTest, KillNineDuringIssuanceLosesNoAnsweredCertificateAndLeavesNoPartialRow) {
  constexpr int kRounds = 4;
  constexpr int kThreads = 4;
  std::random_device seed_source;
  const unsigned seed = seed_source();
  std::mt19937 random(seed);
  SCOPED_TRACE("random seed " + std::to_string(seed));

  std::vector<Answered> answered;        // over every round
  std::vector<Unanswered> unanswered;    // requests cut short by the kill
  auto server = Start();
  ASSERT_NE(server, nullptr);
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const std::string account = "acct-crash-" + std::to_string(round);
    std::atomic<bool> stop{false};
    std::atomic<int> answered_this_round{0};
    std::mutex mu;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        // A stream of enrolments, registration then issuance, until the server is gone.
        for (int i = 0; !stop.load(); ++i) {
          auto enrolment = Register(*server, account, "phone-" + std::to_string(t));
          if (!enrolment.ok()) return;
          auto csr = NewCsrPem();
          if (!csr.ok()) return;
          auto response = Issue(*server, *enrolment, *csr);
          std::lock_guard<std::mutex> lock(mu);
          if (response.ok() && response->status == 201) {
            json body = json::parse(response->body, nullptr, false);
            answered.push_back({body.value("serial", ""), body.value("certificate", "")});
            answered_this_round.fetch_add(1);
          } else if (!response.ok()) {
            unanswered.push_back({*enrolment, *csr});
            return;
          } else {
            ADD_FAILURE() << "HTTP " << response->status << ": " << response->body;
            return;
          }
        }
      });
    }
    // Wait until the stream is flowing, then kill at a random moment within it.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (answered_this_round.load() < 3 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const bool flowing = answered_this_round.load() >= 3;
    if (flowing) {
      std::this_thread::sleep_for(std::chrono::milliseconds(
          std::uniform_int_distribution<int>(20, 800)(random)));
    }
    const std::string log = server->LogTail();
    server->Kill();
    stop = true;
    for (auto& th : threads) th.join();
    ASSERT_TRUE(flowing) << "no issuance stream: " << log;

    server = Start();
    ASSERT_NE(server, nullptr) << "restart after kill -9 failed";

    // Every 201 so far is in the registry with the same certificate.
    for (const Answered& a : answered) {
      auto record = JsonBody(server->Call("GET", "/v1/ca/certificates/" + a.serial, nullptr, true), 200);
      ASSERT_TRUE(record.ok()) << a.serial << ": " << record.status().ToString();
      EXPECT_EQ(record->value("certificate", ""), a.certificate) << a.serial;
    }
    // No partial rows: each DER whole and matching its key; used registrations and certificate
    // rows match one to one.
    auto rows = ReadRegistry(*db_);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    auto used = UsedRegistrations(*db_);
    ASSERT_TRUE(used.ok()) << used.status().ToString();
    std::set<std::string> row_registrations;
    std::set<std::string> row_serials;
    for (const RegistryRow& row : *rows) {
      auto cert = pki::Certificate::FromDer(row.der);
      ASSERT_TRUE(cert.ok()) << "row " << row.serial << " holds no whole certificate";
      EXPECT_EQ(cert->serial_hex(), row.serial);
      row_serials.insert(row.serial);
      if (row.registration_id) row_registrations.insert(*row.registration_id);
    }
    EXPECT_EQ(row_registrations, std::set<std::string>(used->begin(), used->end()));
    for (const Answered& a : answered) EXPECT_TRUE(row_serials.count(a.serial)) << a.serial;
  }

  // An enrolment whose answer the kill swallowed either got its certificate (committed before
  // the kill: it is in the registry) or consumed nothing: its code still works now.
  auto rows = ReadRegistry(*db_);
  ASSERT_TRUE(rows.ok());
  std::set<std::string> issued_registrations;
  for (const RegistryRow& row : *rows) {
    if (row.registration_id) issued_registrations.insert(*row.registration_id);
  }
  size_t committed_unanswered = 0;
  for (const Unanswered& u : unanswered) {
    auto response = Issue(*server, u.enrolment, u.csr);
    ASSERT_TRUE(response.ok());
    if (issued_registrations.count(u.enrolment.registration_id)) {
      ++committed_unanswered;
      EXPECT_EQ(response->status, 403) << "a used code was accepted twice";
    } else {
      EXPECT_EQ(response->status, 201) << response->body;
    }
  }
  std::cout << "[ crash    ] " << kRounds << " kills: " << answered.size() << " answered, "
            << unanswered.size() << " issuances cut short (" << committed_unanswered
            << " of them committed before the kill)\n";
  EXPECT_EQ(server->Terminate(), 0) << server->LogTail();
}

INSTANTIATE_TEST_SUITE_P(Engines, ServerCrashTest,
                         ::testing::ValuesIn(store::testing::TestEngines()),
                         store::testing::EngineParamName);

}  // namespace
}  // namespace sedun::server::testing
