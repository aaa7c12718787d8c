// The certification service (JR/T 0093.6 6.2.2-6.2.4, 7.3.1.2; film-shield 2.3.1): enrolment
// registrations handed over by the bank role, issuance from PKCS#10, the registry of issued
// certificates linked to account and client instance, revocation, CRL, OCSP and status queries.
// No HTTP here: net/ and apps/ map these calls and their Status codes onto routes.
//
// All state lives in the database (tables of the "ca" component, see ca_schema.h), so several
// sedun-server processes on one PostgreSQL may serve the same CA at once: serials are random and
// unique by primary key, CRL numbers come from a counter row updated inside the revoking
// transaction, and OCSP/status answers read the registry on every call, so a revocation is
// visible at once on every instance. A certificate is returned only after the transaction that
// records it has committed, so a crash can lose an unanswered request but never an issued
// certificate from the registry.
//
// Every signature the CA makes (certificates, CRLs, OCSP responses) is SM3withSM2 with the
// GM/T 0009 default ID, by the issuing CA key.
//
// Error codes: bad input -> InvalidArgument / Malformed (nothing changes in the database);
// wrong, used or expired authorisation code -> PermissionDenied (one message for all, so the
// caller learns nothing about which); a CSR whose signature fails -> VerifyFailed; non-SM2 key
// -> Unsupported; unknown serial -> NotFound; already revoked -> FailedPrecondition; database
// trouble -> Unavailable / Aborted / Internal as store::Database reports it.
//
// Thread-safety: a CertificationAuthority is safe to share between threads (its members are
// immutable after Create; counters are atomic).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "ca/ca_init.h"
#include "crypto/sm2_key.h"
#include "pki/certificate.h"
#include "pki/ocsp.h"
#include "pki/pki_types.h"
#include "store/database.h"

