// Byte containers and hex conversion shared by every module.
// Thread-safety: free functions on values.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sedun {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
inline std::string_view AsChars(ByteView b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}
inline Bytes ToBytes(ByteView b) { return Bytes(b.begin(), b.end()); }

// Lowercase hex, no separators.
std::string HexEncode(ByteView bytes);

// Accepts upper or lower case; spaces and colons between byte pairs are ignored so that
// APDUs written as "00 A4 04 00" parse. Odd digit counts and other characters are errors.
Result<Bytes> HexDecode(std::string_view hex);

// a || b || ...
Bytes Concat(std::initializer_list<ByteView> parts);

}  // namespace sedun
