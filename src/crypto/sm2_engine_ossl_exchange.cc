// The elliptic-curve steps of SM2 key exchange on OpenSSL EC/BN primitives
// (GB/T 32918.3-2016 §6.1). The protocol around them (ZA/ZB, KDF, confirmation hashes) is in
// sm2_exchange.cc.
#include "crypto/ossl/sm2_curve.h"
#include "crypto/sm2_engine_ossl.h"
#include "crypto/sm2_engine_ossl_util.h"

namespace sedun::crypto::sm2_ossl {

using ossl::BnCtxPtr;
using ossl::BnPtr;
using ossl::EcPointPtr;

Result<Sm2EphemeralKey> GenerateEphemeral(const EC_GROUP* group, Rng& rng) {
  SEDUN_RETURN_IF_ERROR(CheckGroup(group));
  BnCtxPtr ctx(BN_CTX_new());
  EcPointPtr big_r(EC_POINT_new(group));
  if (!ctx || !big_r) return ossl::OsslError("allocation failed");
  // A1: r in [1, n-1]; A2: R = [r]G.
  SEDUN_ASSIGN_OR_RETURN(BnPtr r, RandomScalar(group, rng));
  if (EC_POINT_mul(group, big_r.get(), r.get(), nullptr, nullptr, ctx.get()) != 1) {
    return ossl::OsslError("EC_POINT_mul failed");
  }
  Sm2EphemeralKey out;
  out.scalar = SecretBytes(32);
  SEDUN_RETURN_IF_ERROR(ossl::BnToFixed(r.get(), out.scalar.data(), out.scalar.size()));
  SEDUN_RETURN_IF_ERROR(PointToBytes(group, big_r.get(), out.point, ctx.get()));
  return out;
}

std::array<uint8_t, 32> ExchangeXBar(ByteView x) {
  // w = ⌈⌈log2 n⌉/2⌉ - 1 = 127 for a 256-bit n: keep the low 127 bits of x and set bit 127.
  std::array<uint8_t, 32> out{};
  for (size_t i = 16; i < 32 && i < x.size(); ++i) out[i] = x[i];
  out[16] |= 0x80;
  return out;
}

Result<SecretBytes> ExchangeSharedPoint(const EC_GROUP* group, ByteView d_bytes,
                                        const Sm2EphemeralKey& own_ephemeral, ByteView peer_static,
                                        ByteView peer_ephemeral, std::array<uint8_t, 32>* out_t) {
  SEDUN_RETURN_IF_ERROR(CheckGroup(group));
  BnCtxPtr ctx(BN_CTX_new());
  if (!ctx) return ossl::OsslError("BN_CTX_new failed");
  const BIGNUM* n = EC_GROUP_get0_order(group);
  SEDUN_ASSIGN_OR_RETURN(BnPtr d, PrivateScalar(group, d_bytes));
  if (own_ephemeral.scalar.size() != 32) return InvalidArgument("SM2 exchange: ephemeral scalar must be 32 bytes");
  SEDUN_ASSIGN_OR_RETURN(BnPtr r, SecretBn(own_ephemeral.scalar.view()));
  if (BN_is_zero(r.get()) || BN_cmp(r.get(), n) >= 0) {
    return InvalidArgument("SM2 exchange: ephemeral scalar out of range");
  }
  SEDUN_ASSIGN_OR_RETURN(EcPointPtr p_peer, PointFromBytes(group, peer_static, ctx.get()));
  // A6 / B5: the peer's R must satisfy the curve equation.
  SEDUN_ASSIGN_OR_RETURN(EcPointPtr r_peer, PointFromBytes(group, peer_ephemeral, ctx.get()));

  // A4: x̄1 from the own R; A5: t = (d + x̄1·r) mod n.
  const std::array<uint8_t, 32> own_xbar = ExchangeXBar(ByteView(own_ephemeral.point).subspan(1, 32));
  SEDUN_ASSIGN_OR_RETURN(BnPtr xbar1, ossl::BnFromBytes(own_xbar));
  BnPtr t(BN_new());
  BnPtr xr(BN_new());
  if (!t || !xr) return ossl::OsslError("BN_new failed");
  BN_set_flags(t.get(), BN_FLG_CONSTTIME);
  BN_set_flags(xr.get(), BN_FLG_CONSTTIME);
  if (BN_mod_mul(xr.get(), xbar1.get(), r.get(), n, ctx.get()) != 1 ||
      BN_mod_add(t.get(), d.get(), xr.get(), n, ctx.get()) != 1) {
    return ossl::OsslError("BN arithmetic failed");
  }
  if (out_t != nullptr) SEDUN_RETURN_IF_ERROR(ossl::BnToFixed(t.get(), out_t->data(), out_t->size()));

  // A6: x̄2 from the peer's R; A7: U = [h·t](P_peer + [x̄2]R_peer).
  const std::array<uint8_t, 32> peer_xbar = ExchangeXBar(peer_ephemeral.subspan(1, 32));
  SEDUN_ASSIGN_OR_RETURN(BnPtr xbar2, ossl::BnFromBytes(peer_xbar));
  EcPointPtr q(EC_POINT_new(group));
  EcPointPtr u(EC_POINT_new(group));
  BnPtr ht(BN_new());
  if (!q || !u || !ht) return ossl::OsslError("allocation failed");
  BN_set_flags(ht.get(), BN_FLG_CONSTTIME);
  if (EC_POINT_mul(group, q.get(), nullptr, r_peer.get(), xbar2.get(), ctx.get()) != 1 ||
      EC_POINT_add(group, q.get(), q.get(), p_peer.get(), ctx.get()) != 1 ||
      BN_mul(ht.get(), EC_GROUP_get0_cofactor(group), t.get(), ctx.get()) != 1 ||
      EC_POINT_mul(group, u.get(), nullptr, q.get(), ht.get(), ctx.get()) != 1) {
    return ossl::OsslError("SM2 exchange: point arithmetic failed");
  }
  // A7 / B6: U = O means the exchange failed.
  if (EC_POINT_is_at_infinity(group, u.get()) == 1) return VerifyFailed("SM2 key exchange failed");
  return PointCoordinates(group, u.get(), ctx.get());
}

}  // namespace sedun::crypto::sm2_ossl
