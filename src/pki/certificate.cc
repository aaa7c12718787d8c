// Certificate parsing and signature verification.
#include "pki/certificate.h"

#include <openssl/objects.h>

#include <algorithm>

#include "pki/asn1_util.h"
#include "pki/der_walk.h"
#include "pki/ossl_key.h"
#include "pki/pem.h"
#include "pki/signature.h"

namespace sedun::pki {

using crypto::Sm2PublicKey;

struct Certificate::Impl {
  X509Ptr x509;
  Bytes der;
  int version = 0;
  Bytes serial;
  DistinguishedName subject, issuer;
  std::string subject_string, issuer_string;
  Bytes subject_der, issuer_der;
  std::chrono::sys_seconds not_before{}, not_after{};
  std::string signature_algorithm;
  Result<Sm2PublicKey> public_key{Status(Code::kInternal, "public key not decoded")};
  std::optional<BasicConstraints> basic_constraints;
  std::optional<uint16_t> key_usage;
  std::vector<std::string> extended_key_usage, policy_oids, crl_distribution_urls, ocsp_urls, ca_issuer_urls;
  std::optional<Bytes> subject_key_id, authority_key_id;
  std::vector<ExtensionInfo> extensions;
  crypto::Sm3Digest fingerprint{};
};

namespace {

constexpr std::string_view kWhat = "certificate";
constexpr std::string_view kLabel = "CERTIFICATE";
constexpr std::string_view kOldLabel = "X509 CERTIFICATE";  // accepted by OpenSSL too

template <typename Ptr>
Result<Ptr> GetExt(const X509* x, int nid, std::string_view name) {
  int crit = -1;
  void* decoded = X509_get_ext_d2i(x, nid, &crit, nullptr);
  return ExtD2iResult<Ptr>(decoded, crit, name);
}

Bytes OctetBytes(const ASN1_OCTET_STRING* s) {
  return ToBytes(ByteView(ASN1_STRING_get0_data(s), static_cast<size_t>(ASN1_STRING_length(s))));
}

Status DecodePublicKey(X509* x, Certificate::Impl* c) {
  EVP_PKEY* pkey = X509_get0_pubkey(x);
  if (pkey == nullptr) {
    ClearErrors();
    ASN1_OBJECT* alg = nullptr;
    X509_PUBKEY* spki = X509_get_X509_PUBKEY(x);
    if (spki == nullptr || X509_PUBKEY_get0_param(&alg, nullptr, nullptr, nullptr, spki) != 1) {
      return OsslError("certificate: no subject public key", Code::kMalformed);
    }
    if (OBJ_obj2nid(alg) == NID_X9_62_id_ecPublicKey) {
      // An EC key OpenSSL cannot decode: a point off its curve or unknown parameters.
      return Malformed("certificate: subject public key does not decode");
    }
    c->public_key = Unsupported("certificate key algorithm " + OidToString(alg) + " is not SM2");
    return Status::Ok();
  }
  c->public_key = Sm2PublicKeyFromEvp(pkey);
  ClearErrors();
  return Status::Ok();
}

Status DecodeExtensions(X509* x, Certificate::Impl* c) {
  SEDUN_ASSIGN_OR_RETURN(c->extensions, ReadExtensions(X509_get0_extensions(x), kWhat));
  if (!c->extensions.empty() && c->version != 3) {
    return Malformed("certificate: extensions in a version 1/2 certificate (RFC 5280 4.1.2.9)");
  }

  SEDUN_ASSIGN_OR_RETURN(BasicConstraintsPtr bc,
                         GetExt<BasicConstraintsPtr>(x, NID_basic_constraints, "basicConstraints"));
  if (bc) {
    BasicConstraints v;
    v.ca = bc->ca != 0;
    if (bc->pathlen != nullptr) {
      uint64_t n = 0;
      if (ASN1_INTEGER_get_uint64(&n, bc->pathlen) != 1 || n > UINT32_MAX) {
        ClearErrors();
        return Malformed("certificate: basicConstraints pathLenConstraint out of range");
      }
      v.path_len = static_cast<uint32_t>(n);
    }
    c->basic_constraints = v;
  }

  SEDUN_ASSIGN_OR_RETURN(Asn1BitStringPtr ku, GetExt<Asn1BitStringPtr>(x, NID_key_usage, "keyUsage"));
  if (ku) {
    uint16_t bits = 0;
    for (int i = 0; i <= 8; ++i) {
      if (ASN1_BIT_STRING_get_bit(ku.get(), i)) bits = static_cast<uint16_t>(bits | (1u << i));
    }
    c->key_usage = bits;
  }

  SEDUN_ASSIGN_OR_RETURN(ExtKeyUsagePtr eku,
                         GetExt<ExtKeyUsagePtr>(x, NID_ext_key_usage, "extendedKeyUsage"));
  for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
    c->extended_key_usage.push_back(OidToString(sk_ASN1_OBJECT_value(eku.get(), i)));
  }

