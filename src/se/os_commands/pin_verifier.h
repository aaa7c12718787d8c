// PIN verifiers: what the card stores instead of a PIN (docs/apdu.md "Commands", notes on PINs).
//
// verifier = PBKDF2-HMAC-SM3(PIN, card salt (16 random bytes) || reference (01 user, 02 admin),
//                            kPinIterations, 32 bytes)
// The per-card salt makes verifiers of equal PINs differ between cards, the reference byte
// between the two PINs of one card. Verifiers are compared with crypto::ConstantTimeEqual.
//
// Why only 1000 iterations: the retry counter (at most 6 tries, persisted before each
// comparison) is what stops guessing through the card's interface, and an attacker who reads the
// image file has the private keys in it already, so the PIN is not what protects them; against
// that attacker no affordable count helps a 6-digit PIN (10^6 guesses). The count keeps the
// verifier from being a plain hash (no precomputed tables across cards) while VERIFY stays in the
// millisecond range that a card, the tests and the fuzzer need.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "se/card_state.h"

namespace sedun::se {

inline constexpr uint32_t kPinIterations = 1000;
// docs/apdu.md tags 91, 92 (T/HBPFS: 6-16 characters).
inline constexpr size_t kMinPinSize = 6;
inline constexpr size_t kMaxPinSize = 16;

// The PIN reference, as VERIFY P2 and SET PIN P2 & 0x0F name it.
enum class PinRef : uint8_t { kUser = 0x01, kAdmin = 0x02 };

inline bool PinSizeOk(ByteView pin) { return pin.size() >= kMinPinSize && pin.size() <= kMaxPinSize; }

Result<SecretBytes> DerivePinVerifier(ByteView salt, PinRef ref, ByteView pin);

inline PinRecord& PinFor(CardState& state, PinRef ref) {
  return ref == PinRef::kUser ? state.user_pin : state.admin_pin;
}

}  // namespace sedun::se
