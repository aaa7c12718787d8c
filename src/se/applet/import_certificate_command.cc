// IMPORT CERTIFICATE (JR/T 0093.6 5.4.1 a step 11, 5.4.3 c, 6.2.2 step 9; film-shield 2.3.1
// (7)-(9)): the card takes the certificate issued for one of its key pairs, checks where it came
// from, and stores it beside the key pair, replacing an earlier one (renewal, JR/T 6.2.3).
#include <utility>

#include "pki/certificate.h"
#include "se/applet/card_objects.h"
#include "se/applet/certificate_trust.h"
#include "se/applet/data_objects.h"
#include "se/applet/handlers.h"
#include "se/applet/request_fields.h"
#include "se/applet/status_mapping.h"

namespace sedun::se::applet {

namespace {

// The certificate of `certs` whose subject key is `key`; NotFound (-> 6A88) when none is.
Result<pki::Certificate> CertificateForKey(const std::vector<pki::Certificate>& certs,
                                           const crypto::Sm2PublicKey& key) {
  for (const pki::Certificate& c : certs) {
    auto cert_key = c.public_key();
    if (cert_key.ok() && *cert_key == key) return c;
  }
  return NotFound("no certificate for this key pair");
}

// Data: 81 name, 82 slot, 86 certificate or PKCS#7 chain. Errors: 6A80 unparsable; 6A88 no
// such container or key pair, or no certificate for the slot's key; 6982 not trusted, not valid
// now or a key usage that does not fit the slot; 6A84 no room.
Result<Bytes> ImportCertificateBody(CommandContext& ctx, ByteView data) {
  SEDUN_ASSIGN_OR_RETURN(Request req,
                         Request::Parse(data, {tag::kContainerName, tag::kKeySlot, tag::kCertificate}));
  SEDUN_ASSIGN_OR_RETURN(std::string name, ParseContainerName(req.Get(tag::kContainerName)));
  SEDUN_ASSIGN_OR_RETURN(KeySlotId id, ParseKeySlot(req.Get(tag::kKeySlot)));
  SEDUN_ASSIGN_OR_RETURN(std::vector<pki::Certificate> certs, ParseCertificateObject(req.Get(tag::kCertificate)));
  SEDUN_ASSIGN_OR_RETURN(Container * container, FindContainer(ctx.state, name));
  SEDUN_ASSIGN_OR_RETURN(KeySlot * slot, FindKeySlot(*container, id));
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PublicKey key, LoadPublicKey(*slot));

  // JR/T 5.4.3 c: the certificate is matched to the key pair generated before.
  SEDUN_ASSIGN_OR_RETURN(pki::Certificate cert, CertificateForKey(certs, key));
  // Film-shield 2.3.1 (9); JR/T 7.3.2.2: origin (chain to the anchor), validity, key usage.
  SEDUN_RETURN_IF_ERROR(CheckTrustedPath(ctx.state, cert, certs, ctx.now));
  SEDUN_RETURN_IF_ERROR(CheckKeyUsage(cert, PurposeOfSlot(id)));

  Bytes previous = std::exchange(slot->certificate, cert.ToDer());
  Status room = CheckCapacity(ctx.state);
  if (!room.ok()) {
    slot->certificate = std::move(previous);
    return room;
  }
  return Bytes{};
}

}  // namespace

apdu::ResponseApdu ImportCertificate(CommandContext& ctx, const apdu::CommandApdu& command) {
  return RunCommand(ctx, command, &ImportCertificateBody);
}

}  // namespace sedun::se::applet
