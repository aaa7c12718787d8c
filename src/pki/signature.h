// SM3withSM2 signatures as X.509 objects carry them: SM2 over ZA || message with the GM/T 0009
// default identifier, DER SM2Signature (GM/T 0009 §7.3), algorithm 1.2.156.10197.1.501.
//
// OpenSSL 3.0 signs and verifies SM2 with an *empty* identifier unless told otherwise (reference
// §8, §12.2); every pki/ signature therefore goes through these helpers, which always set the
// default ID. Verification works on the received bytes (SplitSigned), not on OpenSSL's
// re-encoding, and does not rely on X509_set0_distinguishing_id (which has no CRL or OCSP
// counterpart in OpenSSL 3.0).
// Thread-safety: free functions.
#pragma once

#include <openssl/evp.h>

#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/ossl/ossl_util.h"
#include "crypto/sm2_key.h"

namespace sedun::pki {

// GM/T 0009-2012 §10: the user ID when none is agreed, ENTL = 0x0080 (16 bytes).
inline constexpr std::string_view kSm2DefaultId = "1234567812345678";

// An EVP_MD_CTX initialised for DigestSign with SM3, key `pkey` (an "SM2" EVP_PKEY) and the
// default ID, ready for X509_sign_ctx, X509_REQ_sign_ctx, X509_CRL_sign_ctx or
// OCSP_basic_sign_ctx.
Result<crypto::ossl::EvpMdCtxPtr> NewSm2SignContext(EVP_PKEY* pkey);

// DER SM2Signature over `message` (ZA with the default ID, then SM3).
Result<Bytes> Sm2SignWithDefaultId(const crypto::Sm2PrivateKey& key, ByteView message);
// VerifyFailed when the signature does not verify (or is not a DER SM2Signature).
Status Sm2VerifyWithDefaultId(const crypto::Sm2PublicKey& key, ByteView message, ByteView signature);

// Verifies a SIGNED{} structure (see der.h SplitSigned): the algorithm must be SM3withSM2
// (Unsupported otherwise) and the signature must verify over the toBeSigned bytes.
Status VerifySignedDer(ByteView der, const crypto::Sm2PublicKey& key, std::string_view what,
                       bool allow_trailing_fields = false);

}  // namespace sedun::pki
