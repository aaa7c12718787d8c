// Hex encoding and byte concatenation.
#include "base/bytes.h"

namespace sedun {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string HexEncode(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

Result<Bytes> HexDecode(std::string_view hex) {
  Bytes out;
  out.reserve(hex.size() / 2);
  int high = -1;
  for (size_t i = 0; i < hex.size(); ++i) {
    char c = hex[i];
    if (c == ' ' || c == ':' || c == '\n' || c == '\t') {
      if (high >= 0) return Malformed("hex: separator inside a byte at offset " + std::to_string(i));
      continue;
    }
    int v = HexValue(c);
    if (v < 0) return Malformed("hex: invalid character at offset " + std::to_string(i));
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<uint8_t>((high << 4) | v));
      high = -1;
    }
  }
  if (high >= 0) return Malformed("hex: odd number of digits");
  return out;
}

Bytes Concat(std::initializer_list<ByteView> parts) {
  size_t n = 0;
  for (ByteView p : parts) n += p.size();
  Bytes out;
  out.reserve(n);
  for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace sedun
