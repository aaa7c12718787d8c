// PBKDF2-HMAC-SM3 (RFC 8018 §5.2 PBKDF2 with PRF = HMAC-SM3), for deriving keys from passwords
// and PINs. GM/T 0091-2020 specifies the same construction with SM3.
//
// The iteration count is the caller's security choice; 0 is refused (RFC 8018 §5.2 requires a
// positive count) and so are derived-key lengths beyond kPbkdf2MaxKeySize, which no key in sedun
// approaches and which would otherwise let a hostile parameter buy unbounded work.
// Thread-safety: a pure function.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"

namespace sedun::crypto {

inline constexpr size_t kPbkdf2MaxKeySize = 1024;
// The count is bounded by OpenSSL's int parameter.
inline constexpr uint32_t kPbkdf2MaxIterations = 0x7fffffff;

// dk_len in 1..kPbkdf2MaxKeySize, iterations in 1..kPbkdf2MaxIterations; otherwise
// kInvalidArgument. Password and salt may be empty.
Result<SecretBytes> Pbkdf2HmacSm3(ByteView password, ByteView salt, uint32_t iterations,
                                  size_t dk_len);

}  // namespace sedun::crypto
