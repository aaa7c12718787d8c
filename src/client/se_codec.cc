// Data objects of the security service application: input checks, secret request encoding and
// strict answer decoders.
#include "client/se_codec.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "base/byte_reader.h"

namespace sedun::client::codec {
namespace {

std::string TagHex(apdu::Tag t) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%02X", static_cast<unsigned>(t));
  return buf;
}

Status Bad(std::string_view command, const std::string& what) {
  return Malformed(std::string(command) + " answer: " + what);
}

const apdu::Tlv& Get(const std::vector<apdu::Tlv>& objects, apdu::Tag t) { return *apdu::FindTlv(objects, t); }

Status Require(const std::vector<apdu::Tlv>& objects, std::initializer_list<apdu::Tag> required,
               std::string_view command) {
  for (apdu::Tag t : required) {
    if (apdu::FindTlv(objects, t) == nullptr) return Bad(command, "object " + TagHex(t) + " missing");
  }
  return Status::Ok();
}

Result<uint8_t> OneByte(const apdu::Tlv& object, std::string_view command) {
  if (object.value.size() != 1) return Bad(command, "object " + TagHex(object.tag) + " is not one byte");
  return object.value[0];
}

Result<Lifecycle> DecodeLifecycle(const apdu::Tlv& object, std::string_view command) {
  SEDUN_ASSIGN_OR_RETURN(uint8_t v, OneByte(object, command));
  if (v < static_cast<uint8_t>(Lifecycle::kFactory) || v > static_cast<uint8_t>(Lifecycle::kTerminated)) {
    return Bad(command, "unknown lifecycle state " + TagHex(v));
  }
  return static_cast<Lifecycle>(v);
}

Result<Bytes> DecodeSerial(const apdu::Tlv& object, std::string_view command) {
  if (object.value.size() != kCardSerialSize) return Bad(command, "card serial is not 8 bytes");
  return ToBytes(object.value);
}

Result<std::string> DecodeName(ByteView value, std::string_view command) {
  if (value.empty() || value.size() > kMaxContainerName) return Bad(command, "container name of bad length");
  return std::string(AsChars(value));
}

Result<Bytes> DecodeCertificate(ByteView value, std::string_view command) {
  if (value.empty()) return Bad(command, "empty certificate");
  return ToBytes(value);
}

}  // namespace

Status CheckPin(const SecretBytes& pin, std::string_view what) {
  if (pin.size() < kMinPinSize || pin.size() > kMaxPinSize) {
    return InvalidArgument(std::string(what) + " must be " + std::to_string(kMinPinSize) + " to " +
                           std::to_string(kMaxPinSize) + " bytes");
  }
  return Status::Ok();
}

Status CheckContainerName(std::string_view name) {
  if (name.empty() || name.size() > kMaxContainerName) {
    return InvalidArgument("container name must be 1 to " + std::to_string(kMaxContainerName) + " bytes");
  }
  return Status::Ok();
}

Status CheckUserId(ByteView user_id) {
  if (user_id.size() > 255) return InvalidArgument("user ID must be at most 255 bytes");
  return Status::Ok();
}

namespace {

// Bytes after the first of a minimal BER length field (X.690 8.1.3): 0 below 128, else 1 to 3.
size_t LengthExtraBytes(size_t n) { return n < 0x80 ? 0 : n <= 0xFF ? 1 : n <= 0xFFFF ? 2 : 3; }

}  // namespace

Result<SecretBytes> EncodeSecretObjects(std::initializer_list<std::pair<apdu::Tag, ByteView>> objects) {
  size_t total = 0;
  for (const auto& [t, value] : objects) {
    if (t > 0xFF || !apdu::IsValidTag(t) || apdu::IsConstructedTag(t) || value.size() > apdu::kMaxTlvValueSize) {
      return InvalidArgument("object " + TagHex(t) + ": needs a one-byte primitive tag and at most 16 MiB");
    }
    total += 2 + LengthExtraBytes(value.size()) + value.size();
  }
  SecretBytes out(total);
  size_t at = 0;
  for (const auto& [t, value] : objects) {
    out[at++] = static_cast<uint8_t>(t);
    const size_t extra = LengthExtraBytes(value.size());
    if (extra > 0) out[at++] = static_cast<uint8_t>(0x80 | extra);
    for (size_t k = extra; k > 0; --k) out[at++] = static_cast<uint8_t>(value.size() >> (8 * (k - 1)));
    if (extra == 0) out[at++] = static_cast<uint8_t>(value.size());
    std::copy(value.begin(), value.end(), out.data() + at);
    at += value.size();
  }
  return out;
}

Status StartContainerRequest(apdu::TlvWriter& w, std::string_view name, std::optional<KeySlot> slot) {
  SEDUN_RETURN_IF_ERROR(CheckContainerName(name));
  w.Add(tag::kContainerName, AsBytes(name));
  if (slot) w.AddU8(tag::kKeySlot, static_cast<uint8_t>(*slot));
  return Status::Ok();
}

