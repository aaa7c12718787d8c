// Test helpers for path validation and revocation: options over the TestChain of
// pki_test_util.h, certificates issued by its CA, CRLs, and an in-process OCSP responder built
// with OcspResponseBuilder that can be told to misbehave. Test-only, header-only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "pki/crl.h"
#include "pki/ocsp.h"
#include "pki/ocsp_builder.h"
#include "pki/pki_test_util.h"
#include "pki/revocation.h"
#include "pki/validation.h"

namespace sedun::pki::testing {

// Roots {root}, intermediates {ca}, purpose kSign, revocation not checked, a 7-day expiry
// window (the TestChain leaf lives 30 days, so it is not "expiring soon").
inline ValidationOptions BaseOptions(const TestChain& c) {
  ValidationOptions o;
  o.trusted_roots = {c.root};
  o.intermediates = {c.ca};
  o.check_revocation = false;
  o.expiring_window = std::chrono::days(7);
  return o;
}

// A certificate for a fresh key issued by the chain's CA.
inline Certificate IssueByCa(const TestChain& c, const CertificateSpec& spec) {
  return IssueCertificate(spec, NewKey().public_key(), c.ca, c.ca_key).value();
}

inline Crl MakeCrl(const Certificate& issuer, const crypto::Sm2PrivateKey& key, std::vector<RevokedCertificate> revoked,
                   std::chrono::sys_seconds this_update, std::chrono::sys_seconds next_update, uint8_t number = 1) {
  CrlBuilder b;
  b.set_this_update(this_update).set_next_update(next_update).set_crl_number({number});
  for (auto& r : revoked) b.AddRevoked(std::move(r));
  return b.Sign(issuer, key).value();
}

// Fresh, empty CRLs of root and CA: every certificate of the chain is good.
inline std::vector<Crl> GoodCrls(const TestChain& c) {
  const auto now = Now();
  return {MakeCrl(c.root, c.root_key, {}, now - std::chrono::hours(1), now + std::chrono::days(1)),
          MakeCrl(c.ca, c.ca_key, {}, now - std::chrono::hours(1), now + std::chrono::days(1))};
}

// An OCSP responder for the TestChain: answers for the leaf (signed by the CA) and for the CA
// (signed by the root), with statuses and faults set by the test.
struct TestOcspResponder {
  enum class Fault { kNone, kWrongNonce, kNoNonce, kBadSignature, kStale, kUnsuccessful };

  explicit TestOcspResponder(const TestChain* c) : chain(c) {}

  const TestChain* chain;
  OcspCertStatus leaf_status = OcspCertStatus::kGood;
  OcspCertStatus ca_status = OcspCertStatus::kGood;
  Fault fault = Fault::kNone;
  // A delegated responder for the leaf's answers (instead of the CA itself).
  std::optional<Certificate> delegate;
  const crypto::Sm2PrivateKey* delegate_key = nullptr;
  int requests = 0;
  std::string last_url;
  std::vector<std::string> urls;  // every request's URL, in order

  Result<Bytes> operator()(const std::string& url, ByteView der) {
    ++requests;
    last_url = url;
    urls.push_back(url);
    SEDUN_ASSIGN_OR_RETURN(OcspRequest req, OcspRequest::FromDer(der));
    if (fault == Fault::kUnsuccessful) {
      SEDUN_ASSIGN_OR_RETURN(OcspResponse r, OcspResponseBuilder::Unsuccessful(OcspResponseStatus::kTryLater));
      return r.ToDer();
    }
    const OcspCertId& id = req.cert_ids().at(0);
    const bool for_leaf = id.serial == chain->leaf.serial();
    const auto now = Now();
    OcspSingleResponse single{id,           for_leaf ? leaf_status : ca_status, std::nullopt,
                              std::nullopt, now - std::chrono::minutes(1),      now + std::chrono::hours(1)};
    if (fault == Fault::kStale) {
      single.this_update = now - std::chrono::days(2);
      single.next_update = now - std::chrono::days(1);
    }
    if (single.status == OcspCertStatus::kRevoked) {
      single.revocation_time = now - std::chrono::hours(2);
      single.revocation_reason = RevocationReason::kKeyCompromise;
    }
    OcspResponseBuilder b;
    b.AddResponse(single);
    // Without certificates the signature is the last field, so the fault can flip its last byte.
    if (fault == Fault::kBadSignature) b.set_include_responder_certificate(false);
    if (req.nonce() && fault != Fault::kNoNonce) {
      Bytes nonce = *req.nonce();
      if (fault == Fault::kWrongNonce) nonce[0] ^= 1;
      b.set_nonce(nonce);
    }
    Result<OcspResponse> resp = Status(Code::kInternal, "unset");
    if (for_leaf && delegate) {
      resp = b.Sign(*delegate, *delegate_key);
    } else if (for_leaf) {
      resp = b.Sign(chain->ca, chain->ca_key);
    } else {
      resp = b.Sign(chain->root, chain->root_key);
    }
    if (!resp.ok()) return resp.status();
    Bytes out = resp->ToDer();
    // The last byte of a DER OCSPResponse is the last byte of the signature's s INTEGER.
    if (fault == Fault::kBadSignature) out.back() ^= 0x01;
    return out;
  }
};

}  // namespace sedun::pki::testing
