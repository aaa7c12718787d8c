// CRL parsing, verification and building.
#include "pki/crl.h"

#include <algorithm>
#include <set>

#include "pki/asn1_util.h"
#include "pki/der_walk.h"
#include "pki/ossl_key.h"
#include "pki/pem.h"
#include "pki/signature.h"

namespace sedun::pki {

using crypto::Sm2PublicKey;
using crypto::ossl::EvpMdCtxPtr;
using crypto::ossl::EvpPkeyPtr;

struct Crl::Impl {
  X509CrlPtr crl;
  Bytes der;
  int version = 0;
  DistinguishedName issuer;
  std::string issuer_string;
  Bytes issuer_der;
  std::chrono::sys_seconds this_update{};
  std::optional<std::chrono::sys_seconds> next_update;
  std::optional<Bytes> crl_number, authority_key_id;
  std::vector<RevokedCertificate> revoked;
  std::vector<ExtensionInfo> extensions;
  std::string signature_algorithm;
};

namespace {

constexpr std::string_view kWhat = "CRL";
constexpr std::string_view kLabel = "X509 CRL";

ByteView StripZeros(ByteView v) {
  while (v.size() > 1 && v[0] == 0) v = v.subspan(1);
  return v;
}

Result<RevokedCertificate> DecodeEntry(const X509_REVOKED* rev) {
  RevokedCertificate e;
  SEDUN_ASSIGN_OR_RETURN(e.serial,
                         IntegerMagnitude(X509_REVOKED_get0_serialNumber(rev), "CRL entry serial number"));
  SEDUN_ASSIGN_OR_RETURN(e.revocation_time,
                         FromAsn1Time(X509_REVOKED_get0_revocationDate(rev), "CRL entry revocationDate"));
  SEDUN_RETURN_IF_ERROR(ReadExtensions(X509_REVOKED_get0_extensions(rev), "CRL entry").status());
  int crit = -1;
  void* decoded = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, &crit, nullptr);
  SEDUN_ASSIGN_OR_RETURN(Asn1EnumeratedPtr reason,
                         ExtD2iResult<Asn1EnumeratedPtr>(decoded, crit, "CRL entry reasonCode"));
  if (reason) {
    int64_t code = -1;
    if (ASN1_ENUMERATED_get_int64(&code, reason.get()) != 1) code = -1;
    e.reason = RevocationReasonFromCode(code);
    if (!e.reason) {
      ClearErrors();
      return Malformed("CRL entry reasonCode " + std::to_string(code) + " is not an RFC 5280 5.3.1 value");
    }
  }
  return e;
}

Result<std::shared_ptr<Crl::Impl>> Decode(ByteView der) {
  SEDUN_RETURN_IF_ERROR(CheckSize(der.size(), kMaxCrlSize, kWhat));
  SEDUN_RETURN_IF_ERROR(SplitSigned(der, kWhat).status());
  auto c = std::make_shared<Crl::Impl>();
  SEDUN_ASSIGN_OR_RETURN(c->crl, D2iExact<X509CrlPtr>(d2i_X509_CRL, der, kWhat));
  X509_CRL* crl = c->crl.get();
  c->der = ToBytes(der);
  const long version = X509_CRL_get_version(crl);
  if (version < 0 || version > 1) return Malformed("CRL: invalid version");
  c->version = static_cast<int>(version) + 1;

  const X509_NAME* issuer = X509_CRL_get_issuer(crl);
  SEDUN_ASSIGN_OR_RETURN(c->issuer, ReadName(issuer, "CRL issuer"));
  SEDUN_ASSIGN_OR_RETURN(c->issuer_string, NameToString(issuer));
  SEDUN_ASSIGN_OR_RETURN(c->issuer_der, I2d(i2d_X509_NAME, issuer, "CRL issuer"));
  SEDUN_ASSIGN_OR_RETURN(c->this_update, FromAsn1Time(X509_CRL_get0_lastUpdate(crl), "CRL thisUpdate"));
  if (const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl); next != nullptr) {
    SEDUN_ASSIGN_OR_RETURN(c->next_update, FromAsn1Time(next, "CRL nextUpdate"));
  }
  const ASN1_BIT_STRING* sig = nullptr;
  const X509_ALGOR* alg = nullptr;
  X509_CRL_get0_signature(crl, &sig, &alg);
  c->signature_algorithm = OidToString(alg->algorithm);

