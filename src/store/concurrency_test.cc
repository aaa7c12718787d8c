// Both engines under concurrency: retried conflicts, parallel writers, the bounded pool.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "store/database.h"
#include "store/testing/engine_test.h"

namespace sedun::store {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using testing::EngineTest;

class ConcurrencyTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(RunInTransaction(db(), [](Transaction& tx) {
      return tx.ExecuteScript(
          "CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
          "INSERT INTO counter (id, n) VALUES (1, 0);"
          "CREATE TABLE events (id BIGINT PRIMARY KEY, thread BIGINT NOT NULL)");
    }).ok());
  }

  // No waiting for locks: a conflict surfaces at once as kAborted (SQLite busy timeout 0,
  // PostgreSQL lock_timeout 1 ms), so only RunInTransaction's retries can get past it.
  std::unique_ptr<Database> Impatient() {
    DatabaseOptions o;
    o.busy_timeout_ms = 0;
    auto other = testing::OpenTestDatabaseAgain(db(), o);
    EXPECT_TRUE(other.ok()) << other.status().ToString();
    return other.ok() ? std::move(*other) : nullptr;
  }

  // Read-modify-write of the counter: the read takes the row lock on PostgreSQL (SQLite's
  // BEGIN IMMEDIATE already holds the file's write lock).
  Status Increment(Transaction& tx) {
    const char* read = engine() == Engine::kPostgres
                           ? "SELECT n FROM counter WHERE id = 1 FOR UPDATE"
                           : "SELECT n FROM counter WHERE id = 1";
    SEDUN_ASSIGN_OR_RETURN(std::vector<Row> rows, tx.Query(read));
    if (rows.size() != 1) return Internal("counter row missing");
    SEDUN_ASSIGN_OR_RETURN(int64_t n, rows[0].Int(0));
    return tx.Execute("UPDATE counter SET n = $1 WHERE id = 1", {n + 1}).status();
  }

  int64_t CounterValue() {
    auto tx = db().Begin(TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto rows = (*tx)->Query("SELECT n FROM counter WHERE id = 1");
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? *(*rows)[0].Int(0) : -1;
  }
};

// Deterministic conflict: the lock is held while the retrying writer starts.
TEST_P(ConcurrencyTest, ConflictIsAbortedAndRetried) {
  auto impatient = Impatient();
  ASSERT_NE(impatient, nullptr);
  auto holder = db().Begin();
  ASSERT_TRUE(holder.ok());
  ASSERT_TRUE(Increment(**holder).ok());

  // One attempt meets the held lock and reports kAborted, changing nothing.
  Status once = RunInTransaction(*impatient, [&](Transaction& tx) { return Increment(tx); },
                                 TxMode::kWrite, 1);
  EXPECT_EQ(once.code(), Code::kAborted) << once.ToString();

  // With retries it gets through once the holder commits.
  Status retried;
  std::thread writer([&] {
    retried = RunInTransaction(*impatient, [&](Transaction& tx) { return Increment(tx); },
                               TxMode::kWrite, 200);
  });
  std::this_thread::sleep_for(milliseconds(150));
  ASSERT_TRUE((*holder)->Commit().ok());
  writer.join();
  EXPECT_TRUE(retried.ok()) << retried.ToString();
  EXPECT_EQ(CounterValue(), 2);
}

TEST_P(ConcurrencyTest, ContendedCounterIsExact) {
  constexpr int kThreads = 2;
  constexpr int kIncrements = 40;
  std::vector<std::unique_ptr<Database>> dbs;
  for (int i = 0; i < kThreads; ++i) {
    dbs.push_back(Impatient());
    ASSERT_NE(dbs.back(), nullptr);
  }
  std::atomic<int> calls{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kIncrements; ++i) {
        Status s = RunInTransaction(*dbs[static_cast<size_t>(t)], [&](Transaction& tx) {
          ++calls;
          return Increment(tx);
        }, TxMode::kWrite, 1000);
        if (!s.ok()) ADD_FAILURE() << s.ToString();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(CounterValue(), kThreads * kIncrements);
  EXPECT_GE(calls.load(), kThreads * kIncrements);
}

TEST_P(ConcurrencyTest, ParallelInsertsFromEightThreads) {
  constexpr int kThreads = 8;
  constexpr int kRows = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRows; ++i) {
        int64_t id = int64_t{t} * 1000 + i;
        Status s = RunInTransaction(db(), [&](Transaction& tx) {
          return tx.Execute("INSERT INTO events (id, thread) VALUES ($1, $2)", {id, int64_t{t}})
              .status();
        });
        if (!s.ok()) ADD_FAILURE() << s.ToString();
      }
    });
  }
  for (auto& th : threads) th.join();
  auto tx = db().Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto rows = (*tx)->Query("SELECT thread, COUNT(*) FROM events GROUP BY thread ORDER BY thread");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), static_cast<size_t>(kThreads));
  for (const Row& r : *rows) EXPECT_EQ(*r.Int(1), kRows);
}

TEST_P(ConcurrencyTest, ExhaustedPoolFailsAfterWaitAndRecovers) {
  DatabaseOptions o;
  o.pool_size = 2;
  o.pool_wait_ms = 200;
  auto small = testing::OpenTestDatabaseAgain(db(), o);
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  auto a = (*small)->Begin(TxMode::kRead);
  auto b = (*small)->Begin(TxMode::kRead);
  ASSERT_TRUE(a.ok() && b.ok());
  auto start = steady_clock::now();
  auto c = (*small)->Begin(TxMode::kRead);
  auto waited = steady_clock::now() - start;
  EXPECT_EQ(c.status().code(), Code::kUnavailable) << c.status().ToString();
  EXPECT_NE(c.status().message().find("busy"), std::string::npos);
  EXPECT_GE(waited, milliseconds(190));

  // A waiter gets the connection another transaction hands back.
  std::thread releaser([&] {
    std::this_thread::sleep_for(milliseconds(50));
    a->reset();
  });
  auto d = (*small)->Begin(TxMode::kRead);
  releaser.join();
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  auto rows = (*d)->Query("SELECT n FROM counter WHERE id = 1");
  EXPECT_TRUE(rows.ok());
}

INSTANTIATE_TEST_SUITE_P(Engines, ConcurrencyTest, ::testing::ValuesIn(testing::TestEngines()),
                         testing::EngineParamName);

}  // namespace
}  // namespace sedun::store
