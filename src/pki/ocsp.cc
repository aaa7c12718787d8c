// OCSP CertIDs, requests and response parsing.
#include "pki/ocsp.h"

#include <openssl/objects.h>

#include <array>

#include "pki/asn1_util.h"
#include "pki/der_walk.h"
#include "pki/ocsp_util.h"
#include "pki/signature.h"

namespace sedun::pki {

using crypto::Sm2PublicKey;

namespace {

// AlgorithmIdentifiers of the CertID hash.
constexpr std::array<uint8_t, 11> kSha1AlgId = {0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
                                                0x03, 0x02, 0x1a, 0x05, 0x00};
constexpr std::array<uint8_t, 12> kSm3AlgId = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x81,
                                               0x1c, 0xcf, 0x55, 0x01, 0x83, 0x11};
// id-pkix-ocsp-basic 1.3.6.1.5.5.7.48.1.1
constexpr std::array<uint8_t, 9> kOcspBasicOid = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01};

size_t HashSize(OcspHashAlgorithm h) { return h == OcspHashAlgorithm::kSha1 ? 20 : 32; }

Result<Bytes> Hash(OcspHashAlgorithm h, ByteView data) {
  if (h == OcspHashAlgorithm::kSha1) return Sha1Hash(data);
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm3Digest d, crypto::Sm3Hash(data));
  return Bytes(d.begin(), d.end());
}

ByteView StripZeros(ByteView v) {
  while (v.size() > 1 && v[0] == 0) v = v.subspan(1);
  return v;
}

Bytes OctetBytes(const ASN1_STRING* s) {
  return ToBytes(ByteView(ASN1_STRING_get0_data(s), static_cast<size_t>(ASN1_STRING_length(s))));
}

constexpr std::string_view kResponse = "OCSP response";

}  // namespace

Result<Bytes> EncodeOcspCertId(const OcspCertId& id) {
  const size_t n = HashSize(id.hash);
  if (id.issuer_name_hash.size() != n || id.issuer_key_hash.size() != n) {
    return InvalidArgument("OCSP CertID: hash length does not match the hash algorithm");
  }
  ByteView serial = StripZeros(id.serial);
  if (serial.empty() || serial.size() > 64)
    return InvalidArgument("OCSP CertID: serial must be 1..64 octets");
  ByteWriter w;
  w.PutBytes(id.hash == OcspHashAlgorithm::kSha1 ? ByteView(kSha1AlgId) : ByteView(kSm3AlgId));
  DerWrite(w, der_tag::kOctetString, id.issuer_name_hash);
  DerWrite(w, der_tag::kOctetString, id.issuer_key_hash);
  Bytes integer;
  if ((serial[0] & 0x80) != 0) integer.push_back(0);
  integer.insert(integer.end(), serial.begin(), serial.end());
  DerWrite(w, der_tag::kInteger, integer);
  return DerEncode(der_tag::kSequence, w.bytes());
}

Result<OcspCertIdPtr> ToOsslCertId(const OcspCertId& id) {
  SEDUN_ASSIGN_OR_RETURN(Bytes der, EncodeOcspCertId(id));
  return D2iExact<OcspCertIdPtr>(d2i_OCSP_CERTID, der, "OCSP CertID");
}

Result<OcspCertId> FromOsslCertId(const OCSP_CERTID* cid) {
  ASN1_OCTET_STRING* name_hash = nullptr;
  ASN1_OBJECT* md = nullptr;
  ASN1_OCTET_STRING* key_hash = nullptr;
  ASN1_INTEGER* serial = nullptr;
  if (OCSP_id_get0_info(&name_hash, &md, &key_hash, &serial, const_cast<OCSP_CERTID*>(cid)) != 1) {
    return OsslError("OCSP CertID does not decode", Code::kMalformed);
  }
  OcspCertId id;
  switch (OBJ_obj2nid(md)) {
    case NID_sha1:
      id.hash = OcspHashAlgorithm::kSha1;
      break;
    case NID_sm3:
      id.hash = OcspHashAlgorithm::kSm3;
      break;
    default:
      return Unsupported("OCSP CertID hash " + OidToString(md) + " is neither SHA-1 nor SM3");
  }
  id.issuer_name_hash = OctetBytes(name_hash);
  id.issuer_key_hash = OctetBytes(key_hash);
  if (id.issuer_name_hash.size() != HashSize(id.hash) || id.issuer_key_hash.size() != HashSize(id.hash)) {
    return Malformed("OCSP CertID: hash length does not match the hash algorithm");
  }
  SEDUN_ASSIGN_OR_RETURN(id.serial, IntegerMagnitude(serial, "OCSP CertID serial number"));
  return id;
}

