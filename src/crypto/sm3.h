// SM3 hash (GB/T 32905-2016 = GM/T 0004-2012) over OpenSSL's EVP "SM3".
// Thread-safety: Sm3 objects are not shared; the free functions are safe from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/status.h"

namespace sedun::crypto {

inline constexpr size_t kSm3DigestSize = 32;
inline constexpr size_t kSm3BlockSize = 64;
using Sm3Digest = std::array<uint8_t, kSm3DigestSize>;

// Streaming SM3. Create() fails only if the OpenSSL provider lacks SM3.
class Sm3 {
 public:
  static Result<Sm3> Create();
  Sm3(Sm3&&) noexcept;
  Sm3& operator=(Sm3&&) noexcept;
  ~Sm3();

  Status Update(ByteView data);
  // Produces the digest and resets the object for a new message.
  Result<Sm3Digest> Final();

 private:
  struct Impl;
  explicit Sm3(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One-shot digest.
Result<Sm3Digest> Sm3Hash(ByteView data);

}  // namespace sedun::crypto
