// PEM codec.
#include "pki/pem.h"

#include "base/base64.h"

#include <array>
#include <cstdint>

namespace sedun::pki {

namespace {

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kDashes = "-----";
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// RFC 7468 §3: label characters are printable ASCII except '-', with single inner spaces.
bool ValidLabel(std::string_view label) {
  if (label.empty() || label.front() == ' ' || label.back() == ' ') return false;
  for (size_t i = 0; i < label.size(); ++i) {
    char c = label[i];
    if (c < 0x20 || c > 0x7e || c == '-') return false;
    if (c == ' ' && label[i + 1] == ' ') return false;
  }
  return true;
}

// Finds the next "-----BEGIN " at the start of a line, from `pos`.
size_t FindBegin(std::string_view text, size_t pos) {
  while (true) {
    size_t at = text.find(kBegin, pos);
    if (at == std::string_view::npos || at == 0 || text[at - 1] == '\n') return at;
    pos = at + 1;
  }
}

// Decodes the block starting at `begin` (which points at "-----BEGIN "); sets *next past it.
Result<PemBlock> DecodeAt(std::string_view text, size_t begin, size_t* next) {
  size_t label_start = begin + kBegin.size();
  size_t label_end = text.find(kDashes, label_start);
  if (label_end == std::string_view::npos) return Malformed("PEM: unterminated BEGIN line");
  std::string_view label = text.substr(label_start, label_end - label_start);
  if (!ValidLabel(label)) return Malformed("PEM: invalid label");
  size_t body = label_end + kDashes.size();
  while (body < text.size() && (text[body] == ' ' || text[body] == '\t' || text[body] == '\r')) ++body;
  if (body >= text.size() || text[body] != '\n') return Malformed("PEM: garbage after BEGIN line");
  ++body;
  std::string end_line = std::string(kEnd) + std::string(label) + std::string(kDashes);
  size_t end = text.find(end_line, body);
  if (end == std::string_view::npos) return Malformed("PEM: no matching END line for " + std::string(label));
  if (end != body && text[end - 1] != '\n') return Malformed("PEM: END line does not start a line");
  std::string_view b64 = text.substr(body, end - body);
  if (b64.find(':') != std::string_view::npos) {
    // RFC 1421 headers: only used by legacy encrypted PEM ("Proc-Type: 4,ENCRYPTED").
    return Unsupported(
        "PEM: encapsulated headers (legacy encrypted PEM) are not supported; "
        "use PKCS#8 \"ENCRYPTED PRIVATE KEY\"");
  }
  if (b64.find(kBegin) != std::string_view::npos) return Malformed("PEM: nested BEGIN line");
  PemBlock block;
  block.label = std::string(label);
  SEDUN_RETURN_IF_ERROR(Base64DecodeInto(b64, Base64Whitespace::kSkip, "PEM", &block.der));
  if (block.der.empty()) return Malformed("PEM: empty " + block.label + " block");
  *next = end + end_line.size();
  return block;
}

template <typename Out, typename Append>
void EncodeInto(std::string_view label, ByteView der, Out& out, Append append) {
  auto put = [&](std::string_view s) { append(out, s); };
  put(kBegin);
  put(label);
  put("-----\n");
  std::array<char, 65> line{};
  size_t col = 0;
  for (size_t i = 0; i < der.size(); i += 3) {
    uint32_t acc = static_cast<uint32_t>(der[i]) << 16;
    size_t n = der.size() - i;
    if (n > 1) acc |= static_cast<uint32_t>(der[i + 1]) << 8;
    if (n > 2) acc |= der[i + 2];
    std::array<char, 4> quad = {kAlphabet[(acc >> 18) & 63], kAlphabet[(acc >> 12) & 63],
                                n > 1 ? kAlphabet[(acc >> 6) & 63] : '=', n > 2 ? kAlphabet[acc & 63] : '='};
    for (char c : quad) {
      line[col++] = c;
      if (col == 64) {
        line[col++] = '\n';
        put(std::string_view(line.data(), col));
        col = 0;
      }
    }
    quad.fill(0);
    acc = 0;
  }
  if (col != 0) {
    line[col++] = '\n';
    put(std::string_view(line.data(), col));
  }
  line.fill(0);
  put(kEnd);
  put(label);
  put("-----\n");
}

}  // namespace

bool LooksLikePem(ByteView input) {
  std::string_view text = AsChars(input);
  return !input.empty() && input[0] != 0x30 && text.find(kBegin) != std::string_view::npos;
}

Result<std::vector<PemBlock>> PemDecodeAll(std::string_view text, size_t max_blocks) {
  std::vector<PemBlock> blocks;
  size_t pos = 0;
  while (true) {
    size_t begin = FindBegin(text, pos);
    if (begin == std::string_view::npos) break;
    if (blocks.size() == max_blocks) {
      return ResourceExhausted("PEM: more than " + std::to_string(max_blocks) + " blocks");
    }
    SEDUN_ASSIGN_OR_RETURN(PemBlock block, DecodeAt(text, begin, &pos));
    blocks.push_back(std::move(block));
  }
  if (blocks.empty()) return Malformed("PEM: no BEGIN line");
  return blocks;
}

Result<PemBlock> PemDecodeFirst(std::string_view text, std::initializer_list<std::string_view> labels,
                                std::string_view what) {
  size_t pos = 0;
  while (true) {
    size_t begin = FindBegin(text, pos);
    if (begin == std::string_view::npos) break;
    SEDUN_ASSIGN_OR_RETURN(PemBlock block, DecodeAt(text, begin, &pos));
    for (std::string_view l : labels) {
      if (block.label == l) return block;
    }
  }
  return Malformed(std::string(what) + ": no matching PEM block");
}

std::string PemEncode(std::string_view label, ByteView der) {
  std::string out;
  out.reserve(der.size() * 4 / 3 + der.size() / 48 + 2 * label.size() + 40);
  EncodeInto(label, der, out, [](std::string& o, std::string_view s) { o.append(s); });
  return out;
}

SecretBytes PemEncodeSecret(std::string_view label, ByteView der) {
  SecretBytes out;
  EncodeInto(label, der, out, [](SecretBytes& o, std::string_view s) { o.Append(AsBytes(s)); });
  return out;
}

}  // namespace sedun::pki
