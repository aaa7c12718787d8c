// ByteReader: a bounds-checked cursor over borrowed bytes (in the spirit of BoringSSL's CBS).
//
// Every parser in sedun reads input through this class; pointer arithmetic on untrusted input
// happens nowhere else. Reads that would run past the end fail and leave the cursor unchanged,
// so a caller can report the error without partial state. Decoders finish with Done() /
// ExpectEnd() to reject trailing bytes. Thread-safety: a value; not synchronised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"

namespace sedun {

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(ByteView data) : data_(data) {}

  size_t remaining() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  ByteView rest() const { return data_; }

  // Each returns false (cursor unchanged) when fewer bytes remain than needed.
  [[nodiscard]] bool ReadU8(uint8_t* out);
  [[nodiscard]] bool ReadU16(uint16_t* out);  // big-endian
  [[nodiscard]] bool ReadU24(uint32_t* out);  // big-endian
  [[nodiscard]] bool ReadU32(uint32_t* out);  // big-endian
  [[nodiscard]] bool ReadU64(uint64_t* out);  // big-endian
  [[nodiscard]] bool ReadBytes(size_t n, ByteView* out);
  [[nodiscard]] bool ReadSub(size_t n, ByteReader* out);
  [[nodiscard]] bool Skip(size_t n);
  [[nodiscard]] bool PeekU8(uint8_t* out) const;
  // Length-prefixed fields: a big-endian length of 1, 2 or 4 bytes, then that many bytes.
  [[nodiscard]] bool ReadU8Prefixed(ByteView* out);
  [[nodiscard]] bool ReadU16Prefixed(ByteView* out);
  [[nodiscard]] bool ReadU32Prefixed(ByteView* out);

  // Takes everything left.
  ByteView ReadRest();

  // OK when no bytes remain; otherwise a Malformed status naming `what`.
  Status ExpectEnd(std::string_view what) const;

 private:
  ByteView data_;
};

}  // namespace sedun
