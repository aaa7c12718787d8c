// The signature verification service: certificate validation through pki/validation, SM2
// signature verification with the signer's ID, batches, and signing with the server's key.
// Thread-safety: the State is immutable after Create and shared by copies; see the header.
#include "svs/verification_service.h"

#include <utility>

#include "crypto/sm2.h"

namespace sedun::svs {
namespace {

VerifyResult CertificateInvalid(VerifyResult r, pki::ValidationError error, std::string message) {
  r.status = VerifyStatus::kCertificateInvalid;
  r.validation_error = error;
  r.message = std::move(message);
  return r;
}

void Describe(const pki::Certificate& cert, VerifyResult& r) {
  r.serial_hex = cert.serial_hex();
  r.subject = cert.subject_string();
  r.not_after = cert.not_after();
}

}  // namespace

struct VerificationService::State {
  VerificationServiceConfig config;
  std::optional<ServerIdentity> identity;
};

std::string_view VerifyResult::code() const {
  switch (status) {
    case VerifyStatus::kOk:
      return "ok";
    case VerifyStatus::kCertificateInvalid:
      return pki::ValidationErrorCode(validation_error);
    case VerifyStatus::kSignatureInvalid:
      return "signature_invalid";
    case VerifyStatus::kMalformedSignature:
      return "malformed_signature";
    case VerifyStatus::kMalformedSignerId:
      return "malformed_signer_id";
  }
  return "internal";
}

Result<VerificationService> VerificationService::Create(VerificationServiceConfig config,
                                                        std::optional<ServerIdentity> identity) {
  if (config.trusted_roots.empty()) return InvalidArgument("verification service: no trusted root");
  if (config.max_batch_size == 0) return InvalidArgument("verification service: max_batch_size must be positive");
  if (identity) {
    if (identity->chain.empty()) return InvalidArgument("verification service: server certificate missing");
    const pki::Certificate& cert = identity->chain.front();
    SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PublicKey pub, cert.public_key());
    if (!(pub == identity->key.public_key())) {
      return InvalidArgument("verification service: the server key does not match its certificate");
    }
    // The server's own chain must hang together and allow signing, or every client that checks
    // the server signature (the SE in the film-shield login) would refuse it. Its last
    // certificate is taken as the anchor: the server need not hold the root.
    pki::ValidationOptions o;
    o.trusted_roots = {identity->chain.back()};
    o.intermediates = identity->chain;
    o.purpose = pki::Purpose::kSign;
    o.check_revocation = false;
    pki::ValidationResult v = pki::ValidateCertificate(cert, o);
    if (!v.ok()) {
      return FailedPrecondition("verification service: server certificate " + std::string(v.code()) + ": " + v.message);
    }
  }
  auto state = std::make_shared<State>(State{std::move(config), std::move(identity)});
  return VerificationService(std::move(state));
}

VerifyResult VerificationService::VerifySignedData(const VerifyRequest& request) const {
  VerifyResult r;
  Result<pki::Certificate> cert = pki::Certificate::Load(request.certificate);
  if (!cert.ok()) return CertificateInvalid(std::move(r), pki::ValidationError::kMalformed, cert.status().message());
  Describe(*cert, r);

  pki::ValidationOptions o;
  o.intermediates = state_->config.intermediates;
  for (size_t i = 0; i < request.extra_certificates.size(); ++i) {
    Result<std::vector<pki::Certificate>> extra = pki::LoadCertificates(request.extra_certificates[i]);
    if (!extra.ok()) {
      return CertificateInvalid(std::move(r), pki::ValidationError::kMalformed,
                                "extra certificate " + std::to_string(i + 1) + ": " + extra.status().message());
    }
    o.intermediates.insert(o.intermediates.end(), extra->begin(), extra->end());
  }
  const ByteView id = request.signer_id ? ByteView(*request.signer_id) : ByteView(crypto::kSm2DefaultId);
  if (id.empty() || id.size() > crypto::kSm2MaxIdSize) {
    r.status = VerifyStatus::kMalformedSignerId;
    r.message = "signer ID must be 1.." + std::to_string(crypto::kSm2MaxIdSize) + " bytes";
    return r;
  }
  if (Result<crypto::Sm2Signature> sig = crypto::Sm2DecodeSignature(request.signature); !sig.ok()) {
    r.status = VerifyStatus::kMalformedSignature;
    r.message = "signature: " + sig.status().message();
    return r;
  }

  // JR/T 7.3.2.2: the certificate first.
  VerifyResult v = ValidateParsed(*cert, std::move(o), request.registered_serials, request.at);
  if (!v.ok()) return v;
  r = std::move(v);

  // JR/T 7.3.2.3 a: the signature, SM3withSM2 with ZA over the signer's ID.
  Result<crypto::Sm2PublicKey> key = cert->public_key();
  if (!key.ok())
    return CertificateInvalid(std::move(r), pki::ValidationError::kAlgorithmNotAllowed, key.status().message());
  Status st = crypto::Sm2Verify(*key, request.data, request.signature, id);
  if (st.ok()) return r;
  r.status = st.code() == Code::kMalformed ? VerifyStatus::kMalformedSignature : VerifyStatus::kSignatureInvalid;
  r.message = "signature does not verify with the certificate's key and the signer ID";
  return r;
}

