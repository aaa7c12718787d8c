// Helpers shared by the ca/ implementation files: time and serial conversions, input checks,
// certificate profiles, registry row decoding, and the steps that run inside a database
// transaction (recording a certificate, generating a CRL). Not part of the module's interface.
// Thread-safety: free functions; the transaction steps use only the Transaction they are given.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "ca/certification_authority.h"
#include "pki/cert_builder.h"
#include "store/database.h"

namespace sedun::ca::internal {

inline int64_t ToUnix(std::chrono::sys_seconds t) { return t.time_since_epoch().count(); }
inline std::chrono::sys_seconds FromUnix(int64_t s) { return std::chrono::sys_seconds(std::chrono::seconds(s)); }

std::chrono::sys_seconds NowFrom(const Clock& clock);

// 16 random octets, the first in 0x40..0x7f: positive, never shortened by DER, 126 random bits
// (more than the 64 some verifiers demand; at least 4 octets, which others demand).
Result<Bytes> NewSerial();

// Account, client and requester ids: 1..kMaxIdLength of [A-Za-z0-9._:@-] (empty allowed when
// `allow_empty`). InvalidArgument naming `what`.
Status CheckId(std::string_view value, std::string_view what, bool allow_empty = false);

// 1..3650 days, and with the backdate no more than kMaxValidityDays in total.
Status CheckValidityDays(int days, std::chrono::seconds backdate);
int DefaultValidityDays(const CaConfig& config, Profile profile);

// The end-entity certificate spec for `profile`: explicit basicConstraints cA FALSE, key usage
// per profile, the policy OID, the CRL distribution point and the OCSP URL.
pki::CertificateSpec EndEntitySpec(const CaConfig& config, std::string_view crl_url, std::string_view ocsp_url,
                                   Profile profile, pki::DistinguishedName subject, Bytes serial,
                                   std::chrono::sys_seconds now, int validity_days);

// Subject checks for names the bank hands over: 1..16 attributes, values of 1..256 bytes, and
// encodable (known types).
Status CheckSubject(const pki::DistinguishedName& subject);

// Registry columns read by every query, in this order (RecordFromRow decodes them).
inline constexpr std::string_view kRecordColumns =
    "serial, account_id, client_id, registration_id, profile, subject, not_before, not_after, issued_at, "
    "revoked_at, reason, renews, replaced_by";
Result<CertificateRecord> RecordFromRow(const store::Row& row, std::chrono::sys_seconds now,
                                        std::chrono::seconds expiring_window);

CertState StateAt(std::chrono::sys_seconds not_after, bool revoked, std::chrono::sys_seconds now,
                  std::chrono::seconds expiring_window);

// The fields of a registry row other than those read from the certificate itself.
struct RegistryEntry {
  std::string account_id;
  std::string client_id;
  std::optional<std::string> registration_id;
  Profile profile = Profile::kSign;
  std::optional<std::string> csr_subject;
  std::optional<std::string> renews;
};

// The entry of a certificate issued outside enrolment: account and client "".
inline RegistryEntry OperatorEntry(Profile profile) {
  RegistryEntry e;
  e.profile = profile;
  return e;
}

// INSERT of `cert` into the registry. kAlreadyExists on a serial collision (the caller retries
// the whole transaction with a new serial: PostgreSQL aborts a transaction after any error).
Status InsertCertificate(store::Transaction& tx, const pki::Certificate& cert, const RegistryEntry& entry,
                         std::chrono::sys_seconds issued_at);

// Whether `serial_hex` is already in the registry.
Result<bool> SerialTaken(store::Transaction& tx, std::string_view serial_hex);

// Takes the next CRL number from the counter row (which also serialises concurrent generators:
// the row lock is held to the end of the transaction, so each CRL lists every revocation
// committed before it), signs a CRL of every revoked, unexpired certificate and stores it.
// Returns the number.
Result<int64_t> GenerateCrl(store::Transaction& tx, const CaConfig& config, const CaKeys& keys,
                            std::chrono::sys_seconds now);

// Marks `serial` revoked (FailedPrecondition when it already is, NotFound when unknown).
Status MarkRevoked(store::Transaction& tx, std::string_view serial, pki::RevocationReason reason,
                   std::string_view requested_by, std::chrono::sys_seconds now,
                   std::optional<std::string_view> replaced_by = std::nullopt);

// Enrolment authorisation codes: 20 Crockford base32 digits (100 random bits) shown as
// XXXXX-XXXXX-XXXXX-XXXXX.
Result<SecretBytes> NewAuthCode();
// Upper-cases, drops '-' and spaces and maps Crockford's look-alikes (O -> 0, I/L -> 1); empty
// when the result is not 20 base32 digits.
SecretBytes NormalizeAuthCode(ByteView code);
// HMAC-SM3 keyed with the normalised code over the registration id: what the table stores.
Result<Bytes> AuthCodeHash(std::string_view registration_id, const SecretBytes& normalized_code);
// 32 lowercase hex digits.
bool IsRegistrationId(std::string_view id);

}  // namespace sedun::ca::internal
