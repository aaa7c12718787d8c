// SM2 key file formats.
#include "pki/key_io.h"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs12.h>

#include "crypto/rng.h"
#include "pki/asn1_util.h"
#include "pki/der_walk.h"
#include "pki/ossl_key.h"
#include "pki/pem.h"

namespace sedun::pki {

using crypto::Sm2PrivateKey;
using crypto::Sm2PublicKey;
using crypto::ossl::EvpPkeyPtr;

namespace {

constexpr std::string_view kPkcs8Label = "PRIVATE KEY";
constexpr std::string_view kEncryptedLabel = "ENCRYPTED PRIVATE KEY";
constexpr std::string_view kSec1Label = "EC PRIVATE KEY";
constexpr std::string_view kSm2Sec1Label = "SM2 PRIVATE KEY";
constexpr std::string_view kPublicLabel = "PUBLIC KEY";
constexpr size_t kSaltSize = 16;

enum class KeyFormat { kPkcs8, kEncryptedPkcs8, kSec1 };

// PrivateKeyInfo      ::= SEQUENCE { version INTEGER, privateKeyAlgorithm SEQUENCE, ... }
// EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm SEQUENCE, encryptedData OCTET STRING }
// ECPrivateKey (SEC1) ::= SEQUENCE { version INTEGER (1), privateKey OCTET STRING, ... }
Result<KeyFormat> SniffPrivateKey(ByteView der) {
  ByteReader r(der);
  DerElement outer, first, second;
  if (!DerReadTagged(r, der_tag::kSequence, &outer)) return Malformed("private key: not a DER SEQUENCE");
  ByteReader in(outer.contents);
  if (!DerRead(in, &first) || !DerRead(in, &second)) return Malformed("private key: truncated structure");
  if (first.tag == der_tag::kSequence && second.tag == der_tag::kOctetString)
    return KeyFormat::kEncryptedPkcs8;
  if (first.tag == der_tag::kInteger && second.tag == der_tag::kSequence) return KeyFormat::kPkcs8;
  if (first.tag == der_tag::kInteger && second.tag == der_tag::kOctetString) return KeyFormat::kSec1;
  return Malformed("private key: neither PKCS#8 nor SEC1");
}

Result<Sm2PrivateKey> FromPkcs8(const PKCS8_PRIV_KEY_INFO* p8) {
  EvpPkeyPtr pkey(EVP_PKCS82PKEY(p8));
  if (!pkey) return OsslError("private key (PKCS#8): key does not decode", Code::kMalformed);
  return Sm2PrivateKeyFromEvp(pkey.get());
}

// PKCS#5 v2.1 A.4 / 6.2: PBES2 { keyDerivationFunc PBKDF2, encryptionScheme }.
Status CheckPbes2(const X509_SIG* sig) {
  const X509_ALGOR* alg = nullptr;
  const ASN1_OCTET_STRING* data = nullptr;
  X509_SIG_get0(sig, &alg, &data);
  if (OBJ_obj2nid(alg->algorithm) != NID_pbes2) {
    return Unsupported("encrypted private key: only PBES2 is accepted (not PKCS#5 v1.5 or PKCS#12 PBE)");
  }
  Pbe2ParamPtr pbe2(
      static_cast<PBE2PARAM*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter)));
  if (!pbe2) return OsslError("encrypted private key: bad PBES2 parameters", Code::kMalformed);
  if (OBJ_obj2nid(pbe2->keyfunc->algorithm) != NID_id_pbkdf2) {
    return Unsupported("encrypted private key: key derivation is not PBKDF2");
  }
  Pbkdf2ParamPtr kdf(static_cast<PBKDF2PARAM*>(
      ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter)));
  uint64_t iterations = 0;
  if (!kdf || ASN1_INTEGER_get_uint64(&iterations, kdf->iter) != 1) {
    return OsslError("encrypted private key: bad PBKDF2 parameters", Code::kMalformed);
  }
  if (iterations == 0 || iterations > kMaxPbkdf2Iterations) {
    return Unsupported("encrypted private key: PBKDF2 iteration count " + std::to_string(iterations) +
                       " is outside [1, " + std::to_string(kMaxPbkdf2Iterations) + "]");
  }
  return Status::Ok();
}

