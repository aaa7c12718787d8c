// BER-TLV reader, tree parser and writer.
#include "apdu/tlv.h"

#include <algorithm>
#include <string>
#include <utility>

namespace sedun::apdu {
namespace {

// X.690 8.1.2.4: the low five bits 11111 of the first byte announce subsequent tag bytes.
constexpr uint8_t kTagNumberMask = 0x1F;
// X.690 8.1.2.4.2: in subsequent bytes bit 8 says another byte follows.
constexpr uint8_t kMoreTagBytes = 0x80;
constexpr uint8_t kConstructedBit = 0x20;
// X.690 8.1.3.6: a length byte of 80 starts the indefinite form.
constexpr uint8_t kIndefiniteLength = 0x80;

std::string Hex8(uint32_t v) {
  uint8_t b = static_cast<uint8_t>(v);
  return HexEncode(ByteView(&b, 1));
}

// Wire form of a tag; values too large to be a tag print all four bytes.
std::string TagHex(Tag tag) {
  std::string out;
  size_t n = tag > 0xFFFFFF ? 4 : TagSize(tag);
  for (size_t i = n; i > 0; --i) out += Hex8(tag >> (8 * (i - 1)));
  return out;
}

uint8_t FirstTagByte(Tag tag) { return static_cast<uint8_t>(tag >> (8 * (TagSize(tag) - 1))); }

Status ReadTag(ByteReader* in, bool allow_emv_tags, Tag* out) {
  uint8_t b0 = 0;
  if (!in->ReadU8(&b0)) return Malformed("TLV: missing tag");
  if (b0 == 0x00) return Malformed("TLV: tag 00 (padding or end-of-contents) is not allowed");
  if ((b0 & kTagNumberMask) != kTagNumberMask) {
    *out = b0;
    return Status::Ok();
  }
  uint8_t b1 = 0;
  if (!in->ReadU8(&b1))
    return Malformed("TLV: tag " + Hex8(b0) + " truncated after its first byte");
  if ((b1 & kMoreTagBytes) == 0) {
    // X.690 8.1.2.4 / ISO 7816-4: numbers 0..30 have a one-byte form, so 00..1E are invalid here.
    if (b1 < kTagNumberMask && !allow_emv_tags) {
      return Malformed("TLV: tag " + Hex8(b0) + Hex8(b1) +
                       " encodes a number below 31 in two bytes");
    }
    *out = (Tag{b0} << 8) | b1;
    return Status::Ok();
  }
  // X.690 8.1.2.4.2 c: the first subsequent byte may not be 80 (a leading group of zero bits).
  if (b1 == kMoreTagBytes) return Malformed("TLV: tag " + Hex8(b0) + "80 is not minimal");
  uint8_t b2 = 0;
  if (!in->ReadU8(&b2)) {
    return Malformed("TLV: tag " + Hex8(b0) + Hex8(b1) + " truncated after its second byte");
  }
  if ((b2 & kMoreTagBytes) != 0) {
    return Malformed("TLV: tag " + Hex8(b0) + Hex8(b1) + Hex8(b2) + "... is longer than 3 bytes");
  }
  *out = (Tag{b0} << 16) | (Tag{b1} << 8) | b2;
  return Status::Ok();
}

Status ReadLength(ByteReader* in, bool strict, size_t* out) {
  uint8_t first = 0;
  if (!in->ReadU8(&first)) return Malformed("TLV: missing length");
  if (first < 0x80) {
    *out = first;
    return Status::Ok();
  }
  if (first == kIndefiniteLength) return Malformed("TLV: indefinite length (80) is not allowed");
  size_t n = first & 0x7Fu;
  if (n > 3) return Malformed("TLV: length form " + Hex8(first) + " exceeds the 83 (3-byte) limit");
  ByteView bytes;
  if (!in->ReadBytes(n, &bytes))
    return Malformed("TLV: length field " + Hex8(first) + " truncated");
  size_t len = 0;
  for (uint8_t b : bytes) len = (len << 8) | b;
  // X.690 10.1: the minimal form is the short one below 128, else the fewest length bytes.
  static constexpr size_t kSmallestFor[] = {0, 0x80, 0x100, 0x10000};
  if (strict && len < kSmallestFor[n]) {
    return Malformed("TLV: length " + std::to_string(len) + " in form " + Hex8(first) +
                     " is not minimal");
  }
  *out = len;
  return Status::Ok();
}

Status ParseList(ByteView in, const TlvOptions& options, size_t depth, std::vector<Tlv>* out) {
  if (!in.empty() && depth > options.max_depth) {
    return Malformed("TLV: nesting deeper than " + std::to_string(options.max_depth) + " levels");
  }
  ByteReader r(in);
  while (!r.empty()) {
    Tlv tlv;
    SEDUN_RETURN_IF_ERROR(ReadTlv(&r, &tlv.tag, &tlv.value, options));
    if (tlv.constructed()) {
      Status s = ParseList(tlv.value, options, depth + 1, &tlv.children);
      if (!s.ok()) return s.Annotate("in " + TagHex(tlv.tag));
    }
    out->push_back(std::move(tlv));
  }
  return Status::Ok();
}

void PutTag(ByteWriter* w, Tag tag) {
  for (size_t i = TagSize(tag); i > 0; --i) w->PutU8(static_cast<uint8_t>(tag >> (8 * (i - 1))));
}

// Minimal definite length (X.690 10.1); the caller has checked len <= kMaxTlvValueSize.
void PutLength(ByteWriter* w, size_t len) {
  if (len < 0x80) {
    w->PutU8(static_cast<uint8_t>(len));
  } else if (len <= 0xFF) {
    w->PutU8(0x81);
    w->PutU8(static_cast<uint8_t>(len));
  } else if (len <= 0xFFFF) {
    w->PutU8(0x82);
    w->PutU16(static_cast<uint16_t>(len));
  } else {
    w->PutU8(0x83);
    w->PutU24(static_cast<uint32_t>(len));
  }
}

// Errors stick in the writer, so Finish reports them.
void EncodeInto(TlvWriter* w, const Tlv& tlv) {
  if (tlv.children.empty()) {
    w->Add(tlv.tag, tlv.value);
    return;
  }
  w->Open(tlv.tag);
  for (const Tlv& child : tlv.children) EncodeInto(w, child);
  w->Close();
}

}  // namespace

size_t TagSize(Tag tag) {
  if (tag <= 0xFF) return 1;
  if (tag <= 0xFFFF) return 2;
  return 3;
}

bool IsConstructedTag(Tag tag) { return (FirstTagByte(tag) & kConstructedBit) != 0; }

bool IsValidTag(Tag tag, bool allow_emv_tags) {
  if (tag == 0 || tag > 0xFFFFFF) return false;
  uint8_t bytes[kMaxTagSize];
  size_t n = TagSize(tag);
  for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<uint8_t>(tag >> (8 * (n - 1 - i)));
  ByteReader r(ByteView(bytes, n));
  Tag parsed = 0;
  return ReadTag(&r, allow_emv_tags, &parsed).ok() && r.empty() && parsed == tag;
}

const Tlv* Tlv::Find(Tag child_tag) const { return FindTlv(children, child_tag); }

bool operator==(const Tlv& a, const Tlv& b) {
  if (a.tag != b.tag || a.children != b.children) return false;
  return !a.children.empty() || std::ranges::equal(a.value, b.value);
}

Status ReadTlv(ByteReader* in, Tag* out_tag, ByteView* out_value, const TlvOptions& options) {
  ByteReader r = *in;
  Tag tag = 0;
  SEDUN_RETURN_IF_ERROR(ReadTag(&r, options.allow_emv_tags, &tag));
  size_t len = 0;
  Status s = ReadLength(&r, options.strict_lengths, &len);
  if (!s.ok()) return s.Annotate("tag " + TagHex(tag));
  ByteView value;
  if (!r.ReadBytes(len, &value)) {
    return Malformed("TLV: tag " + TagHex(tag) + " length " + std::to_string(len) +
                     " exceeds the " + std::to_string(r.remaining()) + " bytes left");
  }
  *in = r;
  *out_tag = tag;
  *out_value = value;
  return Status::Ok();
}

Result<std::vector<Tlv>> ParseTlvs(ByteView in, const TlvOptions& options) {
  std::vector<Tlv> out;
  SEDUN_RETURN_IF_ERROR(ParseList(in, options, 1, &out));
  return out;
}

Result<Tlv> ParseTlv(ByteView in, const TlvOptions& options) {
  if (options.max_depth < 1) return Malformed("TLV: nesting deeper than 0 levels");
  ByteReader r(in);
  Tlv tlv;
  SEDUN_RETURN_IF_ERROR(ReadTlv(&r, &tlv.tag, &tlv.value, options));
  SEDUN_RETURN_IF_ERROR(r.ExpectEnd("TLV object"));
  if (tlv.constructed()) {
    Status s = ParseList(tlv.value, options, 2, &tlv.children);
    if (!s.ok()) return s.Annotate("in " + TagHex(tlv.tag));
  }
  return tlv;
}

const Tlv* FindTlv(std::span<const Tlv> list, Tag tag) {
  for (const Tlv& t : list) {
    if (t.tag == tag) return &t;
  }
  return nullptr;
}

const Tlv* FindTlvPath(std::span<const Tlv> list, std::initializer_list<Tag> path) {
  const Tlv* found = nullptr;
  for (Tag tag : path) {
    found = FindTlv(list, tag);
    if (found == nullptr) return nullptr;
    list = found->children;
  }
  return found;
}

Result<ByteView> FindTlvValue(std::span<const Tlv> list, Tag tag) {
  const Tlv* t = FindTlv(list, tag);
  if (t == nullptr) return NotFound("TLV: tag " + TagHex(tag) + " not present");
  return t->value;
}

TlvWriter::TlvWriter(const TlvOptions& options)
    : levels_(1), allow_emv_tags_(options.allow_emv_tags) {}

void TlvWriter::Fail(Status status) {
  if (error_.ok()) error_ = std::move(status);
}

void TlvWriter::Add(Tag tag, ByteView value) {
  if (!error_.ok()) return;
  if (!IsValidTag(tag, allow_emv_tags_))
    return Fail(InvalidArgument("TlvWriter: invalid tag " + TagHex(tag)));
  if (value.size() > kMaxTlvValueSize) {
    return Fail(ResourceExhausted("TlvWriter: value of " + std::to_string(value.size()) +
                                  " bytes exceeds the 83 length form"));
  }
  ByteWriter& w = levels_.back();
  PutTag(&w, tag);
  PutLength(&w, value.size());
  w.PutBytes(value);
}

void TlvWriter::AddU8(Tag tag, uint8_t value) { Add(tag, ByteView(&value, 1)); }

void TlvWriter::Open(Tag tag) {
  if (!error_.ok()) return;
  if (!IsValidTag(tag, allow_emv_tags_))
    return Fail(InvalidArgument("TlvWriter: invalid tag " + TagHex(tag)));
  if (!IsConstructedTag(tag)) {
    return Fail(InvalidArgument("TlvWriter: Open needs a constructed tag, " + TagHex(tag) +
                                " is primitive"));
  }
  levels_.emplace_back();
  open_tags_.push_back(tag);
}

void TlvWriter::Close() {
  if (!error_.ok()) return;
  if (open_tags_.empty()) return Fail(Internal("TlvWriter: Close without Open"));
  Tag tag = open_tags_.back();
  open_tags_.pop_back();
  Result<Bytes> content = levels_.back().Finish();
  levels_.pop_back();
  if (!content.ok()) return Fail(content.status());
  Add(tag, *content);
}

Result<Bytes> TlvWriter::Finish() {
  if (!error_.ok()) return error_;
  if (!open_tags_.empty()) {
    return Internal("TlvWriter: constructed tag " + TagHex(open_tags_.back()) + " left open");
  }
  return levels_.front().Finish();
}

Result<Bytes> EncodeTlvs(std::span<const Tlv> list, const TlvOptions& options) {
  TlvWriter w(options);
  for (const Tlv& t : list) EncodeInto(&w, t);
  return w.Finish();
}

Result<Bytes> EncodeTlv(const Tlv& tlv, const TlvOptions& options) {
  return EncodeTlvs(std::span<const Tlv>(&tlv, 1), options);
}

}  // namespace sedun::apdu
