// Fuzz target for PKCS#10 parsing (pki/csr.h).
//
// Whatever parses must survive a PEM round trip unchanged and re-parse after OpenSSL re-encodes
// it, with the same subject, key and self-signature outcome. When the signature verifies, the
// two-step assembly path (AssembleCsr on the same CertificationRequestInfo and signature) must
// accept it too. Any mismatch aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "pki/asn1_util.h"
#include "pki/csr.h"
#include "pki/der_walk.h"
#include "pki/ossl_types.h"

namespace {

using namespace sedun;
using namespace sedun::pki;

void Check(bool ok) {
  if (!ok) abort();
}

void SameFields(const CertificateRequest& a, const CertificateRequest& b) {
  Check(a.subject() == b.subject() && a.subject_string() == b.subject_string());
  Check(a.subject_der() == b.subject_der());
  Check(a.signature_algorithm() == b.signature_algorithm());
  auto ka = a.public_key();
  auto kb = b.public_key();
  Check(ka.ok() == kb.ok());
  if (ka.ok()) Check(*ka == *kb);
  Check(a.VerifySelfSignature().code() == b.VerifySelfSignature().code());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView in(data, size);
  auto csr = CertificateRequest::FromDer(in);
  if (!csr.ok()) {
    (void)CertificateRequest::Load(in);
    return 0;
  }
  Check(csr->ToDer() == ToBytes(in));
  auto pem = CertificateRequest::FromPem(csr->ToPem());
  Check(pem.ok() && pem->ToDer() == csr->ToDer());
  SameFields(*csr, *pem);

  auto reencoded = I2d(i2d_X509_REQ, csr->native(), "certification request");
  Check(reencoded.ok());
  auto again = CertificateRequest::FromDer(*reencoded);
  Check(again.ok());
  SameFields(*csr, *again);

  if (csr->VerifySelfSignature().ok()) {
    auto parts = SplitSigned(in, "csr");
    Check(parts.ok());
    auto assembled = AssembleCsr(parts->tbs, parts->signature);
    Check(assembled.ok());
    SameFields(*csr, *assembled);
  }
  return 0;
}
