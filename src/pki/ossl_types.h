// unique_ptr aliases for the OpenSSL objects pki/ handles (X.509, PKCS#7, OCSP, ASN.1, BIO).
// pki-internal: only pki/*.cc and tests include this.
// Thread-safety: ownership wrappers only.
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/ocsp.h>
#include <openssl/param_build.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "crypto/ossl/ossl_util.h"

namespace sedun::pki {

// Calls the OpenSSL free function F; every OpenSSL free function accepts null.
template <auto F>
struct OsslFree {
  template <typename T>
  void operator()(T* p) const {
    F(p);
  }
};

using X509Ptr = std::unique_ptr<X509, OsslFree<X509_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, OsslFree<X509_REQ_free>>;
using X509CrlPtr = std::unique_ptr<X509_CRL, OsslFree<X509_CRL_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, OsslFree<X509_NAME_free>>;
using X509RevokedPtr = std::unique_ptr<X509_REVOKED, OsslFree<X509_REVOKED_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, OsslFree<X509_EXTENSION_free>>;
using X509AlgorPtr = std::unique_ptr<X509_ALGOR, OsslFree<X509_ALGOR_free>>;
using X509SigPtr = std::unique_ptr<X509_SIG, OsslFree<X509_SIG_free>>;
using Pkcs8Ptr = std::unique_ptr<PKCS8_PRIV_KEY_INFO, OsslFree<PKCS8_PRIV_KEY_INFO_free>>;
using Pbe2ParamPtr = std::unique_ptr<PBE2PARAM, OsslFree<PBE2PARAM_free>>;
using Pbkdf2ParamPtr = std::unique_ptr<PBKDF2PARAM, OsslFree<PBKDF2PARAM_free>>;
using Pkcs7Ptr = std::unique_ptr<PKCS7, OsslFree<PKCS7_free>>;
using OcspRequestPtr = std::unique_ptr<OCSP_REQUEST, OsslFree<OCSP_REQUEST_free>>;
using OcspResponsePtr = std::unique_ptr<OCSP_RESPONSE, OsslFree<OCSP_RESPONSE_free>>;
using OcspBasicPtr = std::unique_ptr<OCSP_BASICRESP, OsslFree<OCSP_BASICRESP_free>>;
using OcspCertIdPtr = std::unique_ptr<OCSP_CERTID, OsslFree<OCSP_CERTID_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OsslFree<ASN1_INTEGER_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, OsslFree<ASN1_TIME_free>>;
using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, OsslFree<ASN1_OBJECT_free>>;
using Asn1OctetStringPtr = std::unique_ptr<ASN1_OCTET_STRING, OsslFree<ASN1_OCTET_STRING_free>>;
using Asn1BitStringPtr = std::unique_ptr<ASN1_BIT_STRING, OsslFree<ASN1_BIT_STRING_free>>;
using Asn1EnumeratedPtr = std::unique_ptr<ASN1_ENUMERATED, OsslFree<ASN1_ENUMERATED_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, OsslFree<GENERAL_NAME_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OsslFree<GENERAL_NAMES_free>>;
using BasicConstraintsPtr = std::unique_ptr<BASIC_CONSTRAINTS, OsslFree<BASIC_CONSTRAINTS_free>>;
using ExtKeyUsagePtr = std::unique_ptr<EXTENDED_KEY_USAGE, OsslFree<EXTENDED_KEY_USAGE_free>>;
using CertPoliciesPtr = std::unique_ptr<CERTIFICATEPOLICIES, OsslFree<CERTIFICATEPOLICIES_free>>;
using PolicyInfoPtr = std::unique_ptr<POLICYINFO, OsslFree<POLICYINFO_free>>;
using CrlDistPointsPtr = std::unique_ptr<CRL_DIST_POINTS, OsslFree<CRL_DIST_POINTS_free>>;
using DistPointPtr = std::unique_ptr<DIST_POINT, OsslFree<DIST_POINT_free>>;
using AiaPtr = std::unique_ptr<AUTHORITY_INFO_ACCESS, OsslFree<AUTHORITY_INFO_ACCESS_free>>;
using AccessDescriptionPtr = std::unique_ptr<ACCESS_DESCRIPTION, OsslFree<ACCESS_DESCRIPTION_free>>;
using AuthorityKeyIdPtr = std::unique_ptr<AUTHORITY_KEYID, OsslFree<AUTHORITY_KEYID_free>>;
using BioPtr = std::unique_ptr<BIO, OsslFree<BIO_free>>;
using OsslParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, OsslFree<OSSL_PARAM_BLD_free>>;
using OsslParamPtr = std::unique_ptr<OSSL_PARAM, OsslFree<OSSL_PARAM_free>>;

}  // namespace sedun::pki
