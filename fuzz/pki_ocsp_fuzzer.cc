// Fuzz target for OCSP request and response parsing (pki/ocsp.h).
//
// A parsed request is re-created from its CertIDs and nonce with OcspRequest::Create (an
// independent encoder) and must parse back to the same values. A parsed response must re-parse
// after OpenSSL re-encodes it, with the same fields; its single responses are then re-signed by
// OcspResponseBuilder under a fixed test responder (when the builder's rules allow them) and
// must come back identical. Any mismatch aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "pki/asn1_util.h"
#include "pki/cert_builder.h"
#include "pki/ocsp.h"
#include "pki/ocsp_builder.h"
#include "pki/ossl_types.h"

namespace {

using namespace sedun;
using namespace sedun::pki;
using namespace std::chrono;

void Check(bool ok) {
  if (!ok) abort();
}

struct Responder {
  crypto::Sm2PrivateKey key;
  Certificate cert;
};

const Responder& Signer() {
  static const Responder r = [] {
    crypto::Sm2PrivateKey key = crypto::Sm2PrivateKey::FromScalar(Bytes(32, 0x22)).value();
    CertificateSpec spec;
    spec.serial = {2};
    spec.subject = {{"CN", "fuzz responder"}};
    spec.not_before = sys_days(2024y / 1 / 1);
    spec.not_after = sys_days(2044y / 1 / 1);
    spec.basic_constraints = BasicConstraints{true, std::nullopt};
    Certificate cert = SelfSignCertificate(spec, key).value();
    return Responder{std::move(key), cert};
  }();
  return r;
}

void FuzzRequest(ByteView in) {
  auto req = OcspRequest::FromDer(in);
  if (!req.ok()) return;
  Check(req->ToDer() == ToBytes(in));
  std::optional<Bytes> nonce = req->nonce();
  if (nonce && (nonce->empty() || nonce->size() > kMaxOcspNonceSize)) return;
  for (const OcspCertId& id : req->cert_ids()) {
    if (id.serial.size() > 64) return;
  }
  auto again = OcspRequest::Create(req->cert_ids(), nonce);
  Check(again.ok());
  Check(again->cert_ids() == req->cert_ids());
  Check(again->nonce() == req->nonce());
}

void SameFields(const OcspResponse& a, const OcspResponse& b) {
  Check(a.status() == b.status());
  Check(a.produced_at() == b.produced_at());
  Check(a.responses() == b.responses());
  Check(a.nonce() == b.nonce());
  Check(a.responder_key_hash() == b.responder_key_hash() && a.responder_name_der() == b.responder_name_der());
  Check(a.certificates().size() == b.certificates().size());
  Check(a.signature_algorithm() == b.signature_algorithm());
}

bool Signable(const OcspSingleResponse& r) {
  if (r.cert_id.serial.size() > 64) return false;
  return !r.next_update || *r.next_update > r.this_update;
}

void FuzzResponse(ByteView in) {
  auto resp = OcspResponse::FromDer(in);
  if (!resp.ok()) return;
  Check(resp->ToDer() == ToBytes(in));
  auto parsed = D2iExact<OcspResponsePtr>(d2i_OCSP_RESPONSE, in, "OCSP response");
  Check(parsed.ok());
  auto reencoded = I2d(i2d_OCSP_RESPONSE, parsed->get(), "OCSP response");
  Check(reencoded.ok());
  auto again = OcspResponse::FromDer(*reencoded);
  Check(again.ok());
  SameFields(*resp, *again);
  for (const OcspSingleResponse& s : resp->responses()) Check(resp->Find(s.cert_id) != nullptr);
  (void)resp->VerifySignature(Signer().key.public_key());
  if (resp->status() != OcspResponseStatus::kSuccessful || resp->responses().empty()) return;

  OcspResponseBuilder b;
  for (const OcspSingleResponse& s : resp->responses()) {
    if (!Signable(s)) return;
    b.AddResponse(s);
  }
  if (resp->nonce() && !resp->nonce()->empty() && resp->nonce()->size() <= kMaxOcspNonceSize)
    b.set_nonce(*resp->nonce());
  auto rebuilt = b.Sign(Signer().cert, Signer().key);
  if (!rebuilt.ok()) {
    Check(rebuilt.status().code() == Code::kInvalidArgument);
    return;
  }
  Check(rebuilt->responses().size() == resp->responses().size());
  // Serials are parsed as minimal magnitudes, so nothing is normalised away.
  Check(rebuilt->responses() == resp->responses());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView in(data, size);
  FuzzRequest(in);
  FuzzResponse(in);
  return 0;
}
