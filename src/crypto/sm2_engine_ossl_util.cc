// Shared helpers of the OpenSSL SM2 engine.
#include "crypto/sm2_engine_ossl_util.h"

#include "crypto/ossl/sm2_curve.h"

namespace sedun::crypto::sm2_ossl {

using ossl::BnCtxPtr;
using ossl::BnPtr;
using ossl::EcPointPtr;

Status CheckGroup(const EC_GROUP* group) {
  if (group == nullptr) return InvalidArgument("SM2: no curve");
  if (EC_GROUP_get_degree(group) != 256 || BN_num_bits(EC_GROUP_get0_order(group)) != 256) {
    return InvalidArgument("SM2: only 256-bit curves are supported");
  }
  return Status::Ok();
}

Result<BnPtr> SecretBn(ByteView bytes) {
  SEDUN_ASSIGN_OR_RETURN(BnPtr bn, ossl::BnFromBytes(bytes));
  BN_set_flags(bn.get(), BN_FLG_CONSTTIME);
  return bn;
}

Result<BnPtr> PrivateScalar(const EC_GROUP* group, ByteView d) {
  if (d.size() != 32) return InvalidArgument("SM2 private key must be 32 bytes");
  SEDUN_ASSIGN_OR_RETURN(BnPtr bn, SecretBn(d));
  BnPtr limit(BN_dup(EC_GROUP_get0_order(group)));
  if (!limit || BN_sub_word(limit.get(), 2) != 1) return ossl::OsslError("BN arithmetic failed");
  if (BN_is_zero(bn.get()) || BN_cmp(bn.get(), limit.get()) > 0) {
    return InvalidArgument("SM2 private key is outside [1, n-2]");
  }
  return bn;
}

Result<BnPtr> RandomScalar(const EC_GROUP* group, Rng& rng) {
  const BIGNUM* n = EC_GROUP_get0_order(group);
  const int bits = BN_num_bits(n);
  const size_t len = static_cast<size_t>(BN_num_bytes(n));
  const int excess = static_cast<int>(len * 8) - bits;
  const uint8_t top_mask = static_cast<uint8_t>(0xff >> excess);
  // Each draw succeeds with probability > 1/2 after masking; 64 failures mean a broken source.
  for (int attempt = 0; attempt < 64; ++attempt) {
    SEDUN_ASSIGN_OR_RETURN(SecretBytes buf, RandomSecret(rng, len));
    buf[0] &= top_mask;
    SEDUN_ASSIGN_OR_RETURN(BnPtr k, SecretBn(buf.view()));
    if (!BN_is_zero(k.get()) && BN_cmp(k.get(), n) < 0) return k;
  }
  return CryptoError("SM2: random source produced no scalar in [1, n-1]");
}

Result<EcPointPtr> PointFromBytes(const EC_GROUP* group, ByteView point, BN_CTX* ctx) {
  if (point.size() != 65 || point[0] != 0x04) {
    return Malformed("SM2 point must be 65 bytes, uncompressed (04 || x || y)");
  }
  EcPointPtr p(EC_POINT_new(group));
  if (!p) return ossl::OsslError("EC_POINT_new failed");
  // oct2point rejects coordinates >= p and points off the curve.
  if (EC_POINT_oct2point(group, p.get(), point.data(), point.size(), ctx) != 1) {
    ossl::ClearErrors();
    return Malformed("SM2 point is not on the curve");
  }
  if (EC_POINT_is_at_infinity(group, p.get()) == 1) return Malformed("SM2 point is the point at infinity");
  return p;
}

Status PointToBytes(const EC_GROUP* group, const EC_POINT* p, std::span<uint8_t, 65> out, BN_CTX* ctx) {
  if (EC_POINT_point2oct(group, p, POINT_CONVERSION_UNCOMPRESSED, out.data(), out.size(), ctx) != out.size()) {
    return ossl::OsslError("EC_POINT_point2oct failed");
  }
  return Status::Ok();
}

Result<SecretBytes> PointCoordinates(const EC_GROUP* group, const EC_POINT* p, BN_CTX* ctx) {
  BnPtr x(BN_new());
  BnPtr y(BN_new());
  if (!x || !y) return ossl::OsslError("BN_new failed");
  if (EC_POINT_get_affine_coordinates(group, p, x.get(), y.get(), ctx) != 1) {
    return ossl::OsslError("EC_POINT_get_affine_coordinates failed");
  }
  SecretBytes out(64);
  SEDUN_RETURN_IF_ERROR(ossl::BnToFixed(x.get(), out.data(), 32));
  SEDUN_RETURN_IF_ERROR(ossl::BnToFixed(y.get(), out.data() + 32, 32));
  return out;
}

Status CheckCofactorMultiple(const EC_GROUP* group, const EC_POINT* p, BN_CTX* ctx) {
  const BIGNUM* h = EC_GROUP_get0_cofactor(group);
  if (h == nullptr) return ossl::OsslError("curve has no cofactor");
  if (BN_is_one(h)) return Status::Ok();  // p is finite already, so [1]p is too
  EcPointPtr s(EC_POINT_new(group));
  if (!s || EC_POINT_mul(group, s.get(), nullptr, p, h, ctx) != 1) return ossl::OsslError("EC_POINT_mul failed");
  if (EC_POINT_is_at_infinity(group, s.get()) == 1) return Malformed("SM2 point has small order");
  return Status::Ok();
}

}  // namespace sedun::crypto::sm2_ossl
