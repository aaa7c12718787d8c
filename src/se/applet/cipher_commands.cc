// ENCRYPT, DECRYPT and OPEN ENVELOPE (JR/T 0093.6 5.4.1 e, 6.2.6, 7.3.3.2, 7.3.3.3): SM2
// encryption to a certificate the card validates first, and decryption with the slot 02 key.
#include "apdu/tlv.h"
#include "crypto/envelope.h"
#include "crypto/sm2.h"
#include "pki/certificate.h"
#include "se/applet/card_objects.h"
#include "se/applet/certificate_trust.h"
#include "se/applet/data_objects.h"
#include "se/applet/handlers.h"
#include "se/applet/request_fields.h"
#include "se/applet/status_mapping.h"

namespace sedun::se::applet {

namespace {

// 84 || length || plaintext, written once into a buffer of the exact size so that no partial
// copy of the plaintext is left behind in freed memory by a reallocation.
Bytes PlaintextResponse(const SecretBytes& plaintext) {
  const size_t n = plaintext.size();
  Bytes out;
  out.reserve(1 + 4 + n);
  out.push_back(static_cast<uint8_t>(tag::kData));
  // ISO/IEC 7816-4 BER-TLV definite length, minimal form.
  if (n < 0x80) {
    out.push_back(static_cast<uint8_t>(n));
  } else if (n <= 0xFF) {
    out.push_back(0x81);
    out.push_back(static_cast<uint8_t>(n));
  } else if (n <= 0xFFFF) {
    out.push_back(0x82);
    out.push_back(static_cast<uint8_t>(n >> 8));
    out.push_back(static_cast<uint8_t>(n));
  } else {
    out.push_back(0x83);
    out.push_back(static_cast<uint8_t>(n >> 16));
    out.push_back(static_cast<uint8_t>(n >> 8));
    out.push_back(static_cast<uint8_t>(n));
  }
  out.insert(out.end(), plaintext.view().begin(), plaintext.view().end());
  return out;
}

// The slot 02 (encryption) private key of the container named in 81.
Result<crypto::Sm2PrivateKey> DecryptionKey(const CardState& state, ByteView name_value) {
  SEDUN_ASSIGN_OR_RETURN(std::string name, ParseContainerName(name_value));
  SEDUN_ASSIGN_OR_RETURN(const Container* container, FindContainer(state, name));
  SEDUN_ASSIGN_OR_RETURN(const KeySlot* slot, FindKeySlot(*container, KeySlotId::kEncrypt));
  return LoadPrivateKey(*slot);
}

// Data: 86 recipient certificate (or PKCS#7 chain), 84 plaintext (not empty). Answers 88 (DER
// SM2Cipher). JR/T 7.3.3.2 c: the certificate is validated (path to the anchor, validity now,
// keyUsage with dataEncipherment or keyEncipherment) before anything is encrypted to it.
Result<Bytes> EncryptBody(CommandContext& ctx, ByteView data) {
  SEDUN_ASSIGN_OR_RETURN(Request req, Request::Parse(data, {tag::kCertificate, tag::kData}));
  SEDUN_ASSIGN_OR_RETURN(pki::Certificate cert, ValidatedCertificate(ctx.state, req.Get(tag::kCertificate), ctx.now,
                                                                     KeyPurpose::kEncryption));
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PublicKey key, cert.public_key());
  if (req.Get(tag::kData).empty()) return Malformed("nothing to encrypt");
  auto ciphertext = crypto::Sm2Encrypt(key, req.Get(tag::kData), crypto::Sm2CipherFormat::kDer, ctx.rng);
  if (!ciphertext.ok()) return CryptoError("encryption failed");
  apdu::TlvWriter out;
  out.Add(tag::kCiphertext, *ciphertext);
  auto encoded = out.Finish();
  if (!encoded.ok()) return Internal("ciphertext does not encode");
  return encoded;
}

// Data: 81 name, 88 DER SM2Cipher. Answers 84 with the plaintext; 6A80 when the ciphertext does
// not parse or does not decrypt under the slot 02 key (altered C2 or C3, another key).
Result<Bytes> DecryptBody(CommandContext& ctx, ByteView data) {
  SEDUN_ASSIGN_OR_RETURN(Request req, Request::Parse(data, {tag::kContainerName, tag::kCiphertext}));
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PrivateKey key, DecryptionKey(ctx.state, req.Get(tag::kContainerName)));
  auto plaintext = crypto::Sm2Decrypt(key, req.Get(tag::kCiphertext), crypto::Sm2CipherFormat::kDer);
  if (!plaintext.ok()) {
    return plaintext.status().code() == Code::kMalformed ? Malformed("ciphertext does not parse")
                                                         : VerifyFailed("ciphertext does not decrypt");
  }
  return PlaintextResponse(*plaintext);
}

// Data: 81 name, 8C envelope. Answers 84 with the content; 6A88 when the envelope is addressed to
// another key; 6A80 when it does not parse or any byte was altered (crypto::OpenEnvelope releases
// nothing unless its MAC matches).
Result<Bytes> OpenEnvelopeBody(CommandContext& ctx, ByteView data) {
  SEDUN_ASSIGN_OR_RETURN(Request req, Request::Parse(data, {tag::kContainerName, tag::kEnvelope}));
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PrivateKey key, DecryptionKey(ctx.state, req.Get(tag::kContainerName)));
  auto plaintext = crypto::OpenEnvelope(key, req.Get(tag::kEnvelope));
  if (!plaintext.ok()) {
    switch (plaintext.status().code()) {
      case Code::kMalformed:
        return Malformed("envelope does not parse");
      case Code::kNotFound:
        return NotFound("envelope is addressed to another key");
      default:
        return VerifyFailed("envelope does not open");
    }
  }
  return PlaintextResponse(*plaintext);
}

}  // namespace

apdu::ResponseApdu Encrypt(CommandContext& ctx, const apdu::CommandApdu& command) {
  return RunCommand(ctx, command, &EncryptBody);
}

apdu::ResponseApdu Decrypt(CommandContext& ctx, const apdu::CommandApdu& command) {
  return RunCommand(ctx, command, &DecryptBody, {.verify_failed = apdu::kSwIncorrectData});
}

apdu::ResponseApdu OpenEnvelope(CommandContext& ctx, const apdu::CommandApdu& command) {
  return RunCommand(ctx, command, &OpenEnvelopeBody, {.verify_failed = apdu::kSwIncorrectData});
}

}  // namespace sedun::se::applet
