// Drbg: an SM3 Hash_DRBG (NIST SP 800-90A Rev.1 §10.1.1 with SM3 as the hash, the SM3-based
// deterministic generator of GM/T 0105-2021) as an Rng, for callers that want their own
// instantiation with a personalisation string, explicit reseeding and additional input.
//
// It runs on OpenSSL's EVP_RAND "HASH-DRBG" with digest SM3, seeded from and reseeded by
// OpenSSL's primary DRBG (itself seeded by the operating system), so its entropy is the same as
// SystemRng's and the SM3 state is kept separate. OpenSSL reseeds automatically after
// `reseed_interval` generate requests or `reseed_seconds` (SP 800-90A §9.3.1 step 1 with a
// reseed_interval far below Table 2's 2^48). Requests longer than the DRBG's max_number_of_bits_
// per_request are split, so Fill takes any length.
// Thread-safety: one Drbg may be used from several threads (the EVP context is locked).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/rng.h"

namespace sedun::crypto {

struct DrbgOptions {
  // SP 800-90A §8.7.1: optional, unique per instantiation where possible (device id, purpose).
  ByteView personalization;
  // Generate requests between automatic reseeds.
  uint32_t reseed_interval = 1u << 16;
  // Seconds between automatic reseeds (0 disables the time trigger).
  uint32_t reseed_seconds = 600;
};

// SP 800-90A Table 2 bounds additional input and personalisation at 2^35 bits; sedun's are
// identifiers and counters, so a far smaller cap catches misuse.
inline constexpr size_t kDrbgMaxInputSize = size_t{1} << 16;

class Drbg final : public Rng {
 public:
  static Result<Drbg> Create(const DrbgOptions& options = {});
  Drbg(Drbg&&) noexcept;
  Drbg& operator=(Drbg&&) noexcept;
  ~Drbg() override;

  // Generate without additional input.
  Status Fill(std::span<uint8_t> out) override;
  // SP 800-90A §9.3: Generate with additional input, applied to every internal request.
  Status Generate(std::span<uint8_t> out, ByteView additional_input);
  // SP 800-90A §9.2: fresh entropy from the parent, mixed with `additional_input`.
  Status Reseed(ByteView additional_input = {});

  // The largest single request to the underlying DRBG, in bytes.
  size_t max_request() const;

 private:
  struct Impl;
  explicit Drbg(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sedun::crypto
