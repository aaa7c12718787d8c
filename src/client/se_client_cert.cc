// SeClient: certification requests and certificates (docs/apdu.md CERTIFICATION REQUEST, IMPORT /
// EXPORT / READ / DELETE CERTIFICATE; JR/T 0093.6 5.4.1 a, d and 5.4.3 c, f).
#include "apdu/tlv.h"
#include "base/byte_writer.h"
#include "client/se_client.h"
#include "client/se_codec.h"

namespace sedun::client {

namespace tag = codec::tag;

namespace {

// { 81 name, 82 slot, <t> value }
Result<Bytes> ContainerRequestWith(std::string_view name, KeySlot slot, apdu::Tag t, ByteView value) {
  apdu::TlvWriter w;
  SEDUN_RETURN_IF_ERROR(codec::StartContainerRequest(w, name, slot));
  w.Add(t, value);
  return w.Finish();
}

}  // namespace

// CERTIFICATION REQUEST 80 4A 00 00 { 81, 82, 89 subject } -> DER PKCS#10
Result<pki::CertificateRequest> SeClient::CertificationRequest(std::string_view container, KeySlot slot,
                                                               ByteView subject_der) {
  if (subject_der.empty()) return InvalidArgument("subject is empty");
  SEDUN_ASSIGN_OR_RETURN(Bytes data, ContainerRequestWith(container, slot, tag::kSubject, subject_der));
  SEDUN_ASSIGN_OR_RETURN(Bytes der, Call("CERTIFICATION REQUEST", 0x80, 0x4A, 0x00, 0x00, data, true));
  auto request = pki::CertificateRequest::FromDer(der);
  if (!request.ok()) return request.status().Annotate("CERTIFICATION REQUEST answer");
  // The card signed it; a request that does not verify would only be refused later by the CA.
  if (Status s = request->VerifySelfSignature(); !s.ok()) return s.Annotate("CERTIFICATION REQUEST answer");
  return request;
}

// IMPORT CERTIFICATE 80 D0 00 00 { 81, 82, 86 }
Status SeClient::ImportCertificate(std::string_view container, KeySlot slot, ByteView certificate_der) {
  if (certificate_der.empty()) return InvalidArgument("certificate is empty");
  SEDUN_ASSIGN_OR_RETURN(Bytes data, ContainerRequestWith(container, slot, tag::kCertificate, certificate_der));
  return Call("IMPORT CERTIFICATE", 0x80, 0xD0, 0x00, 0x00, data, false).status();
}

// EXPORT CERTIFICATE 80 D2 00 00 { 81, 82 } -> 86
Result<Bytes> SeClient::ExportCertificate(std::string_view container, KeySlot slot) {
  SEDUN_ASSIGN_OR_RETURN(Bytes data, codec::ContainerRequest(container, slot));
  SEDUN_ASSIGN_OR_RETURN(Bytes answer, Call("EXPORT CERTIFICATE", 0x80, 0xD2, 0x00, 0x00, data, true));
  SEDUN_ASSIGN_OR_RETURN(ByteView der, codec::OnlyObject(answer, tag::kCertificate, "EXPORT CERTIFICATE"));
  if (der.empty()) return Malformed("EXPORT CERTIFICATE answer: empty certificate");
  return ToBytes(der);
}

// READ CERTIFICATE 80 D4 00 00 { 8A serial and/or 8B time (8 bytes, seconds since 1970,
// big-endian) } -> 81, 82, 86
Result<FoundCertificate> SeClient::ReadCertificate(ByteView serial, std::optional<std::chrono::sys_seconds> at) {
  if (serial.empty() && !at) return InvalidArgument("READ CERTIFICATE needs a serial number, a time or both");
  if (serial.size() > 20) return InvalidArgument("serial number must be at most 20 bytes");
  apdu::TlvWriter w;
  if (!serial.empty()) w.Add(tag::kSerialNumber, serial);
  if (at) {
    const int64_t seconds = at->time_since_epoch().count();
    if (seconds < 0) return InvalidArgument("time must not be before 1970");
    ByteWriter time;
    time.PutU64(static_cast<uint64_t>(seconds));
    w.Add(tag::kTime, time.bytes());
  }
  SEDUN_ASSIGN_OR_RETURN(Bytes data, w.Finish());
  SEDUN_ASSIGN_OR_RETURN(Bytes answer, Call("READ CERTIFICATE", 0x80, 0xD4, 0x00, 0x00, data, true));
  return codec::DecodeFoundCertificate(answer);
}

// DELETE CERTIFICATE 80 D6 00 00 { 81, 82 }
Status SeClient::DeleteCertificate(std::string_view container, KeySlot slot) {
  SEDUN_ASSIGN_OR_RETURN(Bytes data, codec::ContainerRequest(container, slot));
  return Call("DELETE CERTIFICATE", 0x80, 0xD6, 0x00, 0x00, data, false).status();
}

}  // namespace sedun::client
