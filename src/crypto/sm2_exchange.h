// SM2 key exchange (GB/T 32918.3-2016 = GM/T 0003.3-2012 §6; GM/T 0009-2012 §9.6) between an
// initiator A and a responder B, with the optional key confirmation.
//
// Flow (each arrow is a message the application carries):
//   A: Start() -> RA                         B: Start() -> RB
//   A --RA--> B: B.Finish(RA) -> KB, SB      B --RB, SB--> A: A.Finish(RB) -> KA, SA
//   A: VerifyPeerConfirmation(SB)            A --SA--> B: B.VerifyPeerConfirmation(SA)
// Both sides hash ZA || ZB with the initiator's ZA first, whatever their own role. A shared key
// must not be used before the peer's confirmation has been checked when the protocol includes
// confirmation; without it (GB/T 32918.3 makes it optional) the key is only implicitly
// authenticated.
// Thread-safety: a Sm2KeyExchange is one party's state for one run; not synchronised.
#pragma once

#include <cstddef>
#include <optional>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "crypto/kdf.h"
#include "crypto/rng.h"
#include "crypto/sm2_engine.h"
#include "crypto/sm2_key.h"
#include "crypto/sm2_za.h"
#include "crypto/sm3.h"

namespace sedun::crypto {

enum class Sm2ExchangeRole { kInitiator, kResponder };

// What Finish produces.
struct Sm2ExchangeKeys {
  SecretBytes key;             // KA (initiator) or KB (responder), key_len bytes
  Sm3Digest own_confirmation;  // sent to the peer: SB = S1 by the responder, SA = S2 by the initiator
};

class Sm2KeyExchange {
 public:
  // key_len is the agreed key length in bytes (klen / 8), 1 to kSm2KdfMaxBytes. IDs follow the
  // ZA rules (shorter than 8192 bytes).
  static Result<Sm2KeyExchange> Create(Sm2ExchangeRole role, const Sm2PrivateKey& own_key, ByteView own_id,
                                       const Sm2PublicKey& peer_key, ByteView peer_id, size_t key_len);

  Sm2KeyExchange(Sm2KeyExchange&&) noexcept = default;
  Sm2KeyExchange& operator=(Sm2KeyExchange&&) noexcept = default;

  // Step 1 (A1-A3 / B1-B2): draws the ephemeral r from `rng` and returns R (65 bytes,
  // 04 || x || y) for the peer. Once only.
  Result<Bytes> Start(Rng& rng = SystemRng());

  // Step 2 (A4-A9 / B3-B9): from the peer's R, the shared key and this party's confirmation
  // value. kMalformed when the peer's R is not a curve point; kVerifyFailed when the shared point
  // is infinity. Once only, after Start: a failed Finish ends the run too.
  Result<Sm2ExchangeKeys> Finish(ByteView peer_ephemeral);

  // Step 3 (A10 / B10): checks the peer's confirmation (SB at the initiator, SA at the
  // responder) in constant time; kVerifyFailed on mismatch. After Finish.
  Status VerifyPeerConfirmation(ByteView peer_confirmation) const;

 private:
  Sm2KeyExchange(Sm2ExchangeRole role, Sm2PrivateKey own_key, Sm2PublicKey peer_key, Sm3Digest za, Sm3Digest zb,
                 size_t key_len)
      : role_(role), own_key_(std::move(own_key)), peer_key_(peer_key), za_(za), zb_(zb), key_len_(key_len) {}

  enum class State { kNew, kStarted, kFinished };
  Result<Sm2ExchangeKeys> Derive(ByteView peer_ephemeral);

  Sm2ExchangeRole role_;
  State state_ = State::kNew;
  Sm2PrivateKey own_key_;
  Sm2PublicKey peer_key_;
  Sm3Digest za_;  // initiator's
  Sm3Digest zb_;  // responder's
  size_t key_len_;
  std::optional<Sm2EphemeralKey> ephemeral_;
  std::optional<Sm3Digest> expected_peer_confirmation_;
};

namespace sm2_internal {

// The curve-independent end of the protocol (A8-A10 / B7-B10), shared by Sm2KeyExchange and the
// known-answer tests on the GB/T 32918.3 Annex A test curve.
struct Sm2ExchangeDerived {
  SecretBytes key;   // KDF(x || y || ZA || ZB, key_len)
  Sm3Digest inner;   // SM3(x || ZA || ZB || x1 || y1 || x2 || y2)
  Sm3Digest s1;      // SM3(0x02 || y || inner): SB, sent by the responder
  Sm3Digest s2;      // SM3(0x03 || y || inner): SA, sent by the initiator
};

// `shared_xy` is x || y of U (= V), 64 bytes; `r_initiator` and `r_responder` the 65-byte
// ephemeral points RA and RB.
Result<Sm2ExchangeDerived> DeriveExchange(ByteView shared_xy, ByteView za, ByteView zb, ByteView r_initiator,
                                          ByteView r_responder, size_t key_len);

}  // namespace sm2_internal
}  // namespace sedun::crypto
