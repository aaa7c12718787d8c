// Certificate status (JR/T 0093.6 6.2.3 "verify certificate validity", with the "expiring soon"
// answer that makes the client renew) and registry queries for the bank role (7.3.1.2).
// Thread-safety: see certification_authority.h.
#include "ca/ca_internal.h"

namespace sedun::ca {
namespace {

// A bank account holds a few certificates; the list is capped all the same.
constexpr int64_t kMaxListed = 1000;

}  // namespace

Result<CertificateStatusInfo> CertificationAuthority::CertificateStatus(std::string_view serial_hex) {
  SEDUN_ASSIGN_OR_RETURN(std::string serial, NormalizeSerial(serial_hex));
  SEDUN_ASSIGN_OR_RETURN(auto tx, db_->Begin(store::TxMode::kRead));
  SEDUN_ASSIGN_OR_RETURN(auto rows, tx->Query("SELECT account_id, client_id, not_after, revoked_at, reason "
                                              "FROM ca_certificates WHERE serial = $1",
                                              {serial}));
  CertificateStatusInfo info;
  info.serial_hex = serial;
  if (rows.empty()) return info;  // kUnknown
  const store::Row& row = rows[0];
  SEDUN_ASSIGN_OR_RETURN(info.account_id, row.Text(0));
  SEDUN_ASSIGN_OR_RETURN(info.client_id, row.Text(1));
  SEDUN_ASSIGN_OR_RETURN(int64_t not_after, row.Int(2));
  info.not_after = internal::FromUnix(not_after);
  if (!row.IsNull(3)) {
    SEDUN_ASSIGN_OR_RETURN(int64_t revoked_at, row.Int(3));
    SEDUN_ASSIGN_OR_RETURN(int64_t reason, row.Int(4));
    info.revoked_at = internal::FromUnix(revoked_at);
    info.reason = pki::RevocationReasonFromCode(reason);
    if (!info.reason) return Internal("registry holds an unknown revocation reason");
  }
  info.state = internal::StateAt(info.not_after, info.revoked_at.has_value(), Now(), config_.expiring_soon_window);
  return info;
}

Result<std::vector<CertificateRecord>> CertificationAuthority::ListCertificates(std::string_view account_id,
                                                                                std::string_view client_id) {
  SEDUN_RETURN_IF_ERROR(internal::CheckId(account_id, "account_id"));
  SEDUN_RETURN_IF_ERROR(internal::CheckId(client_id, "client_id", /*allow_empty=*/true));
  std::string sql = "SELECT " + std::string(internal::kRecordColumns) + " FROM ca_certificates WHERE account_id = $1";
  std::vector<store::Value> params{std::string(account_id)};
  if (!client_id.empty()) {
    sql += " AND client_id = $2";
    params.emplace_back(std::string(client_id));
  }
  sql += " ORDER BY issued_at DESC, serial LIMIT " + std::to_string(kMaxListed);
  SEDUN_ASSIGN_OR_RETURN(auto tx, db_->Begin(store::TxMode::kRead));
  SEDUN_ASSIGN_OR_RETURN(auto rows, tx->Query(sql, params));
  std::vector<CertificateRecord> out;
  out.reserve(rows.size());
  const std::chrono::sys_seconds now = Now();
  for (const store::Row& row : rows) {
    SEDUN_ASSIGN_OR_RETURN(CertificateRecord r, internal::RecordFromRow(row, now, config_.expiring_soon_window));
    out.push_back(std::move(r));
  }
  return out;
}

Result<CertificateRecord> CertificationAuthority::FindCertificate(std::string_view serial_hex) {
  SEDUN_ASSIGN_OR_RETURN(std::string serial, NormalizeSerial(serial_hex));
  SEDUN_ASSIGN_OR_RETURN(auto tx, db_->Begin(store::TxMode::kRead));
  SEDUN_ASSIGN_OR_RETURN(auto rows, tx->Query("SELECT " + std::string(internal::kRecordColumns) +
                                                  ", der FROM ca_certificates WHERE serial = $1",
                                              {serial}));
  if (rows.empty()) return NotFound("no certificate with this serial in the registry");
  SEDUN_ASSIGN_OR_RETURN(CertificateRecord r,
                         internal::RecordFromRow(rows[0], Now(), config_.expiring_soon_window));
  SEDUN_ASSIGN_OR_RETURN(r.der, rows[0].Blob(13));
  return r;
}

}  // namespace sedun::ca
