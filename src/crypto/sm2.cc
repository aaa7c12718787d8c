// SM2 sign/verify/encrypt/decrypt: identities and encodings around DefaultSm2Engine().
#include "crypto/sm2.h"

namespace sedun::crypto {

Result<Bytes> Sm2SignDigest(const Sm2PrivateKey& key, ByteView e, Rng& rng) {
  SEDUN_ASSIGN_OR_RETURN(Sm2Signature sig, DefaultSm2Engine().SignDigest(key, e, rng));
  return Sm2EncodeSignature(sig);
}

Status Sm2VerifyDigest(const Sm2PublicKey& key, ByteView e, ByteView der_signature) {
  SEDUN_ASSIGN_OR_RETURN(Sm2Signature sig, Sm2DecodeSignature(der_signature));
  return DefaultSm2Engine().VerifyDigest(key, e, sig);
}

Result<Bytes> Sm2Sign(const Sm2PrivateKey& key, ByteView msg, ByteView id, Rng& rng) {
  // GB/T 32918.2 §6.1 A1-A2: e = SM3(ZA || M), ZA from the signer's own public key.
  SEDUN_ASSIGN_OR_RETURN(Sm3Digest e, Sm2ComputeE(key.public_key(), msg, id));
  return Sm2SignDigest(key, e, rng);
}

Status Sm2Verify(const Sm2PublicKey& key, ByteView msg, ByteView der_signature, ByteView id) {
  // Parse first: malformed input is reported as such even when the ID is also wrong.
  SEDUN_ASSIGN_OR_RETURN(Sm2Signature sig, Sm2DecodeSignature(der_signature));
  // GB/T 32918.2 §7.1 B3-B4: e' = SM3(ZA || M').
  SEDUN_ASSIGN_OR_RETURN(Sm3Digest e, Sm2ComputeE(key, msg, id));
  return DefaultSm2Engine().VerifyDigest(key, e, sig);
}

Result<Bytes> Sm2Encrypt(const Sm2PublicKey& key, ByteView msg, Sm2CipherFormat format, Rng& rng) {
  SEDUN_ASSIGN_OR_RETURN(Sm2CipherParts parts, DefaultSm2Engine().Encrypt(key, msg, rng));
  return Sm2EncodeCiphertext(parts, format);
}

Result<SecretBytes> Sm2Decrypt(const Sm2PrivateKey& key, ByteView ciphertext, Sm2CipherFormat format) {
  SEDUN_ASSIGN_OR_RETURN(Sm2CipherParts parts, Sm2DecodeCiphertext(ciphertext, format));
  return DefaultSm2Engine().Decrypt(key, parts);
}

}  // namespace sedun::crypto
