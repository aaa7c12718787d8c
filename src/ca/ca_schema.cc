// Schema of the "ca" component (see ca_schema.h). The two scripts differ only in the binary type.
//
// ca_registrations   enrolment authorisations from the bank (JR/T 0093.6 6.2.2 steps 1-5): the
//                    subject (DER Name) and profile decided by the bank, the SM3-based hash of the
//                    authorisation code (never the code), expiry and the single-use mark.
// ca_certificates    the registry (JR/T 0093.6 7.3.1.2): one row per issued certificate, keyed by
//                    serial (lowercase hex), linked to account, client instance and registration;
//                    revocation time, reason and who asked; renewal links both ways.
// ca_crls            every generated CRL by number (only the newest few are kept).
// ca_counters        'crl_number': the last CRL number handed out.
// Thread-safety: constant data.
#include "ca/ca_schema.h"

#include <array>

namespace sedun::ca {
namespace {

#define SEDUN_CA_SCHEMA_V1(BLOB)                                                                          \
  "CREATE TABLE ca_registrations ("                                                                       \
  " id TEXT PRIMARY KEY,"                                                                                 \
  " account_id TEXT NOT NULL,"                                                                            \
  " client_id TEXT NOT NULL,"                                                                             \
  " subject " BLOB " NOT NULL,"                                                                           \
  " profile TEXT NOT NULL,"                                                                               \
  " validity_days BIGINT NOT NULL,"                                                                       \
  " code_hash " BLOB " NOT NULL,"                                                                         \
  " renews_serial TEXT,"                                                                                  \
  " created_at BIGINT NOT NULL,"                                                                          \
  " expires_at BIGINT NOT NULL,"                                                                          \
  " used_at BIGINT);\n"                                                                                   \
  "CREATE INDEX ca_registrations_expires ON ca_registrations (expires_at);\n"                             \
  "CREATE TABLE ca_certificates ("                                                                        \
  " serial TEXT PRIMARY KEY,"                                                                             \
  " issuer TEXT NOT NULL,"                                                                                \
  " account_id TEXT NOT NULL,"                                                                            \
  " client_id TEXT NOT NULL,"                                                                             \
  " registration_id TEXT,"                                                                                \
  " profile TEXT NOT NULL,"                                                                               \
  " subject TEXT NOT NULL,"                                                                               \
  " csr_subject TEXT,"                                                                                    \
  " not_before BIGINT NOT NULL,"                                                                          \
  " not_after BIGINT NOT NULL,"                                                                           \
  " der " BLOB " NOT NULL,"                                                                               \
  " issued_at BIGINT NOT NULL,"                                                                           \
  " revoked_at BIGINT,"                                                                                   \
  " reason BIGINT,"                                                                                       \
  " revoked_by TEXT,"                                                                                     \
  " renews TEXT,"                                                                                         \
  " replaced_by TEXT);\n"                                                                                 \
  "CREATE INDEX ca_certificates_account ON ca_certificates (account_id, client_id);\n"                    \
  "CREATE INDEX ca_certificates_revoked ON ca_certificates (revoked_at);\n"                               \
  "CREATE UNIQUE INDEX ca_certificates_registration ON ca_certificates (registration_id);\n"              \
  "CREATE TABLE ca_crls ("                                                                                \
  " number BIGINT PRIMARY KEY,"                                                                           \
  " this_update BIGINT NOT NULL,"                                                                         \
  " next_update BIGINT NOT NULL,"                                                                         \
  " der " BLOB " NOT NULL);\n"                                                                            \
  "CREATE TABLE ca_counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL);\n"                            \
  "INSERT INTO ca_counters (name, value) VALUES ('crl_number', 0);\n"

constexpr std::array<store::Migration, 1> kMigrations = {{
    {1, "ca registrations, certificate registry, CRLs", SEDUN_CA_SCHEMA_V1("BLOB"),
     SEDUN_CA_SCHEMA_V1("BYTEA")},
}};

#undef SEDUN_CA_SCHEMA_V1

}  // namespace

std::span<const store::Migration> CaMigrations() { return kMigrations; }

Status MigrateCaSchema(store::Database& db) { return store::Migrate(db, kCaComponent, CaMigrations()); }

}  // namespace sedun::ca
