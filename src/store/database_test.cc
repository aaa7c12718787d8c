// The Database seam on both engines: value round trips, transaction boundaries, error mapping.
#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>

#include "base/file.h"
#include "store/database.h"
#include "store/testing/engine_test.h"

namespace sedun::store {
namespace {

using testing::EngineTest;

class DatabaseTest : public EngineTest {
 protected:
  void CreateTable() {
    ASSERT_TRUE(RunInTransaction(db(), [](Transaction& tx) {
      return tx.ExecuteScript(
          "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT UNIQUE, data BYTEA);"
          "CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT NOT NULL)");
    }).ok());
  }
  int64_t Count(const std::string& table) {
    auto tx = db().Begin(TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto rows = (*tx)->Query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *(*rows)[0].Int(0) : -1;
  }
};

TEST_P(DatabaseTest, ValuesRoundTrip) {
  ASSERT_TRUE(RunInTransaction(db(), [](Transaction& tx) {
    return tx.ExecuteScript("CREATE TABLE v (i BIGINT, t TEXT, b BYTEA, n BIGINT)");
  }).ok());
  const std::string utf8 = "\xe4\xb8\xad\xe6\x96\x87 \xe2\x82\xac 'quote' \\ $1";
  const Bytes zeros = {0x00, 0x01, 0x00, 0xff, 0x00};
  struct Case {
    int64_t i;
    std::string t;
    Bytes b;
  };
  std::vector<Case> cases = {{std::numeric_limits<int64_t>::min(), utf8, zeros},
                             {std::numeric_limits<int64_t>::max(), "", Bytes{}},
                             {0, "plain", Bytes{0x00}}};
  {
    auto tx = db().Begin();
    ASSERT_TRUE(tx.ok()) << tx.status().ToString();
    for (const Case& c : cases) {
      auto n = (*tx)->Execute("INSERT INTO v (i, t, b, n) VALUES ($1, $2, $3, $4)",
                              {c.i, c.t, c.b, std::monostate{}});
      ASSERT_TRUE(n.ok()) << n.status().ToString();
      EXPECT_EQ(*n, 1);
    }
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  auto tx = db().Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  for (const Case& c : cases) {
    auto rows = (*tx)->Query("SELECT i, t, b, n FROM v WHERE i = $1", {c.i});
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    ASSERT_EQ(rows->size(), 1u);
    const Row& r = (*rows)[0];
    EXPECT_EQ(*r.Int(0), c.i);
    EXPECT_EQ(*r.Text(1), c.t);
    ASSERT_TRUE(r.Blob(2).ok()) << "empty bytes must stay bytes, not NULL";
    EXPECT_EQ(*r.Blob(2), c.b);
    EXPECT_TRUE(r.IsNull(3));
    EXPECT_FALSE(r.IsNull(0));
    // Accessors check the stored type and the index.
    EXPECT_EQ(r.Text(0).status().code(), Code::kInternal);
    EXPECT_EQ(r.Int(1).status().code(), Code::kInternal);
    EXPECT_EQ(r.Blob(1).status().code(), Code::kInternal);
    EXPECT_EQ(r.Int(4).status().code(), Code::kInternal);
  }
  // A parameter used twice; NULL never equals anything.
  auto rows = (*tx)->Query("SELECT COUNT(*) FROM v WHERE i = $1 OR i + 0 = $1 OR n = $2",
                           {int64_t{0}, std::monostate{}});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*(*rows)[0].Int(0), 1);
}

TEST_P(DatabaseTest, ExecuteCountsChangedRows) {
  CreateTable();
  auto tx = db().Begin();
  ASSERT_TRUE(tx.ok());
  for (int64_t i = 1; i <= 3; ++i) {
    ASSERT_TRUE((*tx)->Execute("INSERT INTO kv (k, v) VALUES ($1, $2)",
                               {"k" + std::to_string(i), i}).ok());
  }
  EXPECT_EQ(*(*tx)->Execute("UPDATE kv SET v = v + 1 WHERE v >= $1", {int64_t{2}}), 2);
  EXPECT_EQ(*(*tx)->Execute("DELETE FROM kv WHERE k = $1", {std::string("none")}), 0);
  EXPECT_EQ(*(*tx)->Execute("CREATE TABLE other (x BIGINT)"), 0);
  ASSERT_TRUE((*tx)->Commit().ok());
}

TEST_P(DatabaseTest, PlaceholdersBindByNumberNotPosition) {
  CreateTable();
  auto tx = db().Begin();
  ASSERT_TRUE(tx.ok());
  // $2 comes first in the text: bound by position it would take the key's value.
  ASSERT_TRUE((*tx)->Execute("INSERT INTO kv (v, k) VALUES ($2, $1)", {"key", int64_t{42}}).ok());
  auto rows = (*tx)->Query("SELECT v FROM kv WHERE k = $1", {"key"});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(*(*rows)[0].Int(0), 42);
}

TEST_P(DatabaseTest, ForeignKeysAreEnforced) {
  ASSERT_TRUE(RunInTransaction(db(), [](Transaction& tx) {
    return tx.ExecuteScript(
        "CREATE TABLE parent (id BIGINT PRIMARY KEY);"
        "CREATE TABLE child (id BIGINT PRIMARY KEY, parent BIGINT NOT NULL REFERENCES parent(id))");
  }).ok());
  Status s = RunInTransaction(db(), [](Transaction& tx) {
    return tx.Execute("INSERT INTO child (id, parent) VALUES (1, 99)").status();
  });
  EXPECT_EQ(s.code(), Code::kInternal) << s.ToString();
  EXPECT_EQ(Count("child"), 0);
}

TEST_P(DatabaseTest, OneStatementPerQuery) {
  CreateTable();
  auto tx = db().Begin();
  ASSERT_TRUE(tx.ok());
  auto n = (*tx)->Execute("INSERT INTO kv (k, v) VALUES ('a', 1); INSERT INTO kv (k, v) "
                          "VALUES ('b', 2)");
  EXPECT_EQ(n.status().code(), Code::kInternal) << n.status().ToString();
  tx->reset();
  EXPECT_EQ(Count("kv"), 0);
}

TEST_P(DatabaseTest, DestroyWithoutCommitRollsBack) {
  CreateTable();
  {
    auto tx = db().Begin();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*tx)->Execute("INSERT INTO kv (k, v) VALUES ('a', 1)").ok());
  }
  EXPECT_EQ(Count("kv"), 0);
  // The connection went back to the pool clean: a new transaction works and commits.
  ASSERT_TRUE(RunInTransaction(db(), [](Transaction& tx) {
    return tx.Execute("INSERT INTO kv (k, v) VALUES ('a', 1)").status();
  }).ok());
  EXPECT_EQ(Count("kv"), 1);
}

TEST_P(DatabaseTest, CommitIsDurableAcrossReopen) {
  CreateTable();
  ASSERT_TRUE(RunInTransaction(db(), [](Transaction& tx) {
    return tx.Execute("INSERT INTO items (id, name, data) VALUES (7, 'seven', $1)",
                      {Bytes{7, 0, 7}}).status();
  }).ok());
  auto again = testing::OpenTestDatabaseAgain(db());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto tx = (*again)->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto rows = (*tx)->Query("SELECT name, data FROM items WHERE id = $1", {int64_t{7}});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(*(*rows)[0].Text(0), "seven");
  EXPECT_EQ(*(*rows)[0].Blob(1), (Bytes{7, 0, 7}));
}

TEST_P(DatabaseTest, TestDatabaseUrlOpensTheSameData) {
  CreateTable();
  auto url = testing::TestDatabaseUrl(db());
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->starts_with("sqlite:"), engine() == Engine::kSqlite);
  DatabaseOptions o;
  o.url = *url;
  auto same = OpenDatabase(o);
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  ASSERT_TRUE(RunInTransaction(**same, [](Transaction& tx) {
    return tx.Execute("INSERT INTO kv (k, v) VALUES ('via-url', 1)").status();
  }).ok());
  EXPECT_EQ(Count("kv"), 1);
}

