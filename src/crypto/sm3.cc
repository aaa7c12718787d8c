// SM3 over EVP.
#include "crypto/sm3.h"

#include <openssl/evp.h>

#include "crypto/ossl/ossl_util.h"

namespace sedun::crypto {

struct Sm3::Impl {
  ossl::EvpMdCtxPtr ctx;
};

namespace {
// EVP_sm3() is a static method table; fetching once avoids a provider lookup per call.
const EVP_MD* Sm3Md() { return EVP_sm3(); }
}  // namespace

Sm3::Sm3(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Sm3::Sm3(Sm3&&) noexcept = default;
Sm3& Sm3::operator=(Sm3&&) noexcept = default;
Sm3::~Sm3() = default;

Result<Sm3> Sm3::Create() {
  auto impl = std::make_unique<Impl>();
  impl->ctx.reset(EVP_MD_CTX_new());
  if (!impl->ctx || EVP_DigestInit_ex(impl->ctx.get(), Sm3Md(), nullptr) != 1) {
    return ossl::OsslError("SM3 init failed");
  }
  return Sm3(std::move(impl));
}

Status Sm3::Update(ByteView data) {
  if (EVP_DigestUpdate(impl_->ctx.get(), data.data(), data.size()) != 1) {
    return ossl::OsslError("SM3 update failed");
  }
  return Status::Ok();
}

Result<Sm3Digest> Sm3::Final() {
  Sm3Digest out;
  unsigned int n = 0;
  if (EVP_DigestFinal_ex(impl_->ctx.get(), out.data(), &n) != 1 || n != out.size() ||
      EVP_DigestInit_ex(impl_->ctx.get(), Sm3Md(), nullptr) != 1) {
    return ossl::OsslError("SM3 final failed");
  }
  return out;
}

Result<Sm3Digest> Sm3Hash(ByteView data) {
  Sm3Digest out;
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &n, Sm3Md(), nullptr) != 1 || n != out.size()) {
    return ossl::OsslError("SM3 failed");
  }
  return out;
}

}  // namespace sedun::crypto
