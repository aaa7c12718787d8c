// Strict DER codec for the GM/T 0009 structures.
#include "crypto/der.h"

#include <string>

namespace sedun::crypto::der {
namespace {

// X.690 §8.1.3 with the DER restriction of §10.1: short form for lengths < 128; otherwise
// 0x80 | n followed by n big-endian octets, n minimal (no leading zero octet), never 0x80
// (indefinite form).
bool ReadLength(ByteReader* in, size_t* out_len) {
  uint8_t first = 0;
  if (!in->ReadU8(&first)) return false;
  if (first < 0x80) {
    *out_len = first;
    return true;
  }
  size_t n = first & 0x7f;
  if (n == 0 || n > 4) return false;  // indefinite, or longer than any input we accept
  size_t len = 0;
  for (size_t i = 0; i < n; ++i) {
    uint8_t b = 0;
    if (!in->ReadU8(&b)) return false;
    if (i == 0 && b == 0) return false;  // a leading zero octet is not minimal
    len = (len << 8) | b;
  }
  if (len < 0x80) return false;  // fits the short form
  *out_len = len;
  return true;
}

void WriteLength(ByteWriter* out, size_t len) {
  if (len < 0x80) {
    out->PutU8(static_cast<uint8_t>(len));
    return;
  }
  size_t n = 0;
  for (size_t v = len; v != 0; v >>= 8) ++n;
  out->PutU8(static_cast<uint8_t>(0x80 | n));
  for (size_t i = n; i > 0; --i) out->PutU8(static_cast<uint8_t>(len >> (8 * (i - 1))));
}

Status Bad(const char* what) { return Malformed(std::string("DER: ") + what); }

}  // namespace

Status ReadElement(ByteReader* in, uint8_t tag, ByteView* out_contents) {
  uint8_t got = 0;
  if (!in->ReadU8(&got)) return Bad("truncated tag");
  if (got != tag) return Bad("unexpected tag");
  size_t len = 0;
  if (!ReadLength(in, &len)) return Bad("invalid or non-minimal length");
  if (!in->ReadBytes(len, out_contents)) return Bad("length runs past the input");
  return Status::Ok();
}

Status ReadSequence(ByteReader* in, ByteReader* out_contents) {
  ByteView contents;
  SEDUN_RETURN_IF_ERROR(ReadElement(in, kTagSequence, &contents));
  *out_contents = ByteReader(contents);
  return Status::Ok();
}

Status ReadUnsignedInteger(ByteReader* in, size_t max_magnitude_bytes, ByteView* out_magnitude) {
  ByteView v;
  SEDUN_RETURN_IF_ERROR(ReadElement(in, kTagInteger, &v));
  // X.690 §8.3.1: at least one content octet.
  if (v.empty()) return Bad("empty INTEGER");
  if ((v[0] & 0x80) != 0) return Bad("negative INTEGER");
  // X.690 §8.3.2: the first nine bits are never all zero (or all one).
  if (v.size() > 1 && v[0] == 0 && (v[1] & 0x80) == 0) return Bad("non-minimal INTEGER");
  if (v[0] == 0) v = v.subspan(1);
  if (v.size() > max_magnitude_bytes) return Bad("INTEGER too large");
  *out_magnitude = v;
  return Status::Ok();
}

Status ReadUnsignedFixed(ByteReader* in, std::span<uint8_t> out) {
  ByteView mag;
  SEDUN_RETURN_IF_ERROR(ReadUnsignedInteger(in, out.size(), &mag));
  size_t pad = out.size() - mag.size();
  for (size_t i = 0; i < pad; ++i) out[i] = 0;
  for (size_t i = 0; i < mag.size(); ++i) out[pad + i] = mag[i];
  return Status::Ok();
}

Status ReadOctetString(ByteReader* in, ByteView* out_contents) {
  return ReadElement(in, kTagOctetString, out_contents);
}

Status ReadBitString(ByteReader* in, ByteView* out_contents) {
  ByteView v;
  SEDUN_RETURN_IF_ERROR(ReadElement(in, kTagBitString, &v));
  ByteReader r(v);
  uint8_t unused = 0;
  if (!r.ReadU8(&unused)) return Bad("BIT STRING without unused-bits octet");
  if (unused != 0) return Bad("BIT STRING with unused bits");
  *out_contents = r.ReadRest();
  return Status::Ok();
}

void WriteElement(ByteWriter* out, uint8_t tag, ByteView contents) {
  out->PutU8(tag);
  WriteLength(out, contents.size());
  out->PutBytes(contents);
}

void WriteUnsignedInteger(ByteWriter* out, ByteView magnitude) {
  size_t skip = 0;
  while (skip < magnitude.size() && magnitude[skip] == 0) ++skip;
  ByteView m = magnitude.subspan(skip);
  bool sign_octet = m.empty() || (m[0] & 0x80) != 0;
  out->PutU8(kTagInteger);
  WriteLength(out, m.size() + (sign_octet ? 1 : 0));
  if (sign_octet) out->PutU8(0);
  out->PutBytes(m);
}

void WriteOctetString(ByteWriter* out, ByteView contents) {
  WriteElement(out, kTagOctetString, contents);
}

void WriteBitString(ByteWriter* out, ByteView contents) {
  out->PutU8(kTagBitString);
  WriteLength(out, contents.size() + 1);
  out->PutU8(0);
  out->PutBytes(contents);
}

}  // namespace sedun::crypto::der
