// PKCS#10 certification requests (RFC 2986) with SM2 keys and SM3withSM2 signatures.
//
// Two ways to sign:
//  - CreateCsr signs with a private key held in this process.
//  - BuildCsrInfo + AssembleCsr for keys held elsewhere (the secure element signs inside the
//    card): the host builds the DER CertificationRequestInfo, has it signed as an SM2
//    signature over those exact bytes with the GM/T 0009 default ID (ZA, then SM3), and
//    assembles the request from the DER SM2Signature. Assembly verifies the result, so a
//    signature made with the wrong ID or key is caught on the host, not by the CA.
// Both produce the same CertificationRequestInfo for the same subject and key.
//
// Verification uses the default ID on the received bytes; `openssl req -verify` needs
// `-vfyopt distid:1234567812345678` to agree (OpenSSL 3.0 otherwise uses an empty ID).
// Immutable; copies share one decoded object and are safe across threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/status.h"
#include "crypto/sm2_key.h"
#include "pki/pki_types.h"

struct X509_req_st;  // OpenSSL's X509_REQ

namespace sedun::pki {

class CertificateRequest {
 public:
  // Malformed (naming "certification request") for anything that does not parse, trailing bytes
  // or a version other than v1 (0).
  static Result<CertificateRequest> FromDer(ByteView der);
  // PEM "CERTIFICATE REQUEST" (or the older "NEW CERTIFICATE REQUEST").
  static Result<CertificateRequest> FromPem(std::string_view pem);
  static Result<CertificateRequest> Load(ByteView input);

  const Bytes& ToDer() const;
  std::string ToPem() const;

  const DistinguishedName& subject() const;
  const std::string& subject_string() const;  // RFC 2253 form, UTF-8
  const Bytes& subject_der() const;
  // Unsupported when the request carries a non-SM2 key.
  Result<crypto::Sm2PublicKey> public_key() const;
  const std::string& signature_algorithm() const;  // dotted OID

  // The request's signature under its own public key with the default ID. Unsupported for
  // non-SM2 keys or algorithms other than SM3withSM2; VerifyFailed when it does not verify.
  Status VerifySelfSignature() const;

  // The underlying OpenSSL object (do not modify).
  X509_req_st* native() const;

  struct Impl;

 private:
  explicit CertificateRequest(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// DER CertificationRequestInfo (version 0, subject, SubjectPublicKeyInfo, empty attributes):
// the bytes to sign.
Result<Bytes> BuildCsrInfo(const DistinguishedName& subject, const crypto::Sm2PublicKey& key);
// Request from a CertificationRequestInfo and a DER SM2Signature over it (default ID).
// Malformed for bad DER; VerifyFailed when the signature does not verify under the request's key.
Result<CertificateRequest> AssembleCsr(ByteView info_der, ByteView signature_der);
// BuildCsrInfo + signing with `key` in process.
Result<CertificateRequest> CreateCsr(const DistinguishedName& subject, const crypto::Sm2PrivateKey& key);

}  // namespace sedun::pki