Result<Sm2PrivateKey> FromEncrypted(ByteView der, std::string_view passphrase) {
  SEDUN_ASSIGN_OR_RETURN(X509SigPtr sig, D2iExact<X509SigPtr>(d2i_X509_SIG, der, "encrypted private key"));
  SEDUN_RETURN_IF_ERROR(CheckPbes2(sig.get()));
  if (passphrase.size() > 1024) return InvalidArgument("passphrase longer than 1024 bytes");
  Pkcs8Ptr p8(
      PKCS8_decrypt_ex(sig.get(), passphrase.data(), static_cast<int>(passphrase.size()), nullptr, nullptr));
  if (!p8) {
    // Bad padding or garbage plaintext: with CBC both mean a wrong passphrase (or a damaged file);
    // they cannot be told apart, and the difference must not be reported to an attacker anyway.
    ClearErrors();
    return VerifyFailed("encrypted private key: wrong passphrase or corrupted data");
  }
  return FromPkcs8(p8.get());
}

Result<Sm2PrivateKey> FromSec1(ByteView der) {
  // OpenSSL 3.0 decodes SEC1 on the SM2 curve only as key type "SM2" (its "EC" decoder refuses
  // the SM2 curve); EC covers a decoder that classifies it otherwise.
  for (int type : {EVP_PKEY_SM2, EVP_PKEY_EC}) {
    const unsigned char* p = der.data();
    EvpPkeyPtr pkey(d2i_PrivateKey_ex(type, nullptr, &p, static_cast<long>(der.size()), nullptr, nullptr));
    if (!pkey) continue;
    if (static_cast<size_t>(p - der.data()) != der.size()) {
      return Malformed("private key (SEC1): trailing bytes after the DER encoding");
    }
    ClearErrors();
    return Sm2PrivateKeyFromEvp(pkey.get());
  }
  return OsslError("private key (SEC1): DER does not parse as an SM2 key", Code::kMalformed);
}

Result<Sm2PrivateKey> LoadPrivateKeyImpl(ByteView input, const std::string_view* passphrase) {
  SEDUN_RETURN_IF_ERROR(CheckSize(input.size(), 2 * kMaxKeySize, "private key"));
  SecretBytes pem_der;
  ByteView der = input;
  std::string_view label;
  if (LooksLikePem(input)) {
    SEDUN_ASSIGN_OR_RETURN(
        PemBlock block,
        PemDecodeFirst(AsChars(input), {kPkcs8Label, kEncryptedLabel, kSec1Label, kSm2Sec1Label},
                       "private key"));
    pem_der = std::move(block.der);
    der = pem_der.view();
    label = block.label == kPkcs8Label       ? kPkcs8Label
            : block.label == kEncryptedLabel ? kEncryptedLabel
                                             : kSec1Label;
  }
  SEDUN_RETURN_IF_ERROR(CheckSize(der.size(), kMaxKeySize, "private key"));
  SEDUN_ASSIGN_OR_RETURN(KeyFormat format, SniffPrivateKey(der));
  const bool label_ok = label.empty() || (label == kPkcs8Label && format == KeyFormat::kPkcs8) ||
                        (label == kEncryptedLabel && format == KeyFormat::kEncryptedPkcs8) ||
                        (label == kSec1Label && format == KeyFormat::kSec1);
  if (!label_ok) return Malformed("private key: PEM label does not match the DER structure");
  switch (format) {
    case KeyFormat::kPkcs8: {
      SEDUN_ASSIGN_OR_RETURN(Pkcs8Ptr p8,
                             D2iExact<Pkcs8Ptr>(d2i_PKCS8_PRIV_KEY_INFO, der, "private key (PKCS#8)"));
      return FromPkcs8(p8.get());
    }
    case KeyFormat::kEncryptedPkcs8:
      if (passphrase == nullptr) return InvalidArgument("private key is encrypted: a passphrase is required");
      return FromEncrypted(der, *passphrase);
    case KeyFormat::kSec1:
      return FromSec1(der);
  }
  return Internal("unreachable key format");
}

Result<Pkcs8Ptr> ToPkcs8(const Sm2PrivateKey& key) {
  SEDUN_ASSIGN_OR_RETURN(EvpPkeyPtr pkey, ToEvpPkey(key));
  Pkcs8Ptr p8(EVP_PKEY2PKCS8(pkey.get()));
  if (!p8) return OsslError("EVP_PKEY2PKCS8 failed");
  return p8;
}

}  // namespace