  SEDUN_ASSIGN_OR_RETURN(CertPoliciesPtr pol,
                         GetExt<CertPoliciesPtr>(x, NID_certificate_policies, "certificatePolicies"));
  for (int i = 0; pol && i < sk_POLICYINFO_num(pol.get()); ++i) {
    c->policy_oids.push_back(OidToString(sk_POLICYINFO_value(pol.get(), i)->policyid));
  }

  SEDUN_ASSIGN_OR_RETURN(CrlDistPointsPtr dps,
                         GetExt<CrlDistPointsPtr>(x, NID_crl_distribution_points, "cRLDistributionPoints"));
  for (int i = 0; dps && i < sk_DIST_POINT_num(dps.get()); ++i) {
    const DIST_POINT* dp = sk_DIST_POINT_value(dps.get(), i);
    if (dp->distpoint == nullptr || dp->distpoint->type != 0) continue;  // nameRelativeToCRLIssuer
    SEDUN_ASSIGN_OR_RETURN(auto uris,
                           UrisFromGeneralNames(dp->distpoint->name.fullname, "cRLDistributionPoints"));
    c->crl_distribution_urls.insert(c->crl_distribution_urls.end(), uris.begin(), uris.end());
  }

  SEDUN_ASSIGN_OR_RETURN(AiaPtr aia, GetExt<AiaPtr>(x, NID_info_access, "authorityInfoAccess"));
  for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia.get()); ++i) {
    const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia.get(), i);
    if (ad->location == nullptr || ad->location->type != GEN_URI) continue;
    SEDUN_ASSIGN_OR_RETURN(std::string uri, UriFromGeneralName(ad->location, "authorityInfoAccess"));
    const int method = OBJ_obj2nid(ad->method);
    auto& dest = method == NID_ad_OCSP ? c->ocsp_urls : c->ca_issuer_urls;
    if (method == NID_ad_OCSP || method == NID_ad_ca_issuers) dest.push_back(std::move(uri));
  }

  SEDUN_ASSIGN_OR_RETURN(Asn1OctetStringPtr skid,
                         GetExt<Asn1OctetStringPtr>(x, NID_subject_key_identifier, "subjectKeyIdentifier"));
  if (skid) c->subject_key_id = OctetBytes(skid.get());
  SEDUN_ASSIGN_OR_RETURN(AuthorityKeyIdPtr akid, GetExt<AuthorityKeyIdPtr>(x, NID_authority_key_identifier,
                                                                           "authorityKeyIdentifier"));
  if (akid && akid->keyid != nullptr) c->authority_key_id = OctetBytes(akid->keyid);
  return Status::Ok();
}

