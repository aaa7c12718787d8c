// X.509 v3 certificates (RFC 5280) with SM2 keys and SM3withSM2 signatures (GM/T 0015 profile,
// reference §8).
//
// A Certificate is immutable: parsing decodes every field and every extension it exposes once,
// so a certificate whose known extensions are malformed or duplicated (RFC 5280 4.2) fails to
// load instead of failing later in an accessor. The original DER is kept: ToDer returns it
// byte for byte, the SM3 fingerprint is over it, and VerifySignature checks the signature over
// the received TBSCertificate bytes rather than a re-encoding.
//
// A certificate whose key is not SM2 (an RSA root in a bundle, say) still loads; public_key()
// then reports Unsupported. Signatures verify with the GM/T 0009 default ID; OpenSSL 3.0's
// X509_verify would use an empty ID unless X509_set0_distinguishing_id was called on the object
// (reference §8), which this class never needs.
//
// Copies share one immutable decoded object (and its X509, whose reference count is the
// shared_ptr's); they are cheap and safe to use from several threads.
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
#include "crypto/sm3.h"
#include "pki/pki_types.h"

struct x509_st;  // OpenSSL's X509

namespace sedun::pki {

class Certificate {
 public:
  // DER Certificate; Malformed (naming "certificate") for anything that does not parse, has
  // trailing bytes or carries malformed/duplicate extensions.
  static Result<Certificate> FromDer(ByteView der);
  // The first PEM "CERTIFICATE" block (other blocks, e.g. a key, are skipped).
  static Result<Certificate> FromPem(std::string_view pem);
  // PEM or DER, detected.
  static Result<Certificate> Load(ByteView input);

  const Bytes& ToDer() const;
  std::string ToPem() const;

  int version() const;  // 1, 2 or 3
  // Serial number as its big-endian magnitude (RFC 5280 4.1.2.2 requires it positive; negative
  // serials are refused at load) and as lowercase hex of those bytes.
  const Bytes& serial() const;
  std::string serial_hex() const;

  const DistinguishedName& subject() const;
  const DistinguishedName& issuer() const;
  // RFC 2253 strings ("CN=leaf,O=sedun,C=CN": least significant RDN first), UTF-8; types
  // without a short name appear as OID=#hex (RFC 2253 2.4) - use subject() for their text.
  const std::string& subject_string() const;
  const std::string& issuer_string() const;
  // DER Name, for exact comparison (issuer of a child == subject of its parent).
  const Bytes& subject_der() const;
  const Bytes& issuer_der() const;

  std::chrono::sys_seconds not_before() const;
  std::chrono::sys_seconds not_after() const;

  // Dotted OID of the outer signatureAlgorithm; "1.2.156.10197.1.501" for SM3withSM2.
  const std::string& signature_algorithm() const;
  // The subject's SM2 key; Unsupported when the certificate carries another key type.
  Result<crypto::Sm2PublicKey> public_key() const;

  // Extensions (absent -> nullopt / empty).
  std::optional<BasicConstraints> basic_constraints() const;
  std::optional<uint16_t> key_usage() const;                   // key_usage::k* bits
  const std::vector<std::string>& extended_key_usage() const;  // dotted OIDs
  const std::vector<std::string>& policy_oids() const;
  const std::vector<std::string>& crl_distribution_urls() const;  // fullName URIs
  const std::vector<std::string>& ocsp_urls() const;              // AIA id-ad-ocsp URIs
  const std::vector<std::string>& ca_issuer_urls() const;         // AIA id-ad-caIssuers URIs
  const std::optional<Bytes>& subject_key_id() const;
  const std::optional<Bytes>& authority_key_id() const;  // keyIdentifier field only
  const std::vector<ExtensionInfo>& extensions() const;  // all of them, in order

  bool IsSelfIssued() const;  // subject == issuer (RFC 5280 6.1)
  bool IsCa() const;          // basicConstraints cA = TRUE

  // SM3 over the DER.
  const crypto::Sm3Digest& sm3_fingerprint() const;

  // Checks the signature with `issuer_key` and the default ID. Unsupported when the algorithm
  // is not SM3withSM2 (absent or NULL parameters both accepted); Malformed when the inner and
  // outer signature algorithms differ (RFC 5280 4.1.1.2); VerifyFailed when it does not verify.
  Status VerifySignature(const crypto::Sm2PublicKey& issuer_key) const;
  // Same with the issuer certificate's key, after checking this certificate names it as issuer.
  Status VerifySignature(const Certificate& issuer) const;

  // The underlying OpenSSL object, for pki/ code and path validation; do not modify it.
  x509_st* native() const;

  struct Impl;

 private:
  explicit Certificate(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// Every CERTIFICATE block of a PEM bundle (at most kMaxBundleCertificates), or the single
// certificate of a DER input. Malformed if any block is broken or there is no certificate;
// blocks with other labels are skipped.
Result<std::vector<Certificate>> LoadCertificates(ByteView input);
// The certificates as concatenated PEM blocks.
std::string CertificatesToPem(const std::vector<Certificate>& certs);

}  // namespace sedun::pki
