// Enrolment registrations (JR/T 0093.6 6.2.2 steps 1-5; film-shield 2.3.1 (3), (5)): the bank
// role has authenticated the user and decided the subject and profile; the CA hands back a
// single-use authorisation code that the client presents with its PKCS#10. The code is stored
// only as an HMAC-SM3 under itself, so a copy of the database does not reveal live codes.
// Thread-safety: see certification_authority.h.
#include <array>

#include "ca/ca_internal.h"
#include "crypto/hmac_sm3.h"
#include "crypto/rng.h"
#include "pki/name.h"

namespace sedun::ca {
namespace internal {

// Registrations that expired this long ago without being used are deleted (opportunistically,
// by Register) so the table does not grow without bound.
constexpr std::chrono::days kRegistrationRetention{30};

namespace {

constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr size_t kAuthCodeDigits = 20;  // 100 bits
constexpr std::string_view kAuthCodeLabel = "sedun ca enrolment authorisation code v1|";

}  // namespace

Result<SecretBytes> NewAuthCode() {
  SEDUN_ASSIGN_OR_RETURN(SecretBytes random, crypto::RandomSecret(crypto::SystemRng(), 13));  // 104 bits
  SecretBytes code;
  code.Resize(kAuthCodeDigits + 3);
  size_t out = 0;
  for (size_t i = 0; i < kAuthCodeDigits; ++i) {
    if (i > 0 && i % 5 == 0) code[out++] = '-';
    // Bits 5i .. 5i+4 of the random string, most significant first.
    const size_t bit = 5 * i;
    const unsigned pair = (static_cast<unsigned>(random[bit / 8]) << 8) | random[bit / 8 + 1];
    const unsigned digit = (pair >> (11 - bit % 8)) & 0x1f;
    code[out++] = static_cast<uint8_t>(kCrockford[digit]);
  }
  return code;
}

SecretBytes NormalizeAuthCode(ByteView code) {
  SecretBytes out;
  if (code.size() > 64) return out;
  out.Resize(kAuthCodeDigits);
  size_t n = 0;
  for (uint8_t c : code) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<uint8_t>(c - 'a' + 'A');
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    if (kCrockford.find(static_cast<char>(c)) == std::string_view::npos || n == kAuthCodeDigits) {
      return SecretBytes();
    }
    out[n++] = c;
  }
  if (n != kAuthCodeDigits) return SecretBytes();
  return out;
}

Result<Bytes> AuthCodeHash(std::string_view registration_id, const SecretBytes& normalized_code) {
  std::string data(kAuthCodeLabel);
  data += registration_id;
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm3Digest mac, crypto::HmacSm3Compute(normalized_code.view(), AsBytes(data)));
  return Bytes(mac.begin(), mac.end());
}

bool IsRegistrationId(std::string_view id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace internal

Result<Registration> CertificationAuthority::Register(const RegistrationData& data) {
  SEDUN_RETURN_IF_ERROR(internal::CheckId(data.account_id, "account_id"));
  SEDUN_RETURN_IF_ERROR(internal::CheckId(data.client_id, "client_id"));
  SEDUN_RETURN_IF_ERROR(internal::CheckSubject(data.subject));
  const int validity_days = data.validity_days.value_or(internal::DefaultValidityDays(config_, data.profile));
  SEDUN_RETURN_IF_ERROR(internal::CheckValidityDays(validity_days, config_.backdate));
  std::optional<std::string> renews;
  if (data.renews_serial) {
    SEDUN_ASSIGN_OR_RETURN(renews, NormalizeSerial(*data.renews_serial));
  }
  SEDUN_ASSIGN_OR_RETURN(Bytes subject_der, pki::NameToDer(data.subject));

  SEDUN_ASSIGN_OR_RETURN(Bytes id_bytes, crypto::RandomBytes(crypto::SystemRng(), 16));
  Registration out;
  out.registration_id = HexEncode(id_bytes);
  SEDUN_ASSIGN_OR_RETURN(out.auth_code, internal::NewAuthCode());
  SEDUN_ASSIGN_OR_RETURN(Bytes code_hash,
                         internal::AuthCodeHash(out.registration_id, internal::NormalizeAuthCode(out.auth_code.view())));
  const std::chrono::sys_seconds now = Now();
  out.expires_at = now + config_.registration_lifetime;

  Status stored = store::RunInTransaction(*db_, [&](store::Transaction& tx) -> Status {
    if (renews) {
      // JR/T 0093.6 6.2.3: a renewal replaces a live certificate of the same account and client.
      SEDUN_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT account_id, client_id, revoked_at FROM ca_certificates "
                                                 "WHERE serial = $1",
                                                 {*renews}));
      if (rows.empty()) return NotFound("the certificate to renew is not in the registry");
      SEDUN_ASSIGN_OR_RETURN(std::string account, rows[0].Text(0));
      SEDUN_ASSIGN_OR_RETURN(std::string client, rows[0].Text(1));
      if (account != data.account_id || client != data.client_id) {
        return FailedPrecondition("the certificate to renew belongs to another account or client");
      }
      if (!rows[0].IsNull(2)) return FailedPrecondition("the certificate to renew is revoked");
    }
    SEDUN_RETURN_IF_ERROR(
        tx.Execute("DELETE FROM ca_registrations WHERE used_at IS NULL AND expires_at < $1",
                   {internal::ToUnix(now - internal::kRegistrationRetention)})
            .status());
    store::Value renews_value = std::monostate{};
    if (renews) renews_value = *renews;
    return tx
        .Execute("INSERT INTO ca_registrations (id, account_id, client_id, subject, profile, validity_days, "
                 "code_hash, renews_serial, created_at, expires_at) "
                 "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                 {out.registration_id, data.account_id, data.client_id, subject_der,
                  std::string(ProfileName(data.profile)), int64_t{validity_days}, code_hash, renews_value,
                  internal::ToUnix(now), internal::ToUnix(out.expires_at)})
        .status();
  });
  if (!stored.ok()) return stored;
  counters_.registrations.fetch_add(1, std::memory_order_relaxed);
  return out;
}

}  // namespace sedun::ca
