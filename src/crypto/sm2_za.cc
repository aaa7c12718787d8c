// ZA and e for SM2 signatures.
#include "crypto/sm2_za.h"

namespace sedun::crypto {
namespace sm2_internal {
namespace {

// GB/T 32918.5-2017 §3 (sm2p256v1): a, b, xG, yG, each 32 bytes big-endian.
constexpr uint8_t kSm2p256v1Params[128] = {
    // a = p - 3
    0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFC,
    // b
    0x28, 0xE9, 0xFA, 0x9E, 0x9D, 0x9F, 0x5E, 0x34, 0x4D, 0x5A, 0x9E, 0x4B, 0xCF, 0x65, 0x09, 0xA7,
    0xF3, 0x97, 0x89, 0xF5, 0x15, 0xAB, 0x8F, 0x92, 0xDD, 0xBC, 0xBD, 0x41, 0x4D, 0x94, 0x0E, 0x93,
    // xG
    0x32, 0xC4, 0xAE, 0x2C, 0x1F, 0x19, 0x81, 0x19, 0x5F, 0x99, 0x04, 0x46, 0x6A, 0x39, 0xC9, 0x94,
    0x8F, 0xE3, 0x0B, 0xBF, 0xF2, 0x66, 0x0B, 0xE1, 0x71, 0x5A, 0x45, 0x89, 0x33, 0x4C, 0x74, 0xC7,
    // yG
    0xBC, 0x37, 0x36, 0xA2, 0xF4, 0xF6, 0x77, 0x9C, 0x59, 0xBD, 0xCE, 0xE3, 0x6B, 0x69, 0x21, 0x53,
    0xD0, 0xA9, 0x87, 0x7C, 0xC6, 0x2A, 0x47, 0x40, 0x02, 0xDF, 0x32, 0xE5, 0x21, 0x39, 0xF0, 0xA0,
};

}  // namespace

ByteView Sm2p256v1ZaParams() { return ByteView(kSm2p256v1Params, sizeof kSm2p256v1Params); }

Result<Sm3Digest> ComputeZaWithCurve(ByteView curve_params, ByteView id, ByteView x, ByteView y) {
  if (curve_params.size() != 128 || x.size() != 32 || y.size() != 32) {
    return InvalidArgument("ZA: curve parameters and coordinates must be 32-byte fields");
  }
  // GB/T 32918.2 §5.5: ENTL is the bit length of ID in two bytes.
  if (id.size() > kSm2MaxIdSize) return InvalidArgument("SM2 user ID must be shorter than 8192 bytes");
  const size_t bits = id.size() * 8;
  const uint8_t entl[2] = {static_cast<uint8_t>(bits >> 8), static_cast<uint8_t>(bits)};
  SEDUN_ASSIGN_OR_RETURN(Sm3 h, Sm3::Create());
  SEDUN_RETURN_IF_ERROR(h.Update(ByteView(entl, sizeof entl)));
  SEDUN_RETURN_IF_ERROR(h.Update(id));
  SEDUN_RETURN_IF_ERROR(h.Update(curve_params));
  SEDUN_RETURN_IF_ERROR(h.Update(x));
  SEDUN_RETURN_IF_ERROR(h.Update(y));
  return h.Final();
}

}  // namespace sm2_internal

Result<Sm3Digest> Sm2ComputeZa(const Sm2PublicKey& key, ByteView id) {
  return sm2_internal::ComputeZaWithCurve(sm2_internal::Sm2p256v1ZaParams(), id, key.x(), key.y());
}

Result<Sm2Digest> Sm2Digest::Create(const Sm2PublicKey& key, ByteView id) {
  SEDUN_ASSIGN_OR_RETURN(Sm3Digest za, Sm2ComputeZa(key, id));
  SEDUN_ASSIGN_OR_RETURN(Sm3 h, Sm3::Create());
  SEDUN_RETURN_IF_ERROR(h.Update(za));
  return Sm2Digest(std::move(h));
}

Status Sm2Digest::Update(ByteView chunk) {
  if (finished_) return FailedPrecondition("Sm2Digest used after Final");
  return sm3_.Update(chunk);
}

Result<Sm3Digest> Sm2Digest::Final() {
  if (finished_) return FailedPrecondition("Sm2Digest used after Final");
  finished_ = true;
  return sm3_.Final();
}

Result<Sm3Digest> Sm2ComputeE(const Sm2PublicKey& key, ByteView msg, ByteView id) {
  SEDUN_ASSIGN_OR_RETURN(Sm2Digest d, Sm2Digest::Create(key, id));
  SEDUN_RETURN_IF_ERROR(d.Update(msg));
  return d.Final();
}

}  // namespace sedun::crypto