TEST_P(DatabaseTest, CommitFinishesTheTransaction) {
  CreateTable();
  auto tx = db().Begin();
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE((*tx)->Commit().ok());
  EXPECT_EQ((*tx)->Execute("INSERT INTO kv (k, v) VALUES ('a', 1)").status().code(),
            Code::kFailedPrecondition);
  EXPECT_EQ((*tx)->Commit().code(), Code::kFailedPrecondition);
}

TEST_P(DatabaseTest, UniqueViolationIsAlreadyExistsAndChangesNothing) {
  CreateTable();
  ASSERT_TRUE(RunInTransaction(db(), [](Transaction& tx) {
    return tx.Execute("INSERT INTO items (id, name) VALUES (1, 'one')").status();
  }).ok());
  auto tx = db().Begin();
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE((*tx)->Execute("INSERT INTO kv (k, v) VALUES ('before', 1)").ok());
  auto dup_name = (*tx)->Execute("INSERT INTO items (id, name) VALUES (2, $1)", {"one"});
  EXPECT_EQ(dup_name.status().code(), Code::kAlreadyExists) << dup_name.status().ToString();
  EXPECT_EQ(dup_name.status().message().find("one'"), std::string::npos);
  // The transaction is unusable after a failed statement, on both engines.
  EXPECT_EQ((*tx)->Execute("INSERT INTO kv (k, v) VALUES ('after', 2)").status().code(),
            Code::kFailedPrecondition);
  EXPECT_EQ((*tx)->Commit().code(), Code::kFailedPrecondition);
  tx->reset();
  EXPECT_EQ(Count("kv"), 0);
  EXPECT_EQ(Count("items"), 1);

  Status dup_key = RunInTransaction(db(), [](Transaction& tx2) {
    return tx2.Execute("INSERT INTO items (id, name) VALUES (1, 'uno')").status();
  });
  EXPECT_EQ(dup_key.code(), Code::kAlreadyExists) << dup_key.ToString();
}

