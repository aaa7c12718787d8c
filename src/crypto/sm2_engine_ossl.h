// The OpenSSL-based SM2 engine, and the curve-parametrised primitives it is built from.
//
// The primitives take an EC_GROUP and raw big-endian bytes rather than sm2_key.h objects so that
// the same code runs the worked examples of GB/T 32918.2/.3/.4 Annex A, which use the Fp-256
// test curve rather than sm2p256v1; OsslSm2Engine calls them with ossl::Sm2Group(). Only
// 256-bit groups (32-byte field elements and order) are accepted, since every SM2 wire format
// fixes 32-byte coordinates. Secret scalars live in BIGNUMs flagged BN_FLG_CONSTTIME and are
// cleared on release; scalar multiplication by a single scalar runs OpenSSL's Montgomery ladder.
// Internal to crypto/: the public API is sm2.h and sm2_exchange.h.
// Thread-safety: stateless; the group must not be modified while in use.
#pragma once

#include <array>
#include <cstdint>

#include <openssl/ec.h>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "crypto/rng.h"
#include "crypto/sm2_engine.h"

namespace sedun::crypto {

// The OpenSSL EC/BN implementation of Sm2Engine on sm2p256v1.
class OsslSm2Engine final : public Sm2Engine {
 public:
  std::string_view name() const override { return "openssl"; }
  Result<Sm2Signature> SignDigest(const Sm2PrivateKey& key, ByteView e, Rng& rng) const override;
  Status VerifyDigest(const Sm2PublicKey& key, ByteView e, const Sm2Signature& sig) const override;
  Result<Sm2CipherParts> Encrypt(const Sm2PublicKey& key, ByteView msg, Rng& rng) const override;
  Result<SecretBytes> Decrypt(const Sm2PrivateKey& key, const Sm2CipherParts& ct) const override;
  Result<Sm2EphemeralKey> GenerateEphemeral(Rng& rng) const override;
  Result<SecretBytes> ExchangeSharedPoint(const Sm2PrivateKey& own, const Sm2EphemeralKey& own_ephemeral,
                                          const Sm2PublicKey& peer, ByteView peer_point) const override;
};

namespace sm2_ossl {

// `d` is a 32-byte scalar in [1, n-2]; `point` a 65-byte uncompressed point on `group`.
// `e` may be any length from 1 to 64 bytes (interpreted as a big-endian integer, as OpenSSL's
// EVP_PKEY_sign/verify do), so that the OpenSSL EVP vectors over SHA-512 digests can be checked.
Result<Sm2Signature> SignDigest(const EC_GROUP* group, ByteView d, ByteView e, Rng& rng);
Status VerifyDigest(const EC_GROUP* group, ByteView point, ByteView e, const Sm2Signature& sig);

Result<Sm2CipherParts> Encrypt(const EC_GROUP* group, ByteView point, ByteView msg, Rng& rng);
Result<SecretBytes> Decrypt(const EC_GROUP* group, ByteView d, const Sm2CipherParts& ct);

Result<Sm2EphemeralKey> GenerateEphemeral(const EC_GROUP* group, Rng& rng);

// x̄ = 2^w + (x mod 2^w), w = 127 (GB/T 32918.3 §6.1 A4), as 32 bytes big-endian.
std::array<uint8_t, 32> ExchangeXBar(ByteView x);

// See Sm2Engine::ExchangeSharedPoint. `d` is the own static scalar, `peer_static` and
// `peer_ephemeral` the peer's 65-byte points; `out_t` (optional) receives t for the known-answer
// tests.
Result<SecretBytes> ExchangeSharedPoint(const EC_GROUP* group, ByteView d,
                                        const Sm2EphemeralKey& own_ephemeral, ByteView peer_static,
                                        ByteView peer_ephemeral, std::array<uint8_t, 32>* out_t = nullptr);

// a || b || xG || yG of `group`, for ZA (sm2_za.h ComputeZaWithCurve).
Result<Bytes> CurveZaParams(const EC_GROUP* group);

}  // namespace sm2_ossl
}  // namespace sedun::crypto
