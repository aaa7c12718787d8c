// SM3withSM2 signing and verification with the default ID.
#include "pki/signature.h"

#include <string>

#include "pki/asn1_util.h"
#include "pki/der_walk.h"
#include "pki/ossl_key.h"

namespace sedun::pki {

using crypto::ossl::EvpMdCtxPtr;
using crypto::ossl::EvpPkeyPtr;

namespace {

Status SetDefaultId(EVP_PKEY_CTX* pctx) {
  // Must happen after DigestSign/VerifyInit and before the first update: OpenSSL computes ZA
  // lazily on the first update and refuses a later ID change.
  if (pctx == nullptr ||
      EVP_PKEY_CTX_set1_id(pctx, kSm2DefaultId.data(), static_cast<int>(kSm2DefaultId.size())) != 1) {
    return OsslError("EVP_PKEY_CTX_set1_id failed");
  }
  return Status::Ok();
}

}  // namespace

Result<EvpMdCtxPtr> NewSm2SignContext(EVP_PKEY* pkey) {
  if (pkey == nullptr || !EVP_PKEY_is_a(pkey, "SM2")) return InvalidArgument("signing key is not an SM2 key");
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!md || EVP_DigestSignInit_ex(md.get(), &pctx, "SM3", nullptr, nullptr, pkey, nullptr) != 1) {
    return OsslError("EVP_DigestSignInit (SM3withSM2) failed");
  }
  SEDUN_RETURN_IF_ERROR(SetDefaultId(pctx));
  return md;
}

Result<Bytes> Sm2SignWithDefaultId(const crypto::Sm2PrivateKey& key, ByteView message) {
  SEDUN_ASSIGN_OR_RETURN(EvpPkeyPtr pkey, ToEvpPkey(key));
  SEDUN_ASSIGN_OR_RETURN(EvpMdCtxPtr md, NewSm2SignContext(pkey.get()));
  const int max = EVP_PKEY_get_size(pkey.get());
  if (max <= 0) return OsslError("EVP_PKEY_get_size failed");
  size_t len = static_cast<size_t>(max);
  Bytes sig(len);
  if (EVP_DigestSign(md.get(), sig.data(), &len, message.data(), message.size()) != 1) {
    return OsslError("EVP_DigestSign failed");
  }
  sig.resize(len);
  return sig;
}

Status Sm2VerifyWithDefaultId(const crypto::Sm2PublicKey& key, ByteView message, ByteView signature) {
  SEDUN_ASSIGN_OR_RETURN(EvpPkeyPtr pkey, ToEvpPkey(key));
  EvpMdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!md || EVP_DigestVerifyInit_ex(md.get(), &pctx, "SM3", nullptr, nullptr, pkey.get(), nullptr) != 1) {
    return OsslError("EVP_DigestVerifyInit (SM3withSM2) failed");
  }
  SEDUN_RETURN_IF_ERROR(SetDefaultId(pctx));
  if (EVP_DigestVerify(md.get(), signature.data(), signature.size(), message.data(), message.size()) != 1) {
    ClearErrors();
    return VerifyFailed("SM2 signature does not verify");
  }
  return Status::Ok();
}

Status VerifySignedDer(ByteView der, const crypto::Sm2PublicKey& key, std::string_view what,
                       bool allow_trailing_fields) {
  SEDUN_ASSIGN_OR_RETURN(SignedParts parts, SplitSigned(der, what, allow_trailing_fields));
  if (!IsSm3WithSm2AlgorithmId(parts.algorithm)) {
    return Unsupported(std::string(what) + " is not signed with SM3withSM2 (1.2.156.10197.1.501)");
  }
  return Sm2VerifyWithDefaultId(key, parts.tbs, parts.signature).Annotate(what);
}

}  // namespace sedun::pki
