// BIGNUM and EC_POINT helpers shared by the files of the OpenSSL SM2 engine
// (sm2_engine_ossl*.cc). Group-generic counterparts of ossl/sm2_curve.h, which is bound to
// sm2p256v1. Internal to the engine.
// Thread-safety: stateless.
#pragma once

#include <cstdint>
#include <span>

#include <openssl/bn.h>
#include <openssl/ec.h>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "crypto/ossl/ossl_util.h"
#include "crypto/rng.h"

namespace sedun::crypto::sm2_ossl {

// SM2 wire formats fix 32-byte coordinates and scalars, so only groups whose p and n are 256-bit
// numbers are accepted (sm2p256v1 and the Fp-256 test curve of GB/T 32918 Annex A).
Status CheckGroup(const EC_GROUP* group);

// A BIGNUM holding secret material: flagged BN_FLG_CONSTTIME so OpenSSL takes its
// constant-time paths, and cleared on release by BnPtr.
Result<ossl::BnPtr> SecretBn(ByteView bytes);

// The private scalar d, checked to lie in [1, n-2] (GB/T 32918.1 §6.1: n-1 is excluded because
// signing inverts 1 + d).
Result<ossl::BnPtr> PrivateScalar(const EC_GROUP* group, ByteView d);

// A scalar uniform in [1, n-1] (GB/T 32918.2 §6.1 A3, .3 §6.1 A1, .4 §6.1 A1): BN_num_bytes(n)
// bytes from `rng`, masked to n's bit length, rejected and redrawn when 0 or >= n. A fixed RNG
// returning a valid k therefore yields exactly that k, which the known-answer tests rely on.
Result<ossl::BnPtr> RandomScalar(const EC_GROUP* group, Rng& rng);

// 65-byte uncompressed point -> EC_POINT on `group`. kMalformed unless the encoding is 04||x||y,
// the point satisfies the curve equation and is not infinity (GB/T 32918.1 §6.2.1 checks).
Result<ossl::EcPointPtr> PointFromBytes(const EC_GROUP* group, ByteView point, BN_CTX* ctx);
// EC_POINT -> 04 || x || y.
Status PointToBytes(const EC_GROUP* group, const EC_POINT* p, std::span<uint8_t, 65> out, BN_CTX* ctx);
// Affine x || y of a finite point as 64 secret bytes (the shared values x2||y2, xU||yU).
Result<SecretBytes> PointCoordinates(const EC_GROUP* group, const EC_POINT* p, BN_CTX* ctx);

// The public key check of GB/T 32918.4 §6.1 A3 / §7.1 B1: [h]P is not infinity.
Status CheckCofactorMultiple(const EC_GROUP* group, const EC_POINT* p, BN_CTX* ctx);

}  // namespace sedun::crypto::sm2_ossl
