// Migrations on both engines: order, idempotence, failure, concurrent starters, newer schemas.
#include "store/migrations.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/testing/engine_test.h"

namespace sedun::store {
namespace {

using testing::EngineTest;

// Version 2 inserts a row into the table version 1 made, so a second application of either
// fails (the table exists; the key is taken) and an out-of-order one fails too.
const Migration kMigrations[] = {
    {1, "create notes", "CREATE TABLE notes (id BIGINT PRIMARY KEY, body TEXT NOT NULL)",
     "CREATE TABLE notes (id BIGINT PRIMARY KEY, body TEXT NOT NULL)"},
    {2, "first note", "INSERT INTO notes (id, body) VALUES (1, 'sqlite')",
     "INSERT INTO notes (id, body) VALUES (1, 'postgres')"},
    {3, "note index", "CREATE INDEX notes_body ON notes (body)",
     "CREATE INDEX notes_body ON notes (body)"},
};

class MigrationsTest : public EngineTest {
 protected:
  std::vector<std::string> Bodies() {
    auto tx = db().Begin(TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto rows = (*tx)->Query("SELECT body FROM notes ORDER BY id");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    std::vector<std::string> out;
    if (rows.ok()) {
      for (const Row& r : *rows) out.push_back(*r.Text(0));
    }
    return out;
  }
  int64_t Recorded(std::string_view component) {
    auto tx = db().Begin(TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto rows = (*tx)->Query("SELECT COUNT(*) FROM schema_migrations WHERE component = $1",
                             {std::string(component)});
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *(*rows)[0].Int(0) : -1;
  }
};

TEST_P(MigrationsTest, AppliesInOrderOnceAndIsIdempotent) {
  auto v = SchemaVersion(db(), "notes");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, 0);  // no schema_migrations table yet
  ASSERT_TRUE(Migrate(db(), "notes", std::span(kMigrations).first(2)).ok());
  EXPECT_EQ(*SchemaVersion(db(), "notes"), 2);
  // The version-specific script of this engine ran.
  EXPECT_EQ(Bodies(), std::vector<std::string>{std::string(EngineName(engine()))});
  // Again: nothing applied twice (a second run of version 2 would fail on the key).
  Status again = Migrate(db(), "notes", std::span(kMigrations).first(2));
  ASSERT_TRUE(again.ok()) << again.ToString();
  // An upgrade applies only the new step.
  ASSERT_TRUE(Migrate(db(), "notes", kMigrations).ok());
  EXPECT_EQ(*SchemaVersion(db(), "notes"), 3);
  EXPECT_EQ(Recorded("notes"), 3);
  EXPECT_EQ(Bodies().size(), 1u);
}

TEST_P(MigrationsTest, ComponentsAreIndependent) {
  const Migration other[] = {{1, "other table", "CREATE TABLE other (x BIGINT)",
                              "CREATE TABLE other (x BIGINT)"}};
  ASSERT_TRUE(Migrate(db(), "notes", kMigrations).ok());
  ASSERT_TRUE(Migrate(db(), "other", other).ok());
  EXPECT_EQ(*SchemaVersion(db(), "notes"), 3);
  EXPECT_EQ(*SchemaVersion(db(), "other"), 1);
  EXPECT_EQ(*SchemaVersion(db(), "missing"), 0);
}

TEST_P(MigrationsTest, RefusesNewerSchema) {
  ASSERT_TRUE(Migrate(db(), "notes", kMigrations).ok());
  Status s = Migrate(db(), "notes", std::span(kMigrations).first(2));
  EXPECT_EQ(s.code(), Code::kFailedPrecondition) << s.ToString();
  EXPECT_NE(s.message().find("version 3"), std::string::npos) << s.message();
  EXPECT_EQ(*SchemaVersion(db(), "notes"), 3);
}

TEST_P(MigrationsTest, FailedMigrationRollsBackWhole) {
  const Migration broken[] = {
      kMigrations[0],
      {2, "half broken",
       "INSERT INTO notes (id, body) VALUES (5, 'x'); INSERT INTO nowhere VALUES (1)",
       "INSERT INTO notes (id, body) VALUES (5, 'x'); INSERT INTO nowhere VALUES (1)"},
  };
  Status s = Migrate(db(), "notes", broken);
  EXPECT_EQ(s.code(), Code::kInternal) << s.ToString();
  EXPECT_NE(s.message().find("half broken"), std::string::npos) << s.message();
  EXPECT_EQ(*SchemaVersion(db(), "notes"), 1);  // version 1 stays applied
  EXPECT_TRUE(Bodies().empty());                // nothing of version 2 remains
  // Fixed code applies it.
  ASSERT_TRUE(Migrate(db(), "notes", kMigrations).ok());
  EXPECT_EQ(*SchemaVersion(db(), "notes"), 3);
}

TEST_P(MigrationsTest, RejectsBadLists) {
  const Migration gap[] = {kMigrations[0], kMigrations[2]};
  EXPECT_EQ(Migrate(db(), "notes", gap).code(), Code::kInvalidArgument);
  const Migration from_two[] = {kMigrations[1]};
  EXPECT_EQ(Migrate(db(), "notes", from_two).code(), Code::kInvalidArgument);
  EXPECT_EQ(Migrate(db(), "", kMigrations).code(), Code::kInvalidArgument);
  EXPECT_EQ(*SchemaVersion(db(), "notes"), 0);
}

// Several starters at once, as several sedun-server processes: threads on one Database and,
// to have separate pools (separate sessions), threads on separate Database objects.
TEST_P(MigrationsTest, ConcurrentStartersApplyEachOnce) {
  constexpr int kThreads = 6;
  std::vector<std::unique_ptr<Database>> others;
  for (int i = 0; i < kThreads / 2; ++i) {
    auto other = testing::OpenTestDatabaseAgain(db());
    ASSERT_TRUE(other.ok()) << other.status().ToString();
    others.push_back(std::move(*other));
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    Database& target = i % 2 == 0 ? db() : *others[static_cast<size_t>(i / 2)];
    threads.emplace_back([&target, &failures] {
      Status s = Migrate(target, "notes", kMigrations);
      if (!s.ok()) {
        ADD_FAILURE() << s.ToString();
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Recorded("notes"), 3);
  EXPECT_EQ(Bodies().size(), 1u);  // version 2 ran exactly once
}

INSTANTIATE_TEST_SUITE_P(Engines, MigrationsTest, ::testing::ValuesIn(testing::TestEngines()),
                         testing::EngineParamName);

}  // namespace
}  // namespace sedun::store
