// The PostgreSQL engine: a bounded pool of libpq connections, READ COMMITTED transactions.
//
// READ COMMITTED is PostgreSQL's default and what the roles are written for: each statement sees
// the data committed before it began; a role that must serialise on a row takes it with
// SELECT ... FOR UPDATE (or relies on a unique constraint), and lock waits longer than the busy
// timeout fail with 55P03 -> kAborted, which RunInTransaction retries. A connection that broke
// (server restart, network) is closed when its transaction ends and replaced on demand; Begin
// retries once on a fresh connection when a pooled one turns out dead, so a restart of the
// server costs no request that had not started yet.
// Thread-safety: the Database and its pool are shared; a connection serves one transaction at a
// time.
#include <cstring>

#include "store/connection_pool.h"
#include "store/engine_internal.h"
#include "store/postgres/pg_connection.h"

namespace sedun::store::internal {
namespace {

using pg::ConnPtr;
using Pool = ConnectionPool<ConnPtr>;

// Hands a connection back to the pool, or closes it when it is no longer usable.
void GiveBack(Pool& pool, ConnPtr conn) {
  if (conn != nullptr &&
      (pg::Broken(conn.get()) || PQtransactionStatus(conn.get()) != PQTRANS_IDLE)) {
    conn.reset();
  }
  pool.Release(std::move(conn));
}

class PgTransaction final : public GuardedTransaction {
 public:
  PgTransaction(std::shared_ptr<Pool> pool, ConnPtr conn)
      : pool_(std::move(pool)), conn_(std::move(conn)) {}
  ~PgTransaction() override {
    RollbackIfOpen();
    GiveBack(*pool_, std::move(conn_));
  }

 protected:
  Result<std::vector<Row>> DoQuery(std::string_view sql,
                                   const std::vector<Value>& params) override {
    return pg::Run(conn_.get(), sql, params, nullptr);
  }
  Result<int64_t> DoExecute(std::string_view sql, const std::vector<Value>& params) override {
    int64_t changed = 0;
    SEDUN_RETURN_IF_ERROR(pg::Run(conn_.get(), sql, params, &changed).status());
    return changed;
  }
  Status DoScript(std::string_view sql) override {
    return pg::RunScript(conn_.get(), sql, "script " + SqlSnippet(sql));
  }
  Status DoCommit() override {
    Status s = pg::RunScript(conn_.get(), "COMMIT", "commit");
    if (s.code() == Code::kUnavailable) {
      // The COMMIT may or may not have reached the server: say so rather than guess.
      return s.Annotate("commit outcome unknown");
    }
    SEDUN_RETURN_IF_ERROR(s);
    // COMMIT of a transaction the server had already aborted reports ROLLBACK, not an error.
    // The statement guard makes this unreachable; keep the check as a last line of defence.
    if (PQtransactionStatus(conn_.get()) != PQTRANS_IDLE) {
      return Internal("postgres: commit left the transaction open");
    }
    return Status::Ok();
  }
  void DoRollback() override {
    if (pg::Broken(conn_.get())) {
      conn_.reset();
      return;
    }
    if (PQtransactionStatus(conn_.get()) == PQTRANS_IDLE) return;
    if (!pg::RunScript(conn_.get(), "ROLLBACK", "rollback").ok()) conn_.reset();
  }

 private:
  std::shared_ptr<Pool> pool_;
  ConnPtr conn_;
};

class PgDatabase final : public Database {
 public:
  explicit PgDatabase(std::shared_ptr<Pool> pool) : pool_(std::move(pool)) {}

  Engine engine() const override { return Engine::kPostgres; }

  Result<std::unique_ptr<Transaction>> Begin(TxMode mode) override {
    const char* begin = mode == TxMode::kWrite ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                                               : "BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY";
    // A pooled connection may have died while idle (server restart): the first statement on it
    // finds out. Then one fresh connection is tried, which is safe since nothing has run yet.
    for (int attempt = 0;; ++attempt) {
      bool fresh = false;
      SEDUN_ASSIGN_OR_RETURN(ConnPtr conn, pool_->Acquire(&fresh));
      if (pg::Broken(conn.get())) {
        pool_->Release(ConnPtr());
        if (attempt == 0) continue;
        return Unavailable("postgres: connection broken");
      }
      Status s = pg::RunScript(conn.get(), begin, "begin");
      if (s.ok()) return std::unique_ptr<Transaction>(new PgTransaction(pool_, std::move(conn)));
      GiveBack(*pool_, std::move(conn));
      if (s.code() != Code::kUnavailable || fresh || attempt > 0) return s;
    }
  }

 private:
  std::shared_ptr<Pool> pool_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& conninfo,
                                                       const DatabaseOptions& options) {
  // Parsed here first so that a malformed string is the caller's error, reported without
  // libpq's message (which would quote fragments of it, passwords included).
  char* err = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &err);
  PQfreemem(err);
  if (parsed == nullptr) return InvalidArgument("postgres: the connection string does not parse");
  PQconninfoFree(parsed);
  // Connect once now so that a wrong address or password fails at start, not at first request.
  SEDUN_ASSIGN_OR_RETURN(ConnPtr first, pg::Connect(conninfo, options));
  auto open = [conninfo, options] { return pg::Connect(conninfo, options); };
  auto pool = std::make_shared<Pool>("postgres", options.pool_size, options.pool_wait_ms, open);
  pool->AddIdle(std::move(first));
  return std::unique_ptr<Database>(new PgDatabase(std::move(pool)));
}

}  // namespace sedun::store::internal
