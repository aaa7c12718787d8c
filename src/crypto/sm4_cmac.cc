// SM4-CMAC per SP 800-38B §6.1 (subkeys) and §6.2 (MAC generation).
#include "crypto/sm4_cmac.h"

#include <utility>

#include "base/secret.h"
#include "crypto/ct.h"

namespace sedun::crypto {
namespace {

// dbl(): a left shift by one bit, xoring Rb = 0x87 into the last byte when the shifted-out bit
// was 1 (SP 800-38B §6.1 steps 2-3). The xor is masked, not branched, because L is secret.
std::array<uint8_t, kSm4BlockSize> Double(const std::array<uint8_t, kSm4BlockSize>& in) {
  std::array<uint8_t, kSm4BlockSize> out{};
  for (size_t i = 0; i + 1 < in.size(); ++i) {
    out[i] = static_cast<uint8_t>((in[i] << 1) | (in[i + 1] >> 7));
  }
  uint8_t msb_mask = static_cast<uint8_t>(0 - (in[0] >> 7));
  out[15] = static_cast<uint8_t>((in[15] << 1) ^ (0x87 & msb_mask));
  return out;
}

}  // namespace

Sm4Cmac::Sm4Cmac(Sm4Block block, const Block& k1, const Block& k2)
    : block_(std::move(block)), k1_(k1), k2_(k2) {}

Sm4Cmac::~Sm4Cmac() {
  SecureWipe(k1_.data(), k1_.size());
  SecureWipe(k2_.data(), k2_.size());
  SecureWipe(x_.data(), x_.size());
  SecureWipe(buf_.data(), buf_.size());
}

Result<Sm4Cmac> Sm4Cmac::Create(ByteView key) {
  SEDUN_ASSIGN_OR_RETURN(Sm4Block block, Sm4Block::Create(key));
  Block zero{};
  Block l{};
  SEDUN_RETURN_IF_ERROR(block.EncryptBlock(zero, l));  // L = CIPH_K(0^b)
  Block k1 = Double(l);
  Block k2 = Double(k1);
  Sm4Cmac mac(std::move(block), k1, k2);
  SecureWipe(l.data(), l.size());
  SecureWipe(k1.data(), k1.size());
  SecureWipe(k2.data(), k2.size());
  return mac;
}

void Sm4Cmac::Restart() {
  SecureWipe(x_.data(), x_.size());
  SecureWipe(buf_.data(), buf_.size());
  buf_len_ = 0;
}

Status Sm4Cmac::Update(ByteView data) {
  while (!data.empty()) {
    if (buf_len_ == buf_.size()) {
      // More input follows, so the buffered block is not M_n: C_i = CIPH_K(C_{i-1} xor M_i).
      for (size_t i = 0; i < x_.size(); ++i) x_[i] ^= buf_[i];
      SEDUN_RETURN_IF_ERROR(block_.EncryptBlock(x_, x_));
      buf_len_ = 0;
    }
    size_t room = buf_.size() - buf_len_;
    size_t n = data.size() < room ? data.size() : room;
    for (size_t i = 0; i < n; ++i) buf_[buf_len_ + i] = data[i];
    buf_len_ += n;
    data = data.subspan(n);
  }
  return Status::Ok();
}

Result<Sm4CmacTag> Sm4Cmac::Final() {
  // §6.2 steps 3-4: a complete last block is xored with K1; a partial (or empty) one is padded
  // with 10...0 and xored with K2.
  const Block& k = buf_len_ == buf_.size() ? k1_ : k2_;
  if (buf_len_ < buf_.size()) {
    buf_[buf_len_] = 0x80;
    for (size_t i = buf_len_ + 1; i < buf_.size(); ++i) buf_[i] = 0;
  }
  for (size_t i = 0; i < x_.size(); ++i) x_[i] = static_cast<uint8_t>(x_[i] ^ buf_[i] ^ k[i]);
  Sm4CmacTag tag{};
  Status st = block_.EncryptBlock(x_, tag);
  Restart();
  if (!st.ok()) return st;
  return tag;
}

Result<Sm4CmacTag> Sm4CmacCompute(ByteView key, ByteView data) {
  SEDUN_ASSIGN_OR_RETURN(Sm4Cmac mac, Sm4Cmac::Create(key));
  SEDUN_RETURN_IF_ERROR(mac.Update(data));
  return mac.Final();
}

Status Sm4CmacVerify(ByteView key, ByteView data, ByteView tag) {
  if (tag.size() < kSm4CmacMinTagSize || tag.size() > kSm4CmacSize) {
    return InvalidArgument("SM4-CMAC tag length out of range");
  }
  SEDUN_ASSIGN_OR_RETURN(Sm4CmacTag expected, Sm4CmacCompute(key, data));
  if (!ConstantTimeEqual(ByteView(expected).first(tag.size()), tag)) {
    return VerifyFailed("SM4-CMAC tag mismatch");
  }
  return Status::Ok();
}

}  // namespace sedun::crypto