  SEDUN_ASSIGN_OR_RETURN(c->extensions, ReadExtensions(X509_CRL_get0_extensions(crl), kWhat));
  if (!c->extensions.empty() && c->version != 2)
    return Malformed("CRL: extensions in a v1 CRL (RFC 5280 5.1.2.1)");
  int crit = -1;
  void* decoded = X509_CRL_get_ext_d2i(crl, NID_crl_number, &crit, nullptr);
  SEDUN_ASSIGN_OR_RETURN(Asn1IntegerPtr number, ExtD2iResult<Asn1IntegerPtr>(decoded, crit, "cRLNumber"));
  if (number) {
    SEDUN_ASSIGN_OR_RETURN(c->crl_number, IntegerMagnitude(number.get(), "cRLNumber"));
  }
  crit = -1;
  decoded = X509_CRL_get_ext_d2i(crl, NID_authority_key_identifier, &crit, nullptr);
  SEDUN_ASSIGN_OR_RETURN(AuthorityKeyIdPtr akid,
                         ExtD2iResult<AuthorityKeyIdPtr>(decoded, crit, "authorityKeyIdentifier"));
  if (akid && akid->keyid != nullptr) {
    c->authority_key_id = ToBytes(
        ByteView(ASN1_STRING_get0_data(akid->keyid), static_cast<size_t>(ASN1_STRING_length(akid->keyid))));
  }

  const STACK_OF(X509_REVOKED)* list = X509_CRL_get_REVOKED(crl);
  for (int i = 0; i < sk_X509_REVOKED_num(list); ++i) {
    auto entry = DecodeEntry(sk_X509_REVOKED_value(list, i));
    if (!entry.ok()) return entry.status();
    c->revoked.push_back(std::move(entry).value());
  }
  return c;
}

}  // namespace

Result<Crl> Crl::FromDer(ByteView der) {
  auto impl = Decode(der);
  if (!impl.ok()) {
    ClearErrors();
    return impl.status();
  }
  return Crl(std::move(impl).value());
}

Result<Crl> Crl::FromPem(std::string_view pem) {
  SEDUN_RETURN_IF_ERROR(CheckSize(pem.size(), 2 * kMaxCrlSize, kWhat));
  SEDUN_ASSIGN_OR_RETURN(PemBlock block, PemDecodeFirst(pem, {kLabel}, kWhat));
  return FromDer(block.der.view());
}

Result<Crl> Crl::Load(ByteView input) {
  return LooksLikePem(input) ? FromPem(AsChars(input)) : FromDer(input);
}

const Bytes& Crl::ToDer() const { return impl_->der; }
std::string Crl::ToPem() const { return PemEncode(kLabel, impl_->der); }
int Crl::version() const { return impl_->version; }
const DistinguishedName& Crl::issuer() const { return impl_->issuer; }
const std::string& Crl::issuer_string() const { return impl_->issuer_string; }
const Bytes& Crl::issuer_der() const { return impl_->issuer_der; }
std::chrono::sys_seconds Crl::this_update() const { return impl_->this_update; }
std::optional<std::chrono::sys_seconds> Crl::next_update() const { return impl_->next_update; }
const std::optional<Bytes>& Crl::crl_number() const { return impl_->crl_number; }
const std::optional<Bytes>& Crl::authority_key_id() const { return impl_->authority_key_id; }
const std::vector<RevokedCertificate>& Crl::revoked() const { return impl_->revoked; }
const std::vector<ExtensionInfo>& Crl::extensions() const { return impl_->extensions; }
const std::string& Crl::signature_algorithm() const { return impl_->signature_algorithm; }
X509_crl_st* Crl::native() const { return impl_->crl.get(); }

