// Container and key-slot lookup, key loading, capacity.
#include "se/applet/card_objects.h"

#include "crypto/ct.h"

namespace sedun::se::applet {

Result<Container*> FindContainer(CardState& state, const std::string& name) {
  Container* c = state.FindContainer(name);
  if (c == nullptr) return NotFound("no such container");
  return c;
}

Result<const Container*> FindContainer(const CardState& state, const std::string& name) {
  const Container* c = state.FindContainer(name);
  if (c == nullptr) return NotFound("no such container");
  return c;
}

Result<KeySlot*> FindKeySlot(Container& container, KeySlotId id) {
  std::optional<KeySlot>& slot = container.slot(id);
  if (!slot) return NotFound("the key slot holds no key pair");
  return &*slot;
}

Result<const KeySlot*> FindKeySlot(const Container& container, KeySlotId id) {
  const std::optional<KeySlot>& slot = container.slot(id);
  if (!slot) return NotFound("the key slot holds no key pair");
  return &*slot;
}

Result<crypto::Sm2PrivateKey> LoadPrivateKey(const KeySlot& slot) {
  auto key = crypto::Sm2PrivateKey::FromScalar(slot.private_key.view());
  if (!key.ok()) return Internal("stored private key is invalid");
  if (!crypto::ConstantTimeEqual(key->public_key().point(), slot.public_key)) {
    return Internal("stored key pair is inconsistent");
  }
  return key;
}

Result<crypto::Sm2PublicKey> LoadPublicKey(const KeySlot& slot) {
  auto key = crypto::Sm2PublicKey::FromUncompressed(slot.public_key);
  if (!key.ok()) return Internal("stored public key is invalid");
  return key;
}

Status CheckCapacity(const CardState& state) {
  if (state.UsedBytes() > state.capacity) return ResourceExhausted("card storage is full");
  return Status::Ok();
}

}  // namespace sedun::se::applet
