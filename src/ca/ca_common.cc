// Helpers shared by the ca/ implementation files (see ca_internal.h): serials, input checks,
// certificate profiles and registry rows.
// Thread-safety: free functions without shared state.
#include <algorithm>

#include "ca/ca_internal.h"
#include "crypto/rng.h"
#include "pki/name.h"

namespace sedun::ca {

std::string_view ProfileName(Profile profile) {
  switch (profile) {
    case Profile::kSign:
      return "sign";
    case Profile::kEnc:
      return "enc";
    case Profile::kServer:
      return "server";
  }
  return "sign";
}

Result<Profile> ParseProfile(std::string_view name) {
  if (name == "sign") return Profile::kSign;
  if (name == "enc") return Profile::kEnc;
  if (name == "server") return Profile::kServer;
  return InvalidArgument("unknown certificate profile (expected sign, enc or server)");
}

std::string_view CertStateName(CertState state) {
  switch (state) {
    case CertState::kValid:
      return "valid";
    case CertState::kExpiringSoon:
      return "expiring_soon";
    case CertState::kExpired:
      return "expired";
    case CertState::kRevoked:
      return "revoked";
    case CertState::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Result<std::string> NormalizeSerial(std::string_view serial_hex) {
  if (serial_hex.empty() || serial_hex.size() > 64) return InvalidArgument("serial must be 1..20 octets of hex");
  auto bytes = HexDecode(serial_hex);
  if (!bytes.ok()) return InvalidArgument("serial is not hex");
  auto first = std::find_if(bytes->begin(), bytes->end(), [](uint8_t b) { return b != 0; });
  Bytes magnitude(first, bytes->end());
  if (magnitude.empty() || magnitude.size() > 20) return InvalidArgument("serial must be 1..20 octets of hex");
  return HexEncode(magnitude);
}

namespace internal {

std::chrono::sys_seconds NowFrom(const Clock& clock) {
  if (clock) return clock();
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

Result<Bytes> NewSerial() {
  SEDUN_ASSIGN_OR_RETURN(Bytes serial, crypto::RandomBytes(crypto::SystemRng(), 16));
  serial[0] = static_cast<uint8_t>((serial[0] & 0x3f) | 0x40);
  return serial;
}

Status CheckId(std::string_view value, std::string_view what, bool allow_empty) {
  if (value.empty()) {
    if (allow_empty) return Status::Ok();
    return InvalidArgument(std::string(what) + " must not be empty");
  }
  if (value.size() > kMaxIdLength) return InvalidArgument(std::string(what) + " is longer than 64 characters");
  for (char c : value) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == ':' || c == '@' || c == '-';
    if (!ok) return InvalidArgument(std::string(what) + " may only hold letters, digits and . _ : @ -");
  }
  return Status::Ok();
}

Status CheckValidityDays(int days, std::chrono::seconds backdate) {
  if (days < 1 || days > 3650) return InvalidArgument("validity must be 1..3650 days");
  if (backdate < std::chrono::seconds(0) || backdate > std::chrono::days(1)) {
    return InvalidArgument("backdate must be 0..1 day");
  }
  if (std::chrono::days(days) + backdate > std::chrono::days(kMaxValidityDays)) {
    return InvalidArgument("validity exceeds 3653 days");
  }
  return Status::Ok();
}

int DefaultValidityDays(const CaConfig& config, Profile profile) {
  switch (profile) {
    case Profile::kSign:
      return config.sign_validity_days;
    case Profile::kEnc:
      return config.enc_validity_days;
    case Profile::kServer:
      return config.server_validity_days;
  }
  return config.sign_validity_days;
}

pki::CertificateSpec EndEntitySpec(const CaConfig& config, std::string_view crl_url, std::string_view ocsp_url,
                                   Profile profile, pki::DistinguishedName subject, Bytes serial,
                                   std::chrono::sys_seconds now, int validity_days) {
  namespace ku = pki::key_usage;
  pki::CertificateSpec spec;
  spec.serial = std::move(serial);
  spec.subject = std::move(subject);
  spec.not_before = now - config.backdate;
  spec.not_after = now + std::chrono::days(validity_days);
  // cert_builder writes cA FALSE explicitly: some SM2 verifiers reject an empty
  // BasicConstraints in end-entity certificates.
  spec.basic_constraints = pki::BasicConstraints{false, std::nullopt};
  switch (profile) {
    case Profile::kSign:
      spec.key_usage = ku::kDigitalSignature | ku::kNonRepudiation;
      break;
    case Profile::kEnc:
      spec.key_usage = ku::kKeyEncipherment | ku::kDataEncipherment;
      break;
    case Profile::kServer:
      spec.key_usage = ku::kDigitalSignature | ku::kKeyEncipherment;
      spec.extended_key_usage = {"serverAuth"};
      break;
  }
  spec.policy_oids = {config.policy_oid};
  spec.crl_distribution_urls = {std::string(crl_url)};
  spec.ocsp_urls = {std::string(ocsp_url)};
  return spec;
}

Status CheckSubject(const pki::DistinguishedName& subject) {
  if (subject.empty()) return InvalidArgument("subject must not be empty");
  if (subject.size() > 16) return InvalidArgument("subject has more than 16 attributes");
  for (const auto& a : subject) {
    if (a.value.empty() || a.value.size() > 256) return InvalidArgument("subject values must be 1..256 bytes");
  }
  auto der = pki::NameToDer(subject);
  if (!der.ok()) return InvalidArgument("subject: " + der.status().message());
  return Status::Ok();
}

CertState StateAt(std::chrono::sys_seconds not_after, bool revoked, std::chrono::sys_seconds now,
                  std::chrono::seconds expiring_window) {
  if (revoked) return CertState::kRevoked;
  if (now > not_after) return CertState::kExpired;
  if (not_after - now <= expiring_window) return CertState::kExpiringSoon;
  return CertState::kValid;
}

namespace {

Result<std::optional<std::string>> OptText(const store::Row& row, size_t column) {
  if (row.IsNull(column)) return std::optional<std::string>();
  SEDUN_ASSIGN_OR_RETURN(std::string s, row.Text(column));
  return std::optional<std::string>(std::move(s));
}

}  // namespace

Result<CertificateRecord> RecordFromRow(const store::Row& row, std::chrono::sys_seconds now,
                                        std::chrono::seconds expiring_window) {
  CertificateRecord r;
  SEDUN_ASSIGN_OR_RETURN(r.serial_hex, row.Text(0));
  SEDUN_ASSIGN_OR_RETURN(r.account_id, row.Text(1));
  SEDUN_ASSIGN_OR_RETURN(r.client_id, row.Text(2));
  SEDUN_ASSIGN_OR_RETURN(r.registration_id, OptText(row, 3));
  SEDUN_ASSIGN_OR_RETURN(std::string profile, row.Text(4));
  auto p = ParseProfile(profile);
  if (!p.ok()) return Internal("registry holds an unknown profile");
  r.profile = *p;
  SEDUN_ASSIGN_OR_RETURN(r.subject, row.Text(5));
  SEDUN_ASSIGN_OR_RETURN(int64_t not_before, row.Int(6));
  SEDUN_ASSIGN_OR_RETURN(int64_t not_after, row.Int(7));
  SEDUN_ASSIGN_OR_RETURN(int64_t issued_at, row.Int(8));
  r.not_before = FromUnix(not_before);
  r.not_after = FromUnix(not_after);
  r.issued_at = FromUnix(issued_at);
  if (!row.IsNull(9)) {
    SEDUN_ASSIGN_OR_RETURN(int64_t revoked_at, row.Int(9));
    r.revoked_at = FromUnix(revoked_at);
    SEDUN_ASSIGN_OR_RETURN(int64_t reason, row.Int(10));
    r.reason = pki::RevocationReasonFromCode(reason);
    if (!r.reason) return Internal("registry holds an unknown revocation reason");
  }
  SEDUN_ASSIGN_OR_RETURN(r.renews, OptText(row, 11));
  SEDUN_ASSIGN_OR_RETURN(r.replaced_by, OptText(row, 12));
  r.state = StateAt(r.not_after, r.revoked_at.has_value(), now, expiring_window);
  return r;
}

Status InsertCertificate(store::Transaction& tx, const pki::Certificate& cert, const RegistryEntry& entry,
                         std::chrono::sys_seconds issued_at) {
  auto opt = [](const std::optional<std::string>& s) -> store::Value {
    if (!s) return std::monostate{};
    return *s;
  };
  auto n = tx.Execute(
      "INSERT INTO ca_certificates (serial, issuer, account_id, client_id, registration_id, profile, subject, "
      "csr_subject, not_before, not_after, der, issued_at, renews) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
      {cert.serial_hex(), cert.issuer_string(), entry.account_id, entry.client_id, opt(entry.registration_id),
       std::string(ProfileName(entry.profile)), cert.subject_string(), opt(entry.csr_subject),
       ToUnix(cert.not_before()), ToUnix(cert.not_after()), cert.ToDer(), ToUnix(issued_at), opt(entry.renews)});
  if (!n.ok()) return n.status();
  return Status::Ok();
}

Result<bool> SerialTaken(store::Transaction& tx, std::string_view serial_hex) {
  SEDUN_ASSIGN_OR_RETURN(auto rows,
                         tx.Query("SELECT 1 FROM ca_certificates WHERE serial = $1", {std::string(serial_hex)}));
  return !rows.empty();
}

}  // namespace internal
}  // namespace sedun::ca
