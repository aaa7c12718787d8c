// SM2 signature and public-key encryption: the API the rest of sedun uses.
//
// Signing hashes the message with the signer's identity, e = SM3(ZA || M) (GM/T 0009-2012 §8),
// and encodes (r, s) as the DER SM2Signature of GM/T 0009 §7.3. Encryption follows
// GB/T 32918.4-2016 and is emitted in one of the three layouts found in the field; callers must
// name the layout, since the 2010/2012 texts (C1C2C3) and the 2016 standard (C1C3C2) disagree.
// All randomness (the nonce k) comes from the Rng& argument so tests can fix it.
//
// Error codes: kMalformed for input that does not parse (bad DER, wrong lengths, trailing bytes,
// a C1 that is not a curve point); kVerifyFailed for a signature that does not verify or a
// ciphertext that does not decrypt under the key (wrong key, altered C2 or C3); kInvalidArgument
// for caller errors (empty plaintext, wrong e length, an ID of 8192 bytes or more).
// Thread-safety: stateless free functions over DefaultSm2Engine().
#pragma once

#include <cstddef>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "crypto/rng.h"
#include "crypto/sm2_engine.h"
#include "crypto/sm2_key.h"
#include "crypto/sm2_za.h"

namespace sedun::crypto {

inline constexpr size_t kSm2RawSignatureSize = 64;  // r || s
// C1 (65) + C3 (32) + at least one byte of C2.
inline constexpr size_t kSm2MinRawCiphertextSize = kSm2PointSize + kSm3DigestSize + 1;

// Sm2Sign signs `msg` for the identity `id` and returns the DER SM2Signature.
Result<Bytes> Sm2Sign(const Sm2PrivateKey& key, ByteView msg, ByteView id = kSm2DefaultId,
                      Rng& rng = SystemRng());

// Sm2Verify checks a DER SM2Signature over `msg` for the identity `id`.
Status Sm2Verify(const Sm2PublicKey& key, ByteView msg, ByteView der_signature, ByteView id = kSm2DefaultId);

// Sm2SignDigest / Sm2VerifyDigest take e = SM3(ZA || M) (32 bytes) computed by the caller, e.g.
// with Sm2Digest over a stream, or by a card that hashes on the host side.
Result<Bytes> Sm2SignDigest(const Sm2PrivateKey& key, ByteView e, Rng& rng = SystemRng());
Status Sm2VerifyDigest(const Sm2PublicKey& key, ByteView e, ByteView der_signature);

// GM/T 0009 §7.3 SM2Signature ::= SEQUENCE { R INTEGER, S INTEGER } <-> (r, s).
Bytes Sm2EncodeSignature(const Sm2Signature& sig);
// Strict DER; r and s must fit 32 bytes (their range is checked by verification, not here).
Result<Sm2Signature> Sm2DecodeSignature(ByteView der);

// DER <-> the raw 64-byte r || s of SKF/SDF structures (GM/T 0016 / GM/T 0018).
Result<Bytes> Sm2SignatureDerToRaw(ByteView der);
Result<Bytes> Sm2SignatureRawToDer(ByteView raw);

enum class Sm2CipherFormat {
  // GM/T 0009 §7.2: SM2Cipher ::= SEQUENCE { XCoordinate INTEGER, YCoordinate INTEGER,
  // HASH OCTET STRING (SIZE(32)), CipherText OCTET STRING }; what OpenSSL 3 EVP produces.
  kDer,
  // GB/T 32918.4-2016: C1 (04 || x1 || y1) || C3 || C2.
  kC1C3C2,
  // GM/T 0003.4-2012 and the 2010 text: C1 || C2 || C3.
  kC1C2C3,
};

// Sm2Encrypt encrypts a non-empty `msg` to `key` in `format`.
Result<Bytes> Sm2Encrypt(const Sm2PublicKey& key, ByteView msg, Sm2CipherFormat format = Sm2CipherFormat::kDer,
                         Rng& rng = SystemRng());

// Sm2Decrypt parses `ciphertext` strictly in `format` and decrypts it.
Result<SecretBytes> Sm2Decrypt(const Sm2PrivateKey& key, ByteView ciphertext,
                               Sm2CipherFormat format = Sm2CipherFormat::kDer);

// The ciphertext layouts on their own, e.g. to convert between them.
Bytes Sm2EncodeCiphertext(const Sm2CipherParts& parts, Sm2CipherFormat format);
// kMalformed on wrong lengths, a C1 that is not an uncompressed point on sm2p256v1, bad DER or
// trailing bytes.
Result<Sm2CipherParts> Sm2DecodeCiphertext(ByteView ciphertext, Sm2CipherFormat format);

}  // namespace sedun::crypto
