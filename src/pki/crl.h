// X.509 v2 certificate revocation lists (RFC 5280 §5) signed with SM3withSM2 and the GM/T 0009
// default ID, and a builder for the CA.
//
// Like Certificate, a Crl is immutable, keeps its original DER (ToDer returns it, signatures are
// checked over the received TBSCertList) and decodes its entries once at load. OpenSSL 3.0 has
// no way to attach an SM2 ID to a CRL (there is no X509_CRL_set0_distinguishing_id), so
// X509_CRL_verify and `openssl crl -CAfile` verify with an empty ID and reject GM/T-conformant
// CRLs; VerifySignature here is the one to use.
// Thread-safety: Crl copies share an immutable object; CrlBuilder is a plain value.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sm2_key.h"
#include "pki/certificate.h"
#include "pki/pki_types.h"

struct X509_crl_st;  // OpenSSL's X509_CRL

namespace sedun::pki {

struct RevokedCertificate {
  Bytes serial;  // big-endian magnitude, as Certificate::serial()
  std::chrono::sys_seconds revocation_time{};
  // RFC 5280 5.3.1; absent when the entry has no reasonCode (the builder omits kUnspecified,
  // which the RFC says SHOULD be absent rather than 0).
  std::optional<RevocationReason> reason;
  friend bool operator==(const RevokedCertificate&, const RevokedCertificate&) = default;
};

class Crl {
 public:
  // Malformed (naming "CRL") for bad DER, trailing bytes, duplicate or undecodable extensions,
  // negative serials or reason codes outside RFC 5280 5.3.1.
  static Result<Crl> FromDer(ByteView der);
  // PEM "X509 CRL".
  static Result<Crl> FromPem(std::string_view pem);
  static Result<Crl> Load(ByteView input);

  const Bytes& ToDer() const;
  std::string ToPem() const;

  int version() const;  // 1 or 2
  const DistinguishedName& issuer() const;
  const std::string& issuer_string() const;
  const Bytes& issuer_der() const;
  std::chrono::sys_seconds this_update() const;
  std::optional<std::chrono::sys_seconds> next_update() const;
  const std::optional<Bytes>& crl_number() const;        // big-endian magnitude
  const std::optional<Bytes>& authority_key_id() const;  // keyIdentifier only
  const std::vector<RevokedCertificate>& revoked() const;
  const std::vector<ExtensionInfo>& extensions() const;
  const std::string& signature_algorithm() const;

  // The entry for `serial` (a magnitude; leading zeros ignored), or null.
  const RevokedCertificate* Find(ByteView serial) const;

  // Default-ID signature check; same error codes as Certificate::VerifySignature.
  Status VerifySignature(const crypto::Sm2PublicKey& issuer_key) const;
  // After checking that `issuer` is the CRL's issuer by name.
  Status VerifySignature(const Certificate& issuer) const;

  X509_crl_st* native() const;

  struct Impl;

 private:
  explicit Crl(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// Builds and signs a v2 CRL with cRLNumber (RFC 5280 5.2.3) and authorityKeyIdentifier
// (5.2.1; the issuer's subjectKeyIdentifier, or SHA-1 of its key when it has none).
class CrlBuilder {
 public:
  CrlBuilder& set_this_update(std::chrono::sys_seconds t);
  CrlBuilder& set_next_update(std::chrono::sys_seconds t);  // required: RFC 5280 5.1.2.5 MUST
  CrlBuilder& set_crl_number(Bytes magnitude);              // required, 1..20 octets
  CrlBuilder& AddRevoked(RevokedCertificate entry);

  // InvalidArgument for missing/inconsistent fields or duplicate serials; FailedPrecondition
  // when `issuer` is not allowed to sign CRLs (keyUsage without cRLSign); InvalidArgument when
  // `issuer_key` is not the issuer's key. Entries are written sorted by serial.
  Result<Crl> Sign(const Certificate& issuer, const crypto::Sm2PrivateKey& issuer_key) const;

 private:
  std::optional<std::chrono::sys_seconds> this_update_;
  std::optional<std::chrono::sys_seconds> next_update_;
  Bytes crl_number_;
  std::vector<RevokedCertificate> revoked_;
};

}  // namespace sedun::pki
