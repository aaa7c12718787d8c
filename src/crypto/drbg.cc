// Drbg over EVP_RAND "HASH-DRBG" (digest SM3) chained to RAND_get0_primary. OpenSSL 3.0 accepts
// SM3 for HASH-DRBG in the default provider, so no fallback construction is needed.
#include "crypto/drbg.h"

#include <ctime>
#include <string_view>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "base/secret.h"
#include "crypto/ossl/ossl_evp.h"
#include "crypto/ossl/ossl_util.h"

namespace sedun::crypto {
namespace {

// Hash_DRBG with a 256-bit hash supports 256-bit security strength (SP 800-90A Table 2 via
// SP 800-57); the primary parent is instantiated at 256 bits as well.
constexpr unsigned int kStrength = 256;
// SP 800-90A Table 2: max_number_of_bits_per_request = 2^19 bits for Hash_DRBG. Used when the
// provider does not report its own limit.
constexpr size_t kDefaultMaxRequest = (size_t{1} << 19) / 8;

}  // namespace

struct Drbg::Impl {
  ossl::EvpRandCtxPtr ctx;
  size_t max_request = kDefaultMaxRequest;
};

Drbg::Drbg(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Drbg::Drbg(Drbg&&) noexcept = default;
Drbg& Drbg::operator=(Drbg&&) noexcept = default;
Drbg::~Drbg() = default;

Result<Drbg> Drbg::Create(const DrbgOptions& options) {
  if (options.personalization.size() > kDrbgMaxInputSize) {
    return InvalidArgument("DRBG personalisation string too long");
  }
  if (options.reseed_interval == 0) return InvalidArgument("DRBG reseed interval must be positive");
  ossl::EvpRandPtr rand(EVP_RAND_fetch(nullptr, "HASH-DRBG", nullptr));
  if (!rand) return ossl::OsslError("HASH-DRBG unavailable");
  EVP_RAND_CTX* parent = RAND_get0_primary(nullptr);
  if (parent == nullptr) return ossl::OsslError("OpenSSL primary DRBG unavailable");

  auto impl = std::make_unique<Impl>();
  impl->ctx.reset(EVP_RAND_CTX_new(rand.get(), parent));
  if (!impl->ctx) return ossl::OsslError("HASH-DRBG context allocation failed");
  // Locking makes one Drbg usable from several threads; OpenSSL 3.0 also reports the DRBG's
  // limits through EVP_RAND_CTX_get_params only on a locked context.
  if (EVP_RAND_enable_locking(impl->ctx.get()) != 1) {
    return ossl::OsslError("HASH-DRBG locking failed");
  }

  char digest[] = "SM3";
  unsigned int reseed_requests = options.reseed_interval;
  time_t reseed_time = static_cast<time_t>(options.reseed_seconds);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_DRBG_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_uint(OSSL_DRBG_PARAM_RESEED_REQUESTS, &reseed_requests),
      OSSL_PARAM_construct_time_t(OSSL_DRBG_PARAM_RESEED_TIME_INTERVAL, &reseed_time),
      OSSL_PARAM_construct_end(),
  };
  const unsigned char* pers =
      options.personalization.empty() ? nullptr : options.personalization.data();
  if (EVP_RAND_instantiate(impl->ctx.get(), kStrength, 0, pers, options.personalization.size(),
                           params) != 1) {
    return ossl::OsslError("SM3 Hash_DRBG instantiation failed");
  }

  size_t max_request = 0;
  char used_digest[32] = {};
  OSSL_PARAM query[] = {
      OSSL_PARAM_construct_size_t(OSSL_RAND_PARAM_MAX_REQUEST, &max_request),
      OSSL_PARAM_construct_utf8_string(OSSL_DRBG_PARAM_DIGEST, used_digest, sizeof used_digest),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_RAND_CTX_get_params(impl->ctx.get(), query) != 1) {
    return ossl::OsslError("HASH-DRBG parameter query failed");
  }
  // The DRBG must really run on SM3: a provider that silently substituted its default digest
  // would still produce good random bytes, but not the generator GM/T 0105 names.
  if (std::string_view(used_digest) != "SM3") return Internal("HASH-DRBG is not using SM3");
  if (max_request > 0 && max_request < impl->max_request) impl->max_request = max_request;
  return Drbg(std::move(impl));
}

Status Drbg::Fill(std::span<uint8_t> out) { return Generate(out, {}); }

Status Drbg::Generate(std::span<uint8_t> out, ByteView additional_input) {
  if (!impl_) return FailedPrecondition("DRBG object was moved from");
  if (additional_input.size() > kDrbgMaxInputSize) {
    return InvalidArgument("DRBG additional input too long");
  }
  const unsigned char* addin = additional_input.empty() ? nullptr : additional_input.data();
  std::span<uint8_t> rest = out;
  while (!rest.empty()) {
    size_t n = rest.size() < impl_->max_request ? rest.size() : impl_->max_request;
    if (EVP_RAND_generate(impl_->ctx.get(), rest.data(), n, kStrength, 0, addin,
                          additional_input.size()) != 1) {
      // Rng contract: no partial output survives a failure.
      SecureWipe(out.data(), out.size());
      return ossl::OsslError("SM3 Hash_DRBG generate failed");
    }
    rest = rest.subspan(n);
  }
  return Status::Ok();
}

Status Drbg::Reseed(ByteView additional_input) {
  if (!impl_) return FailedPrecondition("DRBG object was moved from");
  if (additional_input.size() > kDrbgMaxInputSize) {
    return InvalidArgument("DRBG additional input too long");
  }
  const unsigned char* addin = additional_input.empty() ? nullptr : additional_input.data();
  if (EVP_RAND_reseed(impl_->ctx.get(), 0, nullptr, 0, addin, additional_input.size()) != 1) {
    return ossl::OsslError("SM3 Hash_DRBG reseed failed");
  }
  return Status::Ok();
}

size_t Drbg::max_request() const { return impl_ ? impl_->max_request : 0; }

}  // namespace sedun::crypto
