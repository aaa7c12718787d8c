// SM2 public-key encryption on OpenSSL EC/BN primitives (GB/T 32918.4-2016 §6, §7).
#include <openssl/crypto.h>

#include "crypto/kdf.h"
#include "crypto/ossl/sm2_curve.h"
#include "crypto/sm2_engine_ossl.h"
#include "crypto/sm2_engine_ossl_util.h"
#include "crypto/sm3.h"

namespace sedun::crypto::sm2_ossl {

using ossl::BnCtxPtr;
using ossl::BnPtr;
using ossl::EcPointPtr;

namespace {

// §6.1 A5 / §7.1 B4: an all-zero keystream would leave M in clear. The scan reads every byte so
// its time does not depend on where a non-zero byte sits.
bool AllZero(ByteView t) {
  uint8_t acc = 0;
  for (uint8_t b : t) acc |= b;
  return acc == 0;
}

// C3 = SM3(x2 || M || y2) from the 64-byte x2 || y2.
Result<Sm3Digest> HashC3(ByteView x2y2, ByteView msg) {
  SEDUN_ASSIGN_OR_RETURN(Sm3 h, Sm3::Create());
  SEDUN_RETURN_IF_ERROR(h.Update(x2y2.first(32)));
  SEDUN_RETURN_IF_ERROR(h.Update(msg));
  SEDUN_RETURN_IF_ERROR(h.Update(x2y2.subspan(32)));
  return h.Final();
}

}  // namespace

Result<Sm2CipherParts> Encrypt(const EC_GROUP* group, ByteView point, ByteView msg, Rng& rng) {
  SEDUN_RETURN_IF_ERROR(CheckGroup(group));
  // klen > 0 throughout §6.1; an empty message has no ciphertext to protect.
  if (msg.empty()) return InvalidArgument("SM2 encryption: message is empty");
  if (msg.size() > kSm2KdfMaxBytes) return InvalidArgument("SM2 encryption: message too long");
  BnCtxPtr ctx(BN_CTX_new());
  if (!ctx) return ossl::OsslError("BN_CTX_new failed");
  SEDUN_ASSIGN_OR_RETURN(EcPointPtr pb, PointFromBytes(group, point, ctx.get()));
  // A3: S = [h]PB must not be infinity.
  SEDUN_RETURN_IF_ERROR(CheckCofactorMultiple(group, pb.get(), ctx.get()));

  EcPointPtr c1(EC_POINT_new(group));
  EcPointPtr shared(EC_POINT_new(group));
  if (!c1 || !shared) return ossl::OsslError("EC_POINT_new failed");
  // A1-A5 repeat while t is all zero, which for a sound KDF never happens in practice.
  for (int attempt = 0; attempt < 16; ++attempt) {
    // A1: k in [1, n-1].
    SEDUN_ASSIGN_OR_RETURN(BnPtr k, RandomScalar(group, rng));
    // A2: C1 = [k]G; A4: (x2, y2) = [k]PB. Single-scalar multiplications run OpenSSL's ladder.
    if (EC_POINT_mul(group, c1.get(), k.get(), nullptr, nullptr, ctx.get()) != 1 ||
        EC_POINT_mul(group, shared.get(), nullptr, pb.get(), k.get(), ctx.get()) != 1) {
      return ossl::OsslError("EC_POINT_mul failed");
    }
    SEDUN_ASSIGN_OR_RETURN(SecretBytes x2y2, PointCoordinates(group, shared.get(), ctx.get()));
    // A5: t = KDF(x2 || y2, klen).
    SEDUN_ASSIGN_OR_RETURN(SecretBytes t, Sm2Kdf(x2y2.view(), msg.size()));
    if (AllZero(t.view())) continue;
    Sm2CipherParts out;
    SEDUN_RETURN_IF_ERROR(PointToBytes(group, c1.get(), out.c1, ctx.get()));
    // A6: C2 = M xor t.
    out.c2.resize(msg.size());
    for (size_t i = 0; i < msg.size(); ++i) out.c2[i] = static_cast<uint8_t>(msg[i] ^ t[i]);
    // A7: C3 = Hash(x2 || M || y2).
    SEDUN_ASSIGN_OR_RETURN(out.c3, HashC3(x2y2.view(), msg));
    return out;
  }
  return CryptoError("SM2 encryption: KDF output stayed all zero");
}

Result<SecretBytes> Decrypt(const EC_GROUP* group, ByteView d_bytes, const Sm2CipherParts& ct) {
  SEDUN_RETURN_IF_ERROR(CheckGroup(group));
  if (ct.c2.empty()) return Malformed("SM2 ciphertext: C2 is empty");
  if (ct.c2.size() > kSm2KdfMaxBytes) return InvalidArgument("SM2 ciphertext too long");
  BnCtxPtr ctx(BN_CTX_new());
  if (!ctx) return ossl::OsslError("BN_CTX_new failed");
  SEDUN_ASSIGN_OR_RETURN(BnPtr d, PrivateScalar(group, d_bytes));
  // B1: C1 must be a point on the curve; B2: [h]C1 must not be infinity.
  SEDUN_ASSIGN_OR_RETURN(EcPointPtr c1, PointFromBytes(group, ct.c1, ctx.get()));
  SEDUN_RETURN_IF_ERROR(CheckCofactorMultiple(group, c1.get(), ctx.get()));
  // B3: (x2, y2) = [dB]C1.
  EcPointPtr shared(EC_POINT_new(group));
  if (!shared || EC_POINT_mul(group, shared.get(), nullptr, c1.get(), d.get(), ctx.get()) != 1) {
    return ossl::OsslError("EC_POINT_mul failed");
  }
  SEDUN_ASSIGN_OR_RETURN(SecretBytes x2y2, PointCoordinates(group, shared.get(), ctx.get()));
  // B4: t = KDF(x2 || y2, klen); all zero is an error.
  SEDUN_ASSIGN_OR_RETURN(SecretBytes t, Sm2Kdf(x2y2.view(), ct.c2.size()));
  if (AllZero(t.view())) return VerifyFailed("SM2 decryption failed");
  // B5: M' = C2 xor t.
  SecretBytes m(ct.c2.size());
  for (size_t i = 0; i < m.size(); ++i) m[i] = static_cast<uint8_t>(ct.c2[i] ^ t[i]);
  // B6: u = Hash(x2 || M' || y2) must equal C3; compared in constant time, and M' (wiped by its
  // destructor) is released only on a match.
  SEDUN_ASSIGN_OR_RETURN(Sm3Digest u, HashC3(x2y2.view(), m.view()));
  if (CRYPTO_memcmp(u.data(), ct.c3.data(), u.size()) != 0) return VerifyFailed("SM2 decryption failed");
  // B7: M'.
  return m;
}

}  // namespace sedun::crypto::sm2_ossl
