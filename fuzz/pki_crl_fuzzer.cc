// Fuzz target for CRL parsing (pki/crl.h).
//
// Whatever parses must survive a PEM round trip unchanged and re-parse after OpenSSL re-encodes
// it with the same fields. Its entries are then re-issued by CrlBuilder under a fixed test CA
// (when the builder's stricter rules allow them) and must come back identical, which checks the
// encoder against the decoder. Any mismatch aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <set>

#include "pki/asn1_util.h"
#include "pki/cert_builder.h"
#include "pki/crl.h"
#include "pki/ossl_types.h"

namespace {

using namespace sedun;
using namespace sedun::pki;
using namespace std::chrono;

void Check(bool ok) {
  if (!ok) abort();
}

struct TestCa {
  crypto::Sm2PrivateKey key;
  Certificate cert;
};

const TestCa& Ca() {
  static const TestCa ca = [] {
    // A fixed scalar keeps runs reproducible.
    crypto::Sm2PrivateKey key = crypto::Sm2PrivateKey::FromScalar(Bytes(32, 0x11)).value();
    CertificateSpec spec;
    spec.serial = {1};
    spec.subject = {{"CN", "fuzz ca"}};
    spec.not_before = sys_days(2024y / 1 / 1);
    spec.not_after = sys_days(2044y / 1 / 1);
    spec.basic_constraints = BasicConstraints{true, std::nullopt};
    spec.key_usage = key_usage::kKeyCertSign | key_usage::kCrlSign;
    Certificate cert = SelfSignCertificate(spec, key).value();
    return TestCa{std::move(key), cert};
  }();
  return ca;
}

void SameFields(const Crl& a, const Crl& b) {
  Check(a.version() == b.version());
  Check(a.issuer() == b.issuer() && a.issuer_string() == b.issuer_string() &&
        a.issuer_der() == b.issuer_der());
  Check(a.this_update() == b.this_update() && a.next_update() == b.next_update());
  Check(a.crl_number() == b.crl_number() && a.authority_key_id() == b.authority_key_id());
  Check(a.revoked() == b.revoked());
  Check(a.extensions() == b.extensions());
  Check(a.signature_algorithm() == b.signature_algorithm());
}

// Serials are parsed as minimal magnitudes, so they compare as they are.
bool Buildable(const RevokedCertificate& e, std::set<Bytes>* seen) {
  if (e.serial.size() > 20 || e.reason == RevocationReason::kRemoveFromCrl) return false;
  return seen->insert(e.serial).second;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView in(data, size);
  auto crl = Crl::FromDer(in);
  if (!crl.ok()) {
    (void)Crl::Load(in);
    return 0;
  }
  Check(crl->ToDer() == ToBytes(in));
  auto pem = Crl::FromPem(crl->ToPem());
  Check(pem.ok() && pem->ToDer() == crl->ToDer());
  SameFields(*crl, *pem);

  auto reencoded = I2d(i2d_X509_CRL, crl->native(), "CRL");
  Check(reencoded.ok());
  auto again = Crl::FromDer(*reencoded);
  Check(again.ok());
  SameFields(*crl, *again);
  for (const RevokedCertificate& e : crl->revoked()) Check(crl->Find(e.serial) != nullptr);
  (void)crl->VerifySignature(Ca().key.public_key());

  // Re-issue the entries.
  std::set<Bytes> seen;
  CrlBuilder b;
  b.set_this_update(crl->this_update()).set_next_update(crl->this_update() + hours(1)).set_crl_number({1});
  std::vector<RevokedCertificate> expected;
  for (const RevokedCertificate& e : crl->revoked()) {
    if (!Buildable(e, &seen)) continue;
    RevokedCertificate copy = e;
    if (copy.reason == RevocationReason::kUnspecified) copy.reason.reset();  // written as absent
    b.AddRevoked(copy);
    expected.push_back(copy);
  }
  auto rebuilt = b.Sign(Ca().cert, Ca().key);
  if (!rebuilt.ok()) {
    // Only times outside the encodable range may fail here.
    Check(rebuilt.status().code() == Code::kInvalidArgument);
    return 0;
  }
  Check(rebuilt->revoked().size() == expected.size());
  for (const RevokedCertificate& e : expected) {
    const RevokedCertificate* got = rebuilt->Find(e.serial);
    Check(got != nullptr && *got == e);
  }
  return 0;
}
