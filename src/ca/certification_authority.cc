// CertificationAuthority: construction, configuration checks and accessors. The operations live
// in ca_registration.cc, ca_issue.cc, ca_revoke.cc, ca_ocsp.cc and ca_status.cc.
// Thread-safety: see certification_authority.h.
#include "ca/certification_authority.h"

#include "ca/ca_internal.h"
#include "ca/ca_schema.h"
#include "pki/pkcs7.h"

namespace sedun::ca {
namespace {

bool IsDottedOid(std::string_view oid) {
  // X.660: first arc 0..2, then arcs of decimal digits, no empty arcs.
  if (oid.size() < 3 || oid.size() > 200 || (oid[0] < '0' || oid[0] > '2') || oid[1] != '.') return false;
  bool digit_seen = false;
  for (size_t i = 2; i < oid.size(); ++i) {
    if (oid[i] == '.') {
      if (!digit_seen) return false;
      digit_seen = false;
    } else if (oid[i] >= '0' && oid[i] <= '9') {
      digit_seen = true;
    } else {
      return false;
    }
  }
  return digit_seen;
}

bool IsBaseUrl(std::string_view url) {
  const bool scheme = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
  if (!scheme || url.size() > 512 || url.back() == '/') return false;
  for (char c : url) {
    if (c <= ' ' || c > '~' || c == '?' || c == '#') return false;
  }
  return url.find("://") + 3 < url.size();
}

Status CheckConfig(CaConfig& c) {
  while (!c.public_base_url.empty() && c.public_base_url.back() == '/') c.public_base_url.pop_back();
  if (!IsBaseUrl(c.public_base_url)) {
    return InvalidArgument("public_base_url must be an http(s) URL without query, e.g. https://ca.example");
  }
  if (!IsDottedOid(c.policy_oid)) return InvalidArgument("policy_oid must be a dotted OID");
  for (Profile p : {Profile::kSign, Profile::kEnc, Profile::kServer}) {
    SEDUN_RETURN_IF_ERROR(internal::CheckValidityDays(internal::DefaultValidityDays(c, p), c.backdate)
                              .Annotate(std::string(ProfileName(p)) + " profile"));
  }
  using std::chrono::seconds;
  if (c.expiring_soon_window < seconds(0)) return InvalidArgument("expiring_soon_window must not be negative");
  if (c.crl_validity < seconds(60) || c.crl_validity > std::chrono::days(366)) {
    return InvalidArgument("crl_validity must be 1 minute..366 days");
  }
  if (c.ocsp_validity < seconds(1) || c.ocsp_validity > std::chrono::days(7)) {
    return InvalidArgument("ocsp_validity must be 1 second..7 days");
  }
  if (c.registration_lifetime < seconds(60) || c.registration_lifetime > std::chrono::days(90)) {
    return InvalidArgument("registration_lifetime must be 1 minute..90 days");
  }
  return Status::Ok();
}

}  // namespace

CertificationAuthority::CertificationAuthority(CaConfig config, CaKeys keys, store::Database& db)
    : config_(std::move(config)), keys_(std::move(keys)), db_(&db) {}

Result<std::unique_ptr<CertificationAuthority>> CertificationAuthority::Create(CaConfig config, CaKeys keys,
                                                                              store::Database& db) {
  SEDUN_RETURN_IF_ERROR(CheckConfig(config));
  auto issuing_pub = keys.issuing.public_key();
  if (!issuing_pub.ok() || !(*issuing_pub == keys.issuing_key.public_key()) || !keys.issuing.IsCa()) {
    return InvalidArgument("the issuing CA key does not match the issuing CA certificate");
  }
  auto service_pub = keys.service.public_key();
  if (!service_pub.ok() || !(*service_pub == keys.service_key.public_key())) {
    return InvalidArgument("the service key does not match the service certificate");
  }
  if (!keys.issuing.VerifySignature(keys.root).ok()) {
    return InvalidArgument("the issuing CA certificate is not signed by the root");
  }

  SEDUN_ASSIGN_OR_RETURN(int version, store::SchemaVersion(db, kCaComponent));
  if (version < static_cast<int>(CaMigrations().size())) {
    return FailedPrecondition("the ca database schema is not in place (run the migrations first)");
  }

  std::unique_ptr<CertificationAuthority> ca(new CertificationAuthority(std::move(config), std::move(keys), db));
  SEDUN_ASSIGN_OR_RETURN(ca->chain_pkcs7_,
                         pki::Pkcs7CertsOnlyToDer(pki::Pkcs7CertsOnly{{ca->keys_.issuing, ca->keys_.root}, {}}));

  // The service certificate was issued by `ca init`, before there was a registry; record it
  // (once, whichever instance starts first) so that OCSP and status know it.
  if (ca->keys_.service.VerifySignature(ca->keys_.issuing).ok()) {
    const pki::Certificate& service = ca->keys_.service;
    const std::chrono::sys_seconds now = ca->Now();
    Status recorded = store::RunInTransaction(db, [&](store::Transaction& tx) -> Status {
      SEDUN_ASSIGN_OR_RETURN(bool taken, internal::SerialTaken(tx, service.serial_hex()));
      if (taken) return Status::Ok();
      return internal::InsertCertificate(tx, service, internal::OperatorEntry(Profile::kServer), now);
    });
    // kAlreadyExists: another instance recorded it between our check and our insert.
    if (!recorded.ok() && recorded.code() != Code::kAlreadyExists) return recorded;
  }
  return ca;
}

std::chrono::sys_seconds CertificationAuthority::Now() const { return internal::NowFrom(config_.clock); }

std::string CertificationAuthority::crl_url() const { return config_.public_base_url + "/v1/ca/crl"; }
std::string CertificationAuthority::ocsp_url() const { return config_.public_base_url + "/v1/ca/ocsp"; }

}  // namespace sedun::ca
