// Fresh, empty databases of each engine for any module's tests.
//
// SQLite: a new file in the caller's temporary directory. PostgreSQL: a new schema
// `t_<random>` on the test server, used through search_path and dropped (with everything in
// it) when the Database is destroyed, so that test programs can run in parallel on one server.
//
// The server comes from the environment variable SEDUN_TEST_POSTGRES:
//   unset              PostgreSQL tests fail, saying how to get a server (see below);
//   "skip"             PostgreSQL tests are skipped (GTEST_SKIP), on purpose;
//   "/path/to/file"    (a value starting with '/') a file whose content is the connection
//                      string; the ctest fixture (tests/postgres) writes one and points ctest's
//                      tests at it, since its port is known only once it has started;
//   anything else      a connection string, "postgresql://..." or "host=... dbname=...".
// Under ctest a module opts in with sedun_module(... POSTGRES) and gets the fixture started for
// it. By hand: `tests/postgres/postgres_fixture.sh start /tmp/pg` then
// `SEDUN_TEST_POSTGRES=/tmp/pg/conninfo ./build/src/ca/sedun_ca_test`.
//
// Writing a suite once for both engines: see store/testing/engine_test.h.
// Thread-safety: free functions; each returned Database is independent.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

namespace sedun::store::testing {

// Every engine, in a fixed order: {kSqlite, kPostgres}.
std::vector<Engine> TestEngines();

// True when tests of `engine` are skipped on purpose (PostgreSQL with SEDUN_TEST_POSTGRES=skip).
bool EngineSkipped(Engine engine);

// The PostgreSQL connection string from SEDUN_TEST_POSTGRES, or kFailedPrecondition explaining
// how to start the fixture (also when it says "skip": check EngineSkipped first).
Result<std::string> TestPostgresConninfo();

// A fresh, empty database. `options` tunes the pool and timeouts; its url is ignored.
Result<std::unique_ptr<Database>> OpenTestDatabase(Engine engine, const std::string& temp_dir);
Result<std::unique_ptr<Database>> OpenTestDatabase(Engine engine, const std::string& temp_dir,
                                                   const DatabaseOptions& options);

// A second Database on the same data as `db` (a database from OpenTestDatabase): another pool,
// as a second sedun-server process would have. The original must outlive it.
Result<std::unique_ptr<Database>> OpenTestDatabaseAgain(Database& db,
                                                        const DatabaseOptions& options = {});

// The URL that opens the same data as `db` (a database from OpenTestDatabase), for handing to a
// sedun-server process under test: "sqlite:<file>" or a PostgreSQL connection string whose
// search_path is the test schema.
Result<std::string> TestDatabaseUrl(Database& db);

}  // namespace sedun::store::testing
