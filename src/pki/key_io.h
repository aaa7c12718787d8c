// SM2 key files: private keys as PKCS#8 (RFC 5208 / RFC 5958), optionally passphrase-encrypted
// (PKCS#5 v2.1 PBES2), or SEC1 (RFC 5915); public keys as SubjectPublicKeyInfo (RFC 5280 4.1,
// RFC 5480). The formats are those `openssl pkey` reads and writes, so keys move freely between
// sedun and the openssl command line.
//
// Loading auto-detects PEM or DER. Accepted PEM labels: "PRIVATE KEY" (PKCS#8), "ENCRYPTED
// PRIVATE KEY" (PKCS#8 + PBES2), "EC PRIVATE KEY" and "SM2 PRIVATE KEY" (SEC1; OpenSSL 3.0's
// `openssl ec` writes the latter for SM2 keys), "PUBLIC KEY". Any non-SM2 key is Unsupported;
// any input that does not parse is Malformed naming the object.
//
// Passphrase encryption: PBES2 with PBKDF2-HMAC-SHA256 and SM4-CBC. SM4-CBC has an OID in
// OpenSSL 3.0 (1.2.156.10197.1.104.2) and works in PBES2; HMAC-SM3 does not: OpenSSL 3.0 has no
// hmacWithSM3 PRF OID (`openssl pkcs8 -v2prf hmacWithSM3` fails with "Unknown PRF algorithm"),
// and the two OIDs used elsewhere (GB/T 33560 1.2.156.10197.1.401.2 vs Tongsuo's
// 1.2.156.10197.1.401.3.1, reference §3.1) disagree, so a PBKDF2-HMAC-SM3 file would be readable
// by neither `openssl pkey` nor every other SM stack. HMAC-SHA256 is the PKCS#8 default every
// implementation reads. Loading refuses non-PBES2 schemes (PKCS#5 v1.5 / PKCS#12 PBEs) and
// iteration counts above kMaxPbkdf2Iterations (a hostile file could otherwise stall the loader).
//
// Thread-safety: free functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "crypto/sm2_key.h"

namespace sedun::pki {

inline constexpr uint32_t kDefaultPbkdf2Iterations = 200000;
inline constexpr uint32_t kMinPbkdf2Iterations = 1000;
inline constexpr uint32_t kMaxPbkdf2Iterations = 10000000;

// Unencrypted private key (PKCS#8 or SEC1, PEM or DER). An encrypted key is InvalidArgument
// ("a passphrase is required").
Result<crypto::Sm2PrivateKey> LoadPrivateKey(ByteView input);
// Encrypted or unencrypted private key; a wrong passphrase is VerifyFailed.
Result<crypto::Sm2PrivateKey> LoadPrivateKey(ByteView input, std::string_view passphrase);

// Unencrypted PKCS#8 PrivateKeyInfo; DER, or PEM "PRIVATE KEY".
Result<SecretBytes> PrivateKeyToDer(const crypto::Sm2PrivateKey& key);
Result<SecretBytes> PrivateKeyToPem(const crypto::Sm2PrivateKey& key);

// PKCS#8 EncryptedPrivateKeyInfo (PBES2: PBKDF2-HMAC-SHA256 with a 16-byte random salt,
// SM4-CBC); DER, or PEM "ENCRYPTED PRIVATE KEY". The passphrase must not be empty.
Result<Bytes> EncryptPrivateKeyToDer(const crypto::Sm2PrivateKey& key, std::string_view passphrase,
                                     uint32_t iterations = kDefaultPbkdf2Iterations);
Result<std::string> EncryptPrivateKeyToPem(const crypto::Sm2PrivateKey& key, std::string_view passphrase,
                                           uint32_t iterations = kDefaultPbkdf2Iterations);

// SubjectPublicKeyInfo, PEM "PUBLIC KEY" or DER.
Result<crypto::Sm2PublicKey> LoadPublicKey(ByteView input);
Result<Bytes> PublicKeyToDer(const crypto::Sm2PublicKey& key);
Result<std::string> PublicKeyToPem(const crypto::Sm2PublicKey& key);

}  // namespace sedun::pki
