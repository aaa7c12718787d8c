// SM2 user identity digest ZA and message representative e (GM/T 0009-2012 §8 "pre-processing 1
// and 2"; GB/T 32918.2-2016 §5.5 and §6.1 A1-A2).
//
//   ZA = SM3(ENTL || ID || a || b || xG || yG || xA || yA)   ENTL = bit length of ID, 2 bytes BE
//   e  = SM3(ZA || M)
//
// ZA binds a signature to the signer's identity and key, so the same ID must be used to sign and
// to verify. ENTL is two bytes of *bits*, so an ID of 8192 bytes or more cannot be encoded and is
// rejected rather than silently wrapped. Sm2Digest computes e over a message fed in chunks, for
// signing files or streams without holding them in memory.
// Thread-safety: Sm2Digest objects are not shared; the free functions are safe from any thread.
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sm2_key.h"
#include "crypto/sm3.h"

namespace sedun::crypto {

// GM/T 0009-2012 §10: the user ID when none has been agreed, ASCII "1234567812345678".
inline constexpr std::array<uint8_t, 16> kSm2DefaultId = {'1', '2', '3', '4', '5', '6', '7', '8',
                                                          '1', '2', '3', '4', '5', '6', '7', '8'};
// The largest ID whose bit length fits ENTL's 16 bits.
inline constexpr size_t kSm2MaxIdSize = 8191;

// Sm2ComputeZa returns ZA for `id` and `key` on sm2p256v1.
Result<Sm3Digest> Sm2ComputeZa(const Sm2PublicKey& key, ByteView id = kSm2DefaultId);

// Sm2ComputeE returns e = SM3(ZA || msg) in one call.
Result<Sm3Digest> Sm2ComputeE(const Sm2PublicKey& key, ByteView msg, ByteView id = kSm2DefaultId);

// Sm2Digest: streaming e = SM3(ZA || M).
class Sm2Digest {
 public:
  // Computes ZA and starts the message hash.
  static Result<Sm2Digest> Create(const Sm2PublicKey& key, ByteView id = kSm2DefaultId);

  Status Update(ByteView chunk);
  // e for everything passed to Update; the object cannot be reused afterwards.
  Result<Sm3Digest> Final();

 private:
  explicit Sm2Digest(Sm3 sm3) : sm3_(std::move(sm3)) {}
  Sm3 sm3_;
  bool finished_ = false;
};

namespace sm2_internal {

// ZA over explicit domain parameters, for the GB/T 32918 Annex A examples on the Fp-256 test
// curve. `curve_params` is a || b || xG || yG and `x`, `y` the public key coordinates, each field
// 32 bytes.
Result<Sm3Digest> ComputeZaWithCurve(ByteView curve_params, ByteView id, ByteView x, ByteView y);

// a || b || xG || yG of sm2p256v1 (GB/T 32918.5 §3), 128 bytes.
ByteView Sm2p256v1ZaParams();

}  // namespace sm2_internal
}  // namespace sedun::crypto
