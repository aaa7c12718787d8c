// EXPORT CERTIFICATE, READ CERTIFICATE and DELETE CERTIFICATE (JR/T 0093.6 5.4.3 d-g, 5.4.2 c,
// e, 5.4.1 b, d, 6.2.4).
#include <algorithm>
#include <chrono>

#include "apdu/tlv.h"
#include "pki/certificate.h"
#include "se/applet/card_objects.h"
#include "se/applet/data_objects.h"
#include "se/applet/handlers.h"
#include "se/applet/request_fields.h"
#include "se/applet/status_mapping.h"

namespace sedun::se::applet {

namespace {

ByteView StripLeadingZeros(ByteView v) {
  size_t i = 0;
  while (i < v.size() && v[i] == 0) ++i;
  return v.subspan(i);
}

// Data: 81 name, 82 slot. Answers 86 with a copy of the stored certificate (JR/T 5.4.3 d);
// 6A88 when the slot has no key pair or no certificate.
Result<Bytes> ExportCertificateBody(CommandContext& ctx, ByteView data) {
  SEDUN_ASSIGN_OR_RETURN(Request req, Request::Parse(data, {tag::kContainerName, tag::kKeySlot}));
  SEDUN_ASSIGN_OR_RETURN(std::string name, ParseContainerName(req.Get(tag::kContainerName)));
  SEDUN_ASSIGN_OR_RETURN(KeySlotId id, ParseKeySlot(req.Get(tag::kKeySlot)));
  const CardState& state = ctx.state;
  SEDUN_ASSIGN_OR_RETURN(const Container* container, FindContainer(state, name));
  SEDUN_ASSIGN_OR_RETURN(const KeySlot* slot, FindKeySlot(*container, id));
  if (slot->certificate.empty()) return NotFound("no certificate installed in this slot");
  apdu::TlvWriter out;
  out.Add(tag::kCertificate, slot->certificate);
  auto encoded = out.Finish();
  if (!encoded.ok()) return Internal("certificate does not encode");
  return encoded;
}

struct CertificateQuery {
  std::optional<ByteView> serial;  // magnitude without leading zeros
  std::optional<int64_t> time;

  bool Matches(const pki::Certificate& cert) const {
    if (serial && !std::ranges::equal(*serial, StripLeadingZeros(cert.serial()))) return false;
    if (time) {
      const std::chrono::sys_seconds t{std::chrono::seconds(*time)};
      if (t < cert.not_before() || t > cert.not_after()) return false;
    }
    return true;
  }
};

// Data: 8A serial number and/or 8B time (at least one). Answers 81, 82, 86 of the first
// certificate, in container order and slot 01 before 02, with that serial and valid at that
// time (JR/T 5.4.1 d, 5.4.3 f); 6A88 when none matches. There is no command that lists
// certificates without a criterion (JR/T 5.4.3 g: enumeration stays inside the card).
Result<Bytes> ReadCertificateBody(CommandContext& ctx, ByteView data) {
  SEDUN_ASSIGN_OR_RETURN(Request req, Request::Parse(data, {}, {tag::kSerialNumber, tag::kTime}));
  CertificateQuery query;
  if (auto serial = req.GetOptional(tag::kSerialNumber)) {
    if (serial->empty() || serial->size() > 20) return Malformed("serial number must be 1-20 bytes");
    query.serial = StripLeadingZeros(*serial);
  }
  if (auto time = req.GetOptional(tag::kTime)) {
    SEDUN_ASSIGN_OR_RETURN(query.time, ParseTime(*time));
  }
  if (!query.serial && !query.time) return Malformed("a serial number or a time is required");

  for (const Container& c : ctx.state.containers) {
    for (KeySlotId id : {KeySlotId::kSign, KeySlotId::kEncrypt}) {
      const std::optional<KeySlot>& slot = c.slot(id);
      if (!slot || slot->certificate.empty()) continue;
      auto cert = pki::Certificate::FromDer(slot->certificate);
      if (!cert.ok()) return Internal("stored certificate does not parse");
      if (!query.Matches(*cert)) continue;
      apdu::TlvWriter out;
      out.Add(tag::kContainerName, AsBytes(c.name));
      out.AddU8(tag::kKeySlot, static_cast<uint8_t>(id));
      out.Add(tag::kCertificate, slot->certificate);
      auto encoded = out.Finish();
      if (!encoded.ok()) return Internal("certificate does not encode");
      return encoded;
    }
  }
  return NotFound("no certificate matches");
}

// Data: 81 name, 82 slot. Destroys the slot's certificate together with its key pair and frees
// their space (JR/T 5.4.1 b, 5.4.2 e, 5.4.3 e: certificate and private key go together); the
// scalar is wiped as the slot is destroyed. 6A88 when the slot holds no key pair.
Result<Bytes> DeleteCertificateBody(CommandContext& ctx, ByteView data) {
  SEDUN_ASSIGN_OR_RETURN(Request req, Request::Parse(data, {tag::kContainerName, tag::kKeySlot}));
  SEDUN_ASSIGN_OR_RETURN(std::string name, ParseContainerName(req.Get(tag::kContainerName)));
  SEDUN_ASSIGN_OR_RETURN(KeySlotId id, ParseKeySlot(req.Get(tag::kKeySlot)));
  SEDUN_ASSIGN_OR_RETURN(Container * container, FindContainer(ctx.state, name));
  SEDUN_RETURN_IF_ERROR(FindKeySlot(*container, id).status());
  container->slot(id).reset();
  return Bytes{};
}

}  // namespace

apdu::ResponseApdu ExportCertificate(CommandContext& ctx, const apdu::CommandApdu& command) {
  return RunCommand(ctx, command, &ExportCertificateBody);
}

apdu::ResponseApdu ReadCertificate(CommandContext& ctx, const apdu::CommandApdu& command) {
  return RunCommand(ctx, command, &ReadCertificateBody);
}

apdu::ResponseApdu DeleteCertificate(CommandContext& ctx, const apdu::CommandApdu& command) {
  return RunCommand(ctx, command, &DeleteCertificateBody);
}

}  // namespace sedun::se::applet
