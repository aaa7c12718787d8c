// ByteWriter implementation.
#include "base/byte_writer.h"

namespace sedun {

void ByteWriter::PutU16(uint16_t v) {
  PutU8(static_cast<uint8_t>(v >> 8));
  PutU8(static_cast<uint8_t>(v));
}

void ByteWriter::PutU24(uint32_t v) {
  PutU8(static_cast<uint8_t>(v >> 16));
  PutU8(static_cast<uint8_t>(v >> 8));
  PutU8(static_cast<uint8_t>(v));
}

void ByteWriter::PutU32(uint32_t v) {
  PutU16(static_cast<uint16_t>(v >> 16));
  PutU16(static_cast<uint16_t>(v));
}

void ByteWriter::PutU64(uint64_t v) {
  PutU32(static_cast<uint32_t>(v >> 32));
  PutU32(static_cast<uint32_t>(v));
}

void ByteWriter::OpenPrefixed(size_t prefix_bytes) {
  open_.push_back(Open{out_.size(), prefix_bytes});
  out_.insert(out_.end(), prefix_bytes, 0);
}

Status ByteWriter::ClosePrefixed() {
  if (open_.empty()) return Internal("ByteWriter: no open length prefix");
  Open o = open_.back();
  open_.pop_back();
  if (o.width != 1 && o.width != 2 && o.width != 4) {
    return Internal("ByteWriter: unsupported prefix width");
  }
  size_t len = out_.size() - o.offset - o.width;
  const uint64_t max = (uint64_t{1} << (8 * o.width)) - 1;
  if (len > max) return ResourceExhausted("field of " + std::to_string(len) + " bytes exceeds its length prefix");
  for (size_t i = 0; i < o.width; ++i) {
    out_[o.offset + i] = static_cast<uint8_t>(len >> (8 * (o.width - 1 - i)));
  }
  return Status::Ok();
}

Result<Bytes> ByteWriter::Finish() {
  if (!open_.empty()) return Internal("ByteWriter: length prefix left open");
  return std::move(out_);
}

}  // namespace sedun
