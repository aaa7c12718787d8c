// ConstantTimeEqual over OpenSSL's CRYPTO_memcmp, whose loop has no data-dependent exit.
#include "crypto/ct.h"

#include <openssl/crypto.h>

namespace sedun::crypto {

bool ConstantTimeEqual(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sedun::crypto
