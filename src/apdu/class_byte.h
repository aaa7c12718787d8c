// The class byte (CLA) of a command APDU: chaining, secure messaging and logical channel bits.
//
// ISO/IEC 7816-4 "Class byte" defines two interindustry layouts:
//   first   000c ssll   c chaining, ss secure messaging, ll channel 0..3
//   further 01sc llll   s secure messaging, c chaining, llll channel 4..19 (minus 4)
// 001x xxxx is reserved and FF is invalid. With b8 = 1 the class is proprietary; GlobalPlatform
// (Card Specification, "Class Byte Coding") and Java Card give b7..b1 the same meaning (80/84
// first, C0/E0 further), and sedun's card follows them, so the helpers below read both alike.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "base/status.h"

namespace sedun::apdu {

inline constexpr uint8_t kClaProprietary = 0x80;
inline constexpr uint8_t kClaChaining = 0x10;
// First-layout secure messaging indication: 04 proprietary (GlobalPlatform SCP), 08 and 0C the
// ISO 7816-4 clause 6 formats.
inline constexpr uint8_t kClaSecureMessaging = 0x04;
inline constexpr uint8_t kMaxLogicalChannel = 19;

// False for FF and the reserved 20..3F.
constexpr bool IsValidCla(uint8_t cla) { return cla != 0xFF && (cla & 0xE0) != 0x20; }
constexpr bool IsProprietaryCla(uint8_t cla) { return (cla & kClaProprietary) != 0; }
// b7 set: the further layout with 16 channels.
constexpr bool IsFurtherCla(uint8_t cla) { return (cla & 0x40) != 0; }
// ISO 7816-4 5.3.3: b5 set means more commands of the chain follow.
constexpr bool IsChained(uint8_t cla) { return (cla & kClaChaining) != 0; }
constexpr uint8_t WithoutChaining(uint8_t cla) { return static_cast<uint8_t>(cla & ~kClaChaining); }
constexpr uint8_t WithChaining(uint8_t cla) { return static_cast<uint8_t>(cla | kClaChaining); }

constexpr bool IsSecureMessaging(uint8_t cla) {
  return IsFurtherCla(cla) ? (cla & 0x20) != 0 : (cla & 0x0C) != 0;
}

// 0..19.
constexpr uint8_t LogicalChannel(uint8_t cla) {
  return IsFurtherCla(cla) ? static_cast<uint8_t>(4 + (cla & 0x0F))
                           : static_cast<uint8_t>(cla & 0x03);
}

// The interindustry CLA without secure messaging or chaining for `channel`: what GET RESPONSE and
// MANAGE CHANNEL use on that channel. InvalidArgument above channel 19.
Result<uint8_t> InterindustryCla(uint8_t channel);

}  // namespace sedun::apdu
