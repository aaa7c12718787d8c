// PostgreSQL-only behaviour: unreachable servers, connections that die, type mapping, messages.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "store/database.h"
#include "store/testing/engine_test.h"

namespace sedun::store {
namespace {

// A TCP port on 127.0.0.1 where nothing listens: bound by the kernel, then released.
int UnusedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(PostgresUnreachableTest, UnavailableWithClearMessageAndNoPassword) {
  std::string port = std::to_string(UnusedPort());
  for (const std::string& url :
       {"host=127.0.0.1 port=" + port + " dbname=x user=u password=hunter2 connect_timeout=2",
        "postgresql://u:hunter2@127.0.0.1:" + port + "/x?connect_timeout=2"}) {
    DatabaseOptions o;
    o.url = url;
    auto db = OpenDatabase(o);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.status().code(), Code::kUnavailable) << db.status().ToString();
    EXPECT_NE(db.status().message().find("cannot connect"), std::string::npos);
    EXPECT_NE(db.status().message().find(port), std::string::npos) << db.status().message();
    EXPECT_EQ(db.status().message().find("hunter2"), std::string::npos);
  }
}

TEST(PostgresUnreachableTest, MalformedConnectionStringIsInvalidArgument) {
  DatabaseOptions o;
  o.url = "host=127.0.0.1 password='hunter2";  // unterminated quote
  auto db = OpenDatabase(o);
  EXPECT_EQ(db.status().code(), Code::kInvalidArgument) << db.status().ToString();
  EXPECT_EQ(db.status().message().find("hunter2"), std::string::npos);
}

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::EngineSkipped(Engine::kPostgres)) GTEST_SKIP() << "SEDUN_TEST_POSTGRES=skip";
    DatabaseOptions o;
    o.pool_size = 1;
    auto db = testing::OpenTestDatabase(Engine::kPostgres, dir_.path(), o);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    auto admin = testing::OpenTestDatabaseAgain(*db_);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    admin_ = std::move(*admin);
  }

  int64_t BackendPid(Transaction& tx) {
    auto rows = tx.Query("SELECT pg_backend_pid()");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *(*rows)[0].Int(0) : 0;
  }

  // Ends a server process as a restart or a network cut would, and waits until it is gone.
  void Terminate(int64_t pid) {
    // Integers are bound as BIGINT; this function takes an INTEGER.
    Status s = RunInTransaction(*admin_, [&](Transaction& tx) {
      return tx.Query("SELECT pg_terminate_backend(CAST($1 AS INTEGER))", {pid}).status();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
    for (int i = 0; i < 200; ++i) {
      auto tx = admin_->Begin(TxMode::kRead);
      ASSERT_TRUE(tx.ok());
      auto rows = (*tx)->Query("SELECT COUNT(*) FROM pg_stat_activity WHERE pid = $1", {pid});
      ASSERT_TRUE(rows.ok());
      if (*(*rows)[0].Int(0) == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL() << "backend " << pid << " did not exit";
  }

  sedun::testing::TempDir dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Database> admin_;
};

TEST_F(PostgresTest, IdleConnectionThatDiedIsReplaced) {
  int64_t pid = 0;
  {
    auto tx = db_->Begin();
    ASSERT_TRUE(tx.ok());
    pid = BackendPid(**tx);
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  Terminate(pid);
  // The pool holds one connection, the dead one: Begin notices and opens a fresh one.
  {
    auto tx = db_->Begin();
    ASSERT_TRUE(tx.ok()) << tx.status().ToString();
    EXPECT_NE(BackendPid(**tx), pid);
  }
  EXPECT_TRUE(db_->Ping().ok());
}

TEST_F(PostgresTest, ConnectionLostInTransactionIsUnavailableThenRecovers) {
  {
    auto tx = db_->Begin();
    ASSERT_TRUE(tx.ok());
    int64_t pid = BackendPid(**tx);
    Terminate(pid);
    auto rows = (*tx)->Query("SELECT 1");
    EXPECT_EQ(rows.status().code(), Code::kUnavailable) << rows.status().ToString();
    EXPECT_EQ((*tx)->Commit().code(), Code::kFailedPrecondition);
  }
  EXPECT_TRUE(db_->Ping().ok());
}

TEST_F(PostgresTest, CommitOnDeadConnectionIsUnavailable) {
  auto tx = db_->Begin();
  ASSERT_TRUE(tx.ok());
  Terminate(BackendPid(**tx));
  Status s = (*tx)->Commit();
  EXPECT_EQ(s.code(), Code::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("outcome unknown"), std::string::npos);
}

TEST_F(PostgresTest, TypesMapToIntegersTextAndBytes) {
  auto tx = db_->Begin();
  ASSERT_TRUE(tx.ok());
  auto rows = (*tx)->Query(
      "SELECT TRUE, FALSE, CAST(7 AS SMALLINT), CAST(8 AS INTEGER), SUM(x), CAST(1.5 AS NUMERIC),"
      " CAST('2024-01-02' AS DATE), $1, $2 FROM (VALUES (CAST(5 AS BIGINT)), (6)) AS t(x)",
      {Bytes{0, 0xff}, Bytes{}});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  const Row& r = (*rows)[0];
  EXPECT_EQ(*r.Int(0), 1);
  EXPECT_EQ(*r.Int(1), 0);
  EXPECT_EQ(*r.Int(2), 7);
  EXPECT_EQ(*r.Int(3), 8);
  EXPECT_EQ(*r.Int(4), 11);
  EXPECT_EQ(*r.Text(5), "1.5");
  EXPECT_EQ(*r.Text(6), "2024-01-02");
  EXPECT_EQ(*r.Blob(7), (Bytes{0, 0xff}));
  EXPECT_EQ(*r.Blob(8), Bytes{});
}

TEST_F(PostgresTest, DataErrorsDoNotQuoteValues) {
  auto tx = db_->Begin();
  ASSERT_TRUE(tx.ok());
  auto rows = (*tx)->Query("SELECT CAST($1 AS BIGINT)", {"secret-pin-1234"});
  EXPECT_EQ(rows.status().code(), Code::kInternal);
  EXPECT_NE(rows.status().message().find("22P02"), std::string::npos) << rows.status().message();
  EXPECT_EQ(rows.status().message().find("secret-pin-1234"), std::string::npos);
}

TEST_F(PostgresTest, ReadTransactionsAreReadOnly) {
  ASSERT_TRUE(RunInTransaction(*db_, [](Transaction& tx) {
    return tx.ExecuteScript("CREATE TABLE t (x BIGINT)");
  }).ok());
  auto tx = db_->Begin(TxMode::kRead);
  ASSERT_TRUE(tx.ok());
  auto n = (*tx)->Execute("INSERT INTO t (x) VALUES (1)");
  EXPECT_EQ(n.status().code(), Code::kInternal) << n.status().ToString();
  EXPECT_NE(n.status().message().find("25006"), std::string::npos);
}

}  // namespace
}  // namespace sedun::store
