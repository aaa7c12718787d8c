// Issuance (JR/T 0093.6 5.4.1 a step 8, 6.2.2 step 6, 6.2.3; film-shield 2.3.1 (5)-(6)): from a
// PKCS#10 request and a registration, or directly for operator/server certificates.
//
// The request's own signature proves possession of the key; everything else in the certificate
// comes from the registration the bank made (the CSR subject is recorded for the audit, never
// used). Consuming the registration, recording the certificate and, for a renewal, revoking the
// old one and publishing a new CRL happen in one transaction, and the certificate is handed out
// only after it commits.
// Thread-safety: see certification_authority.h.
#include "ca/ca_internal.h"
#include "crypto/ct.h"
#include "pki/csr.h"
#include "pki/name.h"
#include "pki/pkcs7.h"

namespace sedun::ca {
namespace {

// Serial collisions (two equal 126-bit random numbers) are retried with a new serial.
constexpr int kSerialAttempts = 4;

// One message for every refusal of the registration/code pair, so a caller cannot tell an
// unknown registration from a wrong, used or expired code.
Status AuthRefused() { return PermissionDenied("registration or authorisation code is not valid"); }

struct PendingRegistration {
  std::string account_id;
  std::string client_id;
  pki::DistinguishedName subject;
  Profile profile = Profile::kSign;
  int validity_days = 0;
  std::optional<std::string> renews;
};

Result<PendingRegistration> ReadRegistration(store::Transaction& tx, std::string_view id, ByteView code_hash,
                                             std::chrono::sys_seconds now) {
  SEDUN_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT account_id, client_id, subject, profile, validity_days, "
                                             "code_hash, renews_serial, expires_at, used_at "
                                             "FROM ca_registrations WHERE id = $1",
                                             {std::string(id)}));
  if (rows.empty()) return AuthRefused();
  const store::Row& row = rows[0];
  SEDUN_ASSIGN_OR_RETURN(Bytes stored_hash, row.Blob(5));
  const bool code_ok = crypto::ConstantTimeEqual(stored_hash, code_hash);
  SEDUN_ASSIGN_OR_RETURN(int64_t expires_at, row.Int(7));
  if (!code_ok || !row.IsNull(8) || internal::FromUnix(expires_at) <= now) return AuthRefused();

  PendingRegistration r;
  SEDUN_ASSIGN_OR_RETURN(r.account_id, row.Text(0));
  SEDUN_ASSIGN_OR_RETURN(r.client_id, row.Text(1));
  SEDUN_ASSIGN_OR_RETURN(Bytes subject_der, row.Blob(2));
  auto subject = pki::NameFromDer(subject_der);
  if (!subject.ok()) return Internal("stored registration subject does not decode");
  r.subject = std::move(*subject);
  SEDUN_ASSIGN_OR_RETURN(std::string profile, row.Text(3));
  auto p = ParseProfile(profile);
  if (!p.ok()) return Internal("stored registration has an unknown profile");
  r.profile = *p;
  SEDUN_ASSIGN_OR_RETURN(int64_t days, row.Int(4));
  r.validity_days = static_cast<int>(days);
  if (!row.IsNull(6)) {
    SEDUN_ASSIGN_OR_RETURN(std::string renews, row.Text(6));
    r.renews = std::move(renews);
  }
  return r;
}

}  // namespace

