// The SQLite engine: one database file in WAL mode, a small pool of connections so that readers
// and the (single) writer of different threads do not queue on one handle.
//
// Durability: synchronous=FULL syncs the WAL at every commit, so a committed transaction (an
// issued certificate, a spent nonce) survives kill -9 and power loss. Writers take the write
// lock at BEGIN IMMEDIATE, so two writers never deadlock half-way; a writer that cannot get it
// within the busy timeout reports kAborted and RunInTransaction retries. Placeholders $1, $2 ...
// are SQLite named parameters, bound by name so that the same SQL text serves PostgreSQL.
// Thread-safety: the Database and its pool are shared; each connection (opened NOMUTEX) is used by
// one transaction, so by one thread, at a time.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/connection_pool.h"
#include "store/engine_internal.h"

namespace sedun::store::internal {
namespace {

struct ConnCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using ConnPtr = std::unique_ptr<sqlite3, ConnCloser>;

struct StmtFinalizer {
  void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  int ext = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  std::string msg = "sqlite: " + std::string(what) + ": " +
                    (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return AlreadyExists(std::move(msg));
    default:
      break;
  }
  switch (ext & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Aborted(std::move(msg));
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_PERM:
      return IoError(std::move(msg));
    default:
      return Internal(std::move(msg));
  }
}

// Creates missing directories of `path`'s parent with mode 0700 (the file may hold secrets).
Status MakeParentDirs(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || slash == 0) return Status::Ok();
  std::string dir = path.substr(0, slash);
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    std::string part = dir.substr(0, pos);
    if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST) {
      return IoError("sqlite: cannot create directory " + part + ": " + std::strerror(errno));
    }
  }
  return Status::Ok();
}

Status Exec(sqlite3* db, const char* sql, std::string_view what) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, what);
  return Status::Ok();
}

Status Bind(sqlite3_stmt* st, const std::vector<Value>& params) {
  if (sqlite3_bind_parameter_count(st) != static_cast<int>(params.size())) {
    return Internal("sqlite: statement has " + std::to_string(sqlite3_bind_parameter_count(st)) +
                    " placeholders, " + std::to_string(params.size()) + " values given");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    std::string name = "$" + std::to_string(i + 1);
    int idx = sqlite3_bind_parameter_index(st, name.c_str());
    if (idx == 0) return Internal("sqlite: statement has no placeholder " + name);
    const Value& v = params[i];
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(v)) {
      rc = sqlite3_bind_null(st, idx);
    } else if (const auto* n = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(st, idx, *n);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      rc = sqlite3_bind_text64(st, idx, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else {
      const Bytes& b = std::get<Bytes>(v);
      // A zero-length blob bound from a null pointer would be NULL; bind an empty blob instead.
      rc = b.empty() ? sqlite3_bind_zeroblob(st, idx, 0)
                     : sqlite3_bind_blob64(st, idx, b.data(), b.size(), SQLITE_STATIC);
    }
    if (rc != SQLITE_OK) return Internal("sqlite: cannot bind " + name);
  }
  return Status::Ok();
}

Result<Value> Column(sqlite3_stmt* st, int i) {
  switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL:
      return Value{};
    case SQLITE_INTEGER:
      return Value{static_cast<int64_t>(sqlite3_column_int64(st, i))};
    case SQLITE_TEXT: {
      const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
      auto n = static_cast<size_t>(sqlite3_column_bytes(st, i));
      return Value{std::string(p != nullptr ? p : "", p != nullptr ? n : 0)};
    }
    case SQLITE_BLOB: {
      const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(st, i));
      auto n = static_cast<size_t>(sqlite3_column_bytes(st, i));
      return Value{p != nullptr ? Bytes(p, p + n) : Bytes()};
    }
    default:
      return Internal("sqlite: column " + std::to_string(i) +
                      " is a floating-point value; the store carries integers, text and bytes");
  }
}

// Prepares, binds and steps one statement; collects rows and the number of changed rows.
Result<std::vector<Row>> Run(sqlite3* db, std::string_view sql, const std::vector<Value>& params,
                             int64_t* changed) {
  if (sql.size() > static_cast<size_t>(sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, -1))) {
    return Internal("sqlite: statement too long");
  }
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  StmtPtr st(raw);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "prepare " + SqlSnippet(sql));
  if (st == nullptr) return Internal("sqlite: empty statement");
  std::string_view rest(tail, static_cast<size_t>(sql.data() + sql.size() - tail));
  if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    return Internal("sqlite: one statement per call (use ExecuteScript for several): " +
                    SqlSnippet(sql));
  }
  SEDUN_RETURN_IF_ERROR(Bind(st.get(), params));
  sqlite3_int64 before = sqlite3_total_changes64(db);
  std::vector<Row> rows;
  int ncol = sqlite3_column_count(st.get());
  while ((rc = sqlite3_step(st.get())) == SQLITE_ROW) {
    std::vector<Value> values;
    values.reserve(static_cast<size_t>(ncol));
    for (int i = 0; i < ncol; ++i) {
      SEDUN_ASSIGN_OR_RETURN(Value v, Column(st.get(), i));
      values.push_back(std::move(v));
    }
    rows.emplace_back(std::move(values));
  }
  if (rc != SQLITE_DONE) return SqliteError(db, rc, SqlSnippet(sql));
  // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, so it is stale after DDL:
  // use it only when this statement changed something.
  if (changed != nullptr) {
    *changed = sqlite3_total_changes64(db) == before ? 0 : sqlite3_changes64(db);
  }
  return rows;
}

