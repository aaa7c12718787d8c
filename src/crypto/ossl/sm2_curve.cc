// sm2p256v1 group access and conversions.
#include "crypto/ossl/sm2_curve.h"

#include <cstdlib>

#include <openssl/obj_mac.h>

namespace sedun::crypto::ossl {

const EC_GROUP* Sm2Group() {
  static const EC_GROUP* group = [] {
    EC_GROUP* g = EC_GROUP_new_by_curve_name(NID_sm2);
    if (g == nullptr) std::abort();  // OpenSSL built without SM2: nothing in sedun can work
    return g;
  }();
  return group;
}

const BIGNUM* Sm2Order() { return EC_GROUP_get0_order(Sm2Group()); }

Result<BnPtr> BnFromBytes(ByteView bytes) {
  if (bytes.size() > 0x7fffffff) return InvalidArgument("integer too long");
  BnPtr bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  if (!bn) return OsslError("BN_bin2bn failed");
  return bn;
}

Status BnToFixed(const BIGNUM* bn, uint8_t* out, size_t len) {
  if (BN_is_negative(bn) || static_cast<size_t>(BN_num_bytes(bn)) > len) {
    return Internal("integer does not fit its fixed-size field");
  }
  if (BN_bn2binpad(bn, out, static_cast<int>(len)) != static_cast<int>(len)) {
    return OsslError("BN_bn2binpad failed");
  }
  return Status::Ok();
}

Result<EcPointPtr> PointFromBytes(ByteView point, BN_CTX* ctx) {
  if (point.size() != 65 || point[0] != 0x04) {
    return Malformed("SM2 public key must be a 65-byte uncompressed point (04 || x || y)");
  }
  EcPointPtr p(EC_POINT_new(Sm2Group()));
  if (!p) return OsslError("EC_POINT_new failed");
  // oct2point checks that the point is on the curve.
  if (EC_POINT_oct2point(Sm2Group(), p.get(), point.data(), point.size(), ctx) != 1) {
    ClearErrors();
    return Malformed("SM2 public key is not a point on sm2p256v1");
  }
  if (EC_POINT_is_at_infinity(Sm2Group(), p.get())) return Malformed("SM2 public key is the point at infinity");
  return p;
}

Status PointToBytes(const EC_POINT* p, uint8_t out[65], BN_CTX* ctx) {
  if (EC_POINT_point2oct(Sm2Group(), p, POINT_CONVERSION_UNCOMPRESSED, out, 65, ctx) != 65) {
    return OsslError("EC_POINT_point2oct failed");
  }
  return Status::Ok();
}

}  // namespace sedun::crypto::ossl
