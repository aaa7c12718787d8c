// SM2 key types on the recommended curve sm2p256v1 (GB/T 32918.5).
//
// Keys are held as fixed-size big-endian bytes: the private scalar d (32 bytes, in a wiping
// SecretBytes) and the public point in uncompressed form 04 || x || y (65 bytes). Construction
// validates: 1 <= d <= n-2 (GM/T 0009 §6), and the point lies on the curve and is not infinity.
// The SM2 engine turns them into OpenSSL BIGNUM/EC_POINT values per operation; pki/ converts them
// to and from EVP_PKEY for PEM/DER. A private key is never serialised in plaintext except by the
// explicit PKCS#8 export in pki/, which the software module and card never call on user keys.
// Thread-safety: immutable values after construction.
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "crypto/rng.h"

namespace sedun::crypto {

inline constexpr size_t kSm2ScalarSize = 32;
inline constexpr size_t kSm2PointSize = 65;  // 04 || x || y

class Sm2PublicKey {
 public:
  // Accepts the 65-byte uncompressed point; rejects other forms, off-curve points, infinity.
  static Result<Sm2PublicKey> FromUncompressed(ByteView point);
  // x and y as 32-byte big-endian coordinates.
  static Result<Sm2PublicKey> FromCoordinates(ByteView x, ByteView y);

  const std::array<uint8_t, kSm2PointSize>& point() const { return point_; }
  ByteView x() const { return ByteView(point_).subspan(1, 32); }
  ByteView y() const { return ByteView(point_).subspan(33, 32); }

  friend bool operator==(const Sm2PublicKey& a, const Sm2PublicKey& b) { return a.point_ == b.point_; }

 private:
  std::array<uint8_t, kSm2PointSize> point_{};
};

class Sm2PrivateKey {
 public:
  // A fresh key pair; d drawn uniformly from [1, n-2] by rejection sampling from `rng`.
  static Result<Sm2PrivateKey> Generate(Rng& rng = SystemRng());
  // d as 32 bytes big-endian (shorter inputs are rejected: fixed length avoids ambiguity).
  static Result<Sm2PrivateKey> FromScalar(ByteView d);

  Sm2PrivateKey(Sm2PrivateKey&&) noexcept = default;
  Sm2PrivateKey& operator=(Sm2PrivateKey&&) noexcept = default;
  Sm2PrivateKey Clone() const { return Sm2PrivateKey(scalar_.Clone(), public_key_); }

  const Sm2PublicKey& public_key() const { return public_key_; }
  // The secret scalar, for the engine and for wrapping under a key-encryption key only.
  const SecretBytes& scalar() const { return scalar_; }

 private:
  Sm2PrivateKey(SecretBytes d, Sm2PublicKey pub) : scalar_(std::move(d)), public_key_(pub) {}
  SecretBytes scalar_;
  Sm2PublicKey public_key_;
};

}  // namespace sedun::crypto