Result<Bytes> ContainerRequest(std::string_view name, std::optional<KeySlot> slot) {
  apdu::TlvWriter w;
  SEDUN_RETURN_IF_ERROR(StartContainerRequest(w, name, slot));
  return w.Finish();
}

Result<std::vector<apdu::Tlv>> ParseObjects(ByteView data, std::initializer_list<apdu::Tag> allowed,
                                            std::string_view command) {
  auto parsed = apdu::ParseTlvs(data);
  if (!parsed.ok()) return Bad(command, parsed.status().message());
  for (size_t i = 0; i < parsed->size(); ++i) {
    const apdu::Tag t = (*parsed)[i].tag;
    if (std::find(allowed.begin(), allowed.end(), t) == allowed.end()) {
      return Bad(command, "unexpected object " + TagHex(t));
    }
    for (size_t j = 0; j < i; ++j) {
      if ((*parsed)[j].tag == t) return Bad(command, "object " + TagHex(t) + " repeated");
    }
  }
  return parsed;
}

Result<ByteView> OnlyObject(ByteView data, apdu::Tag t, std::string_view command) {
  SEDUN_ASSIGN_OR_RETURN(std::vector<apdu::Tlv> objects, ParseObjects(data, {t}, command));
  SEDUN_RETURN_IF_ERROR(Require(objects, {t}, command));
  return objects[0].value;
}

Result<crypto::Sm2PublicKey> DecodePublicKey(ByteView value, std::string_view command) {
  auto key = crypto::Sm2PublicKey::FromUncompressed(value);
  if (!key.ok()) return Bad(command, "public key: " + key.status().message());
  return key;
}

Result<KeySlot> DecodeKeySlot(ByteView value, std::string_view command) {
  if (value.size() != 1 || (value[0] != static_cast<uint8_t>(KeySlot::kSign) &&
                            value[0] != static_cast<uint8_t>(KeySlot::kEncrypt))) {
    return Bad(command, "key slot is not 01 or 02");
  }
  return static_cast<KeySlot>(value[0]);
}

// 6F { 84 AID, A5 { 95 lifecycle, 96 serial, 97 tries left } }
Result<CardInfo> DecodeFci(ByteView data) {
  constexpr std::string_view kCommand = "SELECT";
  SEDUN_ASSIGN_OR_RETURN(std::vector<apdu::Tlv> top, ParseObjects(data, {tag::kFci}, kCommand));
  SEDUN_RETURN_IF_ERROR(Require(top, {tag::kFci}, kCommand));
  const std::vector<apdu::Tlv>& fci = top[0].children;
  for (size_t i = 0; i < fci.size(); ++i) {
    if (fci[i].tag != tag::kDfName && fci[i].tag != tag::kFciProprietary) {
      return Bad(kCommand, "unexpected FCI object " + TagHex(fci[i].tag));
    }
    for (size_t j = 0; j < i; ++j) {
      if (fci[j].tag == fci[i].tag) return Bad(kCommand, "FCI object " + TagHex(fci[i].tag) + " repeated");
    }
  }
  SEDUN_RETURN_IF_ERROR(Require(fci, {tag::kDfName, tag::kFciProprietary}, kCommand));
  if (!std::equal(Get(fci, tag::kDfName).value.begin(), Get(fci, tag::kDfName).value.end(), kSeAid.begin(),
                  kSeAid.end())) {
    return Bad(kCommand, "FCI names another application");
  }
  const std::vector<apdu::Tlv>& prop = Get(fci, tag::kFciProprietary).children;
  for (size_t i = 0; i < prop.size(); ++i) {
    const apdu::Tag t = prop[i].tag;
    if (t != tag::kLifecycle && t != tag::kCardSerial && t != tag::kTriesLeft) {
      return Bad(kCommand, "unexpected FCI object " + TagHex(t));
    }
    for (size_t j = 0; j < i; ++j) {
      if (prop[j].tag == t) return Bad(kCommand, "FCI object " + TagHex(t) + " repeated");
    }
  }
  SEDUN_RETURN_IF_ERROR(Require(prop, {tag::kLifecycle, tag::kCardSerial, tag::kTriesLeft}, kCommand));
  CardInfo info;
  SEDUN_ASSIGN_OR_RETURN(info.lifecycle, DecodeLifecycle(Get(prop, tag::kLifecycle), kCommand));
  SEDUN_ASSIGN_OR_RETURN(info.serial, DecodeSerial(Get(prop, tag::kCardSerial), kCommand));
  SEDUN_ASSIGN_OR_RETURN(uint8_t tries, OneByte(Get(prop, tag::kTriesLeft), kCommand));
  info.user_pin_tries = tries;
  return info;
}

