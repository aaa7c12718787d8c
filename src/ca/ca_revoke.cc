// Revocation and CRLs (JR/T 0093.6 6.2.4; RFC 5280 5): a revocation and the CRL that publishes
// it are committed together, so no instance ever serves a CRL older than a revocation it has
// acknowledged. CRL numbers come from a counter row in the same transaction; its row lock orders
// concurrent generators, so CRL n+1 lists everything CRL n listed.
// Thread-safety: see certification_authority.h.
#include "ca/ca_internal.h"
#include "pki/crl.h"

namespace sedun::ca {
namespace internal {
namespace {

// CRLs older than the newest kKeptCrls are deleted when a new one is stored.
constexpr int64_t kKeptCrls = 16;

Bytes Magnitude(int64_t n) {
  Bytes out;
  for (auto v = static_cast<uint64_t>(n); v != 0; v >>= 8) out.insert(out.begin(), static_cast<uint8_t>(v & 0xff));
  if (out.empty()) out.push_back(0);
  return out;
}

}  // namespace

Status MarkRevoked(store::Transaction& tx, std::string_view serial, pki::RevocationReason reason,
                   std::string_view requested_by, std::chrono::sys_seconds now,
                   std::optional<std::string_view> replaced_by) {
  SEDUN_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT revoked_at FROM ca_certificates WHERE serial = $1",
                                             {std::string(serial)}));
  if (rows.empty()) return NotFound("no certificate with this serial in the registry");
  if (!rows[0].IsNull(0)) return FailedPrecondition("the certificate is already revoked");
  store::Value replaced = std::monostate{};
  if (replaced_by) replaced = std::string(*replaced_by);
  store::Value by = std::monostate{};
  if (!requested_by.empty()) by = std::string(requested_by);
  SEDUN_ASSIGN_OR_RETURN(int64_t changed,
                         tx.Execute("UPDATE ca_certificates SET revoked_at = $1, reason = $2, revoked_by = $3, "
                                    "replaced_by = $4 WHERE serial = $5 AND revoked_at IS NULL",
                                    {ToUnix(now), static_cast<int64_t>(reason), by, replaced, std::string(serial)}));
  // A concurrent revocation committed between the read and the update (PostgreSQL read committed).
  if (changed != 1) return FailedPrecondition("the certificate is already revoked");
  return Status::Ok();
}

Result<int64_t> GenerateCrl(store::Transaction& tx, const CaConfig& config, const CaKeys& keys,
                            std::chrono::sys_seconds now) {
  // Taking the number first locks the counter row until commit; the revoked list is read after,
  // so it includes every revocation committed by an earlier holder of the lock.
  SEDUN_ASSIGN_OR_RETURN(int64_t bumped,
                         tx.Execute("UPDATE ca_counters SET value = value + 1 WHERE name = 'crl_number'"));
  if (bumped != 1) return Internal("the CRL number counter is missing");
  SEDUN_ASSIGN_OR_RETURN(auto counter, tx.Query("SELECT value FROM ca_counters WHERE name = 'crl_number'"));
  if (counter.empty()) return Internal("the CRL number counter is missing");
  SEDUN_ASSIGN_OR_RETURN(int64_t number, counter[0].Int(0));

  // RFC 5280 3.3: an entry may leave the CRL once the certificate has expired.
  SEDUN_ASSIGN_OR_RETURN(auto revoked, tx.Query("SELECT serial, revoked_at, reason FROM ca_certificates "
                                                "WHERE revoked_at IS NOT NULL AND not_after >= $1",
                                                {ToUnix(now)}));
  pki::CrlBuilder builder;
  builder.set_this_update(now).set_next_update(now + config.crl_validity).set_crl_number(Magnitude(number));
  for (const store::Row& row : revoked) {
    SEDUN_ASSIGN_OR_RETURN(std::string serial_hex, row.Text(0));
    SEDUN_ASSIGN_OR_RETURN(int64_t revoked_at, row.Int(1));
    SEDUN_ASSIGN_OR_RETURN(int64_t reason_code, row.Int(2));
    auto serial = HexDecode(serial_hex);
    auto reason = pki::RevocationReasonFromCode(reason_code);
    if (!serial.ok() || !reason) return Internal("registry holds a malformed revocation");
    std::optional<pki::RevocationReason> entry_reason;
    if (*reason != pki::RevocationReason::kUnspecified) entry_reason = *reason;
    builder.AddRevoked(pki::RevokedCertificate{std::move(*serial), FromUnix(revoked_at), entry_reason});
  }
  SEDUN_ASSIGN_OR_RETURN(pki::Crl crl, builder.Sign(keys.issuing, keys.issuing_key));
  SEDUN_RETURN_IF_ERROR(tx.Execute("INSERT INTO ca_crls (number, this_update, next_update, der) "
                                   "VALUES ($1, $2, $3, $4)",
                                   {number, ToUnix(now), ToUnix(now + config.crl_validity), crl.ToDer()})
                            .status());
  SEDUN_RETURN_IF_ERROR(tx.Execute("DELETE FROM ca_crls WHERE number <= $1", {number - kKeptCrls}).status());
  return number;
}

}  // namespace internal

