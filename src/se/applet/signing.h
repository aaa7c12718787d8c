// What every command that signs with a card key shares: the PIN state it consumes and the
// signature itself.
//
// JR/T 0093.6 7.2: the user is authenticated before each sensitive operation, and "the state
// machine is reset at once after a signing transaction". The card OS lets a PIN command through
// only while SessionState::user_pin_verified is set; the signing commands check the flag again
// and clear it as soon as they run, whatever their outcome, so one PIN verification allows one
// signing attempt (SIGN, SIGN WITH SERVER CHECK, CERTIFICATION REQUEST).
// Thread-safety: functions over the command's context.
#pragma once

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/rng.h"
#include "se/card_state.h"
#include "se/command.h"

namespace sedun::se::applet {

// PermissionDenied (-> 6982) when the user PIN has not been verified since the last signature;
// otherwise clears the flag.
Status ConsumePinVerification(SessionState& session);

// DER SM2Signature of `message` with the slot's private key: e = SM3(ZA || M) is computed in the
// card with `id` (GM/T 0009 §8; JR/T 5.4.2 b).
Result<Bytes> SignWithSlot(const KeySlot& slot, ByteView message, ByteView id, crypto::Rng& rng);

}  // namespace sedun::se::applet
