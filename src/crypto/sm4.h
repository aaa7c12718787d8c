// SM4 block cipher (GB/T 32907-2016 = GM/T 0002-2012) and its modes.
//
// ECB, CBC and CTR run on OpenSSL's EVP SM4. OpenSSL 3.0 has no SM4-GCM, so GCM (NIST SP 800-38D)
// is built here over OpenSSL's SM4 block function; it is checked against the complete Wycheproof
// SM4-GCM set. Keys are 16 bytes; decrypt outputs are SecretBytes because they are plaintext.
// Thread-safety: stateless free functions.
#pragma once

#include <cstddef>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"

namespace sedun::crypto {

inline constexpr size_t kSm4KeySize = 16;
inline constexpr size_t kSm4BlockSize = 16;
inline constexpr size_t kSm4GcmTagSize = 16;

enum class Sm4Mode { kEcb, kCbc, kCtr };
// ECB and CBC: PKCS#7 padding, or none (input must then be a whole number of blocks).
// CTR is a stream mode and ignores padding.
enum class Sm4Padding { kNone, kPkcs7 };

// iv: empty for ECB, 16 bytes for CBC and CTR (the initial counter block, big-endian increment).
Result<Bytes> Sm4Encrypt(Sm4Mode mode, ByteView key, ByteView iv, ByteView plaintext,
                         Sm4Padding padding = Sm4Padding::kPkcs7);
Result<SecretBytes> Sm4Decrypt(Sm4Mode mode, ByteView key, ByteView iv, ByteView ciphertext,
                               Sm4Padding padding = Sm4Padding::kPkcs7);

// GCM: iv of any non-zero length (12 bytes recommended); output is ciphertext || tag.
// tag_size between 4 and 16. Open fails with kVerifyFailed on a wrong tag and releases nothing.
Result<Bytes> Sm4GcmSeal(ByteView key, ByteView iv, ByteView aad, ByteView plaintext,
                         size_t tag_size = kSm4GcmTagSize);
Result<SecretBytes> Sm4GcmOpen(ByteView key, ByteView iv, ByteView aad, ByteView sealed,
                               size_t tag_size = kSm4GcmTagSize);

}  // namespace sedun::crypto
