// Certificates handed to the card (tag 86) and the checks the card makes before it stores or
// uses one: the path to the trust anchor written at personalisation (JR/T 0093.6 7.3.2.2 a-e;
// film-shield 2.3.1 (9): the card checks the certificate's origin with the CA's key).
//
// Path rules, for the target and every certificate above it, up to and including the anchor:
//   - issuer name of each certificate equals the subject name of the next (byte-exact DER);
//   - each signature is SM3withSM2 and verifies with the issuer's key and the GM/T 0009 default
//     ID (pki::Certificate::VerifySignature);
//   - each certificate is valid at the card's clock (notBefore <= now <= notAfter);
//   - every certificate between target and anchor is a CA (basicConstraints cA), has keyCertSign
//     when it carries keyUsage, and its pathLenConstraint (and the anchor's) is respected;
//   - at most kMaxChainDepth certificates between target and anchor.
// Revocation (7.3.2.2 g) is the server's part: a card has no CRL or OCSP access.
// Errors: Malformed (-> 6A80) for unparsable input; PermissionDenied (-> 6982) for a path that is
// not trusted or not valid now; FailedPrecondition (-> 6985) when the card has no anchor.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "pki/certificate.h"
#include "se/card_state.h"

namespace sedun::se::applet {

// The certificates of a tag 86 value: one DER X.509 certificate, or a DER PKCS#7 certs-only
// SignedData holding a chain (film-shield 2.3.1 (6)-(8): the CA answers with a "P7" package).
// PEM is not accepted: command data is binary.
Result<std::vector<pki::Certificate>> ParseCertificateObject(ByteView value);

// The end-entity certificate of a parsed object: the single certificate, or the one certificate
// of a chain that issued none of the others. Malformed when there is no such single certificate.
Result<pki::Certificate> EndEntity(std::span<const pki::Certificate> certs);

// Checks the path from `target` to the anchor, taking intermediate CAs from `pool` (the other
// certificates of the same object; anything irrelevant in it is ignored).
Status CheckTrustedPath(const CardState& state, const pki::Certificate& target,
                        std::span<const pki::Certificate> pool, int64_t now);

// What a certificate is used for on the card, for its keyUsage (RFC 5280 4.2.1.3).
enum class KeyPurpose {
  kSignature,   // JR/T 7.3.2.1 a: digitalSignature or nonRepudiation
  kEncryption,  // JR/T 7.3.3.2 a: dataEncipherment or keyEncipherment
};
// PermissionDenied when the certificate carries keyUsage without a bit for `purpose`. A
// certificate without the extension may be used for any purpose (RFC 5280 4.2.1.3).
Status CheckKeyUsage(const pki::Certificate& cert, KeyPurpose purpose);

// Slot 01 holds the signature key pair, slot 02 the encryption key pair.
KeyPurpose PurposeOfSlot(KeySlotId slot);

// ParseCertificateObject + EndEntity + CheckTrustedPath + CheckKeyUsage: the recipient of
// ENCRYPT and the signer of VERIFY SIGNATURE (JR/T 7.3.3.2 c: no encryption to an unchecked
// certificate).
Result<pki::Certificate> ValidatedCertificate(const CardState& state, ByteView value, int64_t now,
                                              KeyPurpose purpose);

}  // namespace sedun::se::applet
