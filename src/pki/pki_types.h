// Plain value types shared by the certificate, CSR, CRL and OCSP interfaces: distinguished
// names, key-usage bits, basic constraints and revocation reasons. No OpenSSL here, so that
// callers of pki/ (CA, card, servers, CLI) do not see OpenSSL types.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sedun::pki {

// One attribute of a distinguished name. `type` is an OpenSSL short name ("CN", "O", "OU", "C",
// "L", "ST", "emailAddress", ...) or a dotted OID (e.g. the GM/T identity-number arc
// 1.2.156.10260.4.1.1); `value` is UTF-8.
struct NameAttribute {
  std::string type;
  std::string value;
  friend bool operator==(const NameAttribute&, const NameAttribute&) = default;
};

// A distinguished name in encoding order (most significant RDN first: C, O, OU, CN). Each
// attribute is its own RDN; a parsed multi-valued RDN is flattened into consecutive entries.
using DistinguishedName = std::vector<NameAttribute>;

// RFC 5280 4.2.1.3 KeyUsage: bit n of the BIT STRING is (1 << n) here.
namespace key_usage {
inline constexpr uint16_t kDigitalSignature = 1u << 0;
inline constexpr uint16_t kNonRepudiation = 1u << 1;  // contentCommitment
inline constexpr uint16_t kKeyEncipherment = 1u << 2;
inline constexpr uint16_t kDataEncipherment = 1u << 3;
inline constexpr uint16_t kKeyAgreement = 1u << 4;
inline constexpr uint16_t kKeyCertSign = 1u << 5;
inline constexpr uint16_t kCrlSign = 1u << 6;
inline constexpr uint16_t kEncipherOnly = 1u << 7;
inline constexpr uint16_t kDecipherOnly = 1u << 8;
}  // namespace key_usage

// RFC 5280 4.2.1.9 BasicConstraints.
struct BasicConstraints {
  bool ca = false;
  std::optional<uint32_t> path_len;  // pathLenConstraint; only meaningful when ca
  friend bool operator==(const BasicConstraints&, const BasicConstraints&) = default;
};

// One extension as found in a certificate or CRL (RFC 5280 4.1): OID in dotted form, the
// critical flag and the extnValue contents (the DER of the extension's own structure).
struct ExtensionInfo {
  std::string oid;
  bool critical = false;
  std::vector<uint8_t> value;
  friend bool operator==(const ExtensionInfo&, const ExtensionInfo&) = default;
};

// RFC 5280 5.3.1 CRLReason (value 7 is unused).
enum class RevocationReason : uint8_t {
  kUnspecified = 0,
  kKeyCompromise = 1,
  kCaCompromise = 2,
  kAffiliationChanged = 3,
  kSuperseded = 4,
  kCessationOfOperation = 5,
  kCertificateHold = 6,
  kRemoveFromCrl = 8,
  kPrivilegeWithdrawn = 9,
  kAaCompromise = 10,
};

// RFC 5280 5.3.1 value -> RevocationReason; nullopt for unassigned values (7, > 10).
inline std::optional<RevocationReason> RevocationReasonFromCode(int64_t code) {
  if (code < 0 || code > 10 || code == 7) return std::nullopt;
  return static_cast<RevocationReason>(code);
}

}  // namespace sedun::pki
