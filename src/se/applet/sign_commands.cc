// SIGN and SIGN WITH SERVER CHECK (JR/T 0093.6 5.4.1 f, 5.4.2 b, 7.2; film-shield 2.3.2-1
// steps 3-4 and 2.3.2-2 step 3): the card signs with the slot 01 key after the user PIN, and the
// film-shield variant first proves that the data came from the bank's server.
#include "apdu/tlv.h"
#include "crypto/sm2.h"
#include "crypto/sm2_za.h"
#include "pki/certificate.h"
#include "se/applet/card_objects.h"
#include "se/applet/data_objects.h"
#include "se/applet/handlers.h"
#include "se/applet/request_fields.h"
#include "se/applet/signing.h"
#include "se/applet/status_mapping.h"

namespace sedun::se::applet {

namespace {

// 85 with the signature of `message` by container `name`'s slot 01 key under `id`.
Result<Bytes> SignForContainer(CommandContext& ctx, ByteView name_value, ByteView message, ByteView id) {
  SEDUN_ASSIGN_OR_RETURN(std::string name, ParseContainerName(name_value));
  const CardState& state = ctx.state;
  SEDUN_ASSIGN_OR_RETURN(const Container* container, FindContainer(state, name));
  SEDUN_ASSIGN_OR_RETURN(const KeySlot* slot, FindKeySlot(*container, KeySlotId::kSign));
  SEDUN_ASSIGN_OR_RETURN(Bytes signature, SignWithSlot(*slot, message, id, ctx.rng));
  apdu::TlvWriter out;
  out.Add(tag::kSignature, signature);
  auto encoded = out.Finish();
  if (!encoded.ok()) return Internal("signature does not encode");
  return encoded;
}

// Data: 81 name, 84 message, optional 83 signer ID. Answers 85.
Result<Bytes> SignBody(CommandContext& ctx, ByteView data) {
  SEDUN_RETURN_IF_ERROR(ConsumePinVerification(ctx.session));
  SEDUN_ASSIGN_OR_RETURN(Request req, Request::Parse(data, {tag::kContainerName, tag::kData}, {tag::kUserId}));
  SEDUN_ASSIGN_OR_RETURN(ByteView id, ParseUserId(req.GetOptional(tag::kUserId)));
  return SignForContainer(ctx, req.Get(tag::kContainerName), req.Get(tag::kData), id);
}

// The server's signature 8D over 84, checked with the key of the server certificate written at
// personalisation and the default ID. Every failure, including an unparsable signature, is
// kVerifyFailed (-> 6988): the card does not sign data it cannot attribute to the server.
Status CheckServerSignature(const CardState& state, ByteView message, ByteView server_signature) {
  if (state.server_certificate.empty()) return FailedPrecondition("the card has no server certificate");
  auto cert = pki::Certificate::FromDer(state.server_certificate);
  if (!cert.ok()) return Internal("stored server certificate does not parse");
  auto key = cert->public_key();
  if (!key.ok()) return Internal("stored server certificate has no SM2 key");
  if (!crypto::Sm2Verify(*key, message, server_signature, crypto::kSm2DefaultId).ok()) {
    return VerifyFailed("server signature does not verify");
  }
  return Status::Ok();
}

// Data: 81 name, 84 message, 8D server signature, optional 83 signer ID. Answers 85, or 6988
// and no signature when 8D does not verify.
Result<Bytes> SignWithServerCheckBody(CommandContext& ctx, ByteView data) {
  SEDUN_RETURN_IF_ERROR(ConsumePinVerification(ctx.session));
  SEDUN_ASSIGN_OR_RETURN(Request req, Request::Parse(data, {tag::kContainerName, tag::kData, tag::kServerSignature},
                                                     {tag::kUserId}));
  SEDUN_ASSIGN_OR_RETURN(ByteView id, ParseUserId(req.GetOptional(tag::kUserId)));
  SEDUN_RETURN_IF_ERROR(CheckServerSignature(ctx.state, req.Get(tag::kData), req.Get(tag::kServerSignature)));
  return SignForContainer(ctx, req.Get(tag::kContainerName), req.Get(tag::kData), id);
}

}  // namespace

apdu::ResponseApdu Sign(CommandContext& ctx, const apdu::CommandApdu& command) {
  return RunCommand(ctx, command, &SignBody);
}

apdu::ResponseApdu SignWithServerCheck(CommandContext& ctx, const apdu::CommandApdu& command) {
  return RunCommand(ctx, command, &SignWithServerCheckBody, {.verify_failed = apdu::kSwSmDataIncorrect});
}

}  // namespace sedun::se::applet
