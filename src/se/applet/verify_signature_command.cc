// VERIFY SIGNATURE (JR/T 0093.6 5.4.1 f; 7.3.2.2-7.3.2.3): the card checks an SM2 signature with
// a certificate it validates first, or with the signature certificate of one of its containers.
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

// The signer's key: from a certificate in the command, validated against the anchor (path,
// validity now, keyUsage for signatures), or from the container's slot 01 certificate, which was
// validated when it was imported (the card keeps no intermediates to repeat the path check).
Result<crypto::Sm2PublicKey> SignerKey(const CommandContext& ctx, const Request& req) {
  if (req.Has(tag::kCertificate) == req.Has(tag::kContainerName)) {
    return Malformed("exactly one of a certificate (86) or a container (81) is required");
  }
  if (req.Has(tag::kCertificate)) {
    SEDUN_ASSIGN_OR_RETURN(pki::Certificate cert, ValidatedCertificate(ctx.state, req.Get(tag::kCertificate), ctx.now,
                                                                       KeyPurpose::kSignature));
    return cert.public_key();
  }
  SEDUN_ASSIGN_OR_RETURN(std::string name, ParseContainerName(req.Get(tag::kContainerName)));
  const CardState& state = ctx.state;
  SEDUN_ASSIGN_OR_RETURN(const Container* container, FindContainer(state, name));
  SEDUN_ASSIGN_OR_RETURN(const KeySlot* slot, FindKeySlot(*container, KeySlotId::kSign));
  if (slot->certificate.empty()) return NotFound("no signature certificate installed");
  auto cert = pki::Certificate::FromDer(slot->certificate);
  if (!cert.ok()) return Internal("stored certificate does not parse");
  return cert->public_key();
}

// Data: 86 certificate (or PKCS#7 chain) or 81 container, 84 message, 85 DER SM2Signature,
// optional 83 signer ID. 9000 when the signature verifies; 6300 when it does not (including a
// signature that is not a DER SM2Signature); 6982 for an untrusted certificate.
Result<Bytes> VerifySignatureBody(CommandContext& ctx, ByteView data) {
  SEDUN_ASSIGN_OR_RETURN(Request req, Request::Parse(data, {tag::kData, tag::kSignature},
                                                     {tag::kCertificate, tag::kContainerName, tag::kUserId}));
  SEDUN_ASSIGN_OR_RETURN(ByteView id, ParseUserId(req.GetOptional(tag::kUserId)));
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PublicKey key, SignerKey(ctx, req));
  if (!crypto::Sm2Verify(key, req.Get(tag::kData), req.Get(tag::kSignature), id).ok()) {
    return VerifyFailed("signature does not verify");
  }
  return Bytes{};
}

}  // namespace

apdu::ResponseApdu VerifySignature(CommandContext& ctx, const apdu::CommandApdu& command) {
  return RunCommand(ctx, command, &VerifySignatureBody);
}

}  // namespace sedun::se::applet
