// Shamir secret sharing over GF(2^8) (see shamir.h for the construction and wire format).
#include "crypto/shamir.h"

#include <array>

#include "base/byte_reader.h"

namespace sedun::crypto {
namespace shamir_internal {

uint8_t GfMul(uint8_t a, uint8_t b) {
  unsigned acc = 0;
  unsigned x = a;
  unsigned y = b;
  for (int i = 0; i < 8; ++i) {
    acc ^= x & (0u - (y & 1u));
    // x·X mod 0x11B: shift, and subtract the modulus when bit 8 appears (masked, not branched).
    x <<= 1;
    x ^= 0x11Bu & (0u - (x >> 8));
    y >>= 1;
  }
  return static_cast<uint8_t>(acc);
}

uint8_t GfInv(uint8_t a) {
  // a^254 = a^(2+4+8+16+32+64+128) (Fermat: a^255 = 1 for a != 0): the same 13 products for
  // every a.
  uint8_t square = GfMul(a, a);  // a^2
  uint8_t result = square;
  for (int i = 0; i < 6; ++i) {
    square = GfMul(square, square);  // a^4 ... a^128
    result = GfMul(result, square);
  }
  return result;
}

}  // namespace shamir_internal

using shamir_internal::GfInv;
using shamir_internal::GfMul;

Result<std::vector<ShamirShare>> ShamirSplit(ByteView secret, size_t threshold, size_t count,
                                             Rng& rng) {
  if (secret.empty() || secret.size() > kShamirMaxSecretSize) {
    return InvalidArgument("Shamir secret must be 1..65536 bytes");
  }
  if (threshold < 2 || threshold > count || count > kShamirMaxShares) {
    return InvalidArgument("Shamir needs 2 <= threshold <= count <= 255");
  }
  const size_t len = secret.size();
  SecretBytes coeffs((threshold - 1) * len);
  SEDUN_RETURN_IF_ERROR(rng.Fill(coeffs.span()));

  std::vector<ShamirShare> shares;
  shares.reserve(count);
  for (size_t i = 1; i <= count; ++i) {
    ShamirShare share;
    share.threshold = static_cast<uint8_t>(threshold);
    share.x = static_cast<uint8_t>(i);
    share.y = SecretBytes(len);
    for (size_t j = 0; j < len; ++j) {
      // Horner: f(x) = (...(a_{t-1} x + a_{t-2}) x + ...) x + K.
      uint8_t acc = 0;
      for (size_t k = threshold - 1; k >= 1; --k) {
        acc = static_cast<uint8_t>(GfMul(acc, share.x) ^ coeffs[(k - 1) * len + j]);
      }
      share.y[j] = static_cast<uint8_t>(GfMul(acc, share.x) ^ secret[j]);
    }
    shares.push_back(std::move(share));
  }
  return shares;
}

Result<SecretBytes> ShamirCombine(std::span<const ShamirShare> shares) {
  if (shares.size() < 2) return InvalidArgument("Shamir needs at least 2 shares");
  const uint8_t threshold = shares[0].threshold;
  const size_t len = shares[0].y.size();
  if (threshold < 2) return InvalidArgument("Shamir share threshold below 2");
  if (shares.size() < threshold) return InvalidArgument("fewer Shamir shares than the threshold");
  if (len == 0) return InvalidArgument("Shamir share is empty");
  std::array<bool, 256> seen{};
  for (const ShamirShare& s : shares) {
    if (s.threshold != threshold) return InvalidArgument("Shamir shares disagree on threshold");
    if (s.y.size() != len) return InvalidArgument("Shamir shares disagree on length");
    if (s.x == 0) return InvalidArgument("Shamir share has x = 0");
    if (seen[s.x]) return InvalidArgument("duplicate Shamir share x");
    seen[s.x] = true;
  }

  // f(0) = sum_i y_i · l_i with l_i = prod_{j != i} x_j / (x_j - x_i); subtraction is xor.
  SecretBytes out(len);
  for (size_t i = 0; i < shares.size(); ++i) {
    uint8_t num = 1;
    uint8_t den = 1;
    for (size_t j = 0; j < shares.size(); ++j) {
      if (j == i) continue;
      num = GfMul(num, shares[j].x);
      den = GfMul(den, static_cast<uint8_t>(shares[j].x ^ shares[i].x));
    }
    const uint8_t li = GfMul(num, GfInv(den));
    for (size_t b = 0; b < len; ++b) {
      out[b] = static_cast<uint8_t>(out[b] ^ GfMul(li, shares[i].y[b]));
    }
  }
  return out;
}

Result<SecretBytes> EncodeShamirShare(const ShamirShare& share) {
  if (share.threshold < 2 || share.x == 0 || share.y.empty()) {
    return InvalidArgument("Shamir share is not encodable");
  }
  // Built in a SecretBytes rather than a ByteWriter: y is secret material and the writer's
  // buffer is not wiped.
  SecretBytes out;
  const std::array<uint8_t, 3> header = {kShamirShareVersion, share.threshold, share.x};
  out.Append(header);
  out.Append(share.y.view());
  return out;
}

Result<ShamirShare> DecodeShamirShare(ByteView wire) {
  ByteReader r(wire);
  uint8_t version = 0;
  ShamirShare share;
  if (!r.ReadU8(&version) || !r.ReadU8(&share.threshold) || !r.ReadU8(&share.x)) {
    return Malformed("Shamir share too short");
  }
  if (version != kShamirShareVersion) return Unsupported("unknown Shamir share version");
  if (share.threshold < 2) return Malformed("Shamir share threshold below 2");
  if (share.x == 0) return Malformed("Shamir share has x = 0");
  ByteView y = r.ReadRest();
  if (y.empty()) return Malformed("Shamir share has no data");
  SEDUN_RETURN_IF_ERROR(r.ExpectEnd("Shamir share"));
  share.y = SecretBytes(y);
  return share;
}

}  // namespace sedun::crypto