const RevokedCertificate* Crl::Find(ByteView serial) const {
  ByteView want = StripZeros(serial);
  for (const RevokedCertificate& e : impl_->revoked) {
    if (std::ranges::equal(StripZeros(e.serial), want)) return &e;
  }
  return nullptr;
}

Status Crl::VerifySignature(const Sm2PublicKey& issuer_key) const {
  SEDUN_ASSIGN_OR_RETURN(SignedParts parts, SplitSigned(impl_->der, kWhat));
  SEDUN_ASSIGN_OR_RETURN(ByteView inner, CrlTbsAlgorithm(parts.tbs));
  if (!std::ranges::equal(inner, parts.algorithm)) {
    return Malformed("CRL: TBSCertList.signature differs from signatureAlgorithm (RFC 5280 5.1.1.2)");
  }
  return VerifySignedDer(impl_->der, issuer_key, kWhat);
}

Status Crl::VerifySignature(const Certificate& issuer) const {
  if (impl_->issuer_der != issuer.subject_der()) {
    return VerifyFailed("CRL issuer \"" + impl_->issuer_string + "\" is not \"" + issuer.subject_string() +
                        "\"");
  }
  SEDUN_ASSIGN_OR_RETURN(Sm2PublicKey key, issuer.public_key());
  return VerifySignature(key);
}

CrlBuilder& CrlBuilder::set_this_update(std::chrono::sys_seconds t) {
  this_update_ = t;
  return *this;
}
CrlBuilder& CrlBuilder::set_next_update(std::chrono::sys_seconds t) {
  next_update_ = t;
  return *this;
}
CrlBuilder& CrlBuilder::set_crl_number(Bytes magnitude) {
  crl_number_ = std::move(magnitude);
  return *this;
}
CrlBuilder& CrlBuilder::AddRevoked(RevokedCertificate entry) {
  revoked_.push_back(std::move(entry));
  return *this;
}

namespace {

Status AddEntry(X509_CRL* crl, const RevokedCertificate& e) {
  ByteView serial = StripZeros(e.serial);
  if (serial.empty() || serial.size() > 20) return InvalidArgument("CRL entry: serial must be 1..20 octets");
  if (e.reason == RevocationReason::kRemoveFromCrl) {
    return InvalidArgument("CRL entry: removeFromCRL is only for delta CRLs (RFC 5280 5.3.1)");
  }
  SEDUN_ASSIGN_OR_RETURN(Asn1IntegerPtr sn, IntegerFromMagnitude(serial));
  SEDUN_ASSIGN_OR_RETURN(Asn1TimePtr when, ToAsn1Time(e.revocation_time));
  X509RevokedPtr rev(X509_REVOKED_new());
  if (!rev || X509_REVOKED_set_serialNumber(rev.get(), sn.get()) != 1 ||
      X509_REVOKED_set_revocationDate(rev.get(), when.get()) != 1) {
    return OsslError("building a CRL entry failed");
  }
  if (e.reason && *e.reason != RevocationReason::kUnspecified) {
    Asn1EnumeratedPtr code(ASN1_ENUMERATED_new());
    if (!code || ASN1_ENUMERATED_set(code.get(), static_cast<long>(*e.reason)) != 1 ||
        X509_REVOKED_add1_ext_i2d(rev.get(), NID_crl_reason, code.get(), 0, X509V3_ADD_DEFAULT) != 1) {
      return OsslError("adding reasonCode failed");
    }
  }
  if (X509_CRL_add0_revoked(crl, rev.get()) != 1) return OsslError("X509_CRL_add0_revoked failed");
  (void)rev.release();
  return Status::Ok();
}

}  // namespace