Result<RevocationResult> CertificationAuthority::Revoke(std::string_view serial_hex, pki::RevocationReason reason,
                                                        std::string_view requested_by) {
  SEDUN_ASSIGN_OR_RETURN(std::string serial, NormalizeSerial(serial_hex));
  if (!pki::RevocationReasonFromCode(static_cast<int64_t>(reason))) {
    return InvalidArgument("unknown revocation reason");
  }
  if (reason == pki::RevocationReason::kRemoveFromCrl || reason == pki::RevocationReason::kCertificateHold) {
    return InvalidArgument("certificate hold is not supported: revocation is final");
  }
  if (requested_by.size() > kMaxIdLength) return InvalidArgument("requested_by is longer than 64 characters");
  for (char c : requested_by) {
    if (c < ' ' || c > '~') return InvalidArgument("requested_by must be printable ASCII");
  }

  RevocationResult out;
  out.serial_hex = serial;
  out.reason = reason;
  Status s = store::RunInTransaction(*db_, [&](store::Transaction& tx) -> Status {
    const std::chrono::sys_seconds now = Now();
    SEDUN_RETURN_IF_ERROR(internal::MarkRevoked(tx, serial, reason, requested_by, now));
    SEDUN_ASSIGN_OR_RETURN(out.crl_number, internal::GenerateCrl(tx, config_, keys_, now));
    out.revoked_at = now;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  counters_.revoked.fetch_add(1, std::memory_order_relaxed);
  counters_.crls_generated.fetch_add(1, std::memory_order_relaxed);
  return out;
}

namespace {

struct StoredCrl {
  bool found = false;
  int64_t number = 0;
  std::chrono::sys_seconds this_update{};
  std::chrono::sys_seconds next_update{};
  Bytes der;
};

Result<StoredCrl> NewestCrl(store::Transaction& tx) {
  SEDUN_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT number, this_update, next_update, der FROM ca_crls "
                                             "ORDER BY number DESC LIMIT 1"));
  StoredCrl c;
  if (rows.empty()) return c;
  c.found = true;
  SEDUN_ASSIGN_OR_RETURN(c.number, rows[0].Int(0));
  SEDUN_ASSIGN_OR_RETURN(int64_t this_update, rows[0].Int(1));
  SEDUN_ASSIGN_OR_RETURN(int64_t next_update, rows[0].Int(2));
  SEDUN_ASSIGN_OR_RETURN(c.der, rows[0].Blob(3));
  c.this_update = internal::FromUnix(this_update);
  c.next_update = internal::FromUnix(next_update);
  return c;
}

// Fresh until half its lifetime has passed, so relying parties always hold a CRL with time to
// spare before its nextUpdate. A thisUpdate slightly ahead of `now` (another instance's clock, or
// a clock read just before that instance committed) still counts as fresh.
bool Fresh(const StoredCrl& crl, std::chrono::sys_seconds now) {
  return crl.found && now < crl.this_update + (crl.next_update - crl.this_update) / 2;
}

}  // namespace

Result<Bytes> CertificationAuthority::CurrentCrl() {
  const std::chrono::sys_seconds now = Now();
  {
    SEDUN_ASSIGN_OR_RETURN(auto tx, db_->Begin(store::TxMode::kRead));
    SEDUN_ASSIGN_OR_RETURN(StoredCrl newest, NewestCrl(*tx));
    if (Fresh(newest, now)) return std::move(newest.der);
  }
  Bytes out;
  bool generated = false;
  Status s = store::RunInTransaction(*db_, [&](store::Transaction& tx) -> Status {
    generated = false;
    // Lock the counter row first (a no-op update), then look again: another instance may have
    // generated one meanwhile, and one fresh CRL is enough.
    SEDUN_RETURN_IF_ERROR(
        tx.Execute("UPDATE ca_counters SET value = value WHERE name = 'crl_number'").status());
    SEDUN_ASSIGN_OR_RETURN(StoredCrl newest, NewestCrl(tx));
    if (Fresh(newest, now)) {
      out = std::move(newest.der);
      return Status::Ok();
    }
    SEDUN_RETURN_IF_ERROR(internal::GenerateCrl(tx, config_, keys_, now).status());
    SEDUN_ASSIGN_OR_RETURN(newest, NewestCrl(tx));
    if (!newest.found) return Internal("the generated CRL is missing");
    out = std::move(newest.der);
    generated = true;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (generated) counters_.crls_generated.fetch_add(1, std::memory_order_relaxed);
  return out;
}

}  // namespace sedun::ca