// 95 lifecycle, 96 serial, 97 user tries, 99 admin tries, 98 free space (4 bytes)
Result<CardInfo> DecodeCardData(ByteView data) {
  constexpr std::string_view kCommand = "GET DATA";
  const auto kTags = {tag::kLifecycle, tag::kCardSerial, tag::kTriesLeft, tag::kAdminTriesLeft, tag::kFreeSpace};
  SEDUN_ASSIGN_OR_RETURN(std::vector<apdu::Tlv> objects, ParseObjects(data, kTags, kCommand));
  SEDUN_RETURN_IF_ERROR(Require(objects, kTags, kCommand));
  CardInfo info;
  SEDUN_ASSIGN_OR_RETURN(info.lifecycle, DecodeLifecycle(Get(objects, tag::kLifecycle), kCommand));
  SEDUN_ASSIGN_OR_RETURN(info.serial, DecodeSerial(Get(objects, tag::kCardSerial), kCommand));
  SEDUN_ASSIGN_OR_RETURN(uint8_t user, OneByte(Get(objects, tag::kTriesLeft), kCommand));
  SEDUN_ASSIGN_OR_RETURN(uint8_t admin, OneByte(Get(objects, tag::kAdminTriesLeft), kCommand));
  info.user_pin_tries = user;
  info.admin_pin_tries = admin;
  ByteReader space(Get(objects, tag::kFreeSpace).value);
  uint32_t free_space = 0;
  if (space.remaining() != 4 || !space.ReadU32(&free_space)) return Bad(kCommand, "free space is not 4 bytes");
  info.free_space = free_space;
  return info;
}

// A0 { 81 name, then per slot present: 82 slot, 87 key, and 86 certificate when installed }
Result<std::vector<ContainerEntry>> DecodeContainerList(ByteView data) {
  constexpr std::string_view kCommand = "LIST CONTAINERS";
  auto parsed = apdu::ParseTlvs(data);
  if (!parsed.ok()) return Bad(kCommand, parsed.status().message());
  std::vector<ContainerEntry> entries;
  for (const apdu::Tlv& entry : *parsed) {
    if (entry.tag != tag::kContainerEntry) return Bad(kCommand, "unexpected object " + TagHex(entry.tag));
    const std::vector<apdu::Tlv>& c = entry.children;
    if (c.empty() || c[0].tag != tag::kContainerName) return Bad(kCommand, "entry does not start with a name");
    ContainerEntry out;
    SEDUN_ASSIGN_OR_RETURN(out.name, DecodeName(c[0].value, kCommand));
    for (const ContainerEntry& seen : entries) {
      if (seen.name == out.name) return Bad(kCommand, "container listed twice");
    }
    size_t i = 1;
    while (i < c.size()) {
      if (c[i].tag != tag::kKeySlot) return Bad(kCommand, "expected a key slot, got " + TagHex(c[i].tag));
      SlotEntry slot;
      SEDUN_ASSIGN_OR_RETURN(slot.slot, DecodeKeySlot(c[i].value, kCommand));
      for (const SlotEntry& seen : out.slots) {
        if (seen.slot == slot.slot) return Bad(kCommand, "key slot listed twice");
      }
      if (++i == c.size() || c[i].tag != tag::kPublicKey) return Bad(kCommand, "key slot without a public key");
      SEDUN_ASSIGN_OR_RETURN(slot.public_key, DecodePublicKey(c[i].value, kCommand));
      ++i;
      if (i < c.size() && c[i].tag == tag::kCertificate) {
        SEDUN_ASSIGN_OR_RETURN(slot.certificate, DecodeCertificate(c[i].value, kCommand));
        ++i;
      }
      out.slots.push_back(std::move(slot));
    }
    entries.push_back(std::move(out));
  }
  return entries;
}

// 81 name, 82 slot, 86 certificate
Result<FoundCertificate> DecodeFoundCertificate(ByteView data) {
  constexpr std::string_view kCommand = "READ CERTIFICATE";
  const auto kTags = {tag::kContainerName, tag::kKeySlot, tag::kCertificate};
  SEDUN_ASSIGN_OR_RETURN(std::vector<apdu::Tlv> objects, ParseObjects(data, kTags, kCommand));
  SEDUN_RETURN_IF_ERROR(Require(objects, kTags, kCommand));
  FoundCertificate found;
  SEDUN_ASSIGN_OR_RETURN(found.container, DecodeName(Get(objects, tag::kContainerName).value, kCommand));
  SEDUN_ASSIGN_OR_RETURN(found.slot, DecodeKeySlot(Get(objects, tag::kKeySlot).value, kCommand));
  SEDUN_ASSIGN_OR_RETURN(found.certificate, DecodeCertificate(Get(objects, tag::kCertificate).value, kCommand));
  return found;
}

}  // namespace sedun::client::codec
