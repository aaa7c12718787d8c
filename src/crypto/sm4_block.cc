// Sm4Block over EVP SM4-ECB without padding.
#include "crypto/sm4_block.h"

#include <openssl/evp.h>

#include "crypto/ossl/ossl_util.h"

namespace sedun::crypto {

struct Sm4Block::Impl {
  ossl::EvpCipherCtxPtr ctx;
};

Sm4Block::Sm4Block(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Sm4Block::Sm4Block(Sm4Block&&) noexcept = default;
Sm4Block& Sm4Block::operator=(Sm4Block&&) noexcept = default;
Sm4Block::~Sm4Block() = default;

Result<Sm4Block> Sm4Block::Create(ByteView key) {
  if (key.size() != kSm4KeySize) return InvalidArgument("SM4 key must be 16 bytes");
  auto impl = std::make_unique<Impl>();
  impl->ctx.reset(EVP_CIPHER_CTX_new());
  if (!impl->ctx) return ossl::OsslError("SM4 context allocation failed");
  if (EVP_EncryptInit_ex(impl->ctx.get(), EVP_sm4_ecb(), nullptr, key.data(), nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(impl->ctx.get(), 0) != 1) {
    return ossl::OsslError("SM4 key setup failed");
  }
  return Sm4Block(std::move(impl));
}

Status Sm4Block::EncryptBlock(std::span<const uint8_t, kSm4BlockSize> in,
                              std::span<uint8_t, kSm4BlockSize> out) {
  return EncryptBlocks(in, out);
}

Status Sm4Block::EncryptBlocks(ByteView in, std::span<uint8_t> out) {
  if (!impl_) return FailedPrecondition("SM4 block object was moved from");
  if (in.size() % kSm4BlockSize != 0 || out.size() != in.size()) {
    return InvalidArgument("SM4 block input must be whole blocks of the output size");
  }
  // EVP_EncryptUpdate counts in int; 1 GiB chunks stay well inside it.
  constexpr size_t kChunk = size_t{1} << 30;
  while (!in.empty()) {
    size_t n = in.size() < kChunk ? in.size() : kChunk;
    int produced = 0;
    if (EVP_EncryptUpdate(impl_->ctx.get(), out.data(), &produced, in.data(),
                          static_cast<int>(n)) != 1 ||
        static_cast<size_t>(produced) != n) {
      return ossl::OsslError("SM4 block encryption failed");
    }
    in = in.subspan(n);
    out = out.subspan(n);
  }
  return Status::Ok();
}

}  // namespace sedun::crypto