TEST_P(DatabaseTest, BadSqlIsInternal) {
  CreateTable();
  auto tx = db().Begin();
  ASSERT_TRUE(tx.ok());
  auto r = (*tx)->Query("SELEC nonsense FROM nowhere");
  EXPECT_EQ(r.status().code(), Code::kInternal) << r.status().ToString();
  tx->reset();
  tx = db().Begin();
  ASSERT_TRUE(tx.ok());
  r = (*tx)->Query("SELECT k FROM missing_table WHERE k = $1", {"secret-value"});
  EXPECT_EQ(r.status().code(), Code::kInternal);
  EXPECT_EQ(r.status().message().find("secret-value"), std::string::npos);
  tx->reset();
  tx = db().Begin();
  ASSERT_TRUE(tx.ok());
  EXPECT_EQ((*tx)->ExecuteScript("CREATE TABLE x (a BIGINT); CREATE TABL y").code(),
            Code::kInternal);
}

TEST_P(DatabaseTest, ParameterCountMismatchIsInternal) {
  CreateTable();
  auto tx = db().Begin();
  ASSERT_TRUE(tx.ok());
  auto r = (*tx)->Execute("INSERT INTO kv (k, v) VALUES ($1, $2)", {"only-one"});
  EXPECT_EQ(r.status().code(), Code::kInternal) << r.status().ToString();
}

TEST_P(DatabaseTest, ReadTransactionSeesCommittedData) {
  CreateTable();
  ASSERT_TRUE(RunInTransaction(db(), [](Transaction& tx) {
    return tx.Execute("INSERT INTO kv (k, v) VALUES ('a', 1)").status();
  }).ok());
  auto tx = db().Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto rows = (*tx)->Query("SELECT v FROM kv WHERE k = $1", {"a"});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*(*rows)[0].Int(0), 1);
  EXPECT_TRUE((*tx)->Commit().ok());
  EXPECT_TRUE(db().Ping().ok());
}

TEST_P(DatabaseTest, RunInTransactionReturnsOtherErrorsAndRollsBack) {
  CreateTable();
  int calls = 0;
  Status s = RunInTransaction(db(), [&](Transaction& tx) {
    ++calls;
    SEDUN_RETURN_IF_ERROR(tx.Execute("INSERT INTO kv (k, v) VALUES ('a', 1)").status());
    return NotFound("role said no");
  });
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(Count("kv"), 0);
}

