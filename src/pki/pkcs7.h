// PKCS#7 "certs-only" bundles: SignedData with no signers (RFC 2315 §9.1 degenerate case,
// RFC 5652 §5.2 "certs-only"), as written by `openssl crl2pkcs7` and used to ship a chain to a
// client or a card in one object. PEM label "PKCS7".
//
// SignedData with signers is refused (Unsupported): nothing here verifies signed content, and
// extracting its certificates silently would invite callers to trust it. The GM/T 0010 variant
// (content types under 1.2.156.10197.6.1.4.2) is not handled here.
// The certificates are written as DER SET OF, which X.690 11.6 sorts by encoding, so the order
// after a round trip is the sorted order, not the insertion order.
// Thread-safety: free functions on values.
#pragma once

#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "pki/certificate.h"
#include "pki/crl.h"

namespace sedun::pki {

struct Pkcs7CertsOnly {
  std::vector<Certificate> certificates;
  std::vector<Crl> crls;
};

// PEM ("PKCS7") or DER ContentInfo. Malformed for bad encodings (naming "PKCS#7"); Unsupported
// for other content types or when signers are present.
Result<Pkcs7CertsOnly> ParsePkcs7CertsOnly(ByteView input);

Result<Bytes> Pkcs7CertsOnlyToDer(const Pkcs7CertsOnly& bundle);
Result<std::string> Pkcs7CertsOnlyToPem(const Pkcs7CertsOnly& bundle);

}  // namespace sedun::pki
