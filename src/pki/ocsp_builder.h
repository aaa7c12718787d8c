// Building signed OCSP responses (RFC 6960 4.2) with SM3withSM2 and the GM/T 0009 default ID:
// the core the OCSP responder role will use.
//
// producedAt is the signing time (OpenSSL sets it). The ResponderID is byKey by default
// (RFC 5019 2.2.3 recommends it for the lightweight profile) and the responder certificate is
// included so that clients can find the key. The result is re-parsed and verified before it is
// returned.
// Thread-safety: a plain value.
#pragma once

#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sm2_key.h"
#include "pki/certificate.h"
#include "pki/ocsp.h"

namespace sedun::pki {

class OcspResponseBuilder {
 public:
  // Revoked entries need revocation_time; others must not carry revocation fields;
  // next_update, when set, must be after this_update.
  OcspResponseBuilder& AddResponse(OcspSingleResponse response);
  // Echo of the request nonce (RFC 8954), 1..32 octets.
  OcspResponseBuilder& set_nonce(Bytes nonce);
  OcspResponseBuilder& set_responder_id_by_key(bool by_key);
  OcspResponseBuilder& set_include_responder_certificate(bool include);
  // Further certificates for the client (e.g. the chain of a delegated responder).
  OcspResponseBuilder& AddCertificate(Certificate cert);

  // A successful response signed by `responder` with `key`. InvalidArgument for inconsistent
  // entries, no entries, or a key that is not the responder's.
  Result<OcspResponse> Sign(const Certificate& responder, const crypto::Sm2PrivateKey& key) const;

  // An unsigned error response (malformedRequest, internalError, tryLater, sigRequired,
  // unauthorized); InvalidArgument for kSuccessful.
  static Result<OcspResponse> Unsuccessful(OcspResponseStatus status);

 private:
  std::vector<OcspSingleResponse> responses_;
  std::optional<Bytes> nonce_;
  bool by_key_ = true;
  bool include_responder_ = true;
  std::vector<Certificate> extra_certs_;
};

}  // namespace sedun::pki
