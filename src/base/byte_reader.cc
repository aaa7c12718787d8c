// ByteReader implementation.
#include "base/byte_reader.h"

#include <string>

namespace sedun {

bool ByteReader::ReadBytes(size_t n, ByteView* out) {
  if (n > data_.size()) return false;
  *out = data_.first(n);
  data_ = data_.subspan(n);
  return true;
}

bool ByteReader::ReadSub(size_t n, ByteReader* out) {
  ByteView v;
  if (!ReadBytes(n, &v)) return false;
  *out = ByteReader(v);
  return true;
}

bool ByteReader::Skip(size_t n) {
  ByteView unused;
  return ReadBytes(n, &unused);
}

bool ByteReader::PeekU8(uint8_t* out) const {
  if (data_.empty()) return false;
  *out = data_[0];
  return true;
}

bool ByteReader::ReadU8(uint8_t* out) {
  if (!PeekU8(out)) return false;
  data_ = data_.subspan(1);
  return true;
}

namespace {
template <typename T>
bool ReadBigEndian(ByteReader* r, size_t n, T* out) {
  ByteView v;
  if (!r->ReadBytes(n, &v)) return false;
  T value = 0;
  for (uint8_t b : v) value = static_cast<T>((value << 8) | b);
  *out = value;
  return true;
}
}  // namespace

bool ByteReader::ReadU16(uint16_t* out) { return ReadBigEndian(this, 2, out); }
bool ByteReader::ReadU24(uint32_t* out) { return ReadBigEndian(this, 3, out); }
bool ByteReader::ReadU32(uint32_t* out) { return ReadBigEndian(this, 4, out); }
bool ByteReader::ReadU64(uint64_t* out) { return ReadBigEndian(this, 8, out); }

bool ByteReader::ReadU8Prefixed(ByteView* out) {
  ByteReader saved = *this;
  uint8_t n;
  if (ReadU8(&n) && ReadBytes(n, out)) return true;
  *this = saved;
  return false;
}

bool ByteReader::ReadU16Prefixed(ByteView* out) {
  ByteReader saved = *this;
  uint16_t n;
  if (ReadU16(&n) && ReadBytes(n, out)) return true;
  *this = saved;
  return false;
}

bool ByteReader::ReadU32Prefixed(ByteView* out) {
  ByteReader saved = *this;
  uint32_t n;
  if (ReadU32(&n) && ReadBytes(n, out)) return true;
  *this = saved;
  return false;
}

ByteView ByteReader::ReadRest() {
  ByteView v = data_;
  data_ = ByteView();
  return v;
}

Status ByteReader::ExpectEnd(std::string_view what) const {
  if (data_.empty()) return Status::Ok();
  return Malformed(std::string(what) + ": " + std::to_string(data_.size()) + " trailing bytes");
}

}  // namespace sedun
