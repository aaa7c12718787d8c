// Test databases: a SQLite file per call, or a throw-away PostgreSQL schema per call.
// Thread-safety: free functions; each returned Database is independent.
#include "store/testing/test_database.h"

#include <libpq-fe.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "base/file.h"
#include "store/engine_internal.h"

namespace sedun::store::testing {
namespace {

constexpr const char* kHowTo =
    "SEDUN_TEST_POSTGRES is not set, so the PostgreSQL variant of this test cannot run. Run the "
    "tests through ctest (it starts a throw-away server: tests/postgres), or start one by hand "
    "with `tests/postgres/postgres_fixture.sh start <dir>` and set "
    "SEDUN_TEST_POSTGRES=<dir>/conninfo (or to any connection string of a server where the user "
    "may create schemas), or set SEDUN_TEST_POSTGRES=skip to skip PostgreSQL tests on purpose";

std::string RandomHex() {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(internal::RandomU64()));
  return buf;
}

// Quotes a conninfo value: single quotes, with \ and ' escaped by a backslash.
std::string QuoteConninfo(std::string_view v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

// The base connection string rewritten as key=value pairs with search_path set to `schema`.
Result<std::string> WithSearchPath(const std::string& base, const std::string& schema) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(base.c_str(), &err);
  if (opts == nullptr) {
    std::string m = err != nullptr ? err : "out of memory";
    PQfreemem(err);
    return InvalidArgument("SEDUN_TEST_POSTGRES: not a connection string: " + m);
  }
  std::string out;
  std::string options = "-csearch_path=" + schema;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string key = o->keyword;
    if (key == "options") {
      options = std::string(o->val) + " " + options;
      continue;
    }
    out += key + "=" + QuoteConninfo(o->val) + " ";
  }
  PQconninfoFree(opts);
  return out + "options=" + QuoteConninfo(options);
}

// Wraps an engine's Database to remember how it was opened and to drop the PostgreSQL schema.
class TestDatabase final : public Database {
 public:
  TestDatabase(std::unique_ptr<Database> inner, std::string url,
               std::unique_ptr<Database> admin, std::string schema)
      : inner_(std::move(inner)), url_(std::move(url)), admin_(std::move(admin)),
        schema_(std::move(schema)) {}
  ~TestDatabase() override {
    inner_.reset();  // close the pool first
    if (admin_ != nullptr) {
      Status s = RunInTransaction(*admin_, [&](Transaction& tx) {
        return tx.ExecuteScript("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
      });
      if (!s.ok()) std::fprintf(stderr, "dropping test schema %s: %s\n", schema_.c_str(),
                                s.ToString().c_str());
    }
  }

  Engine engine() const override { return inner_->engine(); }
  Result<std::unique_ptr<Transaction>> Begin(TxMode mode) override { return inner_->Begin(mode); }
  Status Ping() override { return inner_->Ping(); }

  const std::string& url() const { return url_; }
  void set_inner(std::unique_ptr<Database> inner) { inner_ = std::move(inner); }

 private:
  std::unique_ptr<Database> inner_;
  std::string url_;
  std::unique_ptr<Database> admin_;
  std::string schema_;
};

}  // namespace

std::vector<Engine> TestEngines() { return {Engine::kSqlite, Engine::kPostgres}; }

bool EngineSkipped(Engine engine) {
  if (engine != Engine::kPostgres) return false;
  const char* env = std::getenv("SEDUN_TEST_POSTGRES");
  return env != nullptr && std::string_view(env) == "skip";
}

Result<std::string> TestPostgresConninfo() {
  const char* env = std::getenv("SEDUN_TEST_POSTGRES");
  if (env == nullptr || *env == '\0') return FailedPrecondition(kHowTo);
  std::string value = env;
  if (value == "skip") return FailedPrecondition("SEDUN_TEST_POSTGRES=skip");
  if (value.front() != '/') return value;
  Result<Bytes> file = ReadFile(value, 4096);
  if (!file.ok()) {
    return FailedPrecondition("SEDUN_TEST_POSTGRES names " + value +
                              ", which cannot be read (is the PostgreSQL fixture running? "
                              "tests/postgres/postgres_fixture.sh start): " +
                              file.status().ToString());
  }
  std::string conninfo(AsChars(*file));
  while (!conninfo.empty() && (conninfo.back() == '\n' || conninfo.back() == ' ')) {
    conninfo.pop_back();
  }
  if (conninfo.empty()) return FailedPrecondition("SEDUN_TEST_POSTGRES: " + value + " is empty");
  return conninfo;
}

Result<std::unique_ptr<Database>> OpenTestDatabase(Engine engine, const std::string& temp_dir) {
  return OpenTestDatabase(engine, temp_dir, DatabaseOptions{});
}

Result<std::unique_ptr<Database>> OpenTestDatabase(Engine engine, const std::string& temp_dir,
                                                   const DatabaseOptions& options) {
  static std::atomic<int> counter{0};
  DatabaseOptions o = options;
  if (engine == Engine::kSqlite) {
    o.url = "sqlite:" + temp_dir + "/test-" + std::to_string(counter++) + "-" + RandomHex() +
            ".db";
    SEDUN_ASSIGN_OR_RETURN(auto db, OpenDatabase(o));
    return std::unique_ptr<Database>(new TestDatabase(std::move(db), o.url, nullptr, ""));
  }
  SEDUN_ASSIGN_OR_RETURN(std::string base, TestPostgresConninfo());
  DatabaseOptions admin_options;
  admin_options.url = base;
  admin_options.pool_size = 1;
  SEDUN_ASSIGN_OR_RETURN(auto admin, OpenDatabase(admin_options));
  std::string schema = "t_" + RandomHex();
  SEDUN_RETURN_IF_ERROR(RunInTransaction(*admin, [&](Transaction& tx) {
    return tx.ExecuteScript("CREATE SCHEMA " + schema);
  }));
  // From here on the wrapper owns the schema and drops it, even if opening the pool fails.
  SEDUN_ASSIGN_OR_RETURN(o.url, WithSearchPath(base, schema));
  auto holder = std::make_unique<TestDatabase>(nullptr, o.url, std::move(admin), schema);
  SEDUN_ASSIGN_OR_RETURN(auto db, OpenDatabase(o));
  holder->set_inner(std::move(db));
  return std::unique_ptr<Database>(std::move(holder));
}

Result<std::unique_ptr<Database>> OpenTestDatabaseAgain(Database& db,
                                                        const DatabaseOptions& options) {
  auto* test_db = dynamic_cast<TestDatabase*>(&db);
  if (test_db == nullptr) return InvalidArgument("not a database from OpenTestDatabase");
  DatabaseOptions o = options;
  o.url = test_db->url();
  return OpenDatabase(o);
}

Result<std::string> TestDatabaseUrl(Database& db) {
  auto* test_db = dynamic_cast<TestDatabase*>(&db);
  if (test_db == nullptr) return InvalidArgument("not a database from OpenTestDatabase");
  return test_db->url();
}

}  // namespace sedun::store::testing
