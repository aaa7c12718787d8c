// Sm4Block: the bare SM4 block encryption E_K (GB/T 32907-2016 §7.1) under one key, for the
// modes that OpenSSL 3.0 does not provide (GCM, CMAC) and for later MAC work.
//
// It runs on EVP SM4-ECB with padding off, so the key schedule is OpenSSL's and the object costs
// one cipher context. The key schedule is wiped when the object goes away.
// Thread-safety: an Sm4Block is not shared between threads (the EVP context holds state).
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sm4.h"

namespace sedun::crypto {

class Sm4Block {
 public:
  // kInvalidArgument unless `key` is kSm4KeySize bytes.
  static Result<Sm4Block> Create(ByteView key);
  Sm4Block(Sm4Block&&) noexcept;
  Sm4Block& operator=(Sm4Block&&) noexcept;
  ~Sm4Block();

  // out = E_K(in). `in` and `out` may be the same block.
  Status EncryptBlock(std::span<const uint8_t, kSm4BlockSize> in,
                      std::span<uint8_t, kSm4BlockSize> out);
  // Each 16-byte block of `in` encrypted independently into `out` (same size, a whole number of
  // blocks; the same buffer, or non-overlapping).
  Status EncryptBlocks(ByteView in, std::span<uint8_t> out);

 private:
  struct Impl;
  explicit Sm4Block(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sedun::crypto
