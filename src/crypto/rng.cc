// SystemRng over OpenSSL's private DRBG.
#include "crypto/rng.h"

#include <climits>

#include <openssl/rand.h>

#include "crypto/ossl/ossl_util.h"

namespace sedun::crypto {
namespace {

class OsslRng final : public Rng {
 public:
  Status Fill(std::span<uint8_t> out) override {
    while (!out.empty()) {
      size_t n = out.size() > INT_MAX ? INT_MAX : out.size();
      if (RAND_priv_bytes(out.data(), static_cast<int>(n)) != 1) {
        return ossl::OsslError("RAND_priv_bytes failed");
      }
      out = out.subspan(n);
    }
    return Status::Ok();
  }
};

}  // namespace

Rng& SystemRng() {
  static OsslRng rng;
  return rng;
}

Result<SecretBytes> RandomSecret(Rng& rng, size_t n) {
  SecretBytes out(n);
  SEDUN_RETURN_IF_ERROR(rng.Fill(out.span()));
  return out;
}

Result<Bytes> RandomBytes(Rng& rng, size_t n) {
  Bytes out(n);
  SEDUN_RETURN_IF_ERROR(rng.Fill(out));
  return out;
}

}  // namespace sedun::crypto
