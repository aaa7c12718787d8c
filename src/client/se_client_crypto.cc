// SeClient: SIGN, VERIFY SIGNATURE, ENCRYPT, DECRYPT, OPEN ENVELOPE, SIGN WITH SERVER CHECK
// (docs/apdu.md; JR/T 0093.6 5.4.1 e-f, 7.3.3; film-shield 2.3.2). Signing keys are slot 01,
// decryption keys slot 02, chosen by the card.
#include "apdu/tlv.h"
#include "client/se_client.h"
#include "client/se_codec.h"

namespace sedun::client {

namespace tag = codec::tag;

namespace {

// The optional 83 user ID goes last; an empty one is left out so the card uses its default.
void AddUserId(apdu::TlvWriter& w, ByteView user_id) {
  if (!user_id.empty()) w.Add(tag::kUserId, user_id);
}

Result<Bytes> Signature(ByteView answer, std::string_view command) {
  SEDUN_ASSIGN_OR_RETURN(ByteView sig, codec::OnlyObject(answer, tag::kSignature, command));
  if (sig.empty()) return Malformed(std::string(command) + " answer: empty signature");
  return ToBytes(sig);
}

// Plaintext answers (84) into wiping storage; the answer buffer is wiped too.
Result<SecretBytes> Plaintext(Bytes& answer, std::string_view command) {
  auto data = codec::OnlyObject(answer, tag::kData, command);
  if (!data.ok()) {
    SecureWipe(answer.data(), answer.size());
    return data.status();
  }
  SecretBytes out(*data);
  SecureWipe(answer.data(), answer.size());
  return out;
}

}  // namespace

// SIGN 80 2A 00 00 { 81, 84 message, [83 ID] } -> 85
Result<Bytes> SeClient::Sign(std::string_view container, ByteView message, ByteView user_id) {
  SEDUN_RETURN_IF_ERROR(codec::CheckUserId(user_id));
  apdu::TlvWriter w;
  SEDUN_RETURN_IF_ERROR(codec::StartContainerRequest(w, container));
  w.Add(tag::kData, message);
  AddUserId(w, user_id);
  SEDUN_ASSIGN_OR_RETURN(Bytes data, w.Finish());
  SEDUN_ASSIGN_OR_RETURN(Bytes answer, Call("SIGN", 0x80, 0x2A, 0x00, 0x00, data, true));
  return Signature(answer, "SIGN");
}

// VERIFY SIGNATURE 80 2C 00 00 { 86 certificate, 84, 85, [83] }
Status SeClient::VerifySignature(ByteView certificate_der, ByteView message, ByteView signature, ByteView user_id) {
  if (certificate_der.empty()) return InvalidArgument("certificate is empty");
  if (signature.empty()) return InvalidArgument("signature is empty");
  SEDUN_RETURN_IF_ERROR(codec::CheckUserId(user_id));
  apdu::TlvWriter w;
  w.Add(tag::kCertificate, certificate_der);
  w.Add(tag::kData, message);
  w.Add(tag::kSignature, signature);
  AddUserId(w, user_id);
  SEDUN_ASSIGN_OR_RETURN(Bytes data, w.Finish());
  return Call("VERIFY SIGNATURE", 0x80, 0x2C, 0x00, 0x00, data, false).status();
}

// VERIFY SIGNATURE 80 2C 00 00 { 81, 84, 85, [83] }
Status SeClient::VerifySignatureWithContainer(std::string_view container, ByteView message, ByteView signature,
                                              ByteView user_id) {
  if (signature.empty()) return InvalidArgument("signature is empty");
  SEDUN_RETURN_IF_ERROR(codec::CheckUserId(user_id));
  apdu::TlvWriter w;
  SEDUN_RETURN_IF_ERROR(codec::StartContainerRequest(w, container));
  w.Add(tag::kData, message);
  w.Add(tag::kSignature, signature);
  AddUserId(w, user_id);
  SEDUN_ASSIGN_OR_RETURN(Bytes data, w.Finish());
  return Call("VERIFY SIGNATURE", 0x80, 0x2C, 0x00, 0x00, data, false).status();
}

// ENCRYPT 80 2E 00 00 { 86 recipient, 84 plaintext } -> 88
Result<Bytes> SeClient::Encrypt(ByteView recipient_certificate_der, ByteView plaintext) {
  if (recipient_certificate_der.empty()) return InvalidArgument("certificate is empty");
  if (plaintext.empty()) return InvalidArgument("plaintext is empty");
  SEDUN_ASSIGN_OR_RETURN(SecretBytes data, codec::EncodeSecretObjects({{tag::kCertificate, recipient_certificate_der},
                                                                       {tag::kData, plaintext}}));
  SEDUN_ASSIGN_OR_RETURN(Bytes answer, Call("ENCRYPT", 0x80, 0x2E, 0x00, 0x00, data.view(), true));
  SEDUN_ASSIGN_OR_RETURN(ByteView ct, codec::OnlyObject(answer, tag::kCiphertext, "ENCRYPT"));
  if (ct.empty()) return Malformed("ENCRYPT answer: empty ciphertext");
  return ToBytes(ct);
}

// DECRYPT 80 30 00 00 { 81, 88 } -> 84
Result<SecretBytes> SeClient::Decrypt(std::string_view container, ByteView ciphertext) {
  if (ciphertext.empty()) return InvalidArgument("ciphertext is empty");
  apdu::TlvWriter w;
  SEDUN_RETURN_IF_ERROR(codec::StartContainerRequest(w, container));
  w.Add(tag::kCiphertext, ciphertext);
  SEDUN_ASSIGN_OR_RETURN(Bytes data, w.Finish());
  SEDUN_ASSIGN_OR_RETURN(Bytes answer, Call("DECRYPT", 0x80, 0x30, 0x00, 0x00, data, true));
  return Plaintext(answer, "DECRYPT");
}

// OPEN ENVELOPE 80 32 00 00 { 81, 8C } -> 84
Result<SecretBytes> SeClient::OpenEnvelope(std::string_view container, ByteView envelope) {
  if (envelope.empty()) return InvalidArgument("envelope is empty");
  apdu::TlvWriter w;
  SEDUN_RETURN_IF_ERROR(codec::StartContainerRequest(w, container));
  w.Add(tag::kEnvelope, envelope);
  SEDUN_ASSIGN_OR_RETURN(Bytes data, w.Finish());
  SEDUN_ASSIGN_OR_RETURN(Bytes answer, Call("OPEN ENVELOPE", 0x80, 0x32, 0x00, 0x00, data, true));
  return Plaintext(answer, "OPEN ENVELOPE");
}

// SIGN WITH SERVER CHECK 80 34 00 00 { 81, 84, 8D, [83] } -> 85
Result<Bytes> SeClient::SignWithServerCheck(std::string_view container, ByteView message, ByteView server_signature,
                                            ByteView user_id) {
  if (server_signature.empty()) return InvalidArgument("server signature is empty");
  SEDUN_RETURN_IF_ERROR(codec::CheckUserId(user_id));
  apdu::TlvWriter w;
  SEDUN_RETURN_IF_ERROR(codec::StartContainerRequest(w, container));
  w.Add(tag::kData, message);
  w.Add(tag::kServerSignature, server_signature);
  AddUserId(w, user_id);
  SEDUN_ASSIGN_OR_RETURN(Bytes data, w.Finish());
  SEDUN_ASSIGN_OR_RETURN(Bytes answer, Call("SIGN WITH SERVER CHECK", 0x80, 0x34, 0x00, 0x00, data, true));
  return Signature(answer, "SIGN WITH SERVER CHECK");
}

}  // namespace sedun::client
