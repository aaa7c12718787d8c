// SecretBytes: a byte buffer for keys, PINs and plaintext that wipes itself.
//
// The storage is zeroed with explicit_bzero (which the compiler may not elide) on destruction,
// on reassignment and on resize. Copies are explicit (Clone) so that secrets do not multiply by
// accident. Comparison of secrets belongs to crypto::ConstantTimeEqual, never operator==.
// Thread-safety: a value type; not synchronised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.h"

namespace sedun {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t size) : data_(size, 0) {}
  explicit SecretBytes(ByteView bytes) : data_(bytes.begin(), bytes.end()) {}
  ~SecretBytes() { Wipe(); }

  SecretBytes(SecretBytes&& other) noexcept : data_(std::move(other.data_)) { other.data_.clear(); }
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  SecretBytes Clone() const { return SecretBytes(view()); }

  uint8_t* data() { return data_.data(); }
  const uint8_t* data() const { return data_.data(); }
  size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  ByteView view() const { return ByteView(data_.data(), data_.size()); }
  std::span<uint8_t> span() { return std::span<uint8_t>(data_.data(), data_.size()); }
  uint8_t& operator[](size_t i) { return data_[i]; }
  const uint8_t& operator[](size_t i) const { return data_[i]; }

  // Appends; when the buffer must grow the old storage is wiped before release.
  void Append(ByteView bytes);
  // Shrinks (wiping the tail) or grows with zeros.
  void Resize(size_t size);
  void Wipe();

 private:
  std::vector<uint8_t> data_;
};

// Zeroes memory in a way the optimiser keeps.
void SecureWipe(void* data, size_t size);

}  // namespace sedun