Bytes NonceFromExtension(const X509_EXTENSION* ext) {
  Bytes raw = OctetBytes(X509_EXTENSION_get_data(const_cast<X509_EXTENSION*>(ext)));
  auto inner = DerParseSingle(raw, der_tag::kOctetString, "nonce");
  return inner.ok() ? ToBytes(inner->contents) : raw;
}

Result<OcspCertId> MakeOcspCertId(const Certificate& issuer, ByteView serial, OcspHashAlgorithm hash) {
  // RFC 6960 4.1.1: issuerKeyHash covers the BIT STRING value of subjectPublicKey, without tag,
  // length and unused-bits octet.
  const ASN1_BIT_STRING* key = X509_get0_pubkey_bitstr(issuer.native());
  if (key == nullptr) return OsslError("issuer certificate has no public key", Code::kInvalidArgument);
  OcspCertId id;
  id.hash = hash;
  SEDUN_ASSIGN_OR_RETURN(id.issuer_name_hash, Hash(hash, issuer.subject_der()));
  SEDUN_ASSIGN_OR_RETURN(id.issuer_key_hash, Hash(hash, OctetBytes(key)));
  id.serial = ToBytes(StripZeros(serial));
  SEDUN_RETURN_IF_ERROR(EncodeOcspCertId(id).status());
  return id;
}

Result<OcspCertId> MakeOcspCertId(const Certificate& cert, const Certificate& issuer,
                                  OcspHashAlgorithm hash) {
  if (cert.issuer_der() != issuer.subject_der()) {
    return InvalidArgument("OCSP CertID: \"" + issuer.subject_string() + "\" is not the issuer of \"" +
                           cert.subject_string() + "\"");
  }
  return MakeOcspCertId(issuer, cert.serial(), hash);
}

Result<OcspRequest> OcspRequest::FromDer(ByteView der) {
  constexpr std::string_view what = "OCSP request";
  SEDUN_RETURN_IF_ERROR(CheckSize(der.size(), kMaxOcspSize, what));
  auto parsed = D2iExact<OcspRequestPtr>(d2i_OCSP_REQUEST, der, what);
  if (!parsed.ok()) {
    ClearErrors();
    return parsed.status();
  }
  OCSP_REQUEST* req = parsed->get();
  OcspRequest out;
  out.der_ = ToBytes(der);
  const int n = OCSP_request_onereq_count(req);
  if (n <= 0) return Malformed("OCSP request: empty requestList");
  if (static_cast<size_t>(n) > kMaxOcspRequestEntries)
    return ResourceExhausted("OCSP request: too many entries");
  for (int i = 0; i < n; ++i) {
    auto id = FromOsslCertId(OCSP_onereq_get0_id(OCSP_request_onereq_get0(req, i)));
    if (!id.ok()) {
      ClearErrors();
      return id.status().Annotate(what);
    }
    out.ids_.push_back(std::move(id).value());
  }
  const int idx = OCSP_REQUEST_get_ext_by_NID(req, NID_id_pkix_OCSP_Nonce, -1);
  if (idx >= 0) {
    if (OCSP_REQUEST_get_ext_by_NID(req, NID_id_pkix_OCSP_Nonce, idx) >= 0) {
      return Malformed("OCSP request: duplicate nonce extension");
    }
    out.nonce_ = NonceFromExtension(OCSP_REQUEST_get_ext(req, idx));
  }
  out.signed_ = OCSP_request_is_signed(req) != 0;
  ClearErrors();
  return out;
}

Result<OcspRequest> OcspRequest::Create(const std::vector<OcspCertId>& ids, std::optional<Bytes> nonce) {
  if (ids.empty() || ids.size() > kMaxOcspRequestEntries)
    return InvalidArgument("OCSP request: 1..1000 CertIDs");
  if (nonce && (nonce->empty() || nonce->size() > kMaxOcspNonceSize)) {
    return InvalidArgument("OCSP request: nonce must be 1..32 octets (RFC 8954)");
  }
  OcspRequestPtr req(OCSP_REQUEST_new());
  if (!req) return OsslError("OCSP_REQUEST_new failed");
  for (const OcspCertId& id : ids) {
    SEDUN_ASSIGN_OR_RETURN(OcspCertIdPtr cid, ToOsslCertId(id));
    if (OCSP_request_add0_id(req.get(), cid.get()) == nullptr)
      return OsslError("OCSP_request_add0_id failed");
    (void)cid.release();  // owned by the request now
  }
  if (nonce && OCSP_request_add1_nonce(req.get(), nonce->data(), static_cast<int>(nonce->size())) != 1) {
    return OsslError("adding the OCSP nonce failed");
  }
  SEDUN_ASSIGN_OR_RETURN(Bytes der, I2d(i2d_OCSP_REQUEST, req.get(), "OCSP request"));
  return FromDer(der);
}

class OcspResponseParser {
 public:
  static Result<OcspResponse> Parse(ByteView der);

