// Versioned schema migrations, applied at start.
//
// Each component (a server role) owns an ordered list of migrations. Migrate() records applied
// versions in `schema_migrations(component, version, name, applied_at)` and applies the missing
// ones in order, each in its own transaction, under a lock that serialises concurrent starters
// (PostgreSQL advisory lock; SQLite BEGIN IMMEDIATE), so several sedun-server processes may start
// against one database at once. A database whose recorded version is newer than the code knows
// is refused (kFailedPrecondition): old code must not run on a newer schema. Scripts hold no
// BEGIN/COMMIT of their own (the step's transaction wraps them) and no parameters.
// Thread-safety: call once per component at start.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "store/database.h"

namespace sedun::store {

struct Migration {
  int version;               // 1, 2, 3 ... without gaps
  std::string_view name;     // short description, recorded
  std::string_view sqlite;   // SQL script for SQLite
  std::string_view postgres; // SQL script for PostgreSQL (may equal `sqlite`)
};

Status Migrate(Database& db, std::string_view component, std::span<const Migration> migrations);

// The highest version applied for `component`, 0 when none.
Result<int> SchemaVersion(Database& db, std::string_view component);

}  // namespace sedun::store
