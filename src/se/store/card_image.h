// The card image: CardState as a versioned binary file (specified in docs/formats/card_image.md).
//
//   image  = "SEDUNCARD" || version u16 || body length u32 || body || SM3 digest (32)
//   digest = SM3 of everything before it
//   body   = records tag u8 || length u32 || value, in the order of the format document
//
// The digest catches torn or bit-rotted files; it is not a MAC (anyone who can write the file can
// recompute it) because the file holds the card's keys in the clear and is protected by its
// permissions (0600), as a real card's EEPROM is by its chip. The encoding is canonical: one
// byte string per state, so DecodeCardImage(EncodeCardImage(s)) == s and
// EncodeCardImage(DecodeCardImage(b)) == b for every b that decodes. The decoder is strict:
// wrong magic, an unknown version, a bad digest, a missing, repeated, reordered or unknown record,
// a field of the wrong size, a value out of range, a broken invariant or a trailing byte are all
// Malformed.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "se/card_state.h"

namespace sedun::se {

inline constexpr char kCardImageMagic[] = "SEDUNCARD";  // 9 bytes on disk, no terminator
inline constexpr size_t kCardImageMagicSize = 9;
inline constexpr uint16_t kCardImageVersion = 1;
// 50 KiB of containers plus the personalisation data fit many times over; anything larger is
// not an image of ours and is refused before it is read into memory.
inline constexpr size_t kMaxCardImageSize = size_t{1} << 20;

inline constexpr size_t kSerialSize = 8;
inline constexpr size_t kPinSaltSize = 16;
inline constexpr size_t kKeySetSize = 48;
inline constexpr size_t kPinVerifierSize = 32;
inline constexpr size_t kPrivateKeySize = 32;
inline constexpr size_t kPublicKeySize = 65;
inline constexpr size_t kMaxContainerName = 32;
inline constexpr uint8_t kMaxRetryLimit = 6;

// The invariants every stored state keeps (the decoder's semantic checks, which the encoder
// applies too so that nothing is written that could not be read back). Malformed naming the
// field.
Status ValidateCardState(const CardState& state);

// The image bytes. It holds private keys and the channel keys, hence SecretBytes.
// InvalidArgument when `state` breaks an invariant.
Result<SecretBytes> EncodeCardImage(const CardState& state);
Result<CardState> DecodeCardImage(ByteView image);

}  // namespace sedun::se
