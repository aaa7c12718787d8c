// CERTIFICATION REQUEST (JR/T 0093.6 5.4.1 a steps 4-5, 6.2.2 step 3; film-shield 2.3.1 (3)):
// the card emits a PKCS#10 request (RFC 2986) for a key pair it holds, signed inside the card,
// so the CA can check that the requester holds the private key.
#include "crypto/sm2_za.h"
#include "pki/csr.h"
#include "pki/name.h"
#include "se/applet/card_objects.h"
#include "se/applet/data_objects.h"
#include "se/applet/handlers.h"
#include "se/applet/request_fields.h"
#include "se/applet/signing.h"
#include "se/applet/status_mapping.h"

namespace sedun::se::applet {

namespace {

// Data: 81 name, 82 slot, 89 subject (DER Name). Answers the DER CertificationRequest itself (no
// tag): CertificationRequestInfo { v1, subject, the slot's public key, no attributes } signed
// with SM3withSM2 and the GM/T 0009 default ID, as CAs and `openssl req -verify -vfyopt
// distid:1234567812345678` check it. A signature, so it consumes the PIN verification.
Result<Bytes> CertificationRequestBody(CommandContext& ctx, ByteView data) {
  SEDUN_RETURN_IF_ERROR(ConsumePinVerification(ctx.session));
  SEDUN_ASSIGN_OR_RETURN(Request req,
                         Request::Parse(data, {tag::kContainerName, tag::kKeySlot, tag::kSubject}));
  SEDUN_ASSIGN_OR_RETURN(std::string name, ParseContainerName(req.Get(tag::kContainerName)));
  SEDUN_ASSIGN_OR_RETURN(KeySlotId id, ParseKeySlot(req.Get(tag::kKeySlot)));
  auto subject = pki::NameFromDer(req.Get(tag::kSubject));
  if (!subject.ok()) return Malformed("subject is not a DER Name");
  const CardState& state = ctx.state;
  SEDUN_ASSIGN_OR_RETURN(const Container* container, FindContainer(state, name));
  SEDUN_ASSIGN_OR_RETURN(const KeySlot* slot, FindKeySlot(*container, id));
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PublicKey public_key, LoadPublicKey(*slot));

  auto info = pki::BuildCsrInfo(*subject, public_key);
  if (!info.ok()) {
    // The subject's attributes are the only input BuildCsrInfo can refuse.
    return info.status().code() == Code::kInvalidArgument ? Malformed("subject not usable: " + info.status().message())
                                                          : Internal("building the request failed");
  }
  SEDUN_ASSIGN_OR_RETURN(Bytes signature, SignWithSlot(*slot, *info, crypto::kSm2DefaultId, ctx.rng));
  auto csr = pki::AssembleCsr(*info, signature);
  if (!csr.ok()) return Internal("assembled request does not verify");
  return csr->ToDer();
}

}  // namespace

apdu::ResponseApdu CertificationRequest(CommandContext& ctx, const apdu::CommandApdu& command) {
  return RunCommand(ctx, command, &CertificationRequestBody);
}

}  // namespace sedun::se::applet
