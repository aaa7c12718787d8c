// Digital envelope (JR/T 0093.6 7.3.3.3): content encrypted under a fresh SM4 key, and that key
// encrypted with SM2 to the recipient's public key, so that only the holder of the matching
// private key (a card, a software module) can open it.
//
// Content: SM4-CBC with PKCS#7 padding under a random 16-byte key and a random 16-byte IV. Key
// transport: Sm2Encrypt of the 16-byte SM4 key, DER SM2Cipher (GM/T 0009 §7.2), as GM/T 0010
// RecipientInfo and SKF envelopes carry it, so a card that only implements SM2 decryption can
// unwrap it. CBC alone does not detect changes, so the envelope adds an HMAC-SM3 over every
// preceding byte, keyed from the content key; Open checks it before touching the CBC padding,
// which also denies a padding oracle.
//
// Wire format, version 1 (all integers big-endian):
//   magic      4 bytes   "SDEV"
//   version    1 byte    0x01
//   records, exactly these five, in this order, each  tag (1 byte) || length (4 bytes) || value:
//     0x01  recipient key id   32 bytes   SM3(04 || x || y) of the recipient public key
//     0x02  wrapped key        DER        SM2Cipher of the 16-byte SM4 content key
//     0x03  IV                 16 bytes
//     0x04  ciphertext         16·k bytes SM4-CBC-PKCS#7(content key, IV, plaintext), k >= 1
//     0x05  MAC                32 bytes   HMAC-SM3(K_mac, magic .. end of record 0x04)
//   K_mac = SM2-KDF(content key || "sedun envelope v1 mac", 32) (GB/T 32918.4 §5.4.3), so the
//   wrapped value stays a bare SM4 key as JR/T 0093.6 and card APIs expect.
// Nothing may follow the last record. Readers reject other versions, tags, orders and lengths.
//
// Errors from OpenEnvelope: kMalformed when the bytes do not parse; kNotFound when the envelope
// is addressed to another key (the caller may try its other keys); kVerifyFailed when the key
// cannot unwrap it or any byte was altered. No plaintext is released unless the MAC matches.
// Thread-safety: stateless free functions.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "crypto/rng.h"
#include "crypto/sm2_key.h"
#include "crypto/sm3.h"

namespace sedun::crypto {

inline constexpr uint8_t kEnvelopeVersion = 1;

// SealEnvelope encrypts `plaintext` (any length, including empty) to `recipient`. Draws from
// `rng`, in order: the 16-byte content key, the 16-byte IV, the SM2 nonce k.
Result<Bytes> SealEnvelope(const Sm2PublicKey& recipient, ByteView plaintext, Rng& rng = SystemRng());

// OpenEnvelope checks and decrypts an envelope with the recipient's private key.
Result<SecretBytes> OpenEnvelope(const Sm2PrivateKey& key, ByteView envelope);

// The recipient key id written into envelopes for `key`: SM3 of its uncompressed point.
Result<Sm3Digest> EnvelopeKeyId(const Sm2PublicKey& key);

// The recipient key id of a well-formed envelope, for choosing among several private keys.
Result<Sm3Digest> EnvelopeRecipient(ByteView envelope);

}  // namespace sedun::crypto