// Opens one connection with the per-connection settings (the journal mode is per file).
Result<ConnPtr> OpenConnection(const std::string& path, int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  ConnPtr db(raw);
  if (rc != SQLITE_OK) return SqliteError(db.get(), rc, "open " + path);
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), busy_timeout_ms);
  SEDUN_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA synchronous=FULL", "set synchronous"));
  SEDUN_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA foreign_keys=ON", "enable foreign keys"));
  return db;
}

using Pool = ConnectionPool<ConnPtr>;

class SqliteTransaction final : public GuardedTransaction {
 public:
  SqliteTransaction(std::shared_ptr<Pool> pool, ConnPtr db)
      : pool_(std::move(pool)), db_(std::move(db)) {}
  ~SqliteTransaction() override {
    RollbackIfOpen();
    pool_->Release(std::move(db_));
  }

 protected:
  Result<std::vector<Row>> DoQuery(std::string_view sql,
                                   const std::vector<Value>& params) override {
    return Run(db_.get(), sql, params, nullptr);
  }
  Result<int64_t> DoExecute(std::string_view sql, const std::vector<Value>& params) override {
    int64_t changed = 0;
    SEDUN_RETURN_IF_ERROR(Run(db_.get(), sql, params, &changed).status());
    return changed;
  }
  Status DoScript(std::string_view sql) override {
    std::string text(sql);  // sqlite3_exec wants a terminated string
    return Exec(db_.get(), text.c_str(), "script " + SqlSnippet(sql));
  }
  Status DoCommit() override { return Exec(db_.get(), "COMMIT", "commit"); }
  void DoRollback() override {
    if (sqlite3_get_autocommit(db_.get()) != 0) return;  // SQLite already rolled back
    if (!Exec(db_.get(), "ROLLBACK", "rollback").ok()) db_.reset();  // do not reuse it
  }

 private:
  std::shared_ptr<Pool> pool_;
  ConnPtr db_;
};

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(std::shared_ptr<Pool> pool) : pool_(std::move(pool)) {}

  Engine engine() const override { return Engine::kSqlite; }

  Result<std::unique_ptr<Transaction>> Begin(TxMode mode) override {
    SEDUN_ASSIGN_OR_RETURN(ConnPtr db, pool_->Acquire());
    const char* begin = mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED";
    Status s = Exec(db.get(), begin, "begin");
    if (!s.ok()) {
      pool_->Release(std::move(db));
      return s;
    }
    return std::unique_ptr<Transaction>(new SqliteTransaction(pool_, std::move(db)));
  }

 private:
  std::shared_ptr<Pool> pool_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqliteDatabase(const std::string& path,
                                                     const DatabaseOptions& options) {
  if (path == ":memory:" || path.empty()) {
    return InvalidArgument("sqlite: a file path is required (connections share the file)");
  }
  if (sqlite3_threadsafe() == 0) return Internal("sqlite: library built without thread support");
  SEDUN_RETURN_IF_ERROR(MakeParentDirs(path));
  // Create the file ourselves so that it is private from its first byte; SQLite gives the -wal
  // and -shm files the database file's permissions.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("sqlite: cannot open " + path + ": " + std::strerror(errno));
  ::close(fd);

  int busy_ms = options.busy_timeout_ms;
  auto pool = std::make_shared<Pool>("sqlite", options.pool_size, options.pool_wait_ms,
                                     [path, busy_ms] { return OpenConnection(path, busy_ms); });
  SEDUN_ASSIGN_OR_RETURN(ConnPtr first, OpenConnection(path, busy_ms));
  // WAL is a property of the file, set once: readers do not block the writer nor it them.
  {
    sqlite3_stmt* raw = nullptr;
    int rc = sqlite3_prepare_v2(first.get(), "PRAGMA journal_mode=WAL", -1, &raw, nullptr);
    StmtPtr st(raw);
    if (rc != SQLITE_OK) return SqliteError(first.get(), rc, "set WAL mode");
    rc = sqlite3_step(st.get());
    if (rc != SQLITE_ROW) return SqliteError(first.get(), rc, "set WAL mode");
    const auto* mode = reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 0));
    if (mode == nullptr || std::strcmp(mode, "wal") != 0) {
      return IoError("sqlite: " + path + " cannot use WAL journal mode");
    }
  }
  pool->AddIdle(std::move(first));
  return std::unique_ptr<Database>(new SqliteDatabase(std::move(pool)));
}

}  // namespace sedun::store::internal