Result<Sm2PrivateKey> LoadPrivateKey(ByteView input) { return LoadPrivateKeyImpl(input, nullptr); }

Result<Sm2PrivateKey> LoadPrivateKey(ByteView input, std::string_view passphrase) {
  return LoadPrivateKeyImpl(input, &passphrase);
}

Result<SecretBytes> PrivateKeyToDer(const Sm2PrivateKey& key) {
  SEDUN_ASSIGN_OR_RETURN(Pkcs8Ptr p8, ToPkcs8(key));
  return I2dSecret(i2d_PKCS8_PRIV_KEY_INFO, p8.get(), "private key (PKCS#8)");
}

Result<SecretBytes> PrivateKeyToPem(const Sm2PrivateKey& key) {
  SEDUN_ASSIGN_OR_RETURN(SecretBytes der, PrivateKeyToDer(key));
  return PemEncodeSecret(kPkcs8Label, der.view());
}

Result<Bytes> EncryptPrivateKeyToDer(const Sm2PrivateKey& key, std::string_view passphrase,
                                     uint32_t iterations) {
  if (passphrase.empty() || passphrase.size() > 1024)
    return InvalidArgument("passphrase must be 1..1024 bytes");
  if (iterations < kMinPbkdf2Iterations || iterations > kMaxPbkdf2Iterations) {
    return InvalidArgument("PBKDF2 iteration count out of range");
  }
  SEDUN_ASSIGN_OR_RETURN(Pkcs8Ptr p8, ToPkcs8(key));
  SEDUN_ASSIGN_OR_RETURN(Bytes salt, crypto::RandomBytes(crypto::SystemRng(), kSaltSize));
  X509AlgorPtr pbe(PKCS5_pbe2_set_iv_ex(EVP_sm4_cbc(), static_cast<int>(iterations), salt.data(),
                                        static_cast<int>(salt.size()), nullptr, NID_hmacWithSHA256, nullptr));
  if (!pbe) return OsslError("PBES2 parameter setup (SM4-CBC, PBKDF2-HMAC-SHA256) failed");
  X509SigPtr sig(PKCS8_set0_pbe_ex(passphrase.data(), static_cast<int>(passphrase.size()), p8.get(),
                                   pbe.get(), nullptr, nullptr));
  if (!sig) return OsslError("PKCS#8 encryption failed");
  (void)pbe.release();  // owned by `sig` now
  return I2d(i2d_X509_SIG, sig.get(), "encrypted private key");
}

Result<std::string> EncryptPrivateKeyToPem(const Sm2PrivateKey& key, std::string_view passphrase,
                                           uint32_t iterations) {
  SEDUN_ASSIGN_OR_RETURN(Bytes der, EncryptPrivateKeyToDer(key, passphrase, iterations));
  return PemEncode(kEncryptedLabel, der);
}

Result<Sm2PublicKey> LoadPublicKey(ByteView input) {
  SEDUN_RETURN_IF_ERROR(CheckSize(input.size(), 2 * kMaxKeySize, "public key"));
  SecretBytes pem_der;
  ByteView der = input;
  if (LooksLikePem(input)) {
    SEDUN_ASSIGN_OR_RETURN(PemBlock block, PemDecodeFirst(AsChars(input), {kPublicLabel}, "public key"));
    pem_der = std::move(block.der);
    der = pem_der.view();
  }
  SEDUN_RETURN_IF_ERROR(CheckSize(der.size(), kMaxKeySize, "public key"));
  SEDUN_ASSIGN_OR_RETURN(EvpPkeyPtr pkey, D2iExact<EvpPkeyPtr>(d2i_PUBKEY, der, "public key"));
  return Sm2PublicKeyFromEvp(pkey.get());
}

Result<Bytes> PublicKeyToDer(const Sm2PublicKey& key) {
  SEDUN_ASSIGN_OR_RETURN(EvpPkeyPtr pkey, ToEvpPkey(key));
  return I2d(i2d_PUBKEY, pkey.get(), "public key");
}

Result<std::string> PublicKeyToPem(const Sm2PublicKey& key) {
  SEDUN_ASSIGN_OR_RETURN(Bytes der, PublicKeyToDer(key));
  return PemEncode(kPublicLabel, der);
}

}  // namespace sedun::pki
