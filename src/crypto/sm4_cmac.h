// SM4-CMAC: NIST SP 800-38B CMAC with SM4 as the block cipher (b = 128, Rb = 0^120 || 10000111),
// for APDU secure messaging and other MACs over SM4 keys.
//
// No standard publishes SM4-CMAC known answers; the tests check this code against OpenSSL's
// EVP_MAC "CMAC" over SM4-CBC. Verification accepts a tag truncated to its leftmost
// kSm4CmacMinTagSize..16 bytes (SP 800-38B §5.5 allows truncation; 4-byte MACs are common in
// ISO 7816-4 secure messaging). Subkeys are wiped when the object goes away.
// Thread-safety: an Sm4Cmac object is not shared between threads; free functions are safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sm4.h"
#include "crypto/sm4_block.h"

namespace sedun::crypto {

inline constexpr size_t kSm4CmacSize = kSm4BlockSize;
inline constexpr size_t kSm4CmacMinTagSize = 4;
using Sm4CmacTag = std::array<uint8_t, kSm4CmacSize>;

// Streaming SM4-CMAC under one key.
class Sm4Cmac {
 public:
  // kInvalidArgument unless `key` is 16 bytes.
  static Result<Sm4Cmac> Create(ByteView key);
  Sm4Cmac(Sm4Cmac&&) noexcept = default;
  Sm4Cmac& operator=(Sm4Cmac&&) noexcept = default;
  ~Sm4Cmac();

  Status Update(ByteView data);
  // Produces the 16-byte tag and restarts the object for a new message under the same key.
  Result<Sm4CmacTag> Final();

 private:
  using Block = std::array<uint8_t, kSm4BlockSize>;
  Sm4Cmac(Sm4Block block, const Block& k1, const Block& k2);
  void Restart();

  Sm4Block block_;
  Block k1_{};
  Block k2_{};
  Block x_{};    // the chaining value C_i
  Block buf_{};  // the last, possibly partial, block: held back until Final knows it is last
  size_t buf_len_ = 0;
};

// One-shot SM4-CMAC of `data` under `key`.
Result<Sm4CmacTag> Sm4CmacCompute(ByteView key, ByteView data);

// Checks `tag` (16 bytes or its leftmost kSm4CmacMinTagSize..16 bytes) in constant time.
// kVerifyFailed on mismatch; kInvalidArgument for a tag length outside that range.
Status Sm4CmacVerify(ByteView key, ByteView data, ByteView tag);

}  // namespace sedun::crypto
