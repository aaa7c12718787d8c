// Certificate issuance.
#include "pki/cert_builder.h"

#include <openssl/objects.h>

#include "pki/asn1_util.h"
#include "pki/der_walk.h"
#include "pki/ossl_key.h"
#include "pki/signature.h"

namespace sedun::pki {

using crypto::Sm2PrivateKey;
using crypto::Sm2PublicKey;
using crypto::ossl::EvpMdCtxPtr;
using crypto::ossl::EvpPkeyPtr;

namespace {

Status AddExt(X509* x, int nid, void* value, bool critical, std::string_view name) {
  if (X509_add1_ext_i2d(x, nid, value, critical ? 1 : 0, X509V3_ADD_DEFAULT) != 1) {
    return OsslError("adding " + std::string(name) + " failed");
  }
  return Status::Ok();
}

// An extension whose extnValue we encode ourselves.
Status AddRawExt(X509* x, int nid, bool critical, ByteView value, std::string_view name) {
  Asn1OctetStringPtr os(ASN1_OCTET_STRING_new());
  if (!os || ASN1_OCTET_STRING_set(os.get(), value.data(), static_cast<int>(value.size())) != 1) {
    return OsslError("allocation failed");
  }
  X509ExtensionPtr ext(X509_EXTENSION_create_by_NID(nullptr, nid, critical ? 1 : 0, os.get()));
  if (!ext || X509_add_ext(x, ext.get(), -1) != 1)
    return OsslError("adding " + std::string(name) + " failed");
  return Status::Ok();
}

// BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }
Bytes EncodeBasicConstraints(const BasicConstraints& bc) {
  ByteWriter w;
  const uint8_t flag = bc.ca ? 0xff : 0x00;
  DerWrite(w, der_tag::kBoolean, ByteView(&flag, 1));
  if (bc.ca && bc.path_len) DerWrite(w, der_tag::kInteger, DerUnsignedContents(*bc.path_len));
  return DerEncode(der_tag::kSequence, w.bytes());
}

Status AddKeyUsage(X509* x, uint16_t bits) {
  if (bits == 0 || bits >= (1u << 9)) return InvalidArgument("keyUsage: no bit set or unknown bits");
  Asn1BitStringPtr bs(ASN1_BIT_STRING_new());
  if (!bs) return OsslError("allocation failed");
  for (int i = 0; i <= 8; ++i) {
    if ((bits & (1u << i)) != 0 && ASN1_BIT_STRING_set_bit(bs.get(), i, 1) != 1) return OsslError("keyUsage");
  }
  return AddExt(x, NID_key_usage, bs.get(), true, "keyUsage");
}

Status AddExtKeyUsage(X509* x, const std::vector<std::string>& purposes) {
  ExtKeyUsagePtr eku(sk_ASN1_OBJECT_new_null());
  if (!eku) return OsslError("allocation failed");
  for (const std::string& p : purposes) {
    SEDUN_ASSIGN_OR_RETURN(Asn1ObjectPtr obj, OidFromText(p, "extendedKeyUsage"));
    if (sk_ASN1_OBJECT_push(eku.get(), obj.get()) <= 0) return OsslError("allocation failed");
    (void)obj.release();
  }
  return AddExt(x, NID_ext_key_usage, eku.get(), false, "extendedKeyUsage");
}

Status AddPolicies(X509* x, const std::vector<std::string>& oids) {
  CertPoliciesPtr pols(sk_POLICYINFO_new_null());
  if (!pols) return OsslError("allocation failed");
  for (const std::string& oid : oids) {
    SEDUN_ASSIGN_OR_RETURN(Asn1ObjectPtr obj, OidFromText(oid, "certificatePolicies"));
    PolicyInfoPtr pi(POLICYINFO_new());
    if (!pi) return OsslError("allocation failed");
    ASN1_OBJECT_free(pi->policyid);
    pi->policyid = obj.release();
    if (sk_POLICYINFO_push(pols.get(), pi.get()) <= 0) return OsslError("allocation failed");
    (void)pi.release();
  }
  return AddExt(x, NID_certificate_policies, pols.get(), false, "certificatePolicies");
}

Status AddCrlDistributionPoint(X509* x, const std::vector<std::string>& urls) {
  // RFC 5280 4.2.1.13: several names in one fullName are alternative locations of the same CRL.
  GeneralNamesPtr names(GENERAL_NAMES_new());
  if (!names) return OsslError("allocation failed");
  for (const std::string& url : urls) {
    SEDUN_ASSIGN_OR_RETURN(GeneralNamePtr gn, NewUriGeneralName(url));
    if (sk_GENERAL_NAME_push(names.get(), gn.get()) <= 0) return OsslError("allocation failed");
    (void)gn.release();
  }
  DistPointPtr dp(DIST_POINT_new());
  CrlDistPointsPtr dps(sk_DIST_POINT_new_null());
  if (!dp || !dps || (dp->distpoint = DIST_POINT_NAME_new()) == nullptr)
    return OsslError("allocation failed");
  dp->distpoint->type = 0;  // fullName
  dp->distpoint->name.fullname = names.release();
  if (sk_DIST_POINT_push(dps.get(), dp.get()) <= 0) return OsslError("allocation failed");
  (void)dp.release();
  return AddExt(x, NID_crl_distribution_points, dps.get(), false, "cRLDistributionPoints");
}

Status AddInfoAccess(X509* x, const std::vector<std::string>& ocsp,
                     const std::vector<std::string>& ca_issuers) {
  AiaPtr aia(sk_ACCESS_DESCRIPTION_new_null());
  if (!aia) return OsslError("allocation failed");
  auto add = [&](int method, const std::string& url) -> Status {
    SEDUN_ASSIGN_OR_RETURN(GeneralNamePtr gn, NewUriGeneralName(url));
    AccessDescriptionPtr ad(ACCESS_DESCRIPTION_new());
    if (!ad) return OsslError("allocation failed");
    ASN1_OBJECT_free(ad->method);
    ad->method = OBJ_nid2obj(method);
    GENERAL_NAME_free(ad->location);
    ad->location = gn.release();
    if (sk_ACCESS_DESCRIPTION_push(aia.get(), ad.get()) <= 0) return OsslError("allocation failed");
    (void)ad.release();
    return Status::Ok();
  };
  for (const std::string& u : ocsp) SEDUN_RETURN_IF_ERROR(add(NID_ad_OCSP, u));
  for (const std::string& u : ca_issuers) SEDUN_RETURN_IF_ERROR(add(NID_ad_ca_issuers, u));
  return AddExt(x, NID_info_access, aia.get(), false, "authorityInfoAccess");
}

Status AddKeyIds(X509* x, const CertificateSpec& spec, ByteView subject_key_id, ByteView authority_key_id) {
  if (spec.subject_key_identifier) {
    Asn1OctetStringPtr skid(ASN1_OCTET_STRING_new());
    if (!skid || ASN1_OCTET_STRING_set(skid.get(), subject_key_id.data(),
                                       static_cast<int>(subject_key_id.size())) != 1) {
      return OsslError("allocation failed");
    }
    SEDUN_RETURN_IF_ERROR(AddExt(x, NID_subject_key_identifier, skid.get(), false, "subjectKeyIdentifier"));
  }
  if (spec.authority_key_identifier) {
    AuthorityKeyIdPtr akid(AUTHORITY_KEYID_new());
    Asn1OctetStringPtr id(ASN1_OCTET_STRING_new());
    if (!akid || !id ||
        ASN1_OCTET_STRING_set(id.get(), authority_key_id.data(), static_cast<int>(authority_key_id.size())) !=
            1) {
      return OsslError("allocation failed");
    }
    akid->keyid = id.release();
    SEDUN_RETURN_IF_ERROR(
        AddExt(x, NID_authority_key_identifier, akid.get(), false, "authorityKeyIdentifier"));
  }
  return Status::Ok();
}

Status CheckSpec(const CertificateSpec& spec) {
  size_t first = 0;
  while (first < spec.serial.size() && spec.serial[first] == 0) ++first;
  const size_t len = spec.serial.size() - first;
  if (len == 0 || len > 20) return InvalidArgument("serial must be a positive number of at most 20 octets");
  if (spec.subject.empty()) return InvalidArgument("subject must not be empty");
  if (spec.not_after <= spec.not_before) return InvalidArgument("notAfter must be later than notBefore");
  if (spec.basic_constraints && !spec.basic_constraints->ca && spec.basic_constraints->path_len) {
    return InvalidArgument("pathLenConstraint is only allowed with cA (RFC 5280 4.2.1.9)");
  }
  return Status::Ok();
}

Result<Bytes> KeyId(const Sm2PublicKey& key) { return Sha1Hash(key.point()); }

Result<Certificate> Build(const CertificateSpec& spec, const Sm2PublicKey& subject_key,
                          const X509_NAME* issuer_name, ByteView authority_key_id,
                          const Sm2PrivateKey& signing_key) {
  SEDUN_RETURN_IF_ERROR(CheckSpec(spec));
  X509Ptr x(X509_new());
  if (!x || X509_set_version(x.get(), X509_VERSION_3) != 1) return OsslError("X509_new failed");

  ByteView serial(spec.serial);
  while (serial.size() > 1 && serial[0] == 0) serial = serial.subspan(1);
  SEDUN_ASSIGN_OR_RETURN(Asn1IntegerPtr sn, IntegerFromMagnitude(serial));
  SEDUN_ASSIGN_OR_RETURN(X509NamePtr subject, BuildName(spec.subject));
  SEDUN_ASSIGN_OR_RETURN(Asn1TimePtr nb, ToAsn1Time(spec.not_before));
  SEDUN_ASSIGN_OR_RETURN(Asn1TimePtr na, ToAsn1Time(spec.not_after));
  SEDUN_ASSIGN_OR_RETURN(EvpPkeyPtr pub, ToEvpPkey(subject_key));
  if (X509_set_serialNumber(x.get(), sn.get()) != 1 || X509_set_subject_name(x.get(), subject.get()) != 1 ||
      X509_set_issuer_name(x.get(), issuer_name != nullptr ? issuer_name : subject.get()) != 1 ||
      X509_set1_notBefore(x.get(), nb.get()) != 1 || X509_set1_notAfter(x.get(), na.get()) != 1 ||
      X509_set_pubkey(x.get(), pub.get()) != 1) {
    return OsslError("setting certificate fields failed");
  }

  if (spec.basic_constraints) {
    SEDUN_RETURN_IF_ERROR(AddRawExt(x.get(), NID_basic_constraints, true,
                                    EncodeBasicConstraints(*spec.basic_constraints), "basicConstraints"));
  }
  if (spec.key_usage) SEDUN_RETURN_IF_ERROR(AddKeyUsage(x.get(), *spec.key_usage));
  if (!spec.extended_key_usage.empty())
    SEDUN_RETURN_IF_ERROR(AddExtKeyUsage(x.get(), spec.extended_key_usage));
  SEDUN_ASSIGN_OR_RETURN(Bytes skid, KeyId(subject_key));
  SEDUN_RETURN_IF_ERROR(
      AddKeyIds(x.get(), spec, skid, authority_key_id.empty() ? ByteView(skid) : authority_key_id));
  if (!spec.policy_oids.empty()) SEDUN_RETURN_IF_ERROR(AddPolicies(x.get(), spec.policy_oids));
  if (!spec.crl_distribution_urls.empty()) {
    SEDUN_RETURN_IF_ERROR(AddCrlDistributionPoint(x.get(), spec.crl_distribution_urls));
  }
  if (!spec.ocsp_urls.empty() || !spec.ca_issuer_urls.empty()) {
    SEDUN_RETURN_IF_ERROR(AddInfoAccess(x.get(), spec.ocsp_urls, spec.ca_issuer_urls));
  }

  SEDUN_ASSIGN_OR_RETURN(EvpPkeyPtr signer, ToEvpPkey(signing_key));
  SEDUN_ASSIGN_OR_RETURN(EvpMdCtxPtr md, NewSm2SignContext(signer.get()));
  if (X509_sign_ctx(x.get(), md.get()) <= 0) return OsslError("X509_sign_ctx (SM3withSM2) failed");
  SEDUN_ASSIGN_OR_RETURN(Bytes der, I2d(i2d_X509, x.get(), "certificate"));
  SEDUN_ASSIGN_OR_RETURN(Certificate cert, Certificate::FromDer(der));
  Status check = cert.VerifySignature(signing_key.public_key());
  if (!check.ok()) return Internal("issued certificate does not verify: " + check.message());
  return cert;
}

}  // namespace

Result<Certificate> IssueCertificate(const CertificateSpec& spec, const Sm2PublicKey& subject_key,
                                     const Certificate& issuer, const Sm2PrivateKey& issuer_key) {
  if (!issuer.IsCa()) return FailedPrecondition("issuer certificate is not a CA (basicConstraints cA)");
  SEDUN_ASSIGN_OR_RETURN(Sm2PublicKey issuer_pub, issuer.public_key());
  if (!(issuer_pub == issuer_key.public_key())) {
    return InvalidArgument("issuer key does not match the issuer certificate");
  }
  Bytes akid;
  if (issuer.subject_key_id()) {
    akid = *issuer.subject_key_id();
  } else {
    SEDUN_ASSIGN_OR_RETURN(akid, KeyId(issuer_pub));
  }
  return Build(spec, subject_key, X509_get_subject_name(issuer.native()), akid, issuer_key);
}

Result<Certificate> SelfSignCertificate(const CertificateSpec& spec, const Sm2PrivateKey& key) {
  return Build(spec, key.public_key(), nullptr, ByteView(), key);
}

}  // namespace sedun::pki
