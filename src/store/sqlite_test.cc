// SQLite-only behaviour: the file, its permissions and the durability settings.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "base/file.h"
#include "store/database.h"
#include "util/temp_dir.h"

namespace sedun::store {
namespace {

unsigned Mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777u;
}

TEST(SqliteTest, CreatesPrivateFileAndParentDirectories) {
  sedun::testing::TempDir dir;
  DatabaseOptions o;
  std::string path = dir.File("a/b/ca.db");
  o.url = "sqlite:" + path;
  auto db = OpenDatabase(o);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE(RunInTransaction(**db, [](Transaction& tx) {
    return tx.ExecuteScript("CREATE TABLE t (x BIGINT)");
  }).ok());
  EXPECT_EQ(Mode(path), 0600u);
  EXPECT_EQ(Mode(path + "-wal"), 0600u);
  EXPECT_EQ(Mode(dir.File("a/b")), 0700u);
  EXPECT_EQ((*db)->engine(), Engine::kSqlite);

  // A bare path with a database suffix means SQLite too.
  o.url = path;
  auto again = OpenDatabase(o);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->engine(), Engine::kSqlite);
}

TEST(SqliteTest, EveryConnectionIsDurableWalWithForeignKeys) {
  sedun::testing::TempDir dir;
  DatabaseOptions o;
  o.url = "sqlite:" + dir.File("x.db");
  o.pool_size = 3;
  auto db = OpenDatabase(o);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  // Hold three transactions at once so that three distinct connections are checked.
  std::vector<std::unique_ptr<Transaction>> txs;
  for (int i = 0; i < 3; ++i) {
    auto tx = (*db)->Begin(TxMode::kRead);
    ASSERT_TRUE(tx.ok()) << tx.status().ToString();
    txs.push_back(std::move(*tx));
  }
  for (auto& tx : txs) {
    auto mode = tx->Query("PRAGMA journal_mode");
    ASSERT_TRUE(mode.ok());
    EXPECT_EQ(*(*mode)[0].Text(0), "wal");
    auto sync = tx->Query("PRAGMA synchronous");
    ASSERT_TRUE(sync.ok());
    EXPECT_EQ(*(*sync)[0].Int(0), 2);  // FULL
    auto fk = tx->Query("PRAGMA foreign_keys");
    ASSERT_TRUE(fk.ok());
    EXPECT_EQ(*(*fk)[0].Int(0), 1);
  }
}

TEST(SqliteTest, UnusableLocationIsAnIoError) {
  sedun::testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomic(dir.File("plain"), AsBytes("not a directory")).ok());
  DatabaseOptions o;
  o.url = "sqlite:" + dir.File("plain/sub/x.db");
  auto db = OpenDatabase(o);
  EXPECT_EQ(db.status().code(), Code::kIo) << db.status().ToString();
  o.url = "sqlite:" + dir.File("plain");  // exists, but is no database
  auto not_db = OpenDatabase(o);
  EXPECT_EQ(not_db.status().code(), Code::kIo) << not_db.status().ToString();
}

}  // namespace
}  // namespace sedun::store
