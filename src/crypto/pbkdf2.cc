// PBKDF2-HMAC-SM3 over PKCS5_PBKDF2_HMAC. Unlike EVP_KDF "PBKDF2" in its default mode, this entry
// point does not apply the SP 800-132 lower bounds (1000 iterations, 128-bit salt), which the
// GmSSL/RFC 7914-style vectors (1 iteration, 4-byte salt) would trip; the bounds that matter are
// a policy of the caller.
#include "crypto/pbkdf2.h"

#include <climits>

#include <openssl/evp.h>

#include "crypto/ossl/ossl_util.h"

namespace sedun::crypto {

Result<SecretBytes> Pbkdf2HmacSm3(ByteView password, ByteView salt, uint32_t iterations,
                                  size_t dk_len) {
  if (iterations == 0 || iterations > kPbkdf2MaxIterations) {
    return InvalidArgument("PBKDF2 iteration count out of range");
  }
  if (dk_len == 0 || dk_len > kPbkdf2MaxKeySize) {
    return InvalidArgument("PBKDF2 derived key length out of range");
  }
  if (password.size() > INT_MAX || salt.size() > INT_MAX) {
    return InvalidArgument("PBKDF2 password or salt too long");
  }
  SecretBytes out(dk_len);
  // PKCS5_PBKDF2_HMAC reads a null password as the empty one; a non-null pointer keeps that
  // explicit for empty spans whose data() may be null.
  static const char kEmpty[1] = {0};
  const char* pass = password.empty() ? kEmpty : reinterpret_cast<const char*>(password.data());
  if (PKCS5_PBKDF2_HMAC(pass, static_cast<int>(password.size()), salt.data(),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sm3(),
                        static_cast<int>(dk_len), out.data()) != 1) {
    return ossl::OsslError("PBKDF2-HMAC-SM3 failed");
  }
  return out;
}

}  // namespace sedun::crypto
