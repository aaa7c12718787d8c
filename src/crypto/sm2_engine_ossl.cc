// SM2 signature on OpenSSL EC/BN primitives (GB/T 32918.2-2016), and the engine object.
#include "crypto/sm2_engine_ossl.h"

#include "crypto/ossl/sm2_curve.h"
#include "crypto/sm2_engine_ossl_util.h"

namespace sedun::crypto {
namespace sm2_ossl {

using ossl::BnCtxPtr;
using ossl::BnPtr;
using ossl::EcPointPtr;

namespace {

Status CheckDigestSize(ByteView e) {
  if (e.empty() || e.size() > 64) return InvalidArgument("SM2: digest e must be 1 to 64 bytes");
  return Status::Ok();
}

// (1 + d)^-1 mod n. n is prime, so this is (1 + d)^(n-2) by Fermat's little theorem, computed
// with OpenSSL's constant-time Montgomery exponentiation: the operand is secret.
Result<BnPtr> InverseOnePlusD(const BIGNUM* d, const BIGNUM* n, BN_CTX* ctx) {
  BnPtr base(BN_dup(d));
  BnPtr exponent(BN_dup(n));
  BnPtr out(BN_new());
  if (!base || !exponent || !out) return ossl::OsslError("BN allocation failed");
  BN_set_flags(base.get(), BN_FLG_CONSTTIME);
  BN_set_flags(out.get(), BN_FLG_CONSTTIME);
  if (BN_add_word(base.get(), 1) != 1 || BN_sub_word(exponent.get(), 2) != 1) {
    return ossl::OsslError("BN arithmetic failed");
  }
  BN_MONT_CTX* mont = BN_MONT_CTX_new();
  if (mont == nullptr) return ossl::OsslError("BN_MONT_CTX_new failed");
  const bool ok = BN_MONT_CTX_set(mont, n, ctx) == 1 &&
                  BN_mod_exp_mont_consttime(out.get(), base.get(), exponent.get(), n, ctx, mont) == 1;
  BN_MONT_CTX_free(mont);
  if (!ok) return ossl::OsslError("BN_mod_exp_mont_consttime failed");
  return out;
}

// x coordinate of a finite point.
Status AffineX(const EC_GROUP* group, const EC_POINT* p, BIGNUM* x, BN_CTX* ctx) {
  if (EC_POINT_get_affine_coordinates(group, p, x, nullptr, ctx) != 1) {
    return ossl::OsslError("EC_POINT_get_affine_coordinates failed");
  }
  return Status::Ok();
}

}  // namespace

Result<Sm2Signature> SignDigest(const EC_GROUP* group, ByteView d_bytes, ByteView e_bytes, Rng& rng) {
  SEDUN_RETURN_IF_ERROR(CheckGroup(group));
  SEDUN_RETURN_IF_ERROR(CheckDigestSize(e_bytes));
  BnCtxPtr ctx(BN_CTX_new());
  if (!ctx) return ossl::OsslError("BN_CTX_new failed");
  const BIGNUM* n = EC_GROUP_get0_order(group);
  SEDUN_ASSIGN_OR_RETURN(BnPtr d, PrivateScalar(group, d_bytes));
  SEDUN_ASSIGN_OR_RETURN(BnPtr e, ossl::BnFromBytes(e_bytes));
  SEDUN_ASSIGN_OR_RETURN(BnPtr inv, InverseOnePlusD(d.get(), n, ctx.get()));

  EcPointPtr kg(EC_POINT_new(group));
  BnPtr x1(BN_new());
  BnPtr r(BN_new());
  BnPtr rk(BN_new());
  BnPtr rd(BN_new());
  BnPtr k_minus_rd(BN_new());
  BnPtr s(BN_new());
  if (!kg || !x1 || !r || !rk || !rd || !k_minus_rd || !s) return ossl::OsslError("allocation failed");
  BN_set_flags(rd.get(), BN_FLG_CONSTTIME);
  BN_set_flags(k_minus_rd.get(), BN_FLG_CONSTTIME);
  BN_set_flags(s.get(), BN_FLG_CONSTTIME);

  // A3-A6 repeat with a fresh k until r != 0, r + k != n and s != 0; each retry has probability
  // about 2^-255, so the bound only matters for a broken random source.
  for (int attempt = 0; attempt < 16; ++attempt) {
    // A3: k in [1, n-1].
    SEDUN_ASSIGN_OR_RETURN(BnPtr k, RandomScalar(group, rng));
    // A4: (x1, y1) = [k]G. A lone generator multiplication runs OpenSSL's Montgomery ladder.
    if (EC_POINT_mul(group, kg.get(), k.get(), nullptr, nullptr, ctx.get()) != 1) {
      return ossl::OsslError("EC_POINT_mul failed");
    }
    SEDUN_RETURN_IF_ERROR(AffineX(group, kg.get(), x1.get(), ctx.get()));
    // A5: r = (e + x1) mod n; back to A3 if r = 0 or r + k = n.
    if (BN_mod_add(r.get(), e.get(), x1.get(), n, ctx.get()) != 1 || BN_add(rk.get(), r.get(), k.get()) != 1) {
      return ossl::OsslError("BN arithmetic failed");
    }
    if (BN_is_zero(r.get()) || BN_cmp(rk.get(), n) == 0) continue;
    // A6: s = ((1 + d)^-1 · (k - r·d)) mod n; back to A3 if s = 0. The modular products follow
    // OpenSSL's own SM2 signer; the inversion above is the constant-time exponentiation.
    if (BN_mod_mul(rd.get(), r.get(), d.get(), n, ctx.get()) != 1 ||
        BN_mod_sub(k_minus_rd.get(), k.get(), rd.get(), n, ctx.get()) != 1 ||
        BN_mod_mul(s.get(), inv.get(), k_minus_rd.get(), n, ctx.get()) != 1) {
      return ossl::OsslError("BN arithmetic failed");
    }
    if (BN_is_zero(s.get())) continue;
    // A7: the signature (r, s), each as 32 bytes.
    Sm2Signature sig;
    SEDUN_RETURN_IF_ERROR(ossl::BnToFixed(r.get(), sig.r.data(), sig.r.size()));
    SEDUN_RETURN_IF_ERROR(ossl::BnToFixed(s.get(), sig.s.data(), sig.s.size()));
    return sig;
  }
  return CryptoError("SM2 signing: no valid signature after repeated nonces");
}

Status VerifyDigest(const EC_GROUP* group, ByteView point, ByteView e_bytes, const Sm2Signature& sig) {
  SEDUN_RETURN_IF_ERROR(CheckGroup(group));
  SEDUN_RETURN_IF_ERROR(CheckDigestSize(e_bytes));
  BnCtxPtr ctx(BN_CTX_new());
  if (!ctx) return ossl::OsslError("BN_CTX_new failed");
  const BIGNUM* n = EC_GROUP_get0_order(group);
  SEDUN_ASSIGN_OR_RETURN(EcPointPtr pub, PointFromBytes(group, point, ctx.get()));
  SEDUN_ASSIGN_OR_RETURN(BnPtr e, ossl::BnFromBytes(e_bytes));
  SEDUN_ASSIGN_OR_RETURN(BnPtr r, ossl::BnFromBytes(sig.r));
  SEDUN_ASSIGN_OR_RETURN(BnPtr s, ossl::BnFromBytes(sig.s));

  // B1, B2: r, s in [1, n-1].
  if (BN_is_zero(r.get()) || BN_cmp(r.get(), n) >= 0 || BN_is_zero(s.get()) || BN_cmp(s.get(), n) >= 0) {
    return VerifyFailed("SM2 signature: r or s out of range");
  }
  // B5: t = (r + s) mod n, fail if t = 0.
  BnPtr t(BN_new());
  if (!t || BN_mod_add(t.get(), r.get(), s.get(), n, ctx.get()) != 1) return ossl::OsslError("BN arithmetic failed");
  if (BN_is_zero(t.get())) return VerifyFailed("SM2 signature: t = 0");
  // B6: (x1', y1') = [s]G + [t]PA.
  EcPointPtr q(EC_POINT_new(group));
  if (!q || EC_POINT_mul(group, q.get(), s.get(), pub.get(), t.get(), ctx.get()) != 1) {
    return ossl::OsslError("EC_POINT_mul failed");
  }
  if (EC_POINT_is_at_infinity(group, q.get()) == 1) return VerifyFailed("SM2 signature does not verify");
  // B7: R = (e' + x1') mod n must equal r.
  BnPtr x1(BN_new());
  BnPtr big_r(BN_new());
  if (!x1 || !big_r) return ossl::OsslError("BN_new failed");
  SEDUN_RETURN_IF_ERROR(AffineX(group, q.get(), x1.get(), ctx.get()));
  if (BN_mod_add(big_r.get(), e.get(), x1.get(), n, ctx.get()) != 1) return ossl::OsslError("BN arithmetic failed");
  if (BN_cmp(big_r.get(), r.get()) != 0) return VerifyFailed("SM2 signature does not verify");
  return Status::Ok();
}

Result<Bytes> CurveZaParams(const EC_GROUP* group) {
  SEDUN_RETURN_IF_ERROR(CheckGroup(group));
  BnCtxPtr ctx(BN_CTX_new());
  BnPtr p(BN_new());
  BnPtr a(BN_new());
  BnPtr b(BN_new());
  BnPtr gx(BN_new());
  BnPtr gy(BN_new());
  if (!ctx || !p || !a || !b || !gx || !gy) return ossl::OsslError("allocation failed");
  const EC_POINT* g = EC_GROUP_get0_generator(group);
  if (g == nullptr || EC_GROUP_get_curve(group, p.get(), a.get(), b.get(), ctx.get()) != 1 ||
      EC_POINT_get_affine_coordinates(group, g, gx.get(), gy.get(), ctx.get()) != 1) {
    return ossl::OsslError("reading curve parameters failed");
  }
  Bytes out(128);
  SEDUN_RETURN_IF_ERROR(ossl::BnToFixed(a.get(), out.data(), 32));
  SEDUN_RETURN_IF_ERROR(ossl::BnToFixed(b.get(), out.data() + 32, 32));
  SEDUN_RETURN_IF_ERROR(ossl::BnToFixed(gx.get(), out.data() + 64, 32));
  SEDUN_RETURN_IF_ERROR(ossl::BnToFixed(gy.get(), out.data() + 96, 32));
  return out;
}

}  // namespace sm2_ossl

namespace {

Status CheckE(ByteView e) {
  if (e.size() != kSm3DigestSize) return InvalidArgument("SM2: e must be a 32-byte SM3 value");
  return Status::Ok();
}

}  // namespace

Result<Sm2Signature> OsslSm2Engine::SignDigest(const Sm2PrivateKey& key, ByteView e, Rng& rng) const {
  SEDUN_RETURN_IF_ERROR(CheckE(e));
  return sm2_ossl::SignDigest(ossl::Sm2Group(), key.scalar().view(), e, rng);
}

Status OsslSm2Engine::VerifyDigest(const Sm2PublicKey& key, ByteView e, const Sm2Signature& sig) const {
  SEDUN_RETURN_IF_ERROR(CheckE(e));
  return sm2_ossl::VerifyDigest(ossl::Sm2Group(), key.point(), e, sig);
}

Result<Sm2CipherParts> OsslSm2Engine::Encrypt(const Sm2PublicKey& key, ByteView msg, Rng& rng) const {
  return sm2_ossl::Encrypt(ossl::Sm2Group(), key.point(), msg, rng);
}

Result<SecretBytes> OsslSm2Engine::Decrypt(const Sm2PrivateKey& key, const Sm2CipherParts& ct) const {
  return sm2_ossl::Decrypt(ossl::Sm2Group(), key.scalar().view(), ct);
}

Result<Sm2EphemeralKey> OsslSm2Engine::GenerateEphemeral(Rng& rng) const {
  return sm2_ossl::GenerateEphemeral(ossl::Sm2Group(), rng);
}

Result<SecretBytes> OsslSm2Engine::ExchangeSharedPoint(const Sm2PrivateKey& own,
                                                       const Sm2EphemeralKey& own_ephemeral,
                                                       const Sm2PublicKey& peer, ByteView peer_point) const {
  return sm2_ossl::ExchangeSharedPoint(ossl::Sm2Group(), own.scalar().view(), own_ephemeral, peer.point(),
                                       peer_point);
}

Sm2Engine& DefaultSm2Engine() {
  static OsslSm2Engine engine;
  return engine;
}

}  // namespace sedun::crypto
