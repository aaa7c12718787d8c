// ByteWriter: a growing output buffer with big-endian integers and length prefixes (in the
// spirit of BoringSSL's CBB). Length-prefixed fields are opened, filled and closed; Close checks
// that the content fits the prefix, so an encoder cannot silently truncate a length.
// Thread-safety: a value; not synchronised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/bytes.h"

namespace sedun {

class ByteWriter {
 public:
  ByteWriter() = default;

  void PutU8(uint8_t v) { out_.push_back(v); }
  void PutU16(uint16_t v);
  void PutU24(uint32_t v);  // low 24 bits
  void PutU32(uint32_t v);
  void PutU64(uint64_t v);
  void PutBytes(ByteView v) { out_.insert(out_.end(), v.begin(), v.end()); }

  // Opens a field with a `prefix_bytes`-byte big-endian length (1, 2 or 4) filled in by
  // ClosePrefixed. Fields nest; close them in reverse order.
  void OpenPrefixed(size_t prefix_bytes);
  // Fails (and leaves the buffer unusable: callers return the error) when the field is larger
  // than its prefix can express or when no field is open.
  Status ClosePrefixed();

  size_t size() const { return out_.size(); }
  const Bytes& bytes() const { return out_; }
  // Hands the buffer over; fails if a prefixed field is still open.
  Result<Bytes> Finish();

 private:
  struct Open {
    size_t offset;  // where the length bytes start
    size_t width;   // 1, 2 or 4
  };
  Bytes out_;
  std::vector<Open> open_;
};

}  // namespace sedun