TEST_P(DatabaseTest, RunInTransactionRetriesAborted) {
  CreateTable();
  int calls = 0;
  Status s = RunInTransaction(db(), [&](Transaction& tx) {
    ++calls;
    SEDUN_RETURN_IF_ERROR(tx.Execute("INSERT INTO kv (k, v) VALUES ('a', $1)",
                                     {int64_t{calls}}).status());
    return calls < 3 ? Aborted("conflict") : Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(Count("kv"), 1);  // the first two attempts were rolled back

  calls = 0;
  s = RunInTransaction(db(), [&](Transaction&) {
    ++calls;
    return Aborted("always");
  }, TxMode::kWrite, 4);
  EXPECT_EQ(s.code(), Code::kAborted);
  EXPECT_EQ(calls, 4);
}

TEST_P(DatabaseTest, TextWithNulIsRejectedOnBothEngines) {
  CreateTable();
  auto tx = db().Begin();
  ASSERT_TRUE(tx.ok());
  auto n = (*tx)->Execute("INSERT INTO kv (k, v) VALUES ($1, 1)", {std::string("a\0b", 3)});
  EXPECT_EQ(n.status().code(), Code::kInvalidArgument) << n.status().ToString();
  EXPECT_EQ((*tx)->Commit().code(), Code::kFailedPrecondition);
  tx->reset();
  EXPECT_EQ(Count("kv"), 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, DatabaseTest, ::testing::ValuesIn(testing::TestEngines()),
                         testing::EngineParamName);

TEST(OpenDatabaseTest, RejectsUnknownUrls) {
  DatabaseOptions o;
  o.url = "mysql://user:hunter2@db/x";
  auto db = OpenDatabase(o);
  EXPECT_EQ(db.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(db.status().message().find("hunter2"), std::string::npos);
  o.url = "sqlite:";
  EXPECT_EQ(OpenDatabase(o).status().code(), Code::kInvalidArgument);
  o.url = "sqlite::memory:";
  EXPECT_EQ(OpenDatabase(o).status().code(), Code::kInvalidArgument);
  o.url = "sqlite:x.db";
  o.pool_size = 0;
  EXPECT_EQ(OpenDatabase(o).status().code(), Code::kInvalidArgument);
}

// The environment contract of store/testing: unset fails with instructions, "skip" skips,
// a path is read as a file.
TEST(TestDatabaseTest, PostgresSettingFromEnvironment) {
  const char* saved = std::getenv("SEDUN_TEST_POSTGRES");
  std::string saved_value = saved != nullptr ? saved : "";
  sedun::testing::TempDir dir;

  ::unsetenv("SEDUN_TEST_POSTGRES");
  EXPECT_FALSE(testing::EngineSkipped(Engine::kPostgres));
  auto db = testing::OpenTestDatabase(Engine::kPostgres, dir.path());
  EXPECT_EQ(db.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(db.status().message().find("postgres_fixture.sh start"), std::string::npos);

  ::setenv("SEDUN_TEST_POSTGRES", "skip", 1);
  EXPECT_TRUE(testing::EngineSkipped(Engine::kPostgres));
  EXPECT_FALSE(testing::EngineSkipped(Engine::kSqlite));

  ::setenv("SEDUN_TEST_POSTGRES", dir.File("conninfo").c_str(), 1);
  EXPECT_EQ(testing::TestPostgresConninfo().status().code(), Code::kFailedPrecondition);
  ASSERT_TRUE(WriteFileAtomic(dir.File("conninfo"), AsBytes("host=h dbname=d\n"), 0600).ok());
  EXPECT_EQ(*testing::TestPostgresConninfo(), "host=h dbname=d");

  ::setenv("SEDUN_TEST_POSTGRES", "host=x dbname=y", 1);
  EXPECT_EQ(*testing::TestPostgresConninfo(), "host=x dbname=y");

  if (saved != nullptr) {
    ::setenv("SEDUN_TEST_POSTGRES", saved_value.c_str(), 1);
  } else {
    ::unsetenv("SEDUN_TEST_POSTGRES");
  }
}

TEST(EngineNameTest, Names) {
  EXPECT_EQ(EngineName(Engine::kSqlite), "sqlite");
  EXPECT_EQ(EngineName(Engine::kPostgres), "postgres");
}

}  // namespace
}  // namespace sedun::store
