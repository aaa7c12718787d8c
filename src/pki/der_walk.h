// A minimal DER walker and writer for the few places where pki/ must see raw bytes rather than
// OpenSSL's decoded structures: the signed part of a certificate, CSR, CRL or OCSP response (a
// signature is over exactly the bytes received, never over a re-encoding), the key-format
// sniffing in key_io, and encoding small structures OpenSSL would encode differently.
//
// Only low tag numbers (< 31) and definite, minimally encoded lengths are accepted (X.690 10.1).
// Thread-safety: free functions on values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/status.h"

namespace sedun::pki {

namespace der_tag {
inline constexpr uint8_t kBoolean = 0x01;
inline constexpr uint8_t kInteger = 0x02;
inline constexpr uint8_t kBitString = 0x03;
inline constexpr uint8_t kOctetString = 0x04;
inline constexpr uint8_t kNull = 0x05;
inline constexpr uint8_t kOid = 0x06;
inline constexpr uint8_t kEnumerated = 0x0a;
inline constexpr uint8_t kSequence = 0x30;
inline constexpr uint8_t kSet = 0x31;
// [n] constructed, as used for EXPLICIT tags and IMPLICIT constructed types.
constexpr uint8_t ContextConstructed(uint8_t n) { return static_cast<uint8_t>(0xa0 | n); }
}  // namespace der_tag

// Size limits for untrusted input, in DER bytes (PEM input may be 4/3 of this plus headers).
inline constexpr size_t kMaxKeySize = 16 * 1024;
inline constexpr size_t kMaxCertificateSize = 256 * 1024;
inline constexpr size_t kMaxCsrSize = 64 * 1024;
inline constexpr size_t kMaxCrlSize = 32 * 1024 * 1024;
inline constexpr size_t kMaxOcspSize = 1024 * 1024;
inline constexpr size_t kMaxPkcs7Size = 16 * 1024 * 1024;
inline constexpr size_t kMaxBundleCertificates = 1000;

// ResourceExhausted naming `what` when size > max.
Status CheckSize(size_t size, size_t max, std::string_view what);

struct DerElement {
  uint8_t tag = 0;
  ByteView contents;  // the value octets
  ByteView whole;     // tag, length and value
};

// Reads one element; false (cursor unchanged) on truncation, high tag numbers, indefinite or
// non-minimal lengths.
[[nodiscard]] bool DerRead(ByteReader& in, DerElement* out);
// Reads one element of tag `tag`; false on any mismatch.
[[nodiscard]] bool DerReadTagged(ByteReader& in, uint8_t tag, DerElement* out);
// `der` must be exactly one element of tag `tag` with nothing after it; Malformed naming `what`.
Result<DerElement> DerParseSingle(ByteView der, uint8_t tag, std::string_view what);

// Appends tag, minimal length and contents.
void DerWrite(ByteWriter& out, uint8_t tag, ByteView contents);
Bytes DerEncode(uint8_t tag, ByteView contents);
// Minimal two's-complement INTEGER contents for an unsigned value.
Bytes DerUnsignedContents(uint64_t value);

// SIGNED{ToBeSigned} (X.509 §6.2, RFC 5280 4.1, RFC 2986 4, RFC 6960 4.2.1):
//   SEQUENCE { toBeSigned, signatureAlgorithm AlgorithmIdentifier, signature BIT STRING, ... }
// OCSP's BasicOCSPResponse adds `certs [0] EXPLICIT` after the signature: allow_trailing_fields
// accepts further elements inside the SEQUENCE. Nothing may follow the SEQUENCE itself.
struct SignedParts {
  ByteView tbs;        // the whole toBeSigned element: what the signature covers
  ByteView algorithm;  // the whole AlgorithmIdentifier element
  ByteView signature;  // BIT STRING value without the unused-bits octet (which must be 0)
};
Result<SignedParts> SplitSigned(ByteView der, std::string_view what, bool allow_trailing_fields = false);
// The inverse for the fixed layout: SEQUENCE { tbs, algorithm, BIT STRING(0 || signature) }.
Bytes AssembleSigned(ByteView tbs, ByteView algorithm, ByteView signature);

// The AlgorithmIdentifier inside a TBSCertificate (after the optional [0] version and the
// serial) and inside a TBSCertList (after the optional version); RFC 5280 4.1.1.2 / 5.1.1.2
// require it to equal the outer signatureAlgorithm.
Result<ByteView> CertificateTbsAlgorithm(ByteView tbs);
Result<ByteView> CrlTbsAlgorithm(ByteView tbs);

// SEQUENCE { OID 1.2.156.10197.1.501 } (SM3withSM2, GB/T 33560 A.1), parameters absent as
// OpenSSL writes them.
ByteView Sm3WithSm2AlgorithmId();
// True for the SM3withSM2 identifier with parameters absent or NULL (both occur in deployed
// certificates, reference §3.1).
bool IsSm3WithSm2AlgorithmId(ByteView algorithm);

}  // namespace sedun::pki
