// PKCS#7 certs-only encoding and decoding.
#include "pki/pkcs7.h"

#include <openssl/objects.h>

#include "pki/asn1_util.h"
#include "pki/der_walk.h"
#include "pki/pem.h"

namespace sedun::pki {

namespace {

constexpr std::string_view kWhat = "PKCS#7";
constexpr std::string_view kLabel = "PKCS7";
constexpr std::string_view kSignedLabel = "PKCS #7 SIGNED DATA";  // also accepted by OpenSSL

Result<Pkcs7CertsOnly> Decode(ByteView der) {
  SEDUN_RETURN_IF_ERROR(CheckSize(der.size(), kMaxPkcs7Size, kWhat));
  SEDUN_ASSIGN_OR_RETURN(Pkcs7Ptr p7, D2iExact<Pkcs7Ptr>(d2i_PKCS7, der, kWhat));
  if (OBJ_obj2nid(p7->type) != NID_pkcs7_signed) {
    return Unsupported("PKCS#7: content type " + OidToString(p7->type) + " is not signedData");
  }
  const PKCS7_SIGNED* sd = p7->d.sign;
  if (sd == nullptr) return Malformed("PKCS#7: signedData without content");
  if (sk_PKCS7_SIGNER_INFO_num(sd->signer_info) > 0) {
    return Unsupported("PKCS#7: signedData with signers; only certs-only bundles are supported");
  }
  Pkcs7CertsOnly out;
  const int ncerts = sk_X509_num(sd->cert);
  if (ncerts > static_cast<int>(kMaxBundleCertificates))
    return ResourceExhausted("PKCS#7: too many certificates");
  for (int i = 0; i < ncerts; ++i) {
    SEDUN_ASSIGN_OR_RETURN(Bytes cert_der, I2d(i2d_X509, sk_X509_value(sd->cert, i), "PKCS#7 certificate"));
    auto cert = Certificate::FromDer(cert_der);
    if (!cert.ok()) return cert.status().Annotate("PKCS#7 certificate " + std::to_string(i + 1));
    out.certificates.push_back(std::move(cert).value());
  }
  for (int i = 0; i < sk_X509_CRL_num(sd->crl); ++i) {
    SEDUN_ASSIGN_OR_RETURN(Bytes crl_der, I2d(i2d_X509_CRL, sk_X509_CRL_value(sd->crl, i), "PKCS#7 CRL"));
    auto crl = Crl::FromDer(crl_der);
    if (!crl.ok()) return crl.status().Annotate("PKCS#7 CRL " + std::to_string(i + 1));
    out.crls.push_back(std::move(crl).value());
  }
  return out;
}

}  // namespace

Result<Pkcs7CertsOnly> ParsePkcs7CertsOnly(ByteView input) {
  Result<Pkcs7CertsOnly> out = Status(Code::kInternal, "unset");
  if (LooksLikePem(input)) {
    SEDUN_RETURN_IF_ERROR(CheckSize(input.size(), 2 * kMaxPkcs7Size, kWhat));
    SEDUN_ASSIGN_OR_RETURN(PemBlock block, PemDecodeFirst(AsChars(input), {kLabel, kSignedLabel}, kWhat));
    out = Decode(block.der.view());
  } else {
    out = Decode(input);
  }
  if (!out.ok()) ClearErrors();
  return out;
}

Result<Bytes> Pkcs7CertsOnlyToDer(const Pkcs7CertsOnly& bundle) {
  Pkcs7Ptr p7(PKCS7_new());
  if (!p7 || PKCS7_set_type(p7.get(), NID_pkcs7_signed) != 1 ||
      PKCS7_content_new(p7.get(), NID_pkcs7_data) != 1) {
    return OsslError("building PKCS#7 signedData failed");
  }
  for (const Certificate& c : bundle.certificates) {
    if (PKCS7_add_certificate(p7.get(), c.native()) != 1) return OsslError("PKCS7_add_certificate failed");
  }
  for (const Crl& c : bundle.crls) {
    if (PKCS7_add_crl(p7.get(), c.native()) != 1) return OsslError("PKCS7_add_crl failed");
  }
  return I2d(i2d_PKCS7, p7.get(), kWhat);
}

Result<std::string> Pkcs7CertsOnlyToPem(const Pkcs7CertsOnly& bundle) {
  SEDUN_ASSIGN_OR_RETURN(Bytes der, Pkcs7CertsOnlyToDer(bundle));
  return PemEncode(kLabel, der);
}

}  // namespace sedun::pki