VerifyResult VerificationService::ValidateParsed(const pki::Certificate& cert, pki::ValidationOptions o,
                                                 const std::optional<std::vector<Bytes>>& registered_serials,
                                                 std::optional<std::chrono::sys_seconds> at) const {
  const VerificationServiceConfig& c = state_->config;
  o.trusted_roots = c.trusted_roots;
  o.purpose = pki::Purpose::kSign;
  o.required_policies = c.required_policies;
  o.revocation = c.revocation.get();
  o.check_revocation = c.check_revocation;
  o.revocation_scope = c.revocation_scope;
  o.binding.registered_serials = registered_serials;
  o.at = at;
  o.expiring_window = c.expiring_window;
  pki::ValidationResult v = pki::ValidateCertificate(cert, o);
  VerifyResult r;
  Describe(cert, r);
  r.expiring_soon = v.expiring_soon;
  if (!v.ok()) return CertificateInvalid(std::move(r), v.error, std::move(v.message));
  return r;
}

Result<std::vector<VerifyResult>> VerificationService::BatchVerify(std::span<const VerifyRequest> requests) const {
  if (requests.size() > state_->config.max_batch_size) {
    return ResourceExhausted("batch of " + std::to_string(requests.size()) + " items exceeds the limit of " +
                             std::to_string(state_->config.max_batch_size));
  }
  std::vector<VerifyResult> out;
  out.reserve(requests.size());
  for (const VerifyRequest& r : requests) out.push_back(VerifySignedData(r));
  return out;
}

VerifyResult VerificationService::ValidateCertificate(ByteView certificate,
                                                      std::optional<std::vector<Bytes>> registered_serials,
                                                      std::optional<std::chrono::sys_seconds> at) const {
  Result<pki::Certificate> cert = pki::Certificate::Load(certificate);
  if (!cert.ok()) {
    return CertificateInvalid(VerifyResult{}, pki::ValidationError::kMalformed, cert.status().message());
  }
  pki::ValidationOptions o;
  o.intermediates = state_->config.intermediates;
  return ValidateParsed(*cert, std::move(o), registered_serials, at);
}

Result<ServerSignature> VerificationService::SignData(ByteView data) const {
  if (!state_->identity) return FailedPrecondition("verification service: no server signing key configured");
  const ServerIdentity& id = *state_->identity;
  // Film-shield 2.3.2 (2): the server signs the challenge / pre-submit data with its own
  // certificate key, default signer ID, so the SE can check it against the certificate.
  SEDUN_ASSIGN_OR_RETURN(Bytes sig, crypto::Sm2Sign(id.key, data));
  return ServerSignature{std::move(sig), id.chain.front(), id.chain};
}

const std::vector<pki::Certificate>& VerificationService::server_chain() const {
  static const std::vector<pki::Certificate> kNone;
  return state_->identity ? state_->identity->chain : kNone;
}

}  // namespace sedun::svs
