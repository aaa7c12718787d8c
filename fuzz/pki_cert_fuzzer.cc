// Fuzz target for X.509 certificate parsing (pki/certificate.h).
//
// Whatever parses must (1) survive a PEM round trip with identical DER and fields, (2) re-parse
// after OpenSSL re-encodes it (i2d of the parsed object) with identical decoded fields and the
// same signature-verification outcome, since the TBSCertificate bytes OpenSSL keeps are the
// ones the signature covers. Bundle loading runs over the same input. Any mismatch aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "pki/asn1_util.h"
#include "pki/certificate.h"
#include "pki/ossl_types.h"

namespace {

using namespace sedun;
using namespace sedun::pki;

void Check(bool ok) {
  if (!ok) abort();
}

void SameFields(const Certificate& a, const Certificate& b) {
  Check(a.version() == b.version());
  Check(a.serial() == b.serial() && a.serial_hex() == b.serial_hex());
  Check(a.subject() == b.subject() && a.issuer() == b.issuer());
  Check(a.subject_string() == b.subject_string() && a.issuer_string() == b.issuer_string());
  Check(a.subject_der() == b.subject_der() && a.issuer_der() == b.issuer_der());
  Check(a.not_before() == b.not_before() && a.not_after() == b.not_after());
  Check(a.signature_algorithm() == b.signature_algorithm());
  auto ka = a.public_key();
  auto kb = b.public_key();
  Check(ka.ok() == kb.ok());
  if (ka.ok()) Check(*ka == *kb);
  Check(a.basic_constraints() == b.basic_constraints());
  Check(a.key_usage() == b.key_usage());
  Check(a.extended_key_usage() == b.extended_key_usage());
  Check(a.policy_oids() == b.policy_oids());
  Check(a.crl_distribution_urls() == b.crl_distribution_urls());
  Check(a.ocsp_urls() == b.ocsp_urls() && a.ca_issuer_urls() == b.ca_issuer_urls());
  Check(a.subject_key_id() == b.subject_key_id() && a.authority_key_id() == b.authority_key_id());
  Check(a.extensions() == b.extensions());
  Check(a.IsSelfIssued() == b.IsSelfIssued() && a.IsCa() == b.IsCa());
}

Code VerifyOwn(const Certificate& c) {
  auto key = c.public_key();
  if (!key.ok()) return key.status().code();
  return c.VerifySignature(*key).code();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView in(data, size);
  (void)LoadCertificates(in);

  auto cert = Certificate::FromDer(in);
  if (!cert.ok()) return 0;
  Check(cert->ToDer() == ToBytes(in));

  auto pem = Certificate::FromPem(cert->ToPem());
  Check(pem.ok());
  Check(pem->ToDer() == cert->ToDer());
  Check(pem->sm3_fingerprint() == cert->sm3_fingerprint());
  SameFields(*cert, *pem);

  auto reencoded = I2d(i2d_X509, cert->native(), "certificate");
  Check(reencoded.ok());
  auto again = Certificate::FromDer(*reencoded);
  Check(again.ok());
  SameFields(*cert, *again);
  Check(VerifyOwn(*cert) == VerifyOwn(*again));
  (void)cert->VerifySignature(*cert);
  return 0;
}
