// The persistent state of the virtual secure element: everything a real card keeps in its
// non-volatile memory. The card OS loads it from the card image at start, hands a working copy
// to each command, and commits the copy atomically (src/se/store) when the command succeeds, so a
// failing command changes nothing. The PIN retry counter is the one exception: the PIN commands
// persist the decremented counter before they compare (JR/T 0093.6 7.2; see CommandContext).
//
// The on-disk encoding is specified in docs/formats/card_image.md.
// Thread-safety: a value type; the card serialises commands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/secret.h"

namespace sedun::se {

enum class Lifecycle : uint8_t {
  kFactory = 0x01,       // issuer key set only; personalisation open
  kPersonalised = 0x02,  // personalisation closed for good
  kInUse = 0x03,         // the user PIN has been verified at least once
  kLocked = 0x04,        // user PIN blocked: only RESET RETRY COUNTER under the admin PIN
  kTerminated = 0x05,    // admin PIN blocked: nothing but SELECT and GET DATA, forever
};

struct PinRecord {
  bool set = false;
  uint8_t retry_limit = 0;  // 1..6
  uint8_t tries_left = 0;
  SecretBytes verifier;     // PBKDF2-HMAC-SM3(PIN, card salt || reference), 32 bytes
};

enum class KeySlotId : uint8_t { kSign = 0x01, kEncrypt = 0x02 };

struct KeySlot {
  SecretBytes private_key;  // 32-byte SM2 scalar; never leaves the card (JR/T 5.4.2 d)
  Bytes public_key;         // 65 bytes 04 || x || y
  Bytes certificate;        // DER X.509, empty until imported
};

struct Container {
  std::string name;  // 1..32 bytes UTF-8, unique
  std::optional<KeySlot> sign;
  std::optional<KeySlot> encrypt;

  std::optional<KeySlot>& slot(KeySlotId id) { return id == KeySlotId::kSign ? sign : encrypt; }
  const std::optional<KeySlot>& slot(KeySlotId id) const { return id == KeySlotId::kSign ? sign : encrypt; }
};

struct CardState {
  uint32_t format_version = 1;
  Bytes serial;                 // 8 bytes, random at creation
  Lifecycle lifecycle = Lifecycle::kFactory;
  uint64_t generation = 0;      // incremented by every commit; lets tests see progress
  SecretBytes pin_salt;         // 16 bytes, random at creation
  SecretBytes issuer_keys;      // 48 bytes K-ENC || K-MAC || K-DEK (KVN 01)
  SecretBytes client_keys;      // 48 bytes (KVN 30); empty until personalised
  Bytes trust_anchor;           // DER root certificate; empty until personalised
  Bytes server_certificate;     // DER; empty until personalised
  PinRecord user_pin;
  PinRecord admin_pin;
  std::vector<Container> containers;
  uint32_t capacity = 50 * 1024;  // bytes of key and certificate storage (film-shield: 50 KB)

  CardState Clone() const;
  // Bytes of key and certificate storage in use (names, keys, certificates).
  uint32_t UsedBytes() const;
  Container* FindContainer(const std::string& name);
  const Container* FindContainer(const std::string& name) const;
};

}  // namespace sedun::se
