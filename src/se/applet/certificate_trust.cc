// Certificate objects and path checks against the card's trust anchor.
#include "se/applet/certificate_trust.h"

#include <chrono>

#include "pki/pkcs7.h"
#include "pki/pki_types.h"
#include "se/applet/data_objects.h"

namespace sedun::se::applet {

namespace {

constexpr uint8_t kDerSequence = 0x30;

bool ValidAt(const pki::Certificate& cert, int64_t now) {
  const std::chrono::sys_seconds t{std::chrono::seconds(now)};
  return cert.not_before() <= t && t <= cert.not_after();
}

// pathLenConstraint (RFC 5280 4.2.1.9): at most that many non-self-issued intermediate CAs may
// follow `ca` in the path; `below` counts those between `ca` and the target.
bool PathLenAllows(const pki::Certificate& ca, size_t below) {
  auto bc = ca.basic_constraints();
  return !bc || !bc->path_len || below <= *bc->path_len;
}

// An intermediate CA certificate (JR/T 7.3.2.2 d: key usage fits the use).
bool UsableAsIntermediate(const pki::Certificate& ca, int64_t now, size_t below) {
  if (!ca.IsCa() || !ValidAt(ca, now) || !PathLenAllows(ca, below)) return false;
  auto ku = ca.key_usage();
  return !ku || (*ku & pki::key_usage::kKeyCertSign) != 0;
}

}  // namespace

Result<std::vector<pki::Certificate>> ParseCertificateObject(ByteView value) {
  if (value.empty() || value[0] != kDerSequence) return Malformed("certificate object is not DER");
  auto single = pki::Certificate::FromDer(value);
  if (single.ok()) return std::vector<pki::Certificate>{std::move(single).value()};
  auto bundle = pki::ParsePkcs7CertsOnly(value);
  if (!bundle.ok()) return Malformed("certificate object is neither an X.509 certificate nor a PKCS#7 chain");
  if (bundle->certificates.empty()) return Malformed("PKCS#7 object holds no certificate");
  return std::move(bundle->certificates);
}

Result<pki::Certificate> EndEntity(std::span<const pki::Certificate> certs) {
  const pki::Certificate* found = nullptr;
  for (const pki::Certificate& c : certs) {
    bool issued_another = false;
    for (const pki::Certificate& other : certs) {
      if (&other != &c && other.ToDer() != c.ToDer() && other.issuer_der() == c.subject_der()) {
        issued_another = true;
        break;
      }
    }
    if (issued_another) continue;
    if (found != nullptr && found->ToDer() != c.ToDer()) {
      return Malformed("PKCS#7 object holds more than one end-entity certificate");
    }
    found = &c;
  }
  if (found == nullptr) return Malformed("PKCS#7 object holds no end-entity certificate");
  return *found;
}

Status CheckTrustedPath(const CardState& state, const pki::Certificate& target,
                        std::span<const pki::Certificate> pool, int64_t now) {
  if (state.trust_anchor.empty()) return FailedPrecondition("the card has no trust anchor");
  auto anchor = pki::Certificate::FromDer(state.trust_anchor);
  if (!anchor.ok()) return Internal("stored trust anchor does not parse");
  if (!ValidAt(*anchor, now)) return PermissionDenied("the trust anchor is not valid now");
  if (!ValidAt(target, now)) return PermissionDenied("certificate is not valid now");
  if (target.ToDer() == anchor->ToDer()) return Status::Ok();

  std::vector<bool> used(pool.size(), false);
  const pki::Certificate* current = &target;
  size_t intermediates = 0;  // non-self-issued CAs between target and `current`, inclusive
  for (size_t depth = 0; depth <= kMaxChainDepth; ++depth) {
    // JR/T 7.3.2.2 a, b: issuer name matches the anchor's subject and its key verifies.
    if (current->VerifySignature(*anchor).ok()) {
      if (!PathLenAllows(*anchor, intermediates)) return PermissionDenied("path too long for the trust anchor");
      return Status::Ok();
    }
    if (depth == kMaxChainDepth) break;
    const pki::Certificate* next = nullptr;
    for (size_t i = 0; i < pool.size(); ++i) {
      const pki::Certificate& cand = pool[i];
      if (used[i] || cand.ToDer() == current->ToDer()) continue;
      if (!UsableAsIntermediate(cand, now, intermediates)) continue;
      if (!current->VerifySignature(cand).ok()) continue;
      used[i] = true;
      next = &cand;
      break;
    }
    if (next == nullptr) return PermissionDenied("certificate does not chain to the trust anchor");
    if (!next->IsSelfIssued()) ++intermediates;
    current = next;
  }
  return PermissionDenied("certificate path is too long");
}

Status CheckKeyUsage(const pki::Certificate& cert, KeyPurpose purpose) {
  auto ku = cert.key_usage();
  if (!ku) return Status::Ok();
  const uint16_t wanted = purpose == KeyPurpose::kSignature
                              ? (pki::key_usage::kDigitalSignature | pki::key_usage::kNonRepudiation)
                              : (pki::key_usage::kDataEncipherment | pki::key_usage::kKeyEncipherment);
  if ((*ku & wanted) == 0) return PermissionDenied("certificate key usage does not allow this use");
  return Status::Ok();
}

KeyPurpose PurposeOfSlot(KeySlotId slot) {
  return slot == KeySlotId::kSign ? KeyPurpose::kSignature : KeyPurpose::kEncryption;
}

Result<pki::Certificate> ValidatedCertificate(const CardState& state, ByteView value, int64_t now,
                                              KeyPurpose purpose) {
  SEDUN_ASSIGN_OR_RETURN(std::vector<pki::Certificate> certs, ParseCertificateObject(value));
  SEDUN_ASSIGN_OR_RETURN(pki::Certificate target, EndEntity(certs));
  SEDUN_RETURN_IF_ERROR(CheckTrustedPath(state, target, certs, now));
  SEDUN_RETURN_IF_ERROR(CheckKeyUsage(target, purpose));
  return target;
}

}  // namespace sedun::se::applet
