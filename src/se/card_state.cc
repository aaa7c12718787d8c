// CardState helpers: deep copies (secrets are cloned explicitly), storage accounting and lookup.
#include "se/card_state.h"

namespace sedun::se {
namespace {

KeySlot CloneSlot(const KeySlot& s) {
  KeySlot out;
  out.private_key = s.private_key.Clone();
  out.public_key = s.public_key;
  out.certificate = s.certificate;
  return out;
}

PinRecord ClonePin(const PinRecord& p) {
  PinRecord out;
  out.set = p.set;
  out.retry_limit = p.retry_limit;
  out.tries_left = p.tries_left;
  out.verifier = p.verifier.Clone();
  return out;
}

size_t SlotBytes(const std::optional<KeySlot>& s) {
  if (!s.has_value()) return 0;
  return s->private_key.size() + s->public_key.size() + s->certificate.size();
}

}  // namespace

CardState CardState::Clone() const {
  CardState out;
  out.format_version = format_version;
  out.serial = serial;
  out.lifecycle = lifecycle;
  out.generation = generation;
  out.pin_salt = pin_salt.Clone();
  out.issuer_keys = issuer_keys.Clone();
  out.client_keys = client_keys.Clone();
  out.trust_anchor = trust_anchor;
  out.server_certificate = server_certificate;
  out.user_pin = ClonePin(user_pin);
  out.admin_pin = ClonePin(admin_pin);
  out.containers.reserve(containers.size());
  for (const Container& c : containers) {
    Container copy;
    copy.name = c.name;
    if (c.sign.has_value()) copy.sign = CloneSlot(*c.sign);
    if (c.encrypt.has_value()) copy.encrypt = CloneSlot(*c.encrypt);
    out.containers.push_back(std::move(copy));
  }
  out.capacity = capacity;
  return out;
}

// The film-shield card's 50 KB is what the user's containers may take: names, key pairs and
// certificates. The personalisation data (keys, anchor, server certificate, PINs) has its own
// fixed room on a real card and is not counted.
uint32_t CardState::UsedBytes() const {
  size_t used = 0;
  for (const Container& c : containers) used += c.name.size() + SlotBytes(c.sign) + SlotBytes(c.encrypt);
  return used > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(used);
}

Container* CardState::FindContainer(const std::string& name) {
  for (Container& c : containers) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const Container* CardState::FindContainer(const std::string& name) const {
  for (const Container& c : containers) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

}  // namespace sedun::se
