// Sm2Engine: the SM2 arithmetic behind the public SM2 API (sm2.h, sm2_exchange.h).
//
// The public functions handle identities, encodings and formats; everything that touches the
// curve goes through this small interface, so that a faster implementation (a dedicated
// sm2p256v1 field, a hardware module) can be dropped in and compared against the OpenSSL-based
// one by the same tests and benchmarks. Inputs are already validated key objects (sm2_key.h) and
// fixed-size values; engines re-check only what the standard makes part of the algorithm
// (signature ranges, C1 on the curve, the peer's ephemeral point).
// Thread-safety: engines are stateless; every method may be called from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "crypto/rng.h"
#include "crypto/sm2_key.h"
#include "crypto/sm3.h"

namespace sedun::crypto {

// (r, s) as fixed 32-byte big-endian integers (GM/T 0009 §6 integer to octet string).
struct Sm2Signature {
  std::array<uint8_t, kSm2ScalarSize> r{};
  std::array<uint8_t, kSm2ScalarSize> s{};
};

// The three parts of an SM2 ciphertext (GB/T 32918.4 §6.1): C1 = [k]G as 04 || x1 || y1,
// C3 = SM3(x2 || M || y2), C2 = M xor KDF(x2 || y2, klen). How they are laid out on the wire is
// the caller's business (sm2.h Sm2CipherFormat).
struct Sm2CipherParts {
  std::array<uint8_t, kSm2PointSize> c1{};
  Sm3Digest c3{};
  Bytes c2;
};

// An ephemeral key-exchange pair (GB/T 32918.3 §6.1 A1-A2): r in [1, n-1] and R = [r]G.
struct Sm2EphemeralKey {
  SecretBytes scalar;                          // r, 32 bytes
  std::array<uint8_t, kSm2PointSize> point{};  // R, 04 || x || y
};

class Sm2Engine {
 public:
  virtual ~Sm2Engine() = default;

  // A short name for benchmarks and logs ("openssl").
  virtual std::string_view name() const = 0;

  // GB/T 32918.2 §6.1 A3-A7 on a 32-byte e; k comes from `rng` (fixed in known-answer tests).
  virtual Result<Sm2Signature> SignDigest(const Sm2PrivateKey& key, ByteView e, Rng& rng) const = 0;

  // GB/T 32918.2 §7.1 B1-B7 on a 32-byte e. kVerifyFailed when the signature does not verify,
  // including r or s outside [1, n-1] and t = 0.
  virtual Status VerifyDigest(const Sm2PublicKey& key, ByteView e, const Sm2Signature& sig) const = 0;

  // GB/T 32918.4 §6.1 A1-A8. An empty message is kInvalidArgument (the standard needs klen > 0).
  virtual Result<Sm2CipherParts> Encrypt(const Sm2PublicKey& key, ByteView msg, Rng& rng) const = 0;

  // GB/T 32918.4 §7.1 B1-B7. kMalformed when C1 is not a curve point; kVerifyFailed when the key
  // does not match or the ciphertext was altered (all-zero t, C3 mismatch). Nothing of the
  // plaintext is released unless C3 matches.
  virtual Result<SecretBytes> Decrypt(const Sm2PrivateKey& key, const Sm2CipherParts& ct) const = 0;

  // GB/T 32918.3 §6.1 A1-A2 / B1-B2: a fresh ephemeral pair from `rng`.
  virtual Result<Sm2EphemeralKey> GenerateEphemeral(Rng& rng) const = 0;

  // GB/T 32918.3 §6.1 A4-A8 / B3-B7 for either party: t = (d + x̄·r) mod n and the shared point
  // [h·t](P_peer + [x̄_peer]R_peer), returned as x || y (64 bytes). kMalformed when `peer_point`
  // is not a valid point (A6/B5 check); kVerifyFailed when the shared point is infinity.
  virtual Result<SecretBytes> ExchangeSharedPoint(const Sm2PrivateKey& own,
                                                  const Sm2EphemeralKey& own_ephemeral,
                                                  const Sm2PublicKey& peer,
                                                  ByteView peer_point) const = 0;
};

// The engine the public API uses (today the OpenSSL one).
Sm2Engine& DefaultSm2Engine();

}  // namespace sedun::crypto
