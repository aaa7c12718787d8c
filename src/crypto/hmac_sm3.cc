// HMAC-SM3 over EVP_MAC "HMAC" with digest "SM3".
#include "crypto/hmac_sm3.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "crypto/ct.h"
#include "crypto/ossl/ossl_evp.h"
#include "crypto/ossl/ossl_util.h"

namespace sedun::crypto {

struct HmacSm3::Impl {
  ossl::EvpMacCtxPtr ctx;
};

HmacSm3::HmacSm3(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HmacSm3::HmacSm3(HmacSm3&&) noexcept = default;
HmacSm3& HmacSm3::operator=(HmacSm3&&) noexcept = default;
HmacSm3::~HmacSm3() = default;

Result<HmacSm3> HmacSm3::Create(ByteView key) {
  ossl::EvpMacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (!mac) return ossl::OsslError("HMAC unavailable");
  auto impl = std::make_unique<Impl>();
  impl->ctx.reset(EVP_MAC_CTX_new(mac.get()));
  if (!impl->ctx) return ossl::OsslError("HMAC context allocation failed");
  char digest[] = "SM3";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  // EVP_MAC_init treats a null key as "keep the previous key", so an empty key (legal in
  // RFC 2104) is passed as a non-null pointer with length 0.
  static const unsigned char kEmpty[1] = {0};
  const unsigned char* k = key.empty() ? kEmpty : key.data();
  if (EVP_MAC_init(impl->ctx.get(), k, key.size(), params) != 1) {
    return ossl::OsslError("HMAC-SM3 init failed");
  }
  return HmacSm3(std::move(impl));
}

Status HmacSm3::Update(ByteView data) {
  if (!impl_) return FailedPrecondition("HMAC-SM3 object was moved from");
  if (EVP_MAC_update(impl_->ctx.get(), data.data(), data.size()) != 1) {
    return ossl::OsslError("HMAC-SM3 update failed");
  }
  return Status::Ok();
}

Result<Sm3Digest> HmacSm3::Final() {
  if (!impl_) return FailedPrecondition("HMAC-SM3 object was moved from");
  Sm3Digest out;
  size_t n = 0;
  if (EVP_MAC_final(impl_->ctx.get(), out.data(), &n, out.size()) != 1 || n != out.size()) {
    return ossl::OsslError("HMAC-SM3 final failed");
  }
  // A null key re-initialises the context with the key it already holds.
  if (EVP_MAC_init(impl_->ctx.get(), nullptr, 0, nullptr) != 1) {
    return ossl::OsslError("HMAC-SM3 restart failed");
  }
  return out;
}

Result<Sm3Digest> HmacSm3Compute(ByteView key, ByteView data) {
  SEDUN_ASSIGN_OR_RETURN(HmacSm3 mac, HmacSm3::Create(key));
  SEDUN_RETURN_IF_ERROR(mac.Update(data));
  return mac.Final();
}

Status HmacSm3Verify(ByteView key, ByteView data, ByteView tag) {
  if (tag.size() < kHmacSm3MinTagSize || tag.size() > kHmacSm3Size) {
    return InvalidArgument("HMAC-SM3 tag length out of range");
  }
  SEDUN_ASSIGN_OR_RETURN(Sm3Digest expected, HmacSm3Compute(key, data));
  if (!ConstantTimeEqual(ByteView(expected).first(tag.size()), tag)) {
    return VerifyFailed("HMAC-SM3 tag mismatch");
  }
  return Status::Ok();
}

}  // namespace sedun::crypto
