// OCSP response signing.
#include "pki/ocsp_builder.h"

#include "pki/asn1_util.h"
#include "pki/ocsp_util.h"
#include "pki/ossl_key.h"
#include "pki/signature.h"

namespace sedun::pki {

using crypto::ossl::EvpMdCtxPtr;
using crypto::ossl::EvpPkeyPtr;

namespace {

Status CheckEntry(const OcspSingleResponse& r) {
  const bool revoked = r.status == OcspCertStatus::kRevoked;
  if (revoked && !r.revocation_time) return InvalidArgument("OCSP: a revoked entry needs revocationTime");
  if (!revoked && (r.revocation_time || r.revocation_reason)) {
    return InvalidArgument("OCSP: revocation fields on an entry that is not revoked");
  }
  if (r.next_update && *r.next_update <= r.this_update)
    return InvalidArgument("OCSP: nextUpdate must be after thisUpdate");
  return Status::Ok();
}

Status AddEntry(OCSP_BASICRESP* bs, const OcspSingleResponse& r) {
  SEDUN_RETURN_IF_ERROR(CheckEntry(r));
  SEDUN_ASSIGN_OR_RETURN(OcspCertIdPtr cid, ToOsslCertId(r.cert_id));
  SEDUN_ASSIGN_OR_RETURN(Asn1TimePtr this_update, ToGeneralizedTime(r.this_update));
  Asn1TimePtr next_update, revocation_time;
  if (r.next_update) {
    SEDUN_ASSIGN_OR_RETURN(next_update, ToGeneralizedTime(*r.next_update));
  }
  if (r.revocation_time) {
    SEDUN_ASSIGN_OR_RETURN(revocation_time, ToGeneralizedTime(*r.revocation_time));
  }
  int status = V_OCSP_CERTSTATUS_GOOD;
  if (r.status == OcspCertStatus::kRevoked) status = V_OCSP_CERTSTATUS_REVOKED;
  if (r.status == OcspCertStatus::kUnknown) status = V_OCSP_CERTSTATUS_UNKNOWN;
  const int reason =
      r.revocation_reason ? static_cast<int>(*r.revocation_reason) : OCSP_REVOKED_STATUS_NOSTATUS;
  if (OCSP_basic_add1_status(bs, cid.get(), status, reason, revocation_time.get(), this_update.get(),
                             next_update.get()) == nullptr) {
    return OsslError("OCSP_basic_add1_status failed");
  }
  return Status::Ok();
}

}  // namespace

OcspResponseBuilder& OcspResponseBuilder::AddResponse(OcspSingleResponse response) {
  responses_.push_back(std::move(response));
  return *this;
}
OcspResponseBuilder& OcspResponseBuilder::set_nonce(Bytes nonce) {
  nonce_ = std::move(nonce);
  return *this;
}
OcspResponseBuilder& OcspResponseBuilder::set_responder_id_by_key(bool by_key) {
  by_key_ = by_key;
  return *this;
}
OcspResponseBuilder& OcspResponseBuilder::set_include_responder_certificate(bool include) {
  include_responder_ = include;
  return *this;
}
OcspResponseBuilder& OcspResponseBuilder::AddCertificate(Certificate cert) {
  extra_certs_.push_back(std::move(cert));
  return *this;
}

Result<OcspResponse> OcspResponseBuilder::Sign(const Certificate& responder,
                                               const crypto::Sm2PrivateKey& key) const {
  if (responses_.empty() || responses_.size() > kMaxOcspRequestEntries) {
    return InvalidArgument("OCSP response: 1..1000 entries");
  }
  if (nonce_ && (nonce_->empty() || nonce_->size() > kMaxOcspNonceSize)) {
    return InvalidArgument("OCSP response: nonce must be 1..32 octets (RFC 8954)");
  }
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PublicKey responder_pub, responder.public_key());
  if (!(responder_pub == key.public_key()))
    return InvalidArgument("OCSP: key does not match the responder certificate");

  OcspBasicPtr bs(OCSP_BASICRESP_new());
  if (!bs) return OsslError("OCSP_BASICRESP_new failed");
  for (const OcspSingleResponse& r : responses_) SEDUN_RETURN_IF_ERROR(AddEntry(bs.get(), r));
  if (nonce_ && OCSP_basic_add1_nonce(bs.get(), const_cast<uint8_t*>(nonce_->data()),
                                      static_cast<int>(nonce_->size())) != 1) {
    return OsslError("adding the OCSP nonce failed");
  }
  // Certificates are added here rather than by OCSP_basic_sign_ctx, whose OCSP_NOCERTS flag
  // would also drop the extra ones; they sit outside tbsResponseData, so order does not matter.
  if (include_responder_ && OCSP_basic_add1_cert(bs.get(), responder.native()) != 1) {
    return OsslError("adding the responder certificate failed");
  }
  for (const Certificate& c : extra_certs_) {
    if (OCSP_basic_add1_cert(bs.get(), c.native()) != 1) return OsslError("adding a certificate failed");
  }
  unsigned long flags = OCSP_NOCERTS;
  if (by_key_) flags |= OCSP_RESPID_KEY;
  SEDUN_ASSIGN_OR_RETURN(EvpPkeyPtr pkey, ToEvpPkey(key));
  SEDUN_ASSIGN_OR_RETURN(EvpMdCtxPtr md, NewSm2SignContext(pkey.get()));
  if (OCSP_basic_sign_ctx(bs.get(), responder.native(), md.get(), nullptr, flags) != 1) {
    return OsslError("OCSP_basic_sign_ctx (SM3withSM2) failed");
  }
  OcspResponsePtr resp(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs.get()));
  if (!resp) return OsslError("OCSP_response_create failed");
  SEDUN_ASSIGN_OR_RETURN(Bytes der, I2d(i2d_OCSP_RESPONSE, resp.get(), "OCSP response"));
  SEDUN_ASSIGN_OR_RETURN(OcspResponse out, OcspResponse::FromDer(der));
  Status check = out.VerifySignature(responder);
  if (!check.ok()) return Internal("signed OCSP response does not verify: " + check.message());
  return out;
}

Result<OcspResponse> OcspResponseBuilder::Unsuccessful(OcspResponseStatus status) {
  if (status == OcspResponseStatus::kSuccessful)
    return InvalidArgument("OCSP: a successful response must be signed");
  OcspResponsePtr resp(OCSP_response_create(static_cast<int>(status), nullptr));
  if (!resp) return OsslError("OCSP_response_create failed");
  SEDUN_ASSIGN_OR_RETURN(Bytes der, I2d(i2d_OCSP_RESPONSE, resp.get(), "OCSP response"));
  return OcspResponse::FromDer(der);
}

}  // namespace sedun::pki