 private:
  static Status ParseBasic(OcspResponse* out);
};

Result<OcspResponse> OcspResponseParser::Parse(ByteView der) {
  SEDUN_RETURN_IF_ERROR(CheckSize(der.size(), kMaxOcspSize, kResponse));
  // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED,
  //                             responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
  // ResponseBytes ::= SEQUENCE { responseType OBJECT IDENTIFIER, response OCTET STRING }
  SEDUN_ASSIGN_OR_RETURN(DerElement outer, DerParseSingle(der, der_tag::kSequence, kResponse));
  ByteReader r(outer.contents);
  DerElement status, wrapper;
  if (!DerReadTagged(r, der_tag::kEnumerated, &status) || status.contents.size() != 1) {
    return Malformed("OCSP response: bad responseStatus");
  }
  const uint8_t code = status.contents[0];
  if (code > 6 || code == 4)
    return Malformed("OCSP response: unknown responseStatus " + std::to_string(code));
  OcspResponse out;
  out.der_ = ToBytes(der);
  out.status_ = static_cast<OcspResponseStatus>(code);
  const bool has_bytes = DerReadTagged(r, der_tag::ContextConstructed(0), &wrapper);
  SEDUN_RETURN_IF_ERROR(r.ExpectEnd(kResponse));
  if (has_bytes != (out.status_ == OcspResponseStatus::kSuccessful)) {
    return Malformed("OCSP response: responseBytes must be present exactly when the status is successful");
  }
  // OpenSSL must agree that this is an OCSPResponse (the walk above only checked the frame).
  auto parsed = D2iExact<OcspResponsePtr>(d2i_OCSP_RESPONSE, der, kResponse);
  if (!parsed.ok()) return parsed.status();
  if (!has_bytes) return out;

  SEDUN_ASSIGN_OR_RETURN(DerElement bytes,
                         DerParseSingle(wrapper.contents, der_tag::kSequence, "OCSP responseBytes"));
  ByteReader rb(bytes.contents);
  DerElement type, octets;
  if (!DerReadTagged(rb, der_tag::kOid, &type) || !DerReadTagged(rb, der_tag::kOctetString, &octets) ||
      !rb.empty()) {
    return Malformed("OCSP response: bad responseBytes");
  }
  if (!std::ranges::equal(type.contents, kOcspBasicOid)) {
    return Unsupported("OCSP response: response type is not id-pkix-ocsp-basic");
  }
  out.basic_der_ = ToBytes(octets.contents);
  SEDUN_RETURN_IF_ERROR(ParseBasic(&out));
  return out;
}

