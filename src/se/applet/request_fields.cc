// Command data parsing and the per-object checks of docs/apdu.md "Data objects".
#include "se/applet/request_fields.h"

#include <algorithm>
#include <limits>

#include "base/byte_reader.h"
#include "crypto/sm2_za.h"
#include "se/applet/data_objects.h"

namespace sedun::se::applet {

namespace {

std::string TagName(apdu::Tag t) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string s;
  for (int shift = 16; shift >= 0; shift -= 8) {
    const auto byte = static_cast<uint8_t>(t >> shift);
    if (byte == 0 && s.empty() && shift > 0) continue;
    s += kHex[byte >> 4];
    s += kHex[byte & 0x0F];
  }
  return "tag " + s;
}

bool Contains(std::initializer_list<apdu::Tag> list, apdu::Tag t) {
  return std::find(list.begin(), list.end(), t) != list.end();
}

}  // namespace

Result<Request> Request::Parse(ByteView data, std::initializer_list<apdu::Tag> required,
                               std::initializer_list<apdu::Tag> optional) {
  auto tlvs = apdu::ParseTlvs(data);
  if (!tlvs.ok()) return Malformed("command data is not BER-TLV: " + tlvs.status().message());
  Request req;
  for (const apdu::Tlv& tlv : *tlvs) {
    // docs/apdu.md "Data objects": unknown tags and repeated tags answer 6A80.
    if (!Contains(required, tlv.tag) && !Contains(optional, tlv.tag)) {
      return Malformed(TagName(tlv.tag) + " is not taken by this command");
    }
    if (req.Find(tlv.tag) != nullptr) return Malformed(TagName(tlv.tag) + " is repeated");
    req.fields_.emplace_back(tlv.tag, tlv.value);
  }
  for (apdu::Tag t : required) {
    if (req.Find(t) == nullptr) return Malformed(TagName(t) + " is missing");
  }
  return req;
}

const ByteView* Request::Find(apdu::Tag t) const {
  for (const auto& [field_tag, value] : fields_) {
    if (field_tag == t) return &value;
  }
  return nullptr;
}

ByteView Request::Get(apdu::Tag t) const {
  const ByteView* v = Find(t);
  return v == nullptr ? ByteView() : *v;
}

std::optional<ByteView> Request::GetOptional(apdu::Tag t) const {
  const ByteView* v = Find(t);
  if (v == nullptr) return std::nullopt;
  return *v;
}

Status CheckP1P2Zero(const apdu::CommandApdu& command) {
  if (command.p1 != 0 || command.p2 != 0) return InvalidArgument("P1-P2 must be 00 00");
  return Status::Ok();
}

Result<std::string> ParseContainerName(ByteView value) {
  if (value.empty() || value.size() > kMaxContainerNameSize) {
    return Malformed("container name must be 1-32 bytes");
  }
  if (!IsValidUtf8(value)) return Malformed("container name is not UTF-8");
  return std::string(AsChars(value));
}

Result<KeySlotId> ParseKeySlot(ByteView value) {
  if (value.size() != 1) return Malformed("key slot must be one byte");
  switch (value[0]) {
    case static_cast<uint8_t>(KeySlotId::kSign):
      return KeySlotId::kSign;
    case static_cast<uint8_t>(KeySlotId::kEncrypt):
      return KeySlotId::kEncrypt;
    default:
      return Malformed("key slot must be 01 or 02");
  }
}

Result<ByteView> ParseUserId(std::optional<ByteView> value) {
  if (!value) return ByteView(crypto::kSm2DefaultId);
  if (value->empty() || value->size() > kMaxUserIdSize) return Malformed("user ID must be 1-255 bytes");
  return *value;
}

Result<int64_t> ParseTime(ByteView value) {
  ByteReader r(value);
  uint64_t t = 0;
  if (value.size() != 8 || !r.ReadU64(&t)) return Malformed("time must be 8 bytes");
  if (t > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return Malformed("time out of range");
  return static_cast<int64_t>(t);
}

bool IsValidUtf8(ByteView bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    const uint8_t b = bytes[i];
    size_t extra = 0;
    uint32_t cp = 0;
    uint32_t min = 0;
    if (b < 0x80) {
      ++i;
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      extra = 1;
      cp = b & 0x1Fu;
      min = 0x80;
    } else if ((b & 0xF0) == 0xE0) {
      extra = 2;
      cp = b & 0x0Fu;
      min = 0x800;
    } else if ((b & 0xF8) == 0xF0) {
      extra = 3;
      cp = b & 0x07u;
      min = 0x10000;
    } else {
      return false;
    }
    if (bytes.size() - i <= extra) return false;
    for (size_t k = 1; k <= extra; ++k) {
      const uint8_t c = bytes[i + k];
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    // RFC 3629 3: overlong forms, UTF-16 surrogates and values above U+10FFFF are invalid.
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

}  // namespace sedun::se::applet
