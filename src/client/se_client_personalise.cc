// SeClient: personalisation over the issuer channel in the factory state (docs/apdu.md PUT KEY
// SET, PUT TRUST ANCHOR, PUT SERVER CERTIFICATE, SET PIN, FINISH PERSONALISATION).
#include "apdu/tlv.h"
#include "client/se_client.h"
#include "client/se_codec.h"

namespace sedun::client {

namespace tag = codec::tag;

namespace {

Result<Bytes> CertificateObject(ByteView der) {
  if (der.empty()) return InvalidArgument("certificate is empty");
  apdu::TlvWriter w;
  w.Add(tag::kCertificate, der);
  return w.Finish();
}

}  // namespace

// PUT KEY SET 80 D8 00 30 { 94 K-ENC || K-MAC || K-DEK }
Status SeClient::PutKeySet(const scp::KeySet& client_keys) {
  SecretBytes keys = client_keys.ToBytes();
  if (keys.size() != scp::kKeySetSize) return InvalidArgument("client key set must be 48 bytes");
  SEDUN_ASSIGN_OR_RETURN(SecretBytes data, codec::EncodeSecretObjects({{tag::kKeySet, keys.view()}}));
  return Call("PUT KEY SET", 0x80, 0xD8, 0x00, scp::kKvnClient, data.view(), false).status();
}

// PUT TRUST ANCHOR 80 DA 00 01 { 86 root }
Status SeClient::PutTrustAnchor(ByteView root_certificate_der) {
  SEDUN_ASSIGN_OR_RETURN(Bytes data, CertificateObject(root_certificate_der));
  return Call("PUT TRUST ANCHOR", 0x80, 0xDA, 0x00, 0x01, data, false).status();
}

// PUT SERVER CERTIFICATE 80 DA 00 02 { 86 certificate }
Status SeClient::PutServerCertificate(ByteView certificate_der) {
  SEDUN_ASSIGN_OR_RETURN(Bytes data, CertificateObject(certificate_der));
  return Call("PUT SERVER CERTIFICATE", 0x80, 0xDA, 0x00, 0x02, data, false).status();
}

// SET PIN 80 DA 00 P2 { 92 new PIN, 93 retry limit }; P2 11 user, 12 admin
Status SeClient::SetPin(PinRef pin, const SecretBytes& new_pin, uint8_t retry_limit) {
  SEDUN_RETURN_IF_ERROR(codec::CheckPin(new_pin, pin == PinRef::kUser ? "user PIN" : "administrator PIN"));
  if (retry_limit < 1 || retry_limit > kMaxRetryLimit) return InvalidArgument("retry limit must be 1 to 6");
  const uint8_t limit[1] = {retry_limit};
  SEDUN_ASSIGN_OR_RETURN(SecretBytes data,
                         codec::EncodeSecretObjects({{tag::kNewPin, new_pin.view()}, {tag::kRetryLimit, limit}}));
  const uint8_t p2 = pin == PinRef::kUser ? 0x11 : 0x12;
  return Call("SET PIN", 0x80, 0xDA, 0x00, p2, data.view(), false).status();
}

// FINISH PERSONALISATION 80 DA 00 FF. The card ends the issuer channel right after its answer
// (docs/apdu.md "Secure channel"), so the host end closes with it.
Status SeClient::FinishPersonalisation() {
  Status s = Call("FINISH PERSONALISATION", 0x80, 0xDA, 0x00, 0xFF, {}, false).status();
  if (s.ok()) session_.CloseChannel();
  return s;
}

}  // namespace sedun::client
