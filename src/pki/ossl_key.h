// Sm2PrivateKey / Sm2PublicKey <-> EVP_PKEY, the bridge between sedun's validated key types and
// OpenSSL's encoders, decoders and X.509 signers. pki-internal (includes OpenSSL).
//
// Keys are built as OpenSSL key type "SM2" (not "EC" on the SM2 curve): only an "SM2" EVP_PKEY
// signs with the SM2 algorithm; an "EC" key on the same curve would silently produce ECDSA.
// Incoming keys of either type are accepted when their group is SM2 (OpenSSL also names explicit
// parameters that equal sm2p256v1 exactly); anything else (RSA, Ed25519, P-256, unnamed explicit
// curves) is refused with Unsupported naming what it was.
// Thread-safety: free functions; the returned EVP_PKEY is owned by the caller.
#pragma once

#include <openssl/evp.h>

#include "base/status.h"
#include "crypto/ossl/ossl_util.h"
#include "crypto/sm2_key.h"

namespace sedun::pki {

Result<crypto::ossl::EvpPkeyPtr> ToEvpPkey(const crypto::Sm2PublicKey& key);
// Key pair (private scalar and public point).
Result<crypto::ossl::EvpPkeyPtr> ToEvpPkey(const crypto::Sm2PrivateKey& key);

// Unsupported for non-SM2 keys; Malformed when the stored public point does not match the scalar.
Result<crypto::Sm2PrivateKey> Sm2PrivateKeyFromEvp(const EVP_PKEY* pkey);
Result<crypto::Sm2PublicKey> Sm2PublicKeyFromEvp(const EVP_PKEY* pkey);

}  // namespace sedun::pki
