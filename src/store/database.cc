// Row accessors, engine names, the URL dispatch of OpenDatabase, RunInTransaction, and the
// failed-statement guard both engines share. Thread-safety: free functions; a Row is a value.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "store/database.h"
#include "store/engine_internal.h"

namespace sedun::store {
namespace {

std::string ColumnError(size_t column, size_t size) {
  return "column " + std::to_string(column) + " out of range (row has " + std::to_string(size) +
         ")";
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string_view EngineName(Engine engine) {
  switch (engine) {
    case Engine::kSqlite: return "sqlite";
    case Engine::kPostgres: return "postgres";
  }
  return "unknown";
}

bool Row::IsNull(size_t column) const {
  return column >= values_.size() || std::holds_alternative<std::monostate>(values_[column]);
}

Result<int64_t> Row::Int(size_t column) const {
  if (column >= values_.size()) return Internal(ColumnError(column, values_.size()));
  if (const auto* v = std::get_if<int64_t>(&values_[column])) return *v;
  return Internal("column " + std::to_string(column) + " is not an integer");
}

Result<std::string> Row::Text(size_t column) const {
  if (column >= values_.size()) return Internal(ColumnError(column, values_.size()));
  if (const auto* v = std::get_if<std::string>(&values_[column])) return *v;
  return Internal("column " + std::to_string(column) + " is not text");
}

Result<Bytes> Row::Blob(size_t column) const {
  if (column >= values_.size()) return Internal(ColumnError(column, values_.size()));
  if (const auto* v = std::get_if<Bytes>(&values_[column])) return *v;
  return Internal("column " + std::to_string(column) + " is not bytes");
}

Result<std::unique_ptr<Database>> OpenDatabase(const DatabaseOptions& options) {
  if (options.pool_size < 1 || options.pool_wait_ms < 0 || options.busy_timeout_ms < 0 ||
      options.connect_timeout_s < 1) {
    return InvalidArgument("database options: pool_size and connect_timeout_s must be positive");
  }
  std::string_view url = options.url;
  if (url.starts_with("sqlite:")) {
    std::string path(url.substr(7));
    if (path.empty()) return InvalidArgument("database url: sqlite: needs a file path");
    return internal::OpenSqliteDatabase(path, options);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://") ||
      url.find('=') != std::string_view::npos) {
    return internal::OpenPostgresDatabase(options.url, options);
  }
  if (EndsWith(url, ".db") || EndsWith(url, ".sqlite") || EndsWith(url, ".sqlite3")) {
    return internal::OpenSqliteDatabase(options.url, options);
  }
  // The URL may hold a password: do not echo it.
  return InvalidArgument(
      "database url: expected sqlite:<path>, a path ending in .db/.sqlite, postgresql://... or "
      "a key=value connection string");
}

Status RunInTransaction(Database& db, const std::function<Status(Transaction&)>& fn,
                        TxMode mode, int attempts) {
  using std::chrono::microseconds;
  constexpr int64_t kBaseUs = 1000;     // first retry waits up to 1 ms
  constexpr int64_t kMaxUs = 200'000;   // and no retry waits more than 200 ms
  Status last = Internal("RunInTransaction: attempts must be positive");
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) {
      // Full jitter: a uniform wait below an exponentially growing cap, so that the transactions
      // that collided do not collide again in lockstep.
      int64_t cap = std::min(kMaxUs, kBaseUs << std::min(attempt - 1, 16));
      auto wait = static_cast<int64_t>(internal::RandomU64() % static_cast<uint64_t>(cap + 1));
      std::this_thread::sleep_for(microseconds(wait));
    }
    Result<std::unique_ptr<Transaction>> tx = db.Begin(mode);
    if (!tx.ok()) {
      last = tx.status();
      if (last.code() == Code::kAborted) continue;
      return last;
    }
    last = fn(**tx);
    if (last.ok()) last = (*tx)->Commit();
    if (last.ok()) return last;
    if (last.code() != Code::kAborted) return last;
    // The transaction is destroyed here, rolling back what fn did before the retry.
  }
  return last.Annotate("gave up after " + std::to_string(attempts) + " attempts");
}

namespace internal {

Status GuardedTransaction::Usable() const {
  if (finished_) return FailedPrecondition("transaction already committed or rolled back");
  if (failed_) {
    return FailedPrecondition("an earlier statement in this transaction failed; roll back");
  }
  return Status::Ok();
}

template <typename R>
R GuardedTransaction::Track(R result) {
  if (!result.ok()) failed_ = true;
  return result;
}

// PostgreSQL text cannot hold NUL; refusing it on both engines keeps SQLite data portable.
static Status CheckParams(const std::vector<Value>& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const auto* s = std::get_if<std::string>(&params[i]);
    if (s != nullptr && s->find('\0') != std::string::npos) {
      return InvalidArgument("text parameter $" + std::to_string(i + 1) +
                             " contains a NUL character (store it as bytes)");
    }
  }
  return Status::Ok();
}

Result<std::vector<Row>> GuardedTransaction::Query(std::string_view sql,
                                                   const std::vector<Value>& params) {
  SEDUN_RETURN_IF_ERROR(Usable());
  SEDUN_RETURN_IF_ERROR(Track(CheckParams(params)));
  return Track(DoQuery(sql, params));
}

Result<int64_t> GuardedTransaction::Execute(std::string_view sql,
                                            const std::vector<Value>& params) {
  SEDUN_RETURN_IF_ERROR(Usable());
  SEDUN_RETURN_IF_ERROR(Track(CheckParams(params)));
  return Track(DoExecute(sql, params));
}

Status GuardedTransaction::ExecuteScript(std::string_view sql) {
  SEDUN_RETURN_IF_ERROR(Usable());
  return Track(DoScript(sql));
}

Status GuardedTransaction::Commit() {
  SEDUN_RETURN_IF_ERROR(Usable());
  finished_ = true;
  Status s = DoCommit();
  if (!s.ok()) DoRollback();
  return s;
}

void GuardedTransaction::RollbackIfOpen() {
  if (finished_) return;
  finished_ = true;
  DoRollback();
}

uint64_t RandomU64() {
  uint64_t v = 0;
  sqlite3_randomness(static_cast<int>(sizeof v), &v);
  return v;
}

std::string SqlSnippet(std::string_view sql, size_t max) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    bool ws = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (ws) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
    if (out.size() >= max) {
      out += "...";
      break;
    }
  }
  return out;
}

}  // namespace internal
Status Database::Ping() {
  SEDUN_ASSIGN_OR_RETURN(auto tx, Begin(TxMode::kRead));
  SEDUN_RETURN_IF_ERROR(tx->Query("SELECT 1").status());
  return tx->Commit();
}

}  // namespace sedun::store
