// PKCS#10 parsing, building and assembly.
#include "pki/csr.h"

#include "pki/asn1_util.h"
#include "pki/der_walk.h"
#include "pki/ossl_key.h"
#include "pki/pem.h"
#include "pki/signature.h"

namespace sedun::pki {

using crypto::Sm2PublicKey;
using crypto::ossl::EvpMdCtxPtr;
using crypto::ossl::EvpPkeyPtr;

struct CertificateRequest::Impl {
  X509ReqPtr req;
  Bytes der;
  DistinguishedName subject;
  std::string subject_string;
  Bytes subject_der;
  Result<Sm2PublicKey> public_key{Status(Code::kInternal, "public key not decoded")};
  std::string signature_algorithm;
};

namespace {

constexpr std::string_view kWhat = "certification request";
constexpr std::string_view kLabel = "CERTIFICATE REQUEST";
constexpr std::string_view kOldLabel = "NEW CERTIFICATE REQUEST";

Result<std::shared_ptr<CertificateRequest::Impl>> Decode(ByteView der) {
  SEDUN_RETURN_IF_ERROR(CheckSize(der.size(), kMaxCsrSize, kWhat));
  SEDUN_RETURN_IF_ERROR(SplitSigned(der, kWhat).status());
  auto c = std::make_shared<CertificateRequest::Impl>();
  SEDUN_ASSIGN_OR_RETURN(c->req, D2iExact<X509ReqPtr>(d2i_X509_REQ, der, kWhat));
  X509_REQ* req = c->req.get();
  c->der = ToBytes(der);
  if (X509_REQ_get_version(req) != X509_REQ_VERSION_1)
    return Malformed("certification request: version is not v1 (RFC 2986 4.1)");
  const X509_NAME* subject = X509_REQ_get_subject_name(req);
  SEDUN_ASSIGN_OR_RETURN(c->subject, ReadName(subject, "certification request subject"));
  SEDUN_ASSIGN_OR_RETURN(c->subject_string, NameToString(subject));
  SEDUN_ASSIGN_OR_RETURN(c->subject_der, I2d(i2d_X509_NAME, subject, "certification request subject"));
  const ASN1_BIT_STRING* sig = nullptr;
  const X509_ALGOR* alg = nullptr;
  X509_REQ_get0_signature(req, &sig, &alg);
  c->signature_algorithm = OidToString(alg->algorithm);
  EVP_PKEY* pkey = X509_REQ_get0_pubkey(req);
  if (pkey == nullptr) {
    c->public_key = OsslError("certification request: public key does not decode", Code::kUnsupported);
  } else {
    c->public_key = Sm2PublicKeyFromEvp(pkey);
  }
  ClearErrors();
  return c;
}

Result<X509ReqPtr> NewRequest(const DistinguishedName& subject, const Sm2PublicKey& key) {
  if (subject.empty()) return InvalidArgument("certification request: subject must not be empty");
  X509ReqPtr req(X509_REQ_new());
  SEDUN_ASSIGN_OR_RETURN(X509NamePtr name, BuildName(subject));
  SEDUN_ASSIGN_OR_RETURN(EvpPkeyPtr pkey, ToEvpPkey(key));
  if (!req || X509_REQ_set_version(req.get(), X509_REQ_VERSION_1) != 1 ||
      X509_REQ_set_subject_name(req.get(), name.get()) != 1 ||
      X509_REQ_set_pubkey(req.get(), pkey.get()) != 1) {
    return OsslError("building the certification request failed");
  }
  return req;
}

}  // namespace

Result<CertificateRequest> CertificateRequest::FromDer(ByteView der) {
  auto impl = Decode(der);
  if (!impl.ok()) {
    ClearErrors();
    return impl.status();
  }
  return CertificateRequest(std::move(impl).value());
}

Result<CertificateRequest> CertificateRequest::FromPem(std::string_view pem) {
  SEDUN_RETURN_IF_ERROR(CheckSize(pem.size(), 2 * kMaxCsrSize, kWhat));
  SEDUN_ASSIGN_OR_RETURN(PemBlock block, PemDecodeFirst(pem, {kLabel, kOldLabel}, kWhat));
  return FromDer(block.der.view());
}

Result<CertificateRequest> CertificateRequest::Load(ByteView input) {
  return LooksLikePem(input) ? FromPem(AsChars(input)) : FromDer(input);
}

const Bytes& CertificateRequest::ToDer() const { return impl_->der; }
std::string CertificateRequest::ToPem() const { return PemEncode(kLabel, impl_->der); }
const DistinguishedName& CertificateRequest::subject() const { return impl_->subject; }
const std::string& CertificateRequest::subject_string() const { return impl_->subject_string; }
const Bytes& CertificateRequest::subject_der() const { return impl_->subject_der; }
Result<Sm2PublicKey> CertificateRequest::public_key() const { return impl_->public_key; }
const std::string& CertificateRequest::signature_algorithm() const { return impl_->signature_algorithm; }
X509_req_st* CertificateRequest::native() const { return impl_->req.get(); }

Status CertificateRequest::VerifySelfSignature() const {
  SEDUN_ASSIGN_OR_RETURN(Sm2PublicKey key, impl_->public_key);
  return VerifySignedDer(impl_->der, key, kWhat);
}

Result<Bytes> BuildCsrInfo(const DistinguishedName& subject, const Sm2PublicKey& key) {
  SEDUN_ASSIGN_OR_RETURN(X509ReqPtr req, NewRequest(subject, key));
  return I2d(i2d_re_X509_REQ_tbs, req.get(), "CertificationRequestInfo");
}

Result<CertificateRequest> AssembleCsr(ByteView info_der, ByteView signature_der) {
  SEDUN_RETURN_IF_ERROR(CheckSize(info_der.size(), kMaxCsrSize, "CertificationRequestInfo"));
  SEDUN_RETURN_IF_ERROR(DerParseSingle(info_der, der_tag::kSequence, "CertificationRequestInfo").status());
  // GM/T 0009 §7.3 SM2Signature ::= SEQUENCE { r INTEGER, s INTEGER }.
  SEDUN_RETURN_IF_ERROR(DerParseSingle(signature_der, der_tag::kSequence, "SM2 signature").status());
  SEDUN_ASSIGN_OR_RETURN(CertificateRequest req, CertificateRequest::FromDer(AssembleSigned(
                                                     info_der, Sm3WithSm2AlgorithmId(), signature_der)));
  Status check = req.VerifySelfSignature();
  if (!check.ok()) {
    return VerifyFailed(
        "assembled certification request does not verify (signature must be SM2 with the "
        "default ID over the exact CertificationRequestInfo bytes): " +
        check.message());
  }
  return req;
}

Result<CertificateRequest> CreateCsr(const DistinguishedName& subject, const crypto::Sm2PrivateKey& key) {
  SEDUN_ASSIGN_OR_RETURN(X509ReqPtr req, NewRequest(subject, key.public_key()));
  SEDUN_ASSIGN_OR_RETURN(EvpPkeyPtr pkey, ToEvpPkey(key));
  SEDUN_ASSIGN_OR_RETURN(EvpMdCtxPtr md, NewSm2SignContext(pkey.get()));
  if (X509_REQ_sign_ctx(req.get(), md.get()) <= 0) return OsslError("X509_REQ_sign_ctx (SM3withSM2) failed");
  SEDUN_ASSIGN_OR_RETURN(Bytes der, I2d(i2d_X509_REQ, req.get(), kWhat));
  SEDUN_ASSIGN_OR_RETURN(CertificateRequest out, CertificateRequest::FromDer(der));
  Status check = out.VerifySelfSignature();
  if (!check.ok()) return Internal("created certification request does not verify: " + check.message());
  return out;
}

}  // namespace sedun::pki
