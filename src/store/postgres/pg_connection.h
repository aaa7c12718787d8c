// Internal to store/postgres: one libpq connection, statements on it, and the mapping of
// PostgreSQL errors onto Status codes.
// Thread-safety: a PGconn is used by one thread at a time; these functions keep no state.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.h"

namespace sedun::store::internal::pg {

struct ConnCloser {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnCloser>;

// Opens a connection from a URL or key=value conninfo, with the options' connect timeout and
// lock timeout (busy_timeout_ms). kUnavailable when the server cannot be reached.
Result<ConnPtr> Connect(const std::string& conninfo, const DatabaseOptions& options);

// True when the connection is unusable and must be closed.
bool Broken(PGconn* conn);

// One statement: parameters as int8 text, text, or binary bytea; results in text format.
// `changed` (optional) receives the number of rows the statement changed.
Result<std::vector<Row>> Run(PGconn* conn, std::string_view sql,
                             const std::vector<Value>& params, int64_t* changed);

// Statements without parameters, possibly several (simple query protocol).
Status RunScript(PGconn* conn, std::string_view sql, std::string_view what);

}  // namespace sedun::store::internal::pg
