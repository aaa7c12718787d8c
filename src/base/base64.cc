// Base64 codec.
#include "base/base64.h"

#include <array>
#include <cstdint>

namespace sedun {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string Base64Encode(ByteView data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  for (size_t i = 0; i < data.size(); i += 3) {
    const size_t n = std::min<size_t>(3, data.size() - i);
    uint32_t acc = static_cast<uint32_t>(data[i]) << 16;
    if (n > 1) acc |= static_cast<uint32_t>(data[i + 1]) << 8;
    if (n > 2) acc |= data[i + 2];
    out.push_back(kAlphabet[(acc >> 18) & 63]);
    out.push_back(kAlphabet[(acc >> 12) & 63]);
    out.push_back(n > 1 ? kAlphabet[(acc >> 6) & 63] : '=');
    out.push_back(n > 2 ? kAlphabet[acc & 63] : '=');
  }
  return out;
}

Status Base64DecodeInto(std::string_view text, Base64Whitespace whitespace, std::string_view what,
                        SecretBytes* out) {
  const std::string name(what);
  SecretBytes result;
  uint32_t acc = 0;
  int nchars = 0;
  int pad = 0;
  for (char c : text) {
    if (IsSpace(c) && whitespace == Base64Whitespace::kSkip) continue;
    if (c == '=') {
      ++pad;
      if (pad > 2) return Malformed(name + ": too much base64 padding");
      acc <<= 6;
      ++nchars;
    } else {
      int v = Base64Value(c);
      if (v < 0) return Malformed(name + ": invalid base64 character");
      if (pad != 0) return Malformed(name + ": base64 data after padding");
      acc = (acc << 6) | static_cast<uint32_t>(v);
      ++nchars;
    }
    if (nchars == 4) {
      std::array<uint8_t, 3> b = {static_cast<uint8_t>(acc >> 16), static_cast<uint8_t>(acc >> 8),
                                  static_cast<uint8_t>(acc)};
      size_t keep = 3 - static_cast<size_t>(pad);
      if (pad == 1 && b[2] != 0) return Malformed(name + ": non-canonical base64");
      if (pad == 2 && b[1] != 0) return Malformed(name + ": non-canonical base64");
      result.Append(ByteView(b.data(), keep));
      b.fill(0);
      acc = 0;
      nchars = 0;
      if (pad != 0) pad = 3;  // any further character is an error
    }
  }
  if (nchars != 0) return Malformed(name + ": base64 length is not a multiple of 4");
  *out = std::move(result);
  return Status::Ok();
}

Result<Bytes> Base64Decode(std::string_view text, std::string_view what) {
  SecretBytes decoded;
  SEDUN_RETURN_IF_ERROR(Base64DecodeInto(text, Base64Whitespace::kRefuse, what, &decoded));
  return Bytes(decoded.view().begin(), decoded.view().end());
}

}  // namespace sedun
