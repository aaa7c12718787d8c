// ISO/IEC 7816-4 command and response APDUs, short and extended length.
//
// Command layout ("Command-response pairs", decoding conventions for command bodies):
//   case 1    CLA INS P1 P2
//   case 2S   CLA INS P1 P2 Le                    Le 1 byte, 00 = 256
//   case 3S   CLA INS P1 P2 Lc Data               Lc 1 byte, 01..FF
//   case 4S   CLA INS P1 P2 Lc Data Le
//   case 2E   CLA INS P1 P2 00 Le Le              Le 2 bytes, 0000 = 65536
//   case 3E   CLA INS P1 P2 00 Lc Lc Data         Lc 2 bytes, 0001..FFFF
//   case 4E   CLA INS P1 P2 00 Lc Lc Data Le Le
// Response layout: Data SW1 SW2.
//
// Parse accepts exactly these shapes and nothing else; Encode writes them, so Parse(Encode(c))
// == c for every command Encode accepts and Encode(Parse(b)) == b for every b Parse accepts.
// Thread-safety: values, pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "apdu/class_byte.h"
#include "apdu/status_words.h"
#include "base/bytes.h"
#include "base/status.h"

namespace sedun::apdu {

inline constexpr size_t kApduHeaderSize = 4;
inline constexpr size_t kMaxShortLc = 255;
inline constexpr uint32_t kMaxShortNe = 256;
inline constexpr size_t kMaxExtendedLc = 65535;
inline constexpr uint32_t kMaxExtendedNe = 65536;
// Response data can be at most the largest Ne.
inline constexpr size_t kMaxResponseData = kMaxExtendedNe;

enum class ApduCase { k1, k2Short, k3Short, k4Short, k2Extended, k3Extended, k4Extended };

// "1", "2S", ... "4E".
std::string_view ApduCaseName(ApduCase c);

struct CommandApdu {
  uint8_t cla = 0;
  uint8_t ins = 0;
  uint8_t p1 = 0;
  uint8_t p2 = 0;
  Bytes data;
  // Ne, the maximum number of response bytes expected: 0 when there is no Le field, else 1..256
  // (short) or 1..65536 (extended).
  uint32_t ne = 0;
  // Parse sets it when the input used the extended form. Encode uses the extended form when it is
  // set or when data or ne do not fit the short form. A command with neither data nor Le has only
  // one form (case 1) and is written as such whatever the flag says.
  bool extended = false;

  // Malformed, with the rule broken, for anything but the seven shapes above.
  static Result<CommandApdu> Parse(ByteView in);
  // InvalidArgument when data exceeds 65535 bytes or ne exceeds 65536.
  Result<Bytes> Encode() const;
  // The shape Encode writes (for a command Encode accepts).
  ApduCase Case() const;
  // Whether Encode picks the extended form.
  bool UsesExtended() const;

  bool operator==(const CommandApdu&) const = default;
};

struct ResponseApdu {
  Bytes data;
  uint16_t sw = kSwOk;

  uint8_t sw1() const { return Sw1(sw); }
  uint8_t sw2() const { return Sw2(sw); }

  // Malformed for fewer than two bytes, more than 65536 data bytes, or an SW1 outside 61..6F and
  // 90..9F.
  static Result<ResponseApdu> Parse(ByteView in);
  // InvalidArgument for the cases Parse rejects.
  Result<Bytes> Encode() const;

  bool operator==(const ResponseApdu&) const = default;
};

}  // namespace sedun::apdu