namespace sedun::ca {

// Certificate profiles (key usage per JR/T 0093.6 / GM/T 0015 practice).
enum class Profile : uint8_t {
  kSign,    // user signing: digitalSignature, nonRepudiation
  kEnc,     // user encryption: keyEncipherment, dataEncipherment
  kServer,  // server: digitalSignature, keyEncipherment; EKU serverAuth
};
std::string_view ProfileName(Profile profile);  // "sign" | "enc" | "server"
Result<Profile> ParseProfile(std::string_view name);

// A self-allocated OID under the X.667 UUID arc, used when the operator configures none.
inline constexpr char kDefaultPolicyOid[] = "2.25.224435484310513889758244092215720962287";

inline constexpr size_t kMaxCsrSize = 16 * 1024;
inline constexpr size_t kMaxIdLength = 64;  // account_id, client_id, requested_by

struct CaConfig {
  std::string policy_oid = kDefaultPolicyOid;
  // Public base URL of the CA role, without trailing slash ("https://ca.bank.example"):
  // certificates carry <base>/v1/ca/crl (CRL DP) and <base>/v1/ca/ocsp (AIA OCSP). Required.
  std::string public_base_url;
  int sign_validity_days = 730;
  int enc_validity_days = 730;
  int server_validity_days = 365;
  // notBefore = now - backdate, against clients whose clocks run a little behind.
  std::chrono::seconds backdate{300};
  // JR/T 0093.6 6.2.3: a certificate within this window of its notAfter is "expiring soon".
  std::chrono::seconds expiring_soon_window{std::chrono::hours(24 * 30)};
  std::chrono::seconds crl_validity{std::chrono::hours(24)};     // nextUpdate - thisUpdate
  std::chrono::seconds ocsp_validity{std::chrono::minutes(10)};  // nextUpdate of OCSP answers
  std::chrono::seconds registration_lifetime{std::chrono::hours(24)};  // auth code lifetime
  Clock clock;  // null: system clock
};

// What the bank role hands over after it has checked the user (JR/T 0093.6 6.2.2 steps 1-5).
struct RegistrationData {
  std::string account_id;  // 1..64 of [A-Za-z0-9._:@-]
  std::string client_id;   // the client instance (mobile terminal id), same charset
  pki::DistinguishedName subject;  // the certificate subject, from the bank's data
  Profile profile = Profile::kSign;
  std::optional<int> validity_days;  // default from CaConfig per profile; 1..3650
  // JR/T 0093.6 6.2.3 renewal: the certificate this one replaces (same account and client, not
  // revoked). It is revoked as superseded in the transaction that issues the new one.
  std::optional<std::string> renews_serial;
};

struct Registration {
  std::string registration_id;  // 32 hex digits, not secret
  // The enrolment authorisation code, e.g. "K7QD-2M9X-...": 100 random bits in Crockford base32,
  // returned once and stored only as a hash. Single use; expires at expires_at.
  SecretBytes auth_code;
  std::chrono::sys_seconds expires_at{};
};

struct IssueRequest {
  std::string registration_id;
  SecretBytes auth_code;  // case, dashes and spaces are ignored
  Bytes csr;              // PKCS#10, DER or PEM, at most kMaxCsrSize
};

struct IssuedCertificate {
  pki::Certificate certificate;
  std::string serial_hex;
  // PKCS#7 certs-only (film-shield 2.3.1 (6)): the certificate, the issuing CA and the root.
  Bytes pkcs7_der;
  std::chrono::sys_seconds not_after{};
  std::optional<std::string> superseded_serial;  // renewal: the certificate revoked now
};

// Certificates outside enrolment (operator, server): no registration, account and client "".
struct DirectIssueRequest {
  pki::DistinguishedName subject;
  crypto::Sm2PublicKey public_key;
  Profile profile = Profile::kServer;
  std::optional<int> validity_days;
};

struct RevocationResult {
  std::string serial_hex;
  std::chrono::sys_seconds revoked_at{};
  pki::RevocationReason reason = pki::RevocationReason::kUnspecified;
  int64_t crl_number = 0;  // the CRL generated in the same transaction
};

// JR/T 0093.6 6.2.3 certificate validity answers.
enum class CertState : uint8_t { kValid, kExpiringSoon, kExpired, kRevoked, kUnknown };
std::string_view CertStateName(CertState state);  // "valid" "expiring_soon" "expired" "revoked" "unknown"

// One registry row (JR/T 0093.6 7.3.1.2).
struct CertificateRecord {
  std::string serial_hex;
  std::string account_id;
  std::string client_id;
  std::optional<std::string> registration_id;
  Profile profile = Profile::kSign;
  std::string subject;  // RFC 2253 string of the issued subject
  std::chrono::sys_seconds not_before{};
  std::chrono::sys_seconds not_after{};
  std::chrono::sys_seconds issued_at{};
  std::optional<std::chrono::sys_seconds> revoked_at;
  std::optional<pki::RevocationReason> reason;
  std::optional<std::string> renews;       // serial this one replaced
  std::optional<std::string> replaced_by;  // serial that replaced this one
  CertState state = CertState::kValid;     // at the time of the query
  Bytes der;                               // filled by FindCertificate only
};

struct CertificateStatusInfo {
  std::string serial_hex;
  CertState state = CertState::kUnknown;
  // The rest is set unless state is kUnknown.
  std::chrono::sys_seconds not_after{};
  std::optional<std::chrono::sys_seconds> revoked_at;
  std::optional<pki::RevocationReason> reason;
  std::string account_id;
  std::string client_id;
};

// The OCSP responder's answer: always a DER OCSPResponse to send (HTTP 200). `cause` is OK for a
// successful response, otherwise why an unsuccessful one was produced (for the log only).
struct OcspReply {
  Bytes der;
  pki::OcspResponseStatus status = pki::OcspResponseStatus::kSuccessful;
  Status cause;
};

// Counters the server may export as metrics.
struct CaCounters {
  std::atomic<uint64_t> registrations{0};
  std::atomic<uint64_t> issued{0};
  std::atomic<uint64_t> issue_refused{0};
  std::atomic<uint64_t> revoked{0};
  std::atomic<uint64_t> crls_generated{0};
  std::atomic<uint64_t> ocsp_requests{0};
};

class CertificationAuthority {
 public:
  // Checks the configuration and that the schema (MigrateCaSchema) is in place, and records the
  // issuing CA's service certificate in the registry if absent, so OCSP knows it.
  // InvalidArgument for a bad configuration; FailedPrecondition when the schema is missing.
  static Result<std::unique_ptr<CertificationAuthority>> Create(CaConfig config, CaKeys keys,
                                                                store::Database& db);

