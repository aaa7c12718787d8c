// Random number sources. All randomness in sedun comes from OpenSSL's DRBG tree, which is seeded
// by the operating system. APIs that consume randomness (key generation, the SM2 nonce k, IVs)
// take an Rng& so that known-answer tests can inject fixed bytes; production code passes
// SystemRng(). Thread-safety: SystemRng is safe from any thread (OpenSSL keeps per-thread DRBGs).
#pragma once

#include <cstdint>
#include <span>

#include "base/secret.h"
#include "base/status.h"

namespace sedun::crypto {

class Rng {
 public:
  virtual ~Rng() = default;
  // Fills `out` entirely or fails; never returns partial or predictable output on failure.
  virtual Status Fill(std::span<uint8_t> out) = 0;
};

// OpenSSL's private DRBG (RAND_priv_bytes): for keys, nonces and anything secret.
Rng& SystemRng();

// Convenience: n fresh random bytes from `rng`.
Result<SecretBytes> RandomSecret(Rng& rng, size_t n);
Result<Bytes> RandomBytes(Rng& rng, size_t n);

}  // namespace sedun::crypto
