// The storage seam every server role uses: one small SQL interface, two real engines
// (SQLite, embedded and the default; PostgreSQL through libpq with a connection pool).
//
// Roles write portable SQL with $1, $2 ... placeholders; each engine binds them natively. Values
// are null, 64-bit integers, text or bytes; nothing else crosses the seam, so a role never sees
// an engine type. Every statement runs inside a Transaction; a Transaction that is destroyed
// without Commit() rolls back. Errors map onto base Status codes:
//   unique or primary-key violation      -> kAlreadyExists
//   serialization failure, deadlock, SQLITE_BUSY after the busy timeout -> kAborted (retry)
//   connection lost / server unreachable -> kUnavailable
//   SQL the engine rejects               -> kInternal (a bug in the role, not bad user input)
// Messages name the statement's role, never the bound values (they may be secrets).
//
// Portable SQL: column types BIGINT (integers, also for times as Unix seconds), TEXT and BYTEA
// (bytes; SQLite stores them as blobs). Integer values are bound as BIGINT; a placeholder whose
// type the statement does not fix (e.g. `$1 IS NULL`), or an integer passed to a function taking
// INTEGER, needs a CAST on PostgreSQL. PostgreSQL's BOOLEAN and integer
// NUMERIC results (SUM of BIGINT) come back as integers.
//
// Thread-safety: a Database is shared by all threads (engines pool connections); a Transaction
// belongs to one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace sedun::store {

enum class Engine { kSqlite, kPostgres };

std::string_view EngineName(Engine engine);  // "sqlite" | "postgres"

// A bound parameter or a column value.
using Value = std::variant<std::monostate, int64_t, std::string, Bytes>;

// One result row. Accessors check the column index and the stored type.
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}

  size_t size() const { return values_.size(); }
  bool IsNull(size_t column) const;
  Result<int64_t> Int(size_t column) const;
  Result<std::string> Text(size_t column) const;
  Result<Bytes> Blob(size_t column) const;
  const std::vector<Value>& values() const { return values_; }

 private:
  std::vector<Value> values_;
};

enum class TxMode {
  kWrite,  // SQLite: BEGIN IMMEDIATE; PostgreSQL: READ WRITE
  kRead,   // SQLite: BEGIN DEFERRED;  PostgreSQL: READ ONLY
};

class Transaction {
 public:
  virtual ~Transaction() = default;

  // Runs a statement that returns rows.
  virtual Result<std::vector<Row>> Query(std::string_view sql,
                                         const std::vector<Value>& params = {}) = 0;
  // Runs a statement; returns the number of rows it changed.
  virtual Result<int64_t> Execute(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // Runs several statements with no parameters (migrations).
  virtual Status ExecuteScript(std::string_view sql) = 0;
  // Makes the changes durable. After Commit (OK or not) the transaction is finished.
  virtual Status Commit() = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Engine engine() const = 0;
  virtual Result<std::unique_ptr<Transaction>> Begin(TxMode mode = TxMode::kWrite) = 0;
  // Cheap liveness check for /readyz: a round trip to the engine (a read transaction running
  // SELECT 1, the same on both engines).
  virtual Status Ping();
};

struct DatabaseOptions {
  // "sqlite:<path>" (or a bare path ending in .db/.sqlite), or a PostgreSQL connection string:
  // "postgresql://user@host:port/db?..." or "host=... dbname=...".
  std::string url;
  int pool_size = 8;              // connections kept open at most (each engine)
  int busy_timeout_ms = 5000;     // SQLite busy handler; PostgreSQL lock_timeout
  int connect_timeout_s = 5;
  // Both engines keep at most pool_size connections (SQLite opens them on demand). Begin() waits
  // this long for a free one when all are in use, then fails with kUnavailable.
  int pool_wait_ms = 5000;
};

Result<std::unique_ptr<Database>> OpenDatabase(const DatabaseOptions& options);

// Runs `fn` in a transaction and commits when it returns OK. Retries the whole function when the
// engine reports kAborted (up to `attempts` times, with jittered backoff); any other error rolls
// back and is returned as is. `fn` must have no effects outside the transaction.
Status RunInTransaction(Database& db, const std::function<Status(Transaction&)>& fn,
                        TxMode mode = TxMode::kWrite, int attempts = 8);

}  // namespace sedun::store
