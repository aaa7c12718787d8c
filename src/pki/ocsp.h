// OCSP (RFC 6960) requests and responses for certificates issued with SM2/SM3.
//
// CertID hash: OCSP identifies a certificate by hashes of its issuer's name and key. Both SHA-1
// and SM3 CertIDs are accepted when parsing; requests are built with SHA-1 by default because
// that is what `openssl ocsp` and most responders expect (RFC 5019 2.1.1 mandates SHA-1 for the
// lightweight profile) — the hash only names the certificate, the response's SM2 signature
// carries the security. SM3 CertIDs (1.2.156.10197.1.401, parameters absent) can be requested
// explicitly. Other hashes are Unsupported.
//
// Responses: the BasicOCSPResponse signature is SM3withSM2 with the GM/T 0009 default ID and is
// verified over the received tbsResponseData bytes. OpenSSL 3.0's OCSP_basic_verify (and
// `openssl ocsp -verify`) can only use the empty ID and has no option to change it, so it
// rejects these responses; `openssl ocsp -rsigopt distid:...` can *sign* them. Deciding whether
// the responder is authorised (the CA itself or a delegate with id-kp-OCSPSigning, RFC 6960
// 4.2.2.2) belongs to path validation, not to this file.
// Thread-safety: immutable values.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sm2_key.h"
#include "pki/certificate.h"
#include "pki/pki_types.h"

namespace sedun::pki {

inline constexpr size_t kMaxOcspNonceSize = 32;  // RFC 8954 2.1
inline constexpr size_t kMaxOcspRequestEntries = 1000;

enum class OcspHashAlgorithm : uint8_t { kSha1, kSm3 };

// RFC 6960 4.1.1 CertID.
struct OcspCertId {
  OcspHashAlgorithm hash = OcspHashAlgorithm::kSha1;
  Bytes issuer_name_hash;  // hash of the issuer's DER Name
  Bytes issuer_key_hash;   // hash of the issuer's subjectPublicKey BIT STRING value
  Bytes serial;            // big-endian magnitude
  friend bool operator==(const OcspCertId&, const OcspCertId&) = default;
};

// CertID of serial `serial` issued by `issuer`.
Result<OcspCertId> MakeOcspCertId(const Certificate& issuer, ByteView serial,
                                  OcspHashAlgorithm hash = OcspHashAlgorithm::kSha1);
// CertID of `cert`; InvalidArgument unless `issuer` is its issuer by name.
Result<OcspCertId> MakeOcspCertId(const Certificate& cert, const Certificate& issuer,
                                  OcspHashAlgorithm hash = OcspHashAlgorithm::kSha1);

class OcspRequest {
 public:
  // Malformed (naming "OCSP request") for bad DER, trailing bytes or an empty request list.
  static Result<OcspRequest> FromDer(ByteView der);
  // An unsigned request; nonce (RFC 8954: 1..32 octets) optional.
  static Result<OcspRequest> Create(const std::vector<OcspCertId>& ids,
                                    std::optional<Bytes> nonce = std::nullopt);

  const Bytes& ToDer() const { return der_; }
  const std::vector<OcspCertId>& cert_ids() const { return ids_; }
  const std::optional<Bytes>& nonce() const { return nonce_; }
  bool is_signed() const { return signed_; }  // optionalSignature present (not verified here)

 private:
  OcspRequest() = default;
  Bytes der_;
  std::vector<OcspCertId> ids_;
  std::optional<Bytes> nonce_;
  bool signed_ = false;
};

// RFC 6960 4.2.1 OCSPResponseStatus (4 is unused).
enum class OcspResponseStatus : uint8_t {
  kSuccessful = 0,
  kMalformedRequest = 1,
  kInternalError = 2,
  kTryLater = 3,
  kSigRequired = 5,
  kUnauthorized = 6,
};

enum class OcspCertStatus : uint8_t { kGood, kRevoked, kUnknown };

// RFC 6960 4.2.1 SingleResponse.
struct OcspSingleResponse {
  OcspCertId cert_id;
  OcspCertStatus status = OcspCertStatus::kGood;
  std::optional<std::chrono::sys_seconds> revocation_time;  // kRevoked only, required there
  std::optional<RevocationReason> revocation_reason;        // kRevoked only, optional
  std::chrono::sys_seconds this_update{};
  std::optional<std::chrono::sys_seconds> next_update;
  friend bool operator==(const OcspSingleResponse&, const OcspSingleResponse&) = default;
};

class OcspResponse {
 public:
  // Malformed (naming "OCSP response") for bad DER, trailing bytes, unknown status values or
  // responseBytes inconsistent with the status; Unsupported for response types other than
  // id-pkix-ocsp-basic and for CertIDs with other hashes.
  static Result<OcspResponse> FromDer(ByteView der);

  const Bytes& ToDer() const { return der_; }
  OcspResponseStatus status() const { return status_; }

  // The rest is empty unless status() is kSuccessful.
  std::chrono::sys_seconds produced_at() const { return produced_at_; }
  const std::vector<OcspSingleResponse>& responses() const { return responses_; }
  const OcspSingleResponse* Find(const OcspCertId& id) const;
  const std::optional<Bytes>& nonce() const { return nonce_; }
  // ResponderID: exactly one is set.
  const std::optional<Bytes>& responder_key_hash() const { return responder_key_hash_; }  // SHA-1 of the key
  const std::optional<Bytes>& responder_name_der() const { return responder_name_der_; }
  const std::vector<Certificate>& certificates() const { return certificates_; }
  const std::string& signature_algorithm() const { return signature_algorithm_; }
  // DER BasicOCSPResponse (the signed object).
  const Bytes& basic_response_der() const { return basic_der_; }

  // Default-ID signature check of the BasicOCSPResponse. FailedPrecondition when the response
  // is not successful (nothing is signed); otherwise as Certificate::VerifySignature.
  Status VerifySignature(const crypto::Sm2PublicKey& responder_key) const;
  // After checking that the ResponderID names `responder` (by name or by key hash).
  Status VerifySignature(const Certificate& responder) const;

 private:
  friend class OcspResponseParser;
  OcspResponse() = default;
  Bytes der_;
  OcspResponseStatus status_ = OcspResponseStatus::kInternalError;
  std::chrono::sys_seconds produced_at_{};
  std::vector<OcspSingleResponse> responses_;
  std::optional<Bytes> nonce_;
  std::optional<Bytes> responder_key_hash_;
  std::optional<Bytes> responder_name_der_;
  std::vector<Certificate> certificates_;
  std::string signature_algorithm_;
  Bytes basic_der_;
};

}  // namespace sedun::pki
