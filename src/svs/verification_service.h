// The signature verification service (GM/T 0029 style) of the certification service system:
// certificate validation and SM2 signature verification for the business system (JR/T 0093.6
// 7.3.1.3, 7.3.2.2, 7.3.2.3), and server-side signing with the server's own certificate key for
// the login challenge and the transaction pre-submit of the film-shield flow (film-shield paper
// 2.3.2: "the signature verification server signs the random number / the pre-submitted data").
// Domain logic only: the HTTP routes map these results to JSON elsewhere.
//
// Every verification answer carries one stable code string (VerifyResult::code()):
//   "ok"                    certificate valid and signature verifies
//   pki::ValidationErrorCode  the certificate failed validation ("expired", "revoked",
//                           "user_mismatch", "malformed_certificate", ... see pki/validation.h)
//   "signature_invalid"     the certificate is valid but the signature does not verify over the
//                           data with the signer ID (wrong data, key or ID)
//   "malformed_signature"   the signature is not a DER SM2Signature (GM/T 0009 7.3)
//   "malformed_signer_id"   the signer ID is empty or longer than 8191 bytes
// Order: the inputs are parsed (certificate, extra certificates, signer ID, signature syntax),
// then the certificate is validated (purpose kSign, pki/validation.h), then the signature is
// checked (JR/T 7.3.2.3 a-d: SM3withSM2 is the only algorithm, so b and c hold by construction;
// d is the registered_serials binding). A certificate whose own key is not SM2 reports
// "algorithm_not_allowed".
//
// Thread-safety: a VerificationService is immutable after Create; all methods are const and may
// be called concurrently when the configured revocation checker is thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sm2_key.h"
#include "crypto/sm2_za.h"
#include "pki/certificate.h"
#include "pki/validation.h"

namespace sedun::svs {

inline constexpr size_t kDefaultMaxBatchSize = 100;

struct VerificationServiceConfig {
  std::vector<pki::Certificate> trusted_roots;
  std::vector<pki::Certificate> intermediates;
  std::vector<std::string> required_policies;  // any of; empty = no requirement
  // Shared so that the caller can keep refreshing sources it owns; null with
  // check_revocation = true answers "revocation_unknown" for every certificate.
  std::shared_ptr<pki::RevocationChecker> revocation;
  bool check_revocation = true;
  pki::RevocationScope revocation_scope = pki::RevocationScope::kFullPath;
  std::chrono::seconds expiring_window = std::chrono::days(30);  // JR/T 6.2.3
  size_t max_batch_size = kDefaultMaxBatchSize;
};

// The server's own signing identity: its SM2 key and certificate chain (chain[0] is the
// certificate of `key`, then its issuers), loaded by the caller.
struct ServerIdentity {
  crypto::Sm2PrivateKey key;
  std::vector<pki::Certificate> chain;
};

// One signed datum to verify.
struct VerifyRequest {
  Bytes certificate;  // the signer's certificate, DER or PEM
  Bytes data;         // the signed message M
  Bytes signature;    // DER SM2Signature over SM3(ZA || M)
  // The signer ID in ZA; nullopt = GM/T 0009 default "1234567812345678".
  std::optional<Bytes> signer_id;
  // Further certificates for building the path (e.g. from the client's PKCS#7), DER or PEM each.
  std::vector<Bytes> extra_certificates;
  // JR/T 7.3.1.2 / 7.3.1.3 c: the serials registered to the claimed user (magnitudes, as
  // pki::Certificate::serial()); nullopt = binding not checked, empty = user has none.
  std::optional<std::vector<Bytes>> registered_serials;
  // Validation time; nullopt = now.
  std::optional<std::chrono::sys_seconds> at;
};

enum class VerifyStatus : uint8_t {
  kOk,
  kCertificateInvalid,  // see validation_error
  kSignatureInvalid,
  kMalformedSignature,
  kMalformedSignerId,
};

struct VerifyResult {
  VerifyStatus status = VerifyStatus::kOk;
  pki::ValidationError validation_error = pki::ValidationError::kOk;  // kCertificateInvalid only
  std::string message;  // cause for logs and users; no secrets; empty when OK
  // About the certificate, when it parsed.
  std::string serial_hex;
  std::string subject;  // RFC 2253
  std::optional<std::chrono::sys_seconds> not_after;
  bool expiring_soon = false;  // JR/T 6.2.3 "certificate about to expire": renew

  bool ok() const { return status == VerifyStatus::kOk; }
  // The stable code string (see the table above).
  std::string_view code() const;
};

// A signature made by the server's own key.
struct ServerSignature {
  Bytes signature;                      // DER SM2Signature, default signer ID
  pki::Certificate certificate;         // the signer certificate (chain[0])
  std::vector<pki::Certificate> chain;  // the full configured chain
};

class VerificationService {
 public:
  // InvalidArgument when there is no trusted root, max_batch_size is 0, or the identity's chain
  // is empty or its first certificate does not hold `identity->key`'s public key.
  // Without an identity the service only verifies (SignData answers FailedPrecondition).
  static Result<VerificationService> Create(VerificationServiceConfig config,
                                            std::optional<ServerIdentity> identity = std::nullopt);

  // Certificate validation, then the SM2 signature (JR/T 7.3.2.3).
  VerifyResult VerifySignedData(const VerifyRequest& request) const;

  // Each item independently, results in request order. ResourceExhausted when there are more
  // than max_batch_size items (nothing is verified then); an empty batch gives an empty result.
  Result<std::vector<VerifyResult>> BatchVerify(std::span<const VerifyRequest> requests) const;

  // Certificate validity alone (JR/T 6.2.3 "verify certificate validity" interface): the fields
  // of VerifyResult about the certificate, status kOk or kCertificateInvalid.
  VerifyResult ValidateCertificate(ByteView certificate,
                                   std::optional<std::vector<Bytes>> registered_serials = std::nullopt,
                                   std::optional<std::chrono::sys_seconds> at = std::nullopt) const;

  // Signs `data` with the server key and the default signer ID (film-shield 2.3.2: server-signed
  // login challenge and transaction pre-submit data).
  Result<ServerSignature> SignData(ByteView data) const;

  // The server's certificate chain (empty without an identity), e.g. for clients to pin.
  const std::vector<pki::Certificate>& server_chain() const;

 private:
  struct State;
  explicit VerificationService(std::shared_ptr<const State> state) : state_(std::move(state)) {}
  // Validation with the configured policy on top of `o`'s intermediates.
  VerifyResult ValidateParsed(const pki::Certificate& cert, pki::ValidationOptions o,
                              const std::optional<std::vector<Bytes>>& registered_serials,
                              std::optional<std::chrono::sys_seconds> at) const;
  std::shared_ptr<const State> state_;
};

}  // namespace sedun::svs
