// OCSP helpers shared by ocsp.cc and ocsp_builder.cc: CertID and nonce conversion between
// sedun values and OpenSSL objects. pki-internal (includes OpenSSL).
// Thread-safety: free functions.
#pragma once

#include <optional>

#include "base/bytes.h"
#include "base/status.h"
#include "pki/ocsp.h"
#include "pki/ossl_types.h"

namespace sedun::pki {

// CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
//                       issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }
// SHA-1 is written with NULL parameters (as OpenSSL and RFC 3279 2.1 do), SM3 with none.
// InvalidArgument when the hash lengths do not match the algorithm or the serial is empty or
// longer than 64 octets.
Result<Bytes> EncodeOcspCertId(const OcspCertId& id);
Result<OcspCertIdPtr> ToOsslCertId(const OcspCertId& id);
Result<OcspCertId> FromOsslCertId(const OCSP_CERTID* cid);

// RFC 8954: the nonce extension's extnValue is a DER OCTET STRING holding the nonce. Values that
// are not (some old clients put raw bytes) are returned as they are.
Bytes NonceFromExtension(const X509_EXTENSION* ext);

}  // namespace sedun::pki
