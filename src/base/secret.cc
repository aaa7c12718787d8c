// SecretBytes implementation.
#include "base/secret.h"

#include <string.h>

namespace sedun {

void SecureWipe(void* data, size_t size) {
  if (data != nullptr && size > 0) explicit_bzero(data, size);
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    data_ = std::move(other.data_);
    other.data_.clear();
  }
  return *this;
}

void SecretBytes::Wipe() {
  // Only [0, size) can hold secrets: Resize wipes what it cuts off and growth wipes the old block.
  SecureWipe(data_.data(), data_.size());
  data_.clear();
}

void SecretBytes::Append(ByteView bytes) {
  if (data_.size() + bytes.size() > data_.capacity()) {
    std::vector<uint8_t> grown;
    grown.reserve((data_.size() + bytes.size()) * 2);
    grown.assign(data_.begin(), data_.end());
    Wipe();
    data_ = std::move(grown);
  }
  data_.insert(data_.end(), bytes.begin(), bytes.end());
}

void SecretBytes::Resize(size_t size) {
  if (size <= data_.size()) {
    SecureWipe(data_.data() + size, data_.size() - size);
    data_.resize(size);
    return;
  }
  SecretBytes grown(size);
  std::copy(data_.begin(), data_.end(), grown.data_.begin());
  *this = std::move(grown);
}

}  // namespace sedun
