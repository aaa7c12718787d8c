// HMAC-SM3 (RFC 2104 HMAC with SM3: B = 64, L = 32; GM/T 0042-2015 Appendix D.3) over OpenSSL's
// EVP_MAC "HMAC".
//
// Keys of any length are accepted (RFC 2104 §2: longer than B are hashed first). Verification
// accepts a tag truncated to its leftmost bytes, but never shorter than kHmacSm3MinTagSize.
// Thread-safety: an HmacSm3 object is not shared between threads; free functions are safe.
#pragma once

#include <cstddef>
#include <memory>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sm3.h"

namespace sedun::crypto {

inline constexpr size_t kHmacSm3Size = kSm3DigestSize;
// RFC 2104 §5: a truncated output is no shorter than half the hash output (and 80 bits).
inline constexpr size_t kHmacSm3MinTagSize = kHmacSm3Size / 2;

// Streaming HMAC-SM3 under one key.
class HmacSm3 {
 public:
  static Result<HmacSm3> Create(ByteView key);
  HmacSm3(HmacSm3&&) noexcept;
  HmacSm3& operator=(HmacSm3&&) noexcept;
  ~HmacSm3();

  Status Update(ByteView data);
  // Produces the tag and restarts the object for a new message under the same key.
  Result<Sm3Digest> Final();

 private:
  struct Impl;
  explicit HmacSm3(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One-shot HMAC-SM3 of `data` under `key`.
Result<Sm3Digest> HmacSm3Compute(ByteView key, ByteView data);

// Checks `tag` (the full 32 bytes or its leftmost kHmacSm3MinTagSize..32 bytes) in constant time.
// kVerifyFailed on mismatch; kInvalidArgument for a tag length outside that range.
Status HmacSm3Verify(ByteView key, ByteView data, ByteView tag);

}  // namespace sedun::crypto