Result<std::shared_ptr<Certificate::Impl>> Decode(ByteView der) {
  SEDUN_RETURN_IF_ERROR(CheckSize(der.size(), kMaxCertificateSize, kWhat));
  // The outer layout is checked on the raw bytes first, so that what VerifySignature later
  // splits is exactly what OpenSSL parsed.
  SEDUN_RETURN_IF_ERROR(SplitSigned(der, kWhat).status());
  auto c = std::make_shared<Certificate::Impl>();
  SEDUN_ASSIGN_OR_RETURN(c->x509, D2iExact<X509Ptr>(d2i_X509, der, kWhat));
  X509* x = c->x509.get();
  c->der = ToBytes(der);

  const long version = X509_get_version(x);
  if (version < 0 || version > 2) return Malformed("certificate: invalid version");
  c->version = static_cast<int>(version) + 1;
  SEDUN_ASSIGN_OR_RETURN(c->serial, IntegerMagnitude(X509_get0_serialNumber(x), "certificate serial number"));

  const X509_NAME* subject = X509_get_subject_name(x);
  const X509_NAME* issuer = X509_get_issuer_name(x);
  SEDUN_ASSIGN_OR_RETURN(c->subject, ReadName(subject, "certificate subject"));
  SEDUN_ASSIGN_OR_RETURN(c->issuer, ReadName(issuer, "certificate issuer"));
  SEDUN_ASSIGN_OR_RETURN(c->subject_string, NameToString(subject));
  SEDUN_ASSIGN_OR_RETURN(c->issuer_string, NameToString(issuer));
  SEDUN_ASSIGN_OR_RETURN(c->subject_der, I2d(i2d_X509_NAME, subject, "certificate subject"));
  SEDUN_ASSIGN_OR_RETURN(c->issuer_der, I2d(i2d_X509_NAME, issuer, "certificate issuer"));

  SEDUN_ASSIGN_OR_RETURN(c->not_before, FromAsn1Time(X509_get0_notBefore(x), "certificate notBefore"));
  SEDUN_ASSIGN_OR_RETURN(c->not_after, FromAsn1Time(X509_get0_notAfter(x), "certificate notAfter"));

  const ASN1_BIT_STRING* sig = nullptr;
  const X509_ALGOR* alg = nullptr;
  X509_get0_signature(&sig, &alg, x);
  c->signature_algorithm = OidToString(alg->algorithm);

  SEDUN_RETURN_IF_ERROR(DecodePublicKey(x, c.get()));
  SEDUN_RETURN_IF_ERROR(DecodeExtensions(x, c.get()));
  SEDUN_ASSIGN_OR_RETURN(c->fingerprint, crypto::Sm3Hash(der));
  return c;
}

}  // namespace

Result<Certificate> Certificate::FromDer(ByteView der) {
  auto impl = Decode(der);
  if (!impl.ok()) {
    ClearErrors();
    return impl.status();
  }
  return Certificate(std::move(impl).value());
}

Result<Certificate> Certificate::FromPem(std::string_view pem) {
  SEDUN_RETURN_IF_ERROR(CheckSize(pem.size(), 2 * kMaxCertificateSize, kWhat));
  SEDUN_ASSIGN_OR_RETURN(PemBlock block, PemDecodeFirst(pem, {kLabel, kOldLabel}, kWhat));
  return FromDer(block.der.view());
}

Result<Certificate> Certificate::Load(ByteView input) {
  return LooksLikePem(input) ? FromPem(AsChars(input)) : FromDer(input);
}

