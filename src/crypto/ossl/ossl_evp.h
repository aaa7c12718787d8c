// RAII owners for the OpenSSL 3 provider objects (EVP_MAC, EVP_KDF, EVP_RAND, fetched ciphers)
// used by the MAC, KDF, DRBG and SM4 code. Each deleter accepts null, so a failed fetch can be
// held and checked like any other pointer.
// Thread-safety: stateless deleters; the owned objects follow OpenSSL's own rules.
#pragma once

#include <memory>

#include <openssl/evp.h>
#include <openssl/kdf.h>

namespace sedun::crypto::ossl {

struct EvpMacFree { void operator()(EVP_MAC* p) const { EVP_MAC_free(p); } };
struct EvpMacCtxFree { void operator()(EVP_MAC_CTX* p) const { EVP_MAC_CTX_free(p); } };
struct EvpKdfFree { void operator()(EVP_KDF* p) const { EVP_KDF_free(p); } };
struct EvpKdfCtxFree { void operator()(EVP_KDF_CTX* p) const { EVP_KDF_CTX_free(p); } };
struct EvpRandFree { void operator()(EVP_RAND* p) const { EVP_RAND_free(p); } };
struct EvpRandCtxFree { void operator()(EVP_RAND_CTX* p) const { EVP_RAND_CTX_free(p); } };
struct EvpCipherFree { void operator()(EVP_CIPHER* p) const { EVP_CIPHER_free(p); } };

using EvpMacPtr = std::unique_ptr<EVP_MAC, EvpMacFree>;
using EvpMacCtxPtr = std::unique_ptr<EVP_MAC_CTX, EvpMacCtxFree>;
using EvpKdfPtr = std::unique_ptr<EVP_KDF, EvpKdfFree>;
using EvpKdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, EvpKdfCtxFree>;
using EvpRandPtr = std::unique_ptr<EVP_RAND, EvpRandFree>;
using EvpRandCtxPtr = std::unique_ptr<EVP_RAND_CTX, EvpRandCtxFree>;
using EvpCipherPtr = std::unique_ptr<EVP_CIPHER, EvpCipherFree>;

}  // namespace sedun::crypto::ossl