Result<IssuedCertificate> CertificationAuthority::Issue(const IssueRequest& request) {
  auto refuse = [this](Status s) {
    counters_.issue_refused.fetch_add(1, std::memory_order_relaxed);
    return s;
  };
  // Input checks before any database work: a bad request changes nothing.
  if (!internal::IsRegistrationId(request.registration_id)) {
    return refuse(InvalidArgument("registration_id must be 32 lowercase hex digits"));
  }
  if (request.csr.empty() || request.csr.size() > kMaxCsrSize) {
    return refuse(InvalidArgument("certification request must be 1..16384 bytes"));
  }
  auto csr = pki::CertificateRequest::Load(request.csr);
  if (!csr.ok()) return refuse(csr.status());
  auto public_key = csr->public_key();
  if (!public_key.ok()) return refuse(Unsupported("only SM2 keys are certified"));
  // JR/T 0093.6 5.4.1 a step 8: the request must be signed by the key it asks to certify.
  Status pop = csr->VerifySelfSignature();
  if (!pop.ok()) return refuse(pop);
  SecretBytes code = internal::NormalizeAuthCode(request.auth_code.view());
  if (code.empty()) return refuse(AuthRefused());
  auto code_hash = internal::AuthCodeHash(request.registration_id, code);
  if (!code_hash.ok()) return refuse(code_hash.status());

  for (int attempt = 0; attempt < kSerialAttempts; ++attempt) {
    std::optional<IssuedCertificate> out;
    bool inserting = false;
    const std::chrono::sys_seconds now = Now();
    Status s = store::RunInTransaction(*db_, [&](store::Transaction& tx) -> Status {
      out.reset();
      inserting = false;
      SEDUN_ASSIGN_OR_RETURN(PendingRegistration reg,
                             ReadRegistration(tx, request.registration_id, *code_hash, now));
      if (reg.renews) {
        SEDUN_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT account_id, client_id, revoked_at FROM "
                                                   "ca_certificates WHERE serial = $1",
                                                   {*reg.renews}));
        if (rows.empty()) return NotFound("the certificate to renew is not in the registry");
        SEDUN_ASSIGN_OR_RETURN(std::string account, rows[0].Text(0));
        SEDUN_ASSIGN_OR_RETURN(std::string client, rows[0].Text(1));
        if (account != reg.account_id || client != reg.client_id) {
          return FailedPrecondition("the certificate to renew belongs to another account or client");
        }
        if (!rows[0].IsNull(2)) return FailedPrecondition("the certificate to renew is revoked");
      }
      Bytes serial;
      for (int i = 0; i < kSerialAttempts; ++i) {
        SEDUN_ASSIGN_OR_RETURN(serial, internal::NewSerial());
        SEDUN_ASSIGN_OR_RETURN(bool taken, internal::SerialTaken(tx, HexEncode(serial)));
        if (!taken) break;
        if (i + 1 == kSerialAttempts) return Internal("no free serial number found");
      }
      pki::CertificateSpec spec = internal::EndEntitySpec(config_, crl_url(), ocsp_url(), reg.profile,
                                                          reg.subject, std::move(serial), now, reg.validity_days);
      SEDUN_ASSIGN_OR_RETURN(pki::Certificate cert,
                             pki::IssueCertificate(spec, *public_key, keys_.issuing, keys_.issuing_key));
      SEDUN_ASSIGN_OR_RETURN(Bytes p7, pki::Pkcs7CertsOnlyToDer(
                                           pki::Pkcs7CertsOnly{{cert, keys_.issuing, keys_.root}, {}}));

      // Single use: only the transaction that flips used_at may issue.
      SEDUN_ASSIGN_OR_RETURN(int64_t consumed,
                             tx.Execute("UPDATE ca_registrations SET used_at = $1 WHERE id = $2 AND used_at IS NULL",
                                        {internal::ToUnix(now), request.registration_id}));
      if (consumed != 1) return AuthRefused();
      internal::RegistryEntry entry{reg.account_id,   reg.client_id, request.registration_id, reg.profile,
                                    csr->subject_string(), reg.renews};
      inserting = true;
      SEDUN_RETURN_IF_ERROR(internal::InsertCertificate(tx, cert, entry, now));
      inserting = false;
      if (reg.renews) {
        // JR/T 0093.6 6.2.3: the renewed certificate is superseded by the new one.
        SEDUN_RETURN_IF_ERROR(internal::MarkRevoked(tx, *reg.renews, pki::RevocationReason::kSuperseded, "renewal",
                                                    now, cert.serial_hex()));
        SEDUN_RETURN_IF_ERROR(internal::GenerateCrl(tx, config_, keys_, now).status());
      }
      out = IssuedCertificate{cert, cert.serial_hex(), std::move(p7), cert.not_after(), reg.renews};
      return Status::Ok();
    });
    if (s.ok()) {
      counters_.issued.fetch_add(1, std::memory_order_relaxed);
      if (out->superseded_serial) counters_.revoked.fetch_add(1, std::memory_order_relaxed);
      return std::move(*out);
    }
    // A concurrent insert took our serial after the check: try again with a fresh one.
    if (!(inserting && s.code() == Code::kAlreadyExists)) return refuse(s);
  }
  return refuse(Internal("no free serial number found"));
}

Result<IssuedCertificate> CertificationAuthority::IssueDirect(const DirectIssueRequest& request) {
  SEDUN_RETURN_IF_ERROR(internal::CheckSubject(request.subject));
  const int validity_days = request.validity_days.value_or(internal::DefaultValidityDays(config_, request.profile));
  SEDUN_RETURN_IF_ERROR(internal::CheckValidityDays(validity_days, config_.backdate));

  for (int attempt = 0; attempt < kSerialAttempts; ++attempt) {
    std::optional<IssuedCertificate> out;
    bool inserting = false;
    const std::chrono::sys_seconds now = Now();
    Status s = store::RunInTransaction(*db_, [&](store::Transaction& tx) -> Status {
      out.reset();
      inserting = false;
      SEDUN_ASSIGN_OR_RETURN(Bytes serial, internal::NewSerial());
      SEDUN_ASSIGN_OR_RETURN(bool taken, internal::SerialTaken(tx, HexEncode(serial)));
      if (taken) return Aborted("serial number taken");
      pki::CertificateSpec spec = internal::EndEntitySpec(config_, crl_url(), ocsp_url(), request.profile,
                                                          request.subject, std::move(serial), now, validity_days);
      SEDUN_ASSIGN_OR_RETURN(pki::Certificate cert,
                             pki::IssueCertificate(spec, request.public_key, keys_.issuing, keys_.issuing_key));
      SEDUN_ASSIGN_OR_RETURN(Bytes p7, pki::Pkcs7CertsOnlyToDer(
                                           pki::Pkcs7CertsOnly{{cert, keys_.issuing, keys_.root}, {}}));
      inserting = true;
      SEDUN_RETURN_IF_ERROR(
          internal::InsertCertificate(tx, cert, internal::OperatorEntry(request.profile), now));
      inserting = false;
      out = IssuedCertificate{cert, cert.serial_hex(), std::move(p7), cert.not_after(), std::nullopt};
      return Status::Ok();
    });
    if (s.ok()) {
      counters_.issued.fetch_add(1, std::memory_order_relaxed);
      return std::move(*out);
    }
    if (!(inserting && s.code() == Code::kAlreadyExists)) return s;
  }
  return Internal("no free serial number found");
}

}  // namespace sedun::ca