  // JR/T 0093.6 6.2.2 steps 1-5: the bank has authenticated the user; returns the code the
  // client presents with its PKCS#10.
  Result<Registration> Register(const RegistrationData& data);

  // JR/T 0093.6 6.2.2 step 6 / 5.4.1 a step 8: checks the authorisation code, the CSR's own
  // signature (SM2, default ID) and key type, then issues with the registration's subject and
  // profile (the CSR's subject is recorded, never used).
  Result<IssuedCertificate> Issue(const IssueRequest& request);

  Result<IssuedCertificate> IssueDirect(const DirectIssueRequest& request);

  // JR/T 0093.6 6.2.4. kRemoveFromCrl and kCertificateHold are refused (InvalidArgument):
  // revocation here is final. `requested_by` (who asked: an operator, "bank:<user>"...) is
  // recorded, 0..64 printable characters.
  Result<RevocationResult> Revoke(std::string_view serial_hex, pki::RevocationReason reason,
                                  std::string_view requested_by = {});

  // DER of the newest CRL; one row read. A new CRL is generated and stored when none exists or
  // the newest is past half its lifetime.
  Result<Bytes> CurrentCrl();

  // RFC 6960 responder for DER OCSPRequest bytes (the HTTP layer decodes GET/POST).
  OcspReply RespondOcsp(ByteView request_der);

  // JR/T 0093.6 6.2.3 "verify certificate validity". Unknown serials are state kUnknown (OK);
  // a malformed serial is InvalidArgument.
  Result<CertificateStatusInfo> CertificateStatus(std::string_view serial_hex);

  // Registry queries for the bank role (JR/T 0093.6 7.3.1.2), newest first. Empty client_id
  // means every client of the account.
  Result<std::vector<CertificateRecord>> ListCertificates(std::string_view account_id,
                                                          std::string_view client_id = {});
  // One certificate with its DER; NotFound when unknown.
  Result<CertificateRecord> FindCertificate(std::string_view serial_hex);

  const pki::Certificate& root_certificate() const { return keys_.root; }
  const pki::Certificate& issuing_certificate() const { return keys_.issuing; }
  const pki::Certificate& service_certificate() const { return keys_.service; }
  // PKCS#7 certs-only DER of issuing CA + root, for clients that install the trust chain.
  const Bytes& ca_chain_pkcs7() const { return chain_pkcs7_; }
  const CaConfig& config() const { return config_; }
  const CaCounters& counters() const { return counters_; }

  std::string crl_url() const;   // <base>/v1/ca/crl
  std::string ocsp_url() const;  // <base>/v1/ca/ocsp

 private:
  CertificationAuthority(CaConfig config, CaKeys keys, store::Database& db);

  std::chrono::sys_seconds Now() const;

  CaConfig config_;
  CaKeys keys_;
  store::Database* db_;
  Bytes chain_pkcs7_;
  CaCounters counters_;
};

// Normalises a serial given as hex (any case, optional ':' separators, leading zeros) to the
// registry form: lowercase hex of the magnitude. InvalidArgument when it is not 1..20 octets.
Result<std::string> NormalizeSerial(std::string_view serial_hex);

}  // namespace sedun::ca
