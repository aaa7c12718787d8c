// Issuing X.509 v3 certificates signed with SM3withSM2 and the GM/T 0009 default ID: the
// reusable core of the CA role and the way tests build chains.
//
// Profile (RFC 5280 4.2 / GM/T 0015 as summarised in reference §8):
//  - basicConstraints is always critical; cA FALSE is written explicitly (30 03 01 01 00)
//    because some SM2 verifiers reject an empty SEQUENCE. Strict X.690 11.5 DER would omit a
//    DEFAULT value, so a verifier enforcing that (e.g. rustls-webpki) may refuse it; OpenSSL and
//    sedun accept both.
//  - keyUsage is critical; extendedKeyUsage, certificatePolicies, cRLDistributionPoints,
//    authorityInfoAccess, subject/authorityKeyIdentifier are not.
//  - key identifiers are SHA-1 of the subjectPublicKey BIT STRING value (RFC 5280 4.2.1.2 (1)),
//    as OpenSSL computes them, so AKI/SKI chains match certificates from either tool.
// The result is re-parsed and its signature verified before it is returned.
// Thread-safety: free functions.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sm2_key.h"
#include "pki/certificate.h"
#include "pki/pki_types.h"

namespace sedun::pki {

struct CertificateSpec {
  // Big-endian positive magnitude, 1..20 octets once leading zeros are dropped, not zero
  // (RFC 5280 4.1.2.2). The caller owns uniqueness per issuer.
  Bytes serial;
  DistinguishedName subject;  // must not be empty
  std::chrono::sys_seconds not_before{};
  std::chrono::sys_seconds not_after{};  // must be after not_before
  std::optional<BasicConstraints> basic_constraints;
  std::optional<uint16_t> key_usage;            // key_usage::k* bits; at least one when present
  std::vector<std::string> extended_key_usage;  // short names ("serverAuth") or dotted OIDs
  bool subject_key_identifier = true;
  bool authority_key_identifier = true;
  std::vector<std::string> policy_oids;            // dotted OIDs
  std::vector<std::string> crl_distribution_urls;  // one DistributionPoint, fullName URIs
  std::vector<std::string> ocsp_urls;              // AIA id-ad-ocsp
  std::vector<std::string> ca_issuer_urls;         // AIA id-ad-caIssuers
};

// A certificate for `subject_key` issued by `issuer` (which must be a CA certificate whose key
// is `issuer_key`: FailedPrecondition / InvalidArgument otherwise).
Result<Certificate> IssueCertificate(const CertificateSpec& spec, const crypto::Sm2PublicKey& subject_key,
                                     const Certificate& issuer, const crypto::Sm2PrivateKey& issuer_key);

// A self-signed certificate (issuer = subject) for `key`.
Result<Certificate> SelfSignCertificate(const CertificateSpec& spec, const crypto::Sm2PrivateKey& key);

}  // namespace sedun::pki
