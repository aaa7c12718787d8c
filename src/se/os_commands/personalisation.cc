// Personalisation (docs/apdu.md "Commands"; film-shield 2.3.1: the certificate download terminal
// "provides the trusted root certificate and other personalisation data"): the client key set,
// the trust anchor, the server certificate and the two PINs, written over a channel opened with
// the issuer key set in the factory state, then FINISH PERSONALISATION closes the factory state
// for good (JR/T 0093.6 7.2: "key files are closed once in use").
//
// The dispatcher has checked the issuer condition and the factory state; each handler checks its
// own P1-P2 and data.
#include <optional>
#include <vector>

#include "pki/certificate.h"
#include "pki/pkcs7.h"
#include "se/os_commands/os_commands.h"
#include "se/os_commands/pin_verifier.h"
#include "se/store/card_image.h"

namespace sedun::se {
namespace {

using apdu::ResponseApdu;

constexpr uint8_t kP2TrustAnchor = 0x01;
constexpr uint8_t kP2ServerCertificate = 0x02;
constexpr uint8_t kP2UserPin = 0x11;
constexpr uint8_t kP2AdminPin = 0x12;
constexpr uint8_t kP2Finish = 0xFF;
// Intermediate CAs allowed between the trust anchor and the server certificate (film-shield
// 2.3.2-1 (2): the server signs with a certificate under the CA's second level).
constexpr size_t kMaxServerChainDepth = 4;

const ResponseApdu kOk{{}, apdu::kSwOk};

// A trust anchor is a self-signed SM2 CA certificate whose own signature verifies.
ResponseApdu PutTrustAnchor(CommandContext& ctx, ByteView data) {
  OsRequest req;
  if (!ParseOsRequest(data, {os_tag::kCertificate}, {}, &req)) return SwOnly(apdu::kSwIncorrectData);
  Result<pki::Certificate> root = pki::Certificate::FromDer(req.Get(os_tag::kCertificate));
  if (!root.ok() || !root->IsSelfIssued() || !root->IsCa() || !root->public_key().ok() ||
      !root->VerifySignature(*root).ok()) {
    return SwOnly(apdu::kSwIncorrectData);
  }
  ctx.state.trust_anchor = root->ToDer();
  // A server certificate accepted under a previous anchor must chain to the new one too.
  if (!ctx.state.server_certificate.empty()) {
    Result<pki::Certificate> server = pki::Certificate::FromDer(ctx.state.server_certificate);
    if (!server.ok() || !server->VerifySignature(*root).ok()) ctx.state.server_certificate.clear();
  }
  return kOk;
}

// The certificates carried by tag 86: one DER certificate or a PKCS#7 certs-only bundle.
Result<std::vector<pki::Certificate>> CertificatesOf(ByteView value) {
  Result<pki::Certificate> one = pki::Certificate::FromDer(value);
  if (one.ok()) return std::vector<pki::Certificate>{*one};
  SEDUN_ASSIGN_OR_RETURN(pki::Pkcs7CertsOnly bundle, pki::ParsePkcs7CertsOnly(value));
  if (bundle.certificates.empty()) return Malformed("empty certificate bundle");
  return bundle.certificates;
}

// The one certificate of the bundle that issued none of the others.
std::optional<pki::Certificate> LeafOf(const std::vector<pki::Certificate>& certs) {
  std::optional<pki::Certificate> leaf;
  for (const pki::Certificate& c : certs) {
    bool issues_another = false;
    for (const pki::Certificate& other : certs) {
      if (&other != &c && !other.IsSelfIssued() && other.issuer_der() == c.subject_der()) issues_another = true;
    }
    if (issues_another) continue;
    if (leaf.has_value()) return std::nullopt;
    leaf = c;
  }
  return leaf;
}

// Walks from `leaf` up through the CA certificates of `pool` to `anchor`, checking each
// signature (SM3withSM2, default ID) and name link.
bool ChainsTo(const pki::Certificate& leaf, const std::vector<pki::Certificate>& pool, const pki::Certificate& anchor) {
  pki::Certificate current = leaf;
  for (size_t depth = 0; depth <= kMaxServerChainDepth; ++depth) {
    if (current.VerifySignature(anchor).ok()) return true;
    const pki::Certificate* next = nullptr;
    for (const pki::Certificate& c : pool) {
      if (c.IsCa() && !c.IsSelfIssued() && c.subject_der() == current.issuer_der() &&
          current.VerifySignature(c).ok()) {
        next = &c;
        break;
      }
    }
    if (next == nullptr) return false;
    current = *next;
  }
  return false;
}

// The server certificate is what SIGN WITH SERVER CHECK verifies server signatures with
// (film-shield 2.3.2-1 (4)); only its leaf is stored.
ResponseApdu PutServerCertificate(CommandContext& ctx, ByteView data) {
  if (ctx.state.trust_anchor.empty()) return SwOnly(apdu::kSwConditionsNotSatisfied);
  OsRequest req;
  if (!ParseOsRequest(data, {os_tag::kCertificate}, {}, &req)) return SwOnly(apdu::kSwIncorrectData);
  Result<std::vector<pki::Certificate>> certs = CertificatesOf(req.Get(os_tag::kCertificate));
  if (!certs.ok()) return SwOnly(apdu::kSwIncorrectData);
  std::optional<pki::Certificate> leaf = LeafOf(*certs);
  if (!leaf.has_value() || !leaf->public_key().ok()) return SwOnly(apdu::kSwIncorrectData);
  Result<pki::Certificate> anchor = pki::Certificate::FromDer(ctx.state.trust_anchor);
  if (!anchor.ok()) return SwOnly(apdu::kSwUnknown);
  if (!ChainsTo(*leaf, *certs, *anchor)) return SwOnly(apdu::kSwSecurityNotSatisfied);
  ctx.state.server_certificate = leaf->ToDer();
  return kOk;
}

ResponseApdu SetPin(CommandContext& ctx, PinRef ref, ByteView data) {
  OsRequest req;
  if (!ParseOsRequest(data, {os_tag::kNewPin, os_tag::kRetryLimit}, {}, &req)) return SwOnly(apdu::kSwIncorrectData);
  ByteView pin = req.Get(os_tag::kNewPin);
  ByteView limit = req.Get(os_tag::kRetryLimit);
  if (!PinSizeOk(pin) || limit.size() != 1 || limit[0] < 1 || limit[0] > kMaxRetryLimit) {
    return SwOnly(apdu::kSwIncorrectData);
  }
  Result<SecretBytes> verifier = DerivePinVerifier(ctx.state.pin_salt.view(), ref, pin);
  if (!verifier.ok()) return SwOnly(apdu::kSwUnknown);
  PinRecord& rec = PinFor(ctx.state, ref);
  rec.set = true;
  rec.retry_limit = limit[0];
  rec.tries_left = limit[0];
  rec.verifier = std::move(verifier).value();
  return kOk;
}

ResponseApdu Finish(CommandContext& ctx, ByteView data) {
  if (!data.empty()) return SwOnly(apdu::kSwWrongLength);
  const CardState& s = ctx.state;
  if (s.client_keys.empty() || s.trust_anchor.empty() || s.server_certificate.empty() || !s.user_pin.set ||
      !s.admin_pin.set) {
    return SwOnly(apdu::kSwConditionsNotSatisfied);
  }
  // From here the issuer key set no longer opens a channel (INITIALIZE UPDATE refuses KVN 01
  // outside the factory state), and the dispatcher closes the issuer channel after this answer.
  ctx.state.lifecycle = Lifecycle::kPersonalised;
  return kOk;
}

}  // namespace

ResponseApdu PutKeySet(CommandContext& ctx, const apdu::CommandApdu& command) {
  if (command.p1 != 0x00 || command.p2 != 0x30) return SwOnly(apdu::kSwIncorrectP1P2);
  OsRequest req;
  if (!ParseOsRequest(command.data, {os_tag::kKeySet}, {}, &req)) return SwOnly(apdu::kSwIncorrectData);
  ByteView keys = req.Get(os_tag::kKeySet);
  if (keys.size() != kKeySetSize) return SwOnly(apdu::kSwIncorrectData);
  ctx.state.client_keys = SecretBytes(keys);
  return kOk;
}

ResponseApdu PutPersonalisationData(CommandContext& ctx, const apdu::CommandApdu& command) {
  if (command.p1 != 0x00) return SwOnly(apdu::kSwIncorrectP1P2);
  switch (command.p2) {
    case kP2TrustAnchor:
      return PutTrustAnchor(ctx, command.data);
    case kP2ServerCertificate:
      return PutServerCertificate(ctx, command.data);
    case kP2UserPin:
      return SetPin(ctx, PinRef::kUser, command.data);
    case kP2AdminPin:
      return SetPin(ctx, PinRef::kAdmin, command.data);
    case kP2Finish:
      return Finish(ctx, command.data);
    default:
      return SwOnly(apdu::kSwIncorrectP1P2);
  }
}

}  // namespace sedun::se