Status OcspResponseParser::ParseBasic(OcspResponse* out) {
  // BasicOCSPResponse ::= SEQUENCE { tbsResponseData, signatureAlgorithm, signature BIT STRING,
  //                                  certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
  SEDUN_RETURN_IF_ERROR(SplitSigned(out->basic_der_, kResponse, true).status());
  SEDUN_ASSIGN_OR_RETURN(OcspBasicPtr bs,
                         D2iExact<OcspBasicPtr>(d2i_OCSP_BASICRESP, out->basic_der_, kResponse));
  out->signature_algorithm_ = OidToString(OCSP_resp_get0_tbs_sigalg(bs.get())->algorithm);

  const ASN1_OCTET_STRING* key_hash = nullptr;
  const X509_NAME* name = nullptr;
  if (OCSP_resp_get0_id(bs.get(), &key_hash, &name) != 1)
    return OsslError("OCSP response: bad responderID", Code::kMalformed);
  if (key_hash != nullptr) out->responder_key_hash_ = OctetBytes(key_hash);
  if (name != nullptr) {
    SEDUN_ASSIGN_OR_RETURN(Bytes name_der, I2d(i2d_X509_NAME, name, "OCSP responderID"));
    out->responder_name_der_ = std::move(name_der);
  }
  SEDUN_ASSIGN_OR_RETURN(out->produced_at_,
                         FromAsn1Time(OCSP_resp_get0_produced_at(bs.get()), "OCSP producedAt"));

  const int n = OCSP_resp_count(bs.get());
  if (static_cast<size_t>(n) > kMaxOcspRequestEntries)
    return ResourceExhausted("OCSP response: too many entries");
  for (int i = 0; i < n; ++i) {
    OCSP_SINGLERESP* single = OCSP_resp_get0(bs.get(), i);
    OcspSingleResponse s;
    SEDUN_ASSIGN_OR_RETURN(s.cert_id, FromOsslCertId(OCSP_SINGLERESP_get0_id(single)));
    int reason = OCSP_REVOKED_STATUS_NOSTATUS;
    ASN1_GENERALIZEDTIME* revtime = nullptr;
    ASN1_GENERALIZEDTIME* thisupd = nullptr;
    ASN1_GENERALIZEDTIME* nextupd = nullptr;
    switch (OCSP_single_get0_status(single, &reason, &revtime, &thisupd, &nextupd)) {
      case V_OCSP_CERTSTATUS_GOOD:
        s.status = OcspCertStatus::kGood;
        break;
      case V_OCSP_CERTSTATUS_REVOKED:
        s.status = OcspCertStatus::kRevoked;
        break;
      case V_OCSP_CERTSTATUS_UNKNOWN:
        s.status = OcspCertStatus::kUnknown;
        break;
      default:
        return Malformed("OCSP response: bad certStatus");
    }
    if (s.status == OcspCertStatus::kRevoked) {
      SEDUN_ASSIGN_OR_RETURN(s.revocation_time, FromAsn1Time(revtime, "OCSP revocationTime"));
      if (reason != OCSP_REVOKED_STATUS_NOSTATUS) {
        s.revocation_reason = RevocationReasonFromCode(reason);
        if (!s.revocation_reason) return Malformed("OCSP response: revocationReason outside RFC 5280 5.3.1");
      }
    }
    SEDUN_ASSIGN_OR_RETURN(s.this_update, FromAsn1Time(thisupd, "OCSP thisUpdate"));
    if (nextupd != nullptr) {
      SEDUN_ASSIGN_OR_RETURN(s.next_update, FromAsn1Time(nextupd, "OCSP nextUpdate"));
    }
    out->responses_.push_back(std::move(s));
  }

  const int idx = OCSP_BASICRESP_get_ext_by_NID(bs.get(), NID_id_pkix_OCSP_Nonce, -1);
  if (idx >= 0) {
    if (OCSP_BASICRESP_get_ext_by_NID(bs.get(), NID_id_pkix_OCSP_Nonce, idx) >= 0) {
      return Malformed("OCSP response: duplicate nonce extension");
    }
    out->nonce_ = NonceFromExtension(OCSP_BASICRESP_get_ext(bs.get(), idx));
  }

  const STACK_OF(X509)* certs = OCSP_resp_get0_certs(bs.get());
  for (int i = 0; i < sk_X509_num(certs); ++i) {
    SEDUN_ASSIGN_OR_RETURN(Bytes cert_der,
                           I2d(i2d_X509, sk_X509_value(certs, i), "OCSP response certificate"));
    auto cert = Certificate::FromDer(cert_der);
    if (!cert.ok()) return cert.status().Annotate("OCSP response certificate " + std::to_string(i + 1));
    out->certificates_.push_back(std::move(cert).value());
  }
  return Status::Ok();
}

Result<OcspResponse> OcspResponse::FromDer(ByteView der) {
  auto out = OcspResponseParser::Parse(der);
  if (!out.ok()) ClearErrors();
  return out;
}

const OcspSingleResponse* OcspResponse::Find(const OcspCertId& id) const {
  for (const OcspSingleResponse& s : responses_) {
    if (s.cert_id.hash == id.hash && s.cert_id.issuer_name_hash == id.issuer_name_hash &&
        s.cert_id.issuer_key_hash == id.issuer_key_hash &&
        std::ranges::equal(StripZeros(s.cert_id.serial), StripZeros(id.serial))) {
      return &s;
    }
  }
  return nullptr;
}

Status OcspResponse::VerifySignature(const Sm2PublicKey& responder_key) const {
  if (status_ != OcspResponseStatus::kSuccessful) {
    return FailedPrecondition("OCSP response is not successful: it carries no signature");
  }
  return VerifySignedDer(basic_der_, responder_key, kResponse, true);
}

Status OcspResponse::VerifySignature(const Certificate& responder) const {
  if (status_ != OcspResponseStatus::kSuccessful) {
    return FailedPrecondition("OCSP response is not successful: it carries no signature");
  }
  if (responder_name_der_ && *responder_name_der_ != responder.subject_der()) {
    return VerifyFailed("OCSP responderID (byName) does not name \"" + responder.subject_string() + "\"");
  }
  if (responder_key_hash_) {
    // RFC 6960 4.2.1: KeyHash is the SHA-1 of the subjectPublicKey BIT STRING value.
    const ASN1_BIT_STRING* key = X509_get0_pubkey_bitstr(responder.native());
    if (key == nullptr) return InvalidArgument("responder certificate has no public key");
    SEDUN_ASSIGN_OR_RETURN(Bytes hash, Sha1Hash(OctetBytes(key)));
    if (hash != *responder_key_hash_) {
      return VerifyFailed("OCSP responderID (byKey) does not match \"" + responder.subject_string() + "\"");
    }
  }
  SEDUN_ASSIGN_OR_RETURN(Sm2PublicKey key, responder.public_key());
  return VerifySignature(key);
}

}  // namespace sedun::pki
