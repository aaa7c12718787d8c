// SM2 key construction and validation.
#include "crypto/sm2_key.h"

#include <algorithm>

#include "crypto/ossl/sm2_curve.h"

namespace sedun::crypto {

using ossl::BnCtxPtr;
using ossl::BnPtr;
using ossl::EcPointPtr;

Result<Sm2PublicKey> Sm2PublicKey::FromUncompressed(ByteView point) {
  BnCtxPtr ctx(BN_CTX_new());
  if (!ctx) return ossl::OsslError("BN_CTX_new failed");
  SEDUN_ASSIGN_OR_RETURN(EcPointPtr p, ossl::PointFromBytes(point, ctx.get()));
  (void)p;
  Sm2PublicKey key;
  std::copy(point.begin(), point.end(), key.point_.begin());
  return key;
}

Result<Sm2PublicKey> Sm2PublicKey::FromCoordinates(ByteView x, ByteView y) {
  if (x.size() != 32 || y.size() != 32) return Malformed("SM2 coordinates must be 32 bytes each");
  uint8_t prefix = 0x04;
  return FromUncompressed(Concat({ByteView(&prefix, 1), x, y}));
}

namespace {

// GM/T 0009 §6 / GB/T 32918.1: the private key lies in [1, n-2] (n-1 is excluded because
// signing computes (1+d)^-1 mod n).
Status CheckScalarRange(const BIGNUM* d) {
  BnPtr limit(BN_dup(ossl::Sm2Order()));
  if (!limit || BN_sub_word(limit.get(), 2) != 1) return ossl::OsslError("BN arithmetic failed");
  if (BN_is_zero(d) || BN_is_negative(d) || BN_cmp(d, limit.get()) > 0) {
    return InvalidArgument("SM2 private key is outside [1, n-2]");
  }
  return Status::Ok();
}

Result<Sm2PublicKey> DerivePublic(const BIGNUM* d) {
  BnCtxPtr ctx(BN_CTX_new());
  EcPointPtr p(EC_POINT_new(ossl::Sm2Group()));
  if (!ctx || !p) return ossl::OsslError("allocation failed");
  if (EC_POINT_mul(ossl::Sm2Group(), p.get(), d, nullptr, nullptr, ctx.get()) != 1) {
    return ossl::OsslError("EC_POINT_mul failed");
  }
  uint8_t bytes[kSm2PointSize];
  SEDUN_RETURN_IF_ERROR(ossl::PointToBytes(p.get(), bytes, ctx.get()));
  return Sm2PublicKey::FromUncompressed(ByteView(bytes, sizeof bytes));
}

}  // namespace

Result<Sm2PrivateKey> Sm2PrivateKey::FromScalar(ByteView d) {
  if (d.size() != kSm2ScalarSize) return InvalidArgument("SM2 private key must be 32 bytes");
  SEDUN_ASSIGN_OR_RETURN(BnPtr bn, ossl::BnFromBytes(d));
  BN_set_flags(bn.get(), BN_FLG_CONSTTIME);
  SEDUN_RETURN_IF_ERROR(CheckScalarRange(bn.get()));
  SEDUN_ASSIGN_OR_RETURN(Sm2PublicKey pub, DerivePublic(bn.get()));
  return Sm2PrivateKey(SecretBytes(d), pub);
}

Result<Sm2PrivateKey> Sm2PrivateKey::Generate(Rng& rng) {
  // Rejection sampling: a 256-bit candidate outside [1, n-2] is discarded. n is close to 2^256,
  // so the expected number of draws is about 1; the cap only guards against a broken RNG.
  for (int attempt = 0; attempt < 64; ++attempt) {
    SEDUN_ASSIGN_OR_RETURN(SecretBytes d, RandomSecret(rng, kSm2ScalarSize));
    auto key = FromScalar(d.view());
    if (key.ok()) return key;
    if (key.status().code() != Code::kInvalidArgument) return key.status();
  }
  return CryptoError("SM2 key generation: random source produced no valid scalar");
}

}  // namespace sedun::crypto
