// The sm2p256v1 group (GB/T 32918.5) as OpenSSL objects, built once per process.
// Thread-safety: the group is created under a C++ static-initialisation guard and only read
// afterwards; OpenSSL allows concurrent read-only use of an EC_GROUP.
#pragma once

#include <openssl/bn.h>
#include <openssl/ec.h>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/ossl/ossl_util.h"

namespace sedun::crypto::ossl {

// Never null: the process aborts at first use if OpenSSL lacks the SM2 curve.
const EC_GROUP* Sm2Group();
// The group order n.
const BIGNUM* Sm2Order();

// Big-endian bytes -> BIGNUM (secure heap not required: callers clear with BN_clear_free).
Result<BnPtr> BnFromBytes(ByteView bytes);
// BIGNUM -> exactly `len` big-endian bytes (left-padded); fails if it does not fit.
Status BnToFixed(const BIGNUM* bn, uint8_t* out, size_t len);

// Uncompressed point bytes -> EC_POINT on sm2p256v1 (checks on-curve, rejects infinity).
Result<EcPointPtr> PointFromBytes(ByteView point, BN_CTX* ctx);
// EC_POINT -> 65 bytes 04 || x || y.
Status PointToBytes(const EC_POINT* p, uint8_t out[65], BN_CTX* ctx);

}  // namespace sedun::crypto::ossl
