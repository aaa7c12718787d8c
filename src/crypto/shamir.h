// Shamir (t, n) threshold secret sharing over GF(2^8), byte by byte.
//
// The secure middleware of the film-shield design keeps the card channel key split this way
// (film-shield paper §2.3.3 (4), "分散密钥存储"): the key K and t-1 random coefficients a_1..a_{t-1}
// define f(x) = K + a_1 x + ... + a_{t-1} x^{t-1}; f is evaluated at n positions and the values are
// stored at those positions of the "sand table" (密码沙盘) file; any t positions rebuild f(0) = K
// by Lagrange interpolation, and t-1 reveal nothing about K.
//
// Field: GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1 (0x11B). Multiplication is
// shift-and-xor with masks and inversion is a fixed chain of multiplications (a^254): no log or
// exp tables, whose secret-indexed loads would leak share and key bytes through the cache.
// Shares carry x = 1..n (x = 0 would be the secret itself).
//
// Share wire format (version 1), parsed by DecodeShamirShare:
//   u8 version (= 1) | u8 threshold t (>= 2) | u8 x (1..255) | y: the secret's length in bytes
// y runs to the end, so its length is the secret's; shares of one secret must agree on it,
// which ShamirCombine checks.
// Thread-safety: pure functions (Split draws from the caller's Rng).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "crypto/rng.h"

namespace sedun::crypto {

inline constexpr uint8_t kShamirShareVersion = 1;
inline constexpr size_t kShamirMaxShares = 255;
// Channel keys are 16 bytes; the cap keeps the coefficient buffer ((t-1) x size) bounded.
inline constexpr size_t kShamirMaxSecretSize = size_t{1} << 16;

struct ShamirShare {
  uint8_t threshold = 0;  // t: how many shares rebuild the secret
  uint8_t x = 0;          // the evaluation point, 1..255
  SecretBytes y;          // f(x), one byte per secret byte
};

// Splits `secret` (1..kShamirMaxSecretSize bytes) into `count` shares with x = 1..count, any
// `threshold` of which rebuild it; 2 <= threshold <= count <= 255. The coefficients are drawn
// from `rng` in one Fill of (threshold-1) x secret.size() bytes: a_k of secret byte j is byte
// (k-1) * secret.size() + j.
Result<std::vector<ShamirShare>> ShamirSplit(ByteView secret, size_t threshold, size_t count,
                                             Rng& rng);

// Rebuilds the secret from at least `threshold` shares of it (all given shares are used).
// kInvalidArgument for fewer than 2 shares or fewer than the threshold, a duplicate or zero x,
// or shares that disagree on threshold or length. Wrong-but-consistent shares give a wrong
// secret: sharing has no integrity, so callers authenticate what they rebuild.
Result<SecretBytes> ShamirCombine(std::span<const ShamirShare> shares);

// The wire form above. Encoding refuses shares that could not be decoded.
Result<SecretBytes> EncodeShamirShare(const ShamirShare& share);
// kUnsupported for another version; kMalformed for a short input, threshold < 2, x = 0.
Result<ShamirShare> DecodeShamirShare(ByteView wire);

// Field arithmetic, exposed for its tests.
namespace shamir_internal {
uint8_t GfMul(uint8_t a, uint8_t b);
// The multiplicative inverse; 0 maps to 0.
uint8_t GfInv(uint8_t a);
}  // namespace shamir_internal

}  // namespace sedun::crypto
