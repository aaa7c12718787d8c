// EVP_PKEY conversion for SM2 keys.
#include "pki/ossl_key.h"

#include <openssl/core_names.h>

#include <array>
#include <string>

#include "crypto/ossl/sm2_curve.h"
#include "pki/asn1_util.h"

namespace sedun::pki {

using crypto::Sm2PrivateKey;
using crypto::Sm2PublicKey;
using crypto::ossl::BnPtr;
using crypto::ossl::EvpPkeyCtxPtr;
using crypto::ossl::EvpPkeyPtr;

namespace {

Status CheckSm2(const EVP_PKEY* pkey) {
  if (pkey == nullptr) return InvalidArgument("no key");
  const char* type = EVP_PKEY_get0_type_name(pkey);
  const std::string type_name = type != nullptr ? type : "unknown";
  if (!EVP_PKEY_is_a(pkey, "SM2") && !EVP_PKEY_is_a(pkey, "EC")) {
    return Unsupported("not an SM2 key (key type " + type_name + ")");
  }
  std::array<char, 80> group{};
  size_t len = 0;
  if (EVP_PKEY_get_group_name(pkey, group.data(), group.size(), &len) != 1) {
    ClearErrors();
    // RFC 5480 2.1.1: PKIX uses namedCurve. OpenSSL names explicit parameters that equal a
    // known curve; parameters it cannot name are refused.
    return Unsupported("EC key on an unnamed curve (explicit parameters that are not sm2p256v1)");
  }
  std::string_view name(group.data(), len);
  if (name != "SM2") return Unsupported("not an SM2 key (curve " + std::string(name) + ")");
  return Status::Ok();
}

Result<Sm2PublicKey> PublicFromParams(const EVP_PKEY* pkey) {
  BIGNUM* x = nullptr;
  BIGNUM* y = nullptr;
  const bool got = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
                   EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1;
  BnPtr xp(x), yp(y);
  if (!got) return OsslError("SM2 key has no public point", Code::kMalformed);
  std::array<uint8_t, 32> xb{}, yb{};
  if (!crypto::ossl::BnToFixed(xp.get(), xb.data(), xb.size()).ok() ||
      !crypto::ossl::BnToFixed(yp.get(), yb.data(), yb.size()).ok()) {
    return Malformed("SM2 public point coordinates out of range");
  }
  auto key = Sm2PublicKey::FromCoordinates(xb, yb);
  if (!key.ok()) return Malformed("SM2 public key: " + key.status().message());
  return key;
}

}  // namespace

Result<EvpPkeyPtr> ToEvpPkey(const Sm2PublicKey& key) {
  OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, key.point().data(),
                                       key.point().size()) != 1) {
    return OsslError("building SM2 public key parameters failed");
  }
  OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return OsslError("EVP_PKEY_fromdata (SM2 public key) failed");
  }
  return EvpPkeyPtr(pkey);
}

Result<EvpPkeyPtr> ToEvpPkey(const Sm2PrivateKey& key) {
  // BN_secure_new: OSSL_PARAM_BLD copies a BN flagged secure into memory that OSSL_PARAM_free
  // clears, so the scalar is not left behind in the parameter block.
  BnPtr d(BN_secure_new());
  if (!d || BN_bin2bn(key.scalar().data(), static_cast<int>(key.scalar().size()), d.get()) == nullptr) {
    return OsslError("BN_bin2bn failed");
  }
  const auto& pub = key.public_key().point();
  OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub.data(), pub.size()) != 1) {
    return OsslError("building SM2 key parameters failed");
  }
  OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "SM2", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_KEYPAIR, params.get()) != 1) {
    return OsslError("EVP_PKEY_fromdata (SM2 key pair) failed");
  }
  return EvpPkeyPtr(pkey);
}

Result<Sm2PrivateKey> Sm2PrivateKeyFromEvp(const EVP_PKEY* pkey) {
  SEDUN_RETURN_IF_ERROR(CheckSm2(pkey));
  BIGNUM* d = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1) {
    return OsslError("SM2 key has no private part", Code::kInvalidArgument);
  }
  BnPtr dp(d);
  SecretBytes scalar(crypto::kSm2ScalarSize);
  if (!crypto::ossl::BnToFixed(dp.get(), scalar.data(), scalar.size()).ok()) {
    return Malformed("SM2 private key is larger than 256 bits");
  }
  auto key = Sm2PrivateKey::FromScalar(scalar.view());
  if (!key.ok()) return Malformed("SM2 private key: " + key.status().message());
  // A key file carries the public point next to the scalar; a mismatch means corruption or a
  // forged file, and using it would make signatures that do not verify under the published key.
  auto stored = PublicFromParams(pkey);
  if (!stored.ok()) {
    ClearErrors();
  } else if (!(*stored == key->public_key())) {
    return Malformed("SM2 private key: stored public key does not match the private scalar");
  }
  return key;
}

Result<Sm2PublicKey> Sm2PublicKeyFromEvp(const EVP_PKEY* pkey) {
  SEDUN_RETURN_IF_ERROR(CheckSm2(pkey));
  return PublicFromParams(pkey);
}

}  // namespace sedun::pki
