// Schema migrations: each missing version applied in its own transaction, under a lock.
//
// Every step runs in one write transaction that first takes the migration lock (PostgreSQL:
// a transaction-scoped advisory lock keyed by the current schema; SQLite: BEGIN IMMEDIATE has
// already taken the file's write lock), then reads the recorded version. Reading after the lock
// is what makes concurrent starters safe: the second process waits, then sees the version the
// first one recorded and applies nothing twice. A failed migration rolls back whole, its version
// unrecorded. Thread-safety: safe to call from several threads and processes at once.
#include "store/migrations.h"

#include <chrono>

namespace sedun::store {
namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " component TEXT NOT NULL,"
    " version BIGINT NOT NULL,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL,"  // Unix seconds
    " PRIMARY KEY (component, version))";

// First key of the advisory lock: "SEDN" in ASCII, so that it does not meet other users' locks;
// the second is the schema, so that databases in different schemas migrate independently.
constexpr std::string_view kPostgresLock =
    "SELECT pg_advisory_xact_lock(1397048398, hashtext(coalesce(current_schema(), '')))";

Status CheckList(std::string_view component, std::span<const Migration> migrations) {
  if (component.empty()) return InvalidArgument("migrations: empty component name");
  for (size_t i = 0; i < migrations.size(); ++i) {
    if (migrations[i].version != static_cast<int>(i + 1)) {
      return InvalidArgument("migrations of " + std::string(component) + ": entry " +
                             std::to_string(i) + " has version " +
                             std::to_string(migrations[i].version) + ", expected " +
                             std::to_string(i + 1) + " (1, 2, 3 ... in order, no gaps)");
    }
  }
  return Status::Ok();
}

Result<int> RecordedVersion(Transaction& tx, std::string_view component) {
  SEDUN_ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      tx.Query("SELECT MAX(version) FROM schema_migrations WHERE component = $1",
               {std::string(component)}));
  if (rows.empty() || rows[0].IsNull(0)) return 0;
  SEDUN_ASSIGN_OR_RETURN(int64_t v, rows[0].Int(0));
  return static_cast<int>(v);
}

Status RefuseNewer(std::string_view component, int recorded, size_t known) {
  return FailedPrecondition("database schema of " + std::string(component) + " is at version " +
                            std::to_string(recorded) + " but this program knows only " +
                            std::to_string(known) + ": it was upgraded by a newer release");
}

int64_t NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status Migrate(Database& db, std::string_view component, std::span<const Migration> migrations) {
  SEDUN_RETURN_IF_ERROR(CheckList(component, migrations));
  const bool postgres = db.engine() == Engine::kPostgres;
  for (;;) {
    bool done = false;
    Status s = RunInTransaction(db, [&](Transaction& tx) -> Status {
      done = false;
      if (postgres) {
        // Another starter may hold the lock for as long as its migration runs: wait for it
        // longer than the pool's lock timeout, which is tuned for requests.
        SEDUN_RETURN_IF_ERROR(tx.ExecuteScript("SET LOCAL lock_timeout = '300s'"));
        SEDUN_RETURN_IF_ERROR(tx.Query(kPostgresLock).status());
      }
      SEDUN_RETURN_IF_ERROR(tx.ExecuteScript(kCreateTable));
      SEDUN_ASSIGN_OR_RETURN(int recorded, RecordedVersion(tx, component));
      if (recorded > static_cast<int>(migrations.size())) {
        return RefuseNewer(component, recorded, migrations.size());
      }
      if (recorded == static_cast<int>(migrations.size())) {
        done = true;
        return Status::Ok();
      }
      const Migration& m = migrations[static_cast<size_t>(recorded)];
      std::string what = "migration " + std::string(component) + " " +
                         std::to_string(m.version) + " (" + std::string(m.name) + ")";
      SEDUN_RETURN_IF_ERROR(
          tx.ExecuteScript(postgres ? m.postgres : m.sqlite).Annotate(what));
      return tx
          .Execute("INSERT INTO schema_migrations (component, version, name, applied_at)"
                   " VALUES ($1, $2, $3, $4)",
                   {std::string(component), int64_t{m.version}, std::string(m.name), NowUnix()})
          .status()
          .Annotate(what);
    });
    if (!s.ok()) return s;
    if (done) return Status::Ok();
  }
}

Result<int> SchemaVersion(Database& db, std::string_view component) {
  SEDUN_ASSIGN_OR_RETURN(auto tx, db.Begin(TxMode::kRead));
  const char* exists =
      db.engine() == Engine::kPostgres
          ? "SELECT to_regclass('schema_migrations') IS NOT NULL"
          : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = "
            "'schema_migrations'";
  SEDUN_ASSIGN_OR_RETURN(std::vector<Row> rows, tx->Query(exists));
  if (rows.size() != 1) return Internal("migrations: table lookup returned no row");
  SEDUN_ASSIGN_OR_RETURN(int64_t found, rows[0].Int(0));
  if (found == 0) return 0;
  SEDUN_ASSIGN_OR_RETURN(int v, RecordedVersion(*tx, component));
  SEDUN_RETURN_IF_ERROR(tx->Commit());
  return v;
}

}  // namespace sedun::store
