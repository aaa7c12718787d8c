// The OCSP responder (RFC 6960; JR/T 0093.6 6.2.4: a revocation shows at once). Each request is
// answered from the registry as it is now, so every instance reports a revocation as soon as it
// commits; responses are signed by the issuing CA (RFC 6960 4.2.2.2: the CA itself is an
// authorised responder) with SM3withSM2 and the default ID, ResponderID byKey.
// Thread-safety: see certification_authority.h.
#include "ca/ca_internal.h"
#include "pki/ocsp_builder.h"

namespace sedun::ca {
namespace {

// More CertIDs than this in one request are refused as malformed: a request is a handful of
// certificates, and each costs a registry read.
constexpr size_t kMaxOcspCertIds = 64;

OcspReply Unsuccessful(pki::OcspResponseStatus status, Status cause) {
  OcspReply reply;
  reply.status = status;
  reply.cause = std::move(cause);
  auto r = pki::OcspResponseBuilder::Unsuccessful(status);
  if (r.ok()) reply.der = r->ToDer();
  return reply;
}

pki::OcspResponseStatus StatusForStoreError(const Status& s) {
  return (s.code() == Code::kUnavailable || s.code() == Code::kAborted) ? pki::OcspResponseStatus::kTryLater
                                                                        : pki::OcspResponseStatus::kInternalError;
}

}  // namespace

OcspReply CertificationAuthority::RespondOcsp(ByteView request_der) {
  counters_.ocsp_requests.fetch_add(1, std::memory_order_relaxed);
  auto request = pki::OcspRequest::FromDer(request_der);
  if (!request.ok()) return Unsuccessful(pki::OcspResponseStatus::kMalformedRequest, request.status());
  if (request->cert_ids().size() > kMaxOcspCertIds) {
    return Unsuccessful(pki::OcspResponseStatus::kMalformedRequest,
                        InvalidArgument("OCSP request names more than 64 certificates"));
  }

  // The issuing CA's name and key hashes in both CertID hash algorithms.
  std::vector<pki::OcspCertId> ours;
  for (pki::OcspHashAlgorithm h : {pki::OcspHashAlgorithm::kSha1, pki::OcspHashAlgorithm::kSm3}) {
    auto id = pki::MakeOcspCertId(keys_.issuing, Bytes{1}, h);
    if (!id.ok()) return Unsuccessful(pki::OcspResponseStatus::kInternalError, id.status());
    ours.push_back(std::move(*id));
  }
  auto issued_by_us = [&](const pki::OcspCertId& id) {
    for (const pki::OcspCertId& o : ours) {
      if (o.hash == id.hash && o.issuer_name_hash == id.issuer_name_hash && o.issuer_key_hash == id.issuer_key_hash) {
        return true;
      }
    }
    return false;
  };

  const std::chrono::sys_seconds now = Now();
  pki::OcspResponseBuilder builder;
  {
    auto tx = db_->Begin(store::TxMode::kRead);
    if (!tx.ok()) return Unsuccessful(StatusForStoreError(tx.status()), tx.status());
    for (const pki::OcspCertId& id : request->cert_ids()) {
      pki::OcspSingleResponse single;
      single.cert_id = id;
      single.status = pki::OcspCertStatus::kUnknown;
      single.this_update = now;
      single.next_update = now + config_.ocsp_validity;
      if (issued_by_us(id) && !id.serial.empty() && id.serial.size() <= 20) {
        auto rows = (*tx)->Query("SELECT revoked_at, reason FROM ca_certificates WHERE serial = $1",
                                 {HexEncode(id.serial)});
        if (!rows.ok()) return Unsuccessful(StatusForStoreError(rows.status()), rows.status());
        if (!rows->empty()) {
          const store::Row& row = (*rows)[0];
          single.status = pki::OcspCertStatus::kGood;
          if (!row.IsNull(0)) {
            auto revoked_at = row.Int(0);
            auto code = row.Int(1);
            auto reason = code.ok() ? pki::RevocationReasonFromCode(*code) : std::nullopt;
            if (!revoked_at.ok() || !reason) {
              return Unsuccessful(pki::OcspResponseStatus::kInternalError,
                                  Internal("registry holds a malformed revocation"));
            }
            single.status = pki::OcspCertStatus::kRevoked;
            single.revocation_time = internal::FromUnix(*revoked_at);
            if (*reason != pki::RevocationReason::kUnspecified) single.revocation_reason = *reason;
          }
        }
      }
      builder.AddResponse(std::move(single));
    }
  }
  // RFC 8954: echo the nonce so the client can match the answer to its request.
  if (request->nonce() && !request->nonce()->empty() && request->nonce()->size() <= pki::kMaxOcspNonceSize) {
    builder.set_nonce(*request->nonce());
  }
  builder.set_responder_id_by_key(true);
  auto response = builder.Sign(keys_.issuing, keys_.issuing_key);
  if (!response.ok()) return Unsuccessful(pki::OcspResponseStatus::kInternalError, response.status());
  OcspReply reply;
  reply.der = response->ToDer();
  return reply;
}

}  // namespace sedun::ca
