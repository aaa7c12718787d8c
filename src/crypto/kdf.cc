// SM2 KDF over EVP_KDF "X963KDF" with digest "SM3" and no SharedInfo.
#include "crypto/kdf.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>

#include "crypto/ossl/ossl_evp.h"
#include "crypto/ossl/ossl_util.h"

namespace sedun::crypto {

Result<SecretBytes> Sm2Kdf(ByteView z, size_t klen_bytes) {
  if (klen_bytes > kSm2KdfMaxBytes) return InvalidArgument("SM2 KDF output length too large");
  if (klen_bytes == 0) return SecretBytes();
  if (z.empty()) return InvalidArgument("SM2 KDF input Z is empty");

  ossl::EvpKdfPtr kdf(EVP_KDF_fetch(nullptr, "X963KDF", nullptr));
  if (!kdf) return ossl::OsslError("X963KDF unavailable");
  ossl::EvpKdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return ossl::OsslError("X963KDF context allocation failed");

  char digest[] = "SM3";
  // OSSL_PARAM takes a non-const pointer but the KDF only reads the key.
  void* key = const_cast<uint8_t*>(z.data());
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, key, z.size()),
      OSSL_PARAM_construct_end(),
  };
  SecretBytes out(klen_bytes);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    return ossl::OsslError("SM2 KDF failed");
  }
  return out;
}

}  // namespace sedun::crypto
