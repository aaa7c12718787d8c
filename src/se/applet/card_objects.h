// The card's stored objects as commands see them: finding containers and key slots, turning a
// stored key slot into key objects for one operation, and the storage capacity check.
//
// JR/T 0093.6 5.4.2 d / 7.2: the private scalar never leaves the card. LoadPrivateKey gives an
// Sm2PrivateKey (its own wiping copy of the scalar) to the command that signs or decrypts; no
// command puts it in a response.
// Thread-safety: functions over the command's working state.
#pragma once

#include <string>

#include "base/status.h"
#include "crypto/sm2_key.h"
#include "se/card_state.h"

namespace sedun::se::applet {

// NotFound (-> 6A88) when no container has that name.
Result<Container*> FindContainer(CardState& state, const std::string& name);
Result<const Container*> FindContainer(const CardState& state, const std::string& name);

// The slot's key pair; NotFound (-> 6A88) when the slot holds none.
Result<KeySlot*> FindKeySlot(Container& container, KeySlotId id);
Result<const KeySlot*> FindKeySlot(const Container& container, KeySlotId id);

// The private key of a slot. Internal (-> 6F00) when the stored scalar is invalid or does not
// match the stored public key: the card image would be damaged, and using such a key could leak
// information about it.
Result<crypto::Sm2PrivateKey> LoadPrivateKey(const KeySlot& slot);
Result<crypto::Sm2PublicKey> LoadPublicKey(const KeySlot& slot);

// ResourceExhausted (-> 6A84) when the state uses more key and certificate storage than the
// card has (film-shield: 50 KB of certificate storage). Commands that add objects make the
// change, call this, and undo the change when it fails, so the working state is left as it was.
Status CheckCapacity(const CardState& state);

}  // namespace sedun::se::applet