const Bytes& Certificate::ToDer() const { return impl_->der; }
std::string Certificate::ToPem() const { return PemEncode(kLabel, impl_->der); }
int Certificate::version() const { return impl_->version; }
const Bytes& Certificate::serial() const { return impl_->serial; }
std::string Certificate::serial_hex() const { return HexEncode(impl_->serial); }
const DistinguishedName& Certificate::subject() const { return impl_->subject; }
const DistinguishedName& Certificate::issuer() const { return impl_->issuer; }
const std::string& Certificate::subject_string() const { return impl_->subject_string; }
const std::string& Certificate::issuer_string() const { return impl_->issuer_string; }
const Bytes& Certificate::subject_der() const { return impl_->subject_der; }
const Bytes& Certificate::issuer_der() const { return impl_->issuer_der; }
std::chrono::sys_seconds Certificate::not_before() const { return impl_->not_before; }
std::chrono::sys_seconds Certificate::not_after() const { return impl_->not_after; }
const std::string& Certificate::signature_algorithm() const { return impl_->signature_algorithm; }
Result<Sm2PublicKey> Certificate::public_key() const { return impl_->public_key; }
std::optional<BasicConstraints> Certificate::basic_constraints() const { return impl_->basic_constraints; }
std::optional<uint16_t> Certificate::key_usage() const { return impl_->key_usage; }
const std::vector<std::string>& Certificate::extended_key_usage() const { return impl_->extended_key_usage; }
const std::vector<std::string>& Certificate::policy_oids() const { return impl_->policy_oids; }
const std::vector<std::string>& Certificate::crl_distribution_urls() const {
  return impl_->crl_distribution_urls;
}
const std::vector<std::string>& Certificate::ocsp_urls() const { return impl_->ocsp_urls; }
const std::vector<std::string>& Certificate::ca_issuer_urls() const { return impl_->ca_issuer_urls; }
const std::optional<Bytes>& Certificate::subject_key_id() const { return impl_->subject_key_id; }
const std::optional<Bytes>& Certificate::authority_key_id() const { return impl_->authority_key_id; }
const std::vector<ExtensionInfo>& Certificate::extensions() const { return impl_->extensions; }
bool Certificate::IsSelfIssued() const { return impl_->subject_der == impl_->issuer_der; }
bool Certificate::IsCa() const { return impl_->basic_constraints && impl_->basic_constraints->ca; }
const crypto::Sm3Digest& Certificate::sm3_fingerprint() const { return impl_->fingerprint; }
x509_st* Certificate::native() const { return impl_->x509.get(); }

Status Certificate::VerifySignature(const Sm2PublicKey& issuer_key) const {
  SEDUN_ASSIGN_OR_RETURN(SignedParts parts, SplitSigned(impl_->der, kWhat));
  SEDUN_ASSIGN_OR_RETURN(ByteView inner, CertificateTbsAlgorithm(parts.tbs));
  if (!std::ranges::equal(inner, parts.algorithm)) {
    return Malformed(
        "certificate: TBSCertificate.signature differs from signatureAlgorithm (RFC 5280 4.1.1.2)");
  }
  return VerifySignedDer(impl_->der, issuer_key, kWhat);
}

Status Certificate::VerifySignature(const Certificate& issuer) const {
  if (impl_->issuer_der != issuer.subject_der()) {
    return VerifyFailed("certificate issuer \"" + impl_->issuer_string + "\" is not the subject of \"" +
                        issuer.subject_string() + "\"");
  }
  SEDUN_ASSIGN_OR_RETURN(Sm2PublicKey key, issuer.public_key());
  return VerifySignature(key);
}

Result<std::vector<Certificate>> LoadCertificates(ByteView input) {
  SEDUN_RETURN_IF_ERROR(CheckSize(input.size(), kMaxPkcs7Size, "certificate bundle"));
  std::vector<Certificate> out;
  if (!LooksLikePem(input)) {
    SEDUN_ASSIGN_OR_RETURN(Certificate c, Certificate::FromDer(input));
    out.push_back(std::move(c));
    return out;
  }
  SEDUN_ASSIGN_OR_RETURN(std::vector<PemBlock> blocks,
                         PemDecodeAll(AsChars(input), 4 * kMaxBundleCertificates));
  for (const PemBlock& b : blocks) {
    if (b.label != kLabel && b.label != kOldLabel) continue;
    if (out.size() == kMaxBundleCertificates)
      return ResourceExhausted("certificate bundle: too many certificates");
    auto c = Certificate::FromDer(b.der.view());
    if (!c.ok())
      return c.status().Annotate("certificate " + std::to_string(out.size() + 1) + " of the bundle");
    out.push_back(std::move(c).value());
  }
  if (out.empty()) return Malformed("certificate bundle: no CERTIFICATE block");
  return out;
}

std::string CertificatesToPem(const std::vector<Certificate>& certs) {
  std::string out;
  for (const Certificate& c : certs) out += c.ToPem();
  return out;
}

}  // namespace sedun::pki
