// Revocation sources for path validation (JR/T 0093.6 7.3.2.2 g: "CRL, OCSP or another reliable
// way provided by the CA"): CRLs held in memory, an OCSP client over a caller-supplied transport,
// and an ordered combination of sources.
//
// Trust in the answers: a CRL counts only when its issuer name is the certificate's issuer and
// its SM3withSM2 signature (GM/T 0009 default ID) verifies with the issuer's key, and the issuer
// may sign CRLs (keyUsage, when present, has cRLSign: RFC 5280 6.3.3 f). An OCSP response counts
// only when it is signed by the issuer itself or by a delegated responder certificate issued
// (and signed) by the issuer, carrying id-kp-OCSPSigning and valid at the time (RFC 6960
// 4.2.2.2); the delegated responder's own revocation status is not checked (RFC 6960 4.2.2.2.1
// leaves that to the responder's id-pkix-ocsp-nocheck policy).
// Thread-safety: the checkers are immutable after construction; Check may run concurrently when
// the OCSP transport is thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "pki/certificate.h"
#include "pki/crl.h"
#include "pki/ocsp.h"
#include "pki/validation.h"

namespace sedun::pki {

struct CrlCheckerOptions {
  // A CRL whose nextUpdate has passed is stale and cannot establish a status (RFC 5280 6.3.3 a);
  // a CRL without nextUpdate is accepted for this long after thisUpdate.
  std::chrono::seconds max_age_without_next_update = std::chrono::hours(24);
  // Tolerated clock difference with the CA for thisUpdate in the future.
  std::chrono::seconds clock_skew = std::chrono::minutes(5);
};

// Returns the candidate CRLs for `issuer` (e.g. read from the CA's database or a cache that
// downloads the cRLDistributionPoints); they are checked as described above. An error is
// reported as "unknown".
using CrlSource = std::function<Result<std::vector<Crl>>(const Certificate& issuer)>;

// Uses complete CRLs only (delta CRLs and CRLs with unrecognised critical extensions, e.g. a
// critical issuingDistributionPoint, are ignored). For each question the freshest CRL of the
// issuer that verifies is used.
class CrlRevocationChecker : public RevocationChecker {
 public:
  // A fixed set of CRLs (build a new checker to refresh them).
  explicit CrlRevocationChecker(std::vector<Crl> crls, CrlCheckerOptions options = {});
  // CRLs fetched per question; `source` must be thread-safe if Check runs concurrently.
  explicit CrlRevocationChecker(CrlSource source, CrlCheckerOptions options = {});
  Result<RevocationInfo> Check(const Certificate& cert, const Certificate& issuer,
                               std::chrono::sys_seconds now) override;

 private:
  CrlSource source_;
  CrlCheckerOptions options_;
};

// Sends a DER OCSPRequest to `url` and returns the DER OCSPResponse (e.g. an HTTP POST with
// Content-Type application/ocsp-request, RFC 6960 A.1). Errors are reported as "unknown".
using OcspTransport = std::function<Result<Bytes>(const std::string& url, ByteView request)>;

struct OcspCheckerOptions {
  // Responder URL used when the certificate has no AIA id-ad-ocsp URL (or always, if
  // override_certificate_url).
  std::optional<std::string> default_url;
  bool override_certificate_url = false;
  // RFC 8954 nonce (16 random octets) in each request. A response with a different nonce is
  // always refused; a response without one is refused when require_nonce (responders may ignore
  // nonces and serve pre-signed answers, RFC 5019 4).
  bool send_nonce = true;
  bool require_nonce = true;
  OcspHashAlgorithm cert_id_hash = OcspHashAlgorithm::kSha1;
  // thisUpdate may be this far in the future; nextUpdate this far in the past.
  std::chrono::seconds clock_skew = std::chrono::minutes(5);
  // A response without nextUpdate is accepted for this long after thisUpdate.
  std::chrono::seconds max_age_without_next_update = std::chrono::hours(1);
};

class OcspRevocationChecker : public RevocationChecker {
 public:
  explicit OcspRevocationChecker(OcspTransport transport, OcspCheckerOptions options = {});
  Result<RevocationInfo> Check(const Certificate& cert, const Certificate& issuer,
                               std::chrono::sys_seconds now) override;

 private:
  OcspTransport transport_;
  OcspCheckerOptions options_;
};

// Asks each source in order; the first that establishes the status (good or revoked) decides.
// When none does, the error lists every source's reason. The sources are not owned.
class ChainedRevocationChecker : public RevocationChecker {
 public:
  explicit ChainedRevocationChecker(std::vector<RevocationChecker*> sources);
  Result<RevocationInfo> Check(const Certificate& cert, const Certificate& issuer,
                               std::chrono::sys_seconds now) override;

 private:
  std::vector<RevocationChecker*> sources_;
};

}  // namespace sedun::pki
