// The database schema of the "ca" component: enrolment registrations, the certificate registry,
// generated CRLs and the CRL-number counter. Portable SQL with one script per engine where the
// types differ (BLOB vs BYTEA). Times are unix seconds (BIGINT).
// Thread-safety: call MigrateCaSchema once at start (store::Migrate serialises concurrent starters).
#pragma once

#include <span>
#include <string_view>

#include "base/status.h"
#include "store/database.h"
#include "store/migrations.h"

namespace sedun::ca {

inline constexpr std::string_view kCaComponent = "ca";

std::span<const store::Migration> CaMigrations();

// store::Migrate(db, "ca", CaMigrations()).
Status MigrateCaSchema(store::Database& db);

}  // namespace sedun::ca