Result<Crl> CrlBuilder::Sign(const Certificate& issuer, const crypto::Sm2PrivateKey& issuer_key) const {
  if (!this_update_ || !next_update_) return InvalidArgument("CRL: thisUpdate and nextUpdate are required");
  if (*next_update_ <= *this_update_) return InvalidArgument("CRL: nextUpdate must be after thisUpdate");
  ByteView number = StripZeros(crl_number_);
  if (number.empty() || number.size() > 20)
    return InvalidArgument("CRL: cRLNumber must be 1..20 octets (RFC 5280 5.2.3)");
  std::set<Bytes> serials;
  for (const RevokedCertificate& e : revoked_) {
    if (!serials.insert(ToBytes(StripZeros(e.serial))).second)
      return InvalidArgument("CRL: duplicate serial");
  }
  if (issuer.key_usage() && (*issuer.key_usage() & key_usage::kCrlSign) == 0) {
    return FailedPrecondition("CRL issuer's keyUsage lacks cRLSign (RFC 5280 4.2.1.3)");
  }
  SEDUN_ASSIGN_OR_RETURN(Sm2PublicKey issuer_pub, issuer.public_key());
  if (!(issuer_pub == issuer_key.public_key()))
    return InvalidArgument("CRL: issuer key does not match the issuer certificate");

  X509CrlPtr crl(X509_CRL_new());
  SEDUN_ASSIGN_OR_RETURN(Asn1TimePtr this_update, ToAsn1Time(*this_update_));
  SEDUN_ASSIGN_OR_RETURN(Asn1TimePtr next_update, ToAsn1Time(*next_update_));
  if (!crl || X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.native())) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), this_update.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next_update.get()) != 1) {
    return OsslError("building the CRL failed");
  }
  for (const RevokedCertificate& e : revoked_) SEDUN_RETURN_IF_ERROR(AddEntry(crl.get(), e));
  if (X509_CRL_sort(crl.get()) != 1) return OsslError("X509_CRL_sort failed");

  SEDUN_ASSIGN_OR_RETURN(Asn1IntegerPtr number_int, IntegerFromMagnitude(number));
  if (X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number_int.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return OsslError("adding cRLNumber failed");
  }
  Bytes key_id;
  if (issuer.subject_key_id()) {
    key_id = *issuer.subject_key_id();
  } else {
    SEDUN_ASSIGN_OR_RETURN(key_id, Sha1Hash(issuer_pub.point()));
  }
  AuthorityKeyIdPtr akid(AUTHORITY_KEYID_new());
  Asn1OctetStringPtr id(ASN1_OCTET_STRING_new());
  if (!akid || !id || ASN1_OCTET_STRING_set(id.get(), key_id.data(), static_cast<int>(key_id.size())) != 1) {
    return OsslError("allocation failed");
  }
  akid->keyid = id.release();
  if (X509_CRL_add1_ext_i2d(crl.get(), NID_authority_key_identifier, akid.get(), 0, X509V3_ADD_DEFAULT) !=
      1) {
    return OsslError("adding authorityKeyIdentifier failed");
  }

  SEDUN_ASSIGN_OR_RETURN(EvpPkeyPtr signer, ToEvpPkey(issuer_key));
  SEDUN_ASSIGN_OR_RETURN(EvpMdCtxPtr md, NewSm2SignContext(signer.get()));
  if (X509_CRL_sign_ctx(crl.get(), md.get()) <= 0) return OsslError("X509_CRL_sign_ctx (SM3withSM2) failed");
  SEDUN_ASSIGN_OR_RETURN(Bytes der, I2d(i2d_X509_CRL, crl.get(), kWhat));
  SEDUN_ASSIGN_OR_RETURN(Crl out, Crl::FromDer(der));
  Status check = out.VerifySignature(issuer_pub);
  if (!check.ok()) return Internal("signed CRL does not verify: " + check.message());
  return out;
}

}  // namespace sedun::pki
