// Revocation sources: CRLs, OCSP over a caller's transport, and an ordered chain of sources
// (JR/T 0093.6 7.3.2.2 g). Every "cannot tell" answer is an Unavailable status whose message
// says why; the validator reports it as kRevocationUnknown.
// Thread-safety: immutable after construction (see revocation.h).
#include "pki/revocation.h"

#include <algorithm>
#include <array>
#include <utility>

#include "crypto/rng.h"

namespace sedun::pki {
namespace {

using std::chrono::sys_seconds;

constexpr std::string_view kOcspSigningEku = "1.3.6.1.5.5.7.3.9";  // RFC 6960 4.2.2.2
constexpr size_t kNonceSize = 16;

// CRL extensions a complete CRL may carry and that change nothing about its scope.
constexpr std::array<std::string_view, 5> kKnownCrlExtensions = {
    "2.5.29.20",          // cRLNumber
    "2.5.29.35",          // authorityKeyIdentifier
    "2.5.29.18",          // issuerAltName
    "2.5.29.46",          // freshestCRL (points to deltas; the base stays complete)
    "1.3.6.1.5.5.7.1.1",  // authorityInfoAccess
};

std::string Name(const Certificate& c) { return "\"" + c.subject_string() + "\""; }

// A CRL is usable as the complete list of the issuer's revocations only if it is not a delta
// (2.5.29.27), not partitioned (issuingDistributionPoint 2.5.29.28, always critical) and has no
// critical extension this code does not know.
std::optional<std::string> CrlScopeProblem(const Crl& crl) {
  for (const ExtensionInfo& e : crl.extensions()) {
    if (e.oid == "2.5.29.27") return "a delta CRL";
    if (e.oid == "2.5.29.28") return "a partitioned CRL (issuingDistributionPoint)";
    if (e.critical && std::ranges::find(kKnownCrlExtensions, e.oid) == kKnownCrlExtensions.end()) {
      return "a CRL with unrecognised critical extension " + e.oid;
    }
  }
  return std::nullopt;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string s;
  for (const std::string& p : parts) s += (s.empty() ? "" : "; ") + p;
  return s;
}

// RFC 6960 4.2.2.2: a delegated responder is issued by the CA, carries id-kp-OCSPSigning, may
// sign (keyUsage, when present, has digitalSignature) and is valid now.
bool AuthorisedResponder(const Certificate& responder, const Certificate& issuer, sys_seconds now) {
  const auto& eku = responder.extended_key_usage();
  if (std::ranges::find(eku, kOcspSigningEku) == eku.end()) return false;
  auto ku = responder.key_usage();
  if (ku && (*ku & key_usage::kDigitalSignature) == 0) return false;
  if (now < responder.not_before() || now > responder.not_after()) return false;
  return responder.VerifySignature(issuer).ok();
}

}  // namespace

CrlRevocationChecker::CrlRevocationChecker(std::vector<Crl> crls, CrlCheckerOptions options)
    : source_([crls = std::move(crls)](const Certificate&) -> Result<std::vector<Crl>> { return crls; }),
      options_(options) {}

CrlRevocationChecker::CrlRevocationChecker(CrlSource source, CrlCheckerOptions options)
    : source_(std::move(source)), options_(options) {}

Result<RevocationInfo> CrlRevocationChecker::Check(const Certificate& cert, const Certificate& issuer,
                                                   sys_seconds now) {
  if (!source_) return Unavailable("no CRL source");
  Result<std::vector<Crl>> crls = source_(issuer);
  if (!crls.ok()) return Unavailable("CRL source: " + crls.status().message());
  // RFC 5280 6.3.3 f: the CRL issuer must be allowed to sign CRLs.
  auto ku = issuer.key_usage();
  if (ku && (*ku & key_usage::kCrlSign) == 0) {
    return Unavailable("issuer " + Name(issuer) + " may not sign CRLs (keyUsage)");
  }
  const Crl* best = nullptr;
  std::vector<std::string> rejected;
  for (const Crl& crl : *crls) {
    if (crl.issuer_der() != issuer.subject_der()) continue;
    if (auto problem = CrlScopeProblem(crl)) {
      rejected.push_back("ignored " + *problem);
      continue;
    }
    if (Status st = crl.VerifySignature(issuer); !st.ok()) {
      rejected.push_back("CRL not signed by the issuer: " + st.message());
      continue;
    }
    if (crl.this_update() > now + options_.clock_skew) {
      rejected.push_back("CRL not yet valid");
      continue;
    }
    if (best == nullptr || crl.this_update() > best->this_update()) best = &crl;
  }
  if (best == nullptr) {
    std::string m = "no usable CRL from " + Name(issuer);
    if (!rejected.empty()) m += " (" + Join(rejected) + ")";
    return Unavailable(std::move(m));
  }
  // RFC 5280 6.3.3 a: a CRL past its nextUpdate cannot vouch for the present.
  const sys_seconds expires =
      best->next_update() ? *best->next_update() : best->this_update() + options_.max_age_without_next_update;
  if (now > expires) return Unavailable("the CRL of " + Name(issuer) + " is stale");
  RevocationInfo info;
  info.source = "crl";
  const RevokedCertificate* entry = best->Find(cert.serial());
  // removeFromCRL only has meaning in delta CRLs (RFC 5280 5.3.1); in a complete CRL the entry
  // is not a revocation.
  if (entry != nullptr && entry->reason != RevocationReason::kRemoveFromCrl) {
    info.revoked = true;
    info.revocation_time = entry->revocation_time;
    info.reason = entry->reason;
  }
  return info;
}

OcspRevocationChecker::OcspRevocationChecker(OcspTransport transport, OcspCheckerOptions options)
    : transport_(std::move(transport)), options_(std::move(options)) {}

Result<RevocationInfo> OcspRevocationChecker::Check(const Certificate& cert, const Certificate& issuer,
                                                    sys_seconds now) {
  std::string url;
  if (options_.default_url && (options_.override_certificate_url || cert.ocsp_urls().empty())) {
    url = *options_.default_url;
  } else if (!cert.ocsp_urls().empty()) {
    url = cert.ocsp_urls().front();
  } else {
    return Unavailable(Name(cert) + " names no OCSP responder");
  }
  if (!transport_) return Unavailable("no OCSP transport");

  Result<OcspCertId> id = MakeOcspCertId(cert, issuer, options_.cert_id_hash);
  if (!id.ok()) return Unavailable("OCSP CertID: " + id.status().message());
  std::optional<Bytes> nonce;
  if (options_.send_nonce) {
    Result<Bytes> n = crypto::RandomBytes(crypto::SystemRng(), kNonceSize);
    if (!n.ok()) return Unavailable("OCSP nonce: " + n.status().message());
    nonce = std::move(*n);
  }
  Result<OcspRequest> request = OcspRequest::Create({*id}, nonce);
  if (!request.ok()) return Unavailable("OCSP request: " + request.status().message());

  Result<Bytes> answer = transport_(url, request->ToDer());
  if (!answer.ok()) return Unavailable("OCSP responder " + url + ": " + answer.status().message());
  Result<OcspResponse> response = OcspResponse::FromDer(*answer);
  if (!response.ok()) return Unavailable("OCSP responder " + url + ": " + response.status().message());
  if (response->status() != OcspResponseStatus::kSuccessful) {
    return Unavailable("OCSP responder " + url + " answered status " +
                       std::to_string(static_cast<int>(response->status())));
  }

  // RFC 6960 4.2.2.2: signed by the CA itself or by a responder the CA authorised.
  bool trusted = response->VerifySignature(issuer).ok();
  for (const Certificate& c : response->certificates()) {
    if (trusted) break;
    trusted = AuthorisedResponder(c, issuer, now) && response->VerifySignature(c).ok();
  }
  if (!trusted) {
    return Unavailable("OCSP response from " + url + " is not signed by " + Name(issuer) +
                       " or a responder it authorised");
  }
  // RFC 8954: the nonce binds the answer to this request (no replay of an old "good").
  if (nonce) {
    if (response->nonce() && *response->nonce() != *nonce) {
      return Unavailable("OCSP response nonce does not match the request");
    }
    if (!response->nonce() && options_.require_nonce) return Unavailable("OCSP response carries no nonce");
  }
  const OcspSingleResponse* single = response->Find(*id);
  if (single == nullptr) return Unavailable("OCSP response has no answer for " + Name(cert));
  if (single->this_update > now + options_.clock_skew) return Unavailable("OCSP answer is not yet valid");
  const sys_seconds expires = single->next_update ? *single->next_update + options_.clock_skew
                                                  : single->this_update + options_.max_age_without_next_update;
  if (now > expires) return Unavailable("OCSP answer is stale");

  RevocationInfo info;
  info.source = "ocsp " + url;
  switch (single->status) {
    case OcspCertStatus::kGood:
      return info;
    case OcspCertStatus::kRevoked:
      info.revoked = true;
      info.revocation_time = single->revocation_time;
      info.reason = single->revocation_reason;
      return info;
    case OcspCertStatus::kUnknown:
      break;
  }
  return Unavailable("OCSP responder " + url + " does not know " + Name(cert));
}

ChainedRevocationChecker::ChainedRevocationChecker(std::vector<RevocationChecker*> sources)
    : sources_(std::move(sources)) {}

Result<RevocationInfo> ChainedRevocationChecker::Check(const Certificate& cert, const Certificate& issuer,
                                                       sys_seconds now) {
  std::vector<std::string> reasons;
  for (RevocationChecker* s : sources_) {
    if (s == nullptr) continue;
    Result<RevocationInfo> r = s->Check(cert, issuer, now);
    if (r.ok()) return r;
    reasons.push_back(r.status().message());
  }
  if (reasons.empty()) return Unavailable("no revocation source");
  return Unavailable(Join(reasons));
}

}  // namespace sedun::pki
