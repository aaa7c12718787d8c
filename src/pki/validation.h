// Certificate path validation (JR/T 0093.6 7.3.2.2 a-h, 7.3.1.3 c; RFC 5280 6.1 in the subset
// this profile needs): the one routine every server role and the client use to decide whether a
// certificate may be trusted for a purpose, with one stable code per failure.
//
// Order of checks. A certificate with several faults always reports the first failing step:
//   1. structure     kMalformed            unrecognised critical extension in any certificate of
//                                          the path (RFC 5280 4.2); bytes that do not parse
//                                          (ValidateCertificateBytes only)
//   2. path building kIssuerMismatch       a certificate's issuer name matches no candidate, but
//                                          a candidate's key signed it (7.3.2.2 a)
//                    kChainIncomplete      no candidate issuer at all, or the path exceeds
//                                          max_path_length (7.3.2.2 e)
//                    kUntrustedRoot        the path ends in a self-issued certificate that is not
//                                          a trusted root (7.3.2.2 e)
//   3. signatures    kAlgorithmNotAllowed  a signature algorithm other than SM3withSM2, or an
//                                          issuer key that is not SM2 (7.3.2.2 b)
//                    kBadSignature         a signature that does not verify (7.3.2.2 b)
//   4. CA rules      kNotCa                an issuer without basicConstraints cA=TRUE, without a
//                                          keyUsage carrying keyCertSign, or whose
//                                          pathLenConstraint is exceeded (RFC 5280 6.1.4 k-n)
//   5. time          kNotYetValid/kExpired every certificate of the path, trust anchor included,
//                                          leaf first (7.3.2.2 c)
//   6. key usage     kKeyUsage             the leaf against `purpose` (7.3.2.2 d, 7.3.2.1 a)
//   7. policy        kPolicy               required_policies (7.3.2.2 f)
//   8. revocation    kRevoked              any certificate in scope revoked (7.3.2.2 g)
//                    kRevocationUnknown    otherwise, any status not established
//   9. binding       kUserMismatch         the leaf is not the one registered for the user
//                                          (7.3.2.2 h, 7.3.1.2, 7.3.1.3 c)
// Within a step certificates are visited leaf first, except revocation (all are asked, revoked
// wins over unknown).
//
// Path building: starting at the leaf, the issuer of each certificate is looked up by DER name
// among `intermediates` then `trusted_roots`. Among several candidates whose key verifies the
// signature, a trusted root is preferred, then one valid at the validation time (a CA renewed
// with the same key), then the first given; when no key verifies, the first by name is taken
// (its signature then fails in step 3). There is no backtracking over dead ends. Building stops
// at the first certificate that matches a trusted root. A certificate matches a
// trusted root when its DER is equal, or when subject name and SM2 public key are equal: a root
// re-issued with the same key (new validity, say) is the same trust anchor. The path then ends
// with the *configured* root, whose validity period and CA flags are checked like every other
// issuer; its self-signature is not checked (trust in it is configuration).
//
// Key usage (step 6, JR/T 7.3.2.1 a "the key usage shall contain the signature flag"):
//   kSign        keyUsage present with digitalSignature or nonRepudiation; EKU not consulted.
//   kEncrypt     keyUsage present with keyEncipherment, dataEncipherment or keyAgreement
//                (7.3.3.2 a, 7.3.3.3 a).
//   kServerAuth  keyUsage present with digitalSignature, and, if extendedKeyUsage is present,
//                serverAuth or anyExtendedKeyUsage in it.
//   kAny         not checked.
// A leaf *without* keyUsage is refused for every purpose but kAny: RFC 5280 would allow any use,
// the JR/T text requires the flag to be there.
//
// Policy (step 7): the leaf must assert one of `required_policies`; an intermediate (not the
// trust anchor) that carries certificatePolicies must assert that OID or anyPolicy. This is a
// deliberate subset of RFC 5280 6.1.3 (no policy mappings, no policy constraints): the financial
// certificate policy is asserted by the leaf, and CAs of this profile either repeat it or omit it.
//
// Revocation (step 8): every certificate of the path except the trust anchor is checked
// (kFullPath) or only the leaf (kLeafOnly). Not checking at all must be asked for explicitly
// (check_revocation = false); with check_revocation and no checker the answer is
// kRevocationUnknown.
//
// Thread-safety: ValidateCertificate is a pure function of its arguments; it is safe to call
// concurrently when the RevocationChecker is (all checkers here are, given a thread-safe
// transport).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "pki/certificate.h"
#include "pki/pki_types.h"

