// Small RAII and error helpers around OpenSSL, used by crypto/ and pki/ only.
//
// Every OpenSSL call's return value is checked; on failure OsslError drains the thread's error
// queue into one Status so that no stale error leaks into a later, unrelated check.
// Thread-safety: OpenSSL's error queue is per thread; these helpers keep no state.
#pragma once

#include <memory>
#include <string>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "base/status.h"

namespace sedun::crypto::ossl {

// Builds a Status of `code` from `what` and the drained OpenSSL error queue.
Status OsslError(const std::string& what, Code code = Code::kCrypto);
// Discards whatever the queue holds (after a failure the caller has already classified).
void ClearErrors();

struct BnFree { void operator()(BIGNUM* p) const { BN_clear_free(p); } };
struct BnCtxFree { void operator()(BN_CTX* p) const { BN_CTX_free(p); } };
struct EcPointFree { void operator()(EC_POINT* p) const { EC_POINT_clear_free(p); } };
struct EcGroupFree { void operator()(EC_GROUP* p) const { EC_GROUP_free(p); } };
struct EvpPkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct EvpPkeyCtxFree { void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); } };
struct EvpMdCtxFree { void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); } };
struct EvpCipherCtxFree { void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); } };

using BnPtr = std::unique_ptr<BIGNUM, BnFree>;
using BnCtxPtr = std::unique_ptr<BN_CTX, BnCtxFree>;
using EcPointPtr = std::unique_ptr<EC_POINT, EcPointFree>;
using EcGroupPtr = std::unique_ptr<EC_GROUP, EcGroupFree>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxFree>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree>;
using EvpCipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, EvpCipherCtxFree>;

}  // namespace sedun::crypto::ossl