namespace sedun::pki {

// One code per failure (see the order above). The strings of ValidationErrorCode are stable:
// APIs return them and logs record them.
enum class ValidationError : uint8_t {
  kOk,                   // "ok"
  kMalformed,            // "malformed_certificate"
  kIssuerMismatch,       // "issuer_mismatch"
  kBadSignature,         // "bad_signature"
  kAlgorithmNotAllowed,  // "algorithm_not_allowed"
  kNotYetValid,          // "not_yet_valid"
  kExpired,              // "expired"
  kKeyUsage,             // "key_usage"
  kUntrustedRoot,        // "untrusted_root"
  kChainIncomplete,      // "chain_incomplete"
  kNotCa,                // "not_ca"
  kPolicy,               // "policy"
  kRevoked,              // "revoked"
  kRevocationUnknown,    // "revocation_unknown"
  kUserMismatch,         // "user_mismatch"
};

std::string_view ValidationErrorCode(ValidationError error);
// Inverse of ValidationErrorCode; nullopt for any other string.
std::optional<ValidationError> ValidationErrorFromCode(std::string_view code);

enum class Purpose : uint8_t { kSign, kEncrypt, kServerAuth, kAny };

// What a revocation source established about one certificate.
struct RevocationInfo {
  bool revoked = false;
  std::optional<std::chrono::sys_seconds> revocation_time;  // when revoked
  std::optional<RevocationReason> reason;                   // when revoked and given
  std::string source;                                       // "crl" or "ocsp <url>", for logs
};

// A source of certificate status (JR/T 7.3.2.2 g). Check returns the status of `cert`, issued by
// `issuer`, at `now`; a non-OK Result means the status could not be established (no CRL or
// responder, stale or unverifiable answer, "unknown" from the responder) and its message says
// why; the validator reports that as kRevocationUnknown.
class RevocationChecker {
 public:
  virtual ~RevocationChecker() = default;
  virtual Result<RevocationInfo> Check(const Certificate& cert, const Certificate& issuer,
                                       std::chrono::sys_seconds now) = 0;
};

enum class RevocationScope : uint8_t { kFullPath, kLeafOnly };

// JR/T 7.3.1.2 / 7.3.1.3 c: the certificate must be the one registered for the claimed user.
// Every part that is set must hold; a binding with nothing set is not checked.
struct UserBinding {
  // Serials registered for the user (big-endian magnitudes as Certificate::serial(); leading
  // zeros ignored). Set but empty means the user has no certificate: every leaf mismatches.
  std::optional<std::vector<Bytes>> registered_serials;
  // The subject the user's certificate must carry (DER Name, compared byte for byte).
  std::optional<Bytes> expected_subject_der;
  // Any further application rule (7.3.2.2 h); a non-OK Status means mismatch, its message is
  // reported.
  std::function<Status(const Certificate& leaf)> check;

  bool empty() const { return !registered_serials && !expected_subject_der && !check; }
};

struct ValidationOptions {
  std::vector<Certificate> trusted_roots;      // 7.3.2.2 e
  std::vector<Certificate> intermediates;      // candidates for building the path, any order
  Purpose purpose = Purpose::kSign;            // 7.3.2.2 d
  std::vector<std::string> required_policies;  // 7.3.2.2 f: any of these dotted OIDs; empty = none
  // 7.3.2.2 g. Not owned; must outlive the call.
  RevocationChecker* revocation = nullptr;
  bool check_revocation = true;
  RevocationScope revocation_scope = RevocationScope::kFullPath;
  UserBinding binding;                         // 7.3.2.2 h
  std::optional<std::chrono::sys_seconds> at;  // validation time; default: now
  // JR/T 6.2.3: a leaf expiring within this window is reported as expiring_soon (a warning,
  // the result stays OK).
  std::chrono::seconds expiring_window = std::chrono::days(30);
  // Most certificates in a path, leaf and trust anchor included.
  size_t max_path_length = 8;
};

struct ValidationResult {
  ValidationError error = ValidationError::kOk;
  std::string message;  // human-readable cause (names the certificate); empty when OK
  // The path as far as it was built: leaf first, trust anchor last when one was reached.
  std::vector<Certificate> chain;
  // Index in `chain` of the certificate the error is about (0 = leaf), when there is one.
  std::optional<size_t> failed_index;
  // The leaf's notAfter, and whether it falls within expiring_window of the validation time
  // (set whatever the outcome, so that a renewal hint survives an unrelated failure).
  std::optional<std::chrono::sys_seconds> not_after;
  bool expiring_soon = false;
  // The leaf's status when revocation was checked and established.
  std::optional<RevocationInfo> revocation;

  bool ok() const { return error == ValidationError::kOk; }
  std::string_view code() const { return ValidationErrorCode(error); }
};

ValidationResult ValidateCertificate(const Certificate& leaf, const ValidationOptions& options);
// PEM or DER bytes; kMalformed when they do not hold a certificate.
ValidationResult ValidateCertificateBytes(ByteView leaf, const ValidationOptions& options);

// A Status for callers that only propagate: OK, or Malformed (kMalformed), Unavailable
// (kRevocationUnknown) or VerifyFailed (all others), with message "<code>: <message>".
Status ValidationStatus(const ValidationResult& result);

}  // namespace sedun::pki
