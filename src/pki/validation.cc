// Certificate path validation: path building, then the checks in the order documented in
// validation.h, each a small function returning the first failure of its step.
// Thread-safety: pure functions (the revocation checker is the caller's).
#include "pki/validation.h"

#include <time.h>

#include <algorithm>
#include <array>
#include <utility>

namespace sedun::pki {
namespace {

using std::chrono::sys_seconds;

constexpr std::string_view kSm3WithSm2 = "1.2.156.10197.1.501";
constexpr std::string_view kAnyPolicy = "2.5.29.32.0";
constexpr std::string_view kServerAuthEku = "1.3.6.1.5.5.7.3.1";
constexpr std::string_view kAnyEku = "2.5.29.37.0";

// Extensions whose meaning this validator knows (RFC 5280 4.2: a certificate with any other
// critical extension must be rejected). subjectAltName and issuerAltName only name; they
// restrict nothing, so knowing them is enough.
constexpr std::array<std::string_view, 10> kKnownExtensions = {
    "2.5.29.14",          // subjectKeyIdentifier
    "2.5.29.15",          // keyUsage
    "2.5.29.17",          // subjectAltName
    "2.5.29.18",          // issuerAltName
    "2.5.29.19",          // basicConstraints
    "2.5.29.31",          // cRLDistributionPoints
    "2.5.29.32",          // certificatePolicies
    "2.5.29.35",          // authorityKeyIdentifier
    "2.5.29.37",          // extendedKeyUsage
    "1.3.6.1.5.5.7.1.1",  // authorityInfoAccess
};

constexpr std::array<std::pair<ValidationError, std::string_view>, 15> kCodes = {{
    {ValidationError::kOk, "ok"},
    {ValidationError::kMalformed, "malformed_certificate"},
    {ValidationError::kIssuerMismatch, "issuer_mismatch"},
    {ValidationError::kBadSignature, "bad_signature"},
    {ValidationError::kAlgorithmNotAllowed, "algorithm_not_allowed"},
    {ValidationError::kNotYetValid, "not_yet_valid"},
    {ValidationError::kExpired, "expired"},
    {ValidationError::kKeyUsage, "key_usage"},
    {ValidationError::kUntrustedRoot, "untrusted_root"},
    {ValidationError::kChainIncomplete, "chain_incomplete"},
    {ValidationError::kNotCa, "not_ca"},
    {ValidationError::kPolicy, "policy"},
    {ValidationError::kRevoked, "revoked"},
    {ValidationError::kRevocationUnknown, "revocation_unknown"},
    {ValidationError::kUserMismatch, "user_mismatch"},
}};

struct Failure {
  ValidationError error;
  std::string message;
  std::optional<size_t> index;
};
using Step = std::optional<Failure>;

std::string Name(const Certificate& c) { return "\"" + c.subject_string() + "\""; }

std::string FormatTime(sys_seconds t) {
  const time_t tt = static_cast<time_t>(t.time_since_epoch().count());
  struct tm tm {};
  if (gmtime_r(&tt, &tm) == nullptr) return "?";
  char buf[32];
  if (strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) return "?";
  return buf;
}

ByteView StripZeros(ByteView b) {
  while (!b.empty() && b.front() == 0) b = b.subspan(1);
  return b;
}

bool SameKey(const Certificate& a, const Certificate& b) {
  auto ka = a.public_key();
  auto kb = b.public_key();
  return ka.ok() && kb.ok() && *ka == *kb;
}

// validation.h: DER equality, or subject and SM2 key equality.
const Certificate* FindTrustedRoot(const Certificate& c, const std::vector<Certificate>& roots) {
  for (const Certificate& r : roots) {
    if (r.ToDer() == c.ToDer()) return &r;
  }
  for (const Certificate& r : roots) {
    if (r.subject_der() == c.subject_der() && SameKey(r, c)) return &r;
  }
  return nullptr;
}

bool SignedBy(const Certificate& child, const Certificate& issuer) {
  auto key = issuer.public_key();
  return key.ok() && child.VerifySignature(*key).ok();
}

bool InChain(const std::vector<Certificate>& chain, const Certificate& c) {
  return std::ranges::any_of(chain, [&](const Certificate& x) { return x.ToDer() == c.ToDer(); });
}

// Step 2 (JR/T 7.3.2.2 a, e). Fills `chain` as far as it gets. verified[i] records that the
// signature of chain[i] was checked with chain[i + 1]'s key while choosing the issuer, so step 3
// need not verify it a second time (an SM2 verification is most of a validation's cost).
Step BuildPath(const Certificate& leaf, const ValidationOptions& o, sys_seconds at, std::vector<Certificate>& chain,
               std::vector<bool>& verified) {
  chain = {leaf};
  verified.clear();
  std::vector<const Certificate*> candidates;
  for (const Certificate& c : o.intermediates) candidates.push_back(&c);
  for (const Certificate& c : o.trusted_roots) candidates.push_back(&c);
  for (;;) {
    const size_t i = chain.size() - 1;
    if (const Certificate* root = FindTrustedRoot(chain[i], o.trusted_roots)) {
      // The configured anchor stands for the one received (a re-issued root with the same
      // key); the leaf itself stays as given.
      if (i > 0) chain[i] = *root;
      return std::nullopt;
    }
    const Certificate cur = chain[i];
    if (chain.size() >= o.max_path_length) {
      return Failure{ValidationError::kChainIncomplete,
                     "no trusted root within " + std::to_string(o.max_path_length) + " certificates", i};
    }
    const Certificate* by_name = nullptr;
    const Certificate* by_signature = nullptr;
    int best_score = -1;
    for (const Certificate* c : candidates) {
      if (c->subject_der() != cur.issuer_der() || InChain(chain, *c)) continue;
      if (by_name == nullptr) by_name = c;
      if (!SignedBy(cur, *c)) continue;
      // validation.h: trusted first, then valid now, then the order given.
      const int score = (FindTrustedRoot(*c, o.trusted_roots) != nullptr ? 2 : 0) +
                        (c->not_before() <= at && at <= c->not_after() ? 1 : 0);
      if (score > best_score) {
        best_score = score;
        by_signature = c;
      }
    }
    // A self-issued certificate continues only to a key that signed it (RFC 5280 key rollover);
    // otherwise it is the end of the path, and not a trusted one.
    if (cur.IsSelfIssued() && by_signature == nullptr) {
      return Failure{ValidationError::kUntrustedRoot, Name(cur) + " is not a trusted root", i};
    }
    if (by_name != nullptr) {
      chain.push_back(by_signature != nullptr ? *by_signature : *by_name);
      verified.push_back(by_signature != nullptr);
      continue;
    }
    for (const Certificate* c : candidates) {
      const bool key_id_match =
          cur.authority_key_id() && c->subject_key_id() && *cur.authority_key_id() == *c->subject_key_id();
      if (key_id_match || SignedBy(cur, *c)) {
        return Failure{ValidationError::kIssuerMismatch,
                       "issuer name \"" + cur.issuer_string() + "\" of " + Name(cur) +
                           " differs from the subject of its signer " + Name(*c),
                       i};
      }
    }
    return Failure{ValidationError::kChainIncomplete,
                   "issuer certificate \"" + cur.issuer_string() + "\" of " + Name(cur) + " not found", i};
  }
}

// Step 1 (RFC 5280 4.2).
Step CheckCriticalExtensions(const std::vector<Certificate>& chain) {
  for (size_t i = 0; i < chain.size(); ++i) {
    for (const ExtensionInfo& e : chain[i].extensions()) {
      if (e.critical && std::ranges::find(kKnownExtensions, e.oid) == kKnownExtensions.end()) {
        return Failure{ValidationError::kMalformed, Name(chain[i]) + " has an unrecognised critical extension " + e.oid,
                       i};
      }
    }
  }
  return std::nullopt;
}

// Step 3 (JR/T 7.3.2.2 b; 7.3.2.1 c: state-approved algorithms only).
Step CheckSignatures(const std::vector<Certificate>& chain, const std::vector<bool>& verified) {
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    const Certificate& child = chain[i];
    const Certificate& issuer = chain[i + 1];
    if (child.signature_algorithm() != kSm3WithSm2) {
      return Failure{ValidationError::kAlgorithmNotAllowed,
                     Name(child) + " is signed with " + child.signature_algorithm() + ", not SM3withSM2", i};
    }
    // Checked during path building with this issuer's key (a configured root that replaced the
    // received one has the same key: FindTrustedRoot matches by DER or by subject and key).
    if (i < verified.size() && verified[i]) continue;
    auto key = issuer.public_key();
    if (!key.ok()) {
      return Failure{ValidationError::kAlgorithmNotAllowed, "issuer " + Name(issuer) + " has no SM2 key", i + 1};
    }
    Status st = child.VerifySignature(*key);
    if (st.code() == Code::kUnsupported) {
      return Failure{ValidationError::kAlgorithmNotAllowed, Name(child) + ": " + st.message(), i};
    }
    if (!st.ok()) {
      return Failure{ValidationError::kBadSignature,
                     "signature of " + Name(child) + " by " + Name(issuer) + " does not verify: " + st.message(), i};
    }
  }
  return std::nullopt;
}

bool SelfIssued(const Certificate& c) { return c.IsSelfIssued(); }

// Step 4 (RFC 5280 6.1.4 k, l, m, n).
Step CheckCaRules(const std::vector<Certificate>& chain) {
  for (size_t i = 1; i < chain.size(); ++i) {
    const Certificate& ca = chain[i];
    auto bc = ca.basic_constraints();
    if (!bc || !bc->ca) {
      return Failure{ValidationError::kNotCa, "issuer " + Name(ca) + " is not a CA (basicConstraints)", i};
    }
    auto ku = ca.key_usage();
    if (!ku || (*ku & key_usage::kKeyCertSign) == 0) {
      return Failure{ValidationError::kNotCa, "issuer " + Name(ca) + " may not sign certificates (keyUsage)", i};
    }
    if (bc->path_len) {
      // Intermediates below this CA, not counting self-issued ones (RFC 5280 6.1.4 l).
      const auto below = std::count_if(chain.begin() + 1, chain.begin() + static_cast<std::ptrdiff_t>(i),
                                       [](const Certificate& c) { return !SelfIssued(c); });
      if (static_cast<uint64_t>(below) > *bc->path_len) {
        return Failure{ValidationError::kNotCa,
                       "path length constraint " + std::to_string(*bc->path_len) + " of " + Name(ca) + " exceeded", i};
      }
    }
  }
  return std::nullopt;
}

// Step 5 (JR/T 7.3.2.2 c): every certificate, leaf first.
Step CheckValidity(const std::vector<Certificate>& chain, sys_seconds at) {
  for (size_t i = 0; i < chain.size(); ++i) {
    const Certificate& c = chain[i];
    if (at < c.not_before()) {
      return Failure{ValidationError::kNotYetValid, Name(c) + " is not valid before " + FormatTime(c.not_before()), i};
    }
    if (at > c.not_after()) {
      return Failure{ValidationError::kExpired, Name(c) + " expired at " + FormatTime(c.not_after()), i};
    }
  }
  return std::nullopt;
}

// Step 6 (JR/T 7.3.2.2 d, 7.3.2.1 a, 7.3.3.2 a): rules in validation.h.
Step CheckKeyUsage(const Certificate& leaf, Purpose purpose) {
  if (purpose == Purpose::kAny) return std::nullopt;
  auto ku = leaf.key_usage();
  if (!ku) return Failure{ValidationError::kKeyUsage, Name(leaf) + " has no keyUsage extension", 0};
  uint16_t needed = 0;
  std::string what;
  switch (purpose) {
    case Purpose::kSign:
      needed = key_usage::kDigitalSignature | key_usage::kNonRepudiation;
      what = "signing";
      break;
    case Purpose::kEncrypt:
      needed = key_usage::kKeyEncipherment | key_usage::kDataEncipherment | key_usage::kKeyAgreement;
      what = "encryption";
      break;
    case Purpose::kServerAuth:
      needed = key_usage::kDigitalSignature;
      what = "server authentication";
      break;
    case Purpose::kAny:
      break;
  }
  if ((*ku & needed) == 0) {
    return Failure{ValidationError::kKeyUsage, "keyUsage of " + Name(leaf) + " does not allow " + what, 0};
  }
  if (purpose == Purpose::kServerAuth) {
    const auto& eku = leaf.extended_key_usage();
    if (!eku.empty() && std::ranges::find(eku, kServerAuthEku) == eku.end() &&
        std::ranges::find(eku, kAnyEku) == eku.end()) {
      return Failure{ValidationError::kKeyUsage, "extendedKeyUsage of " + Name(leaf) + " lacks serverAuth", 0};
    }
  }
  return std::nullopt;
}

// Step 7 (JR/T 7.3.2.2 f): the subset described in validation.h.
Step CheckPolicy(const std::vector<Certificate>& chain, const std::vector<std::string>& required) {
  if (required.empty()) return std::nullopt;
  std::vector<std::string> acceptable;
  for (const std::string& p : required) {
    if (std::ranges::find(chain[0].policy_oids(), p) != chain[0].policy_oids().end()) acceptable.push_back(p);
  }
  if (acceptable.empty()) {
    return Failure{ValidationError::kPolicy, Name(chain[0]) + " asserts none of the required policies", 0};
  }
  // Intermediates: all but the leaf and the trust anchor.
  for (size_t i = 1; i + 1 < chain.size(); ++i) {
    const auto& policies = chain[i].policy_oids();
    if (policies.empty() || std::ranges::find(policies, kAnyPolicy) != policies.end()) continue;
    std::erase_if(acceptable, [&](const std::string& p) { return std::ranges::find(policies, p) == policies.end(); });
    if (acceptable.empty()) {
      return Failure{ValidationError::kPolicy, "issuer " + Name(chain[i]) + " does not allow the required policies", i};
    }
  }
  return std::nullopt;
}

std::string DescribeRevocation(const RevocationInfo& info) {
  std::string s = "revoked";
  if (info.revocation_time) s += " at " + FormatTime(*info.revocation_time);
  if (info.reason) s += " (reason " + std::to_string(static_cast<int>(*info.reason)) + ")";
  if (!info.source.empty()) s += " per " + info.source;
  return s;
}

// Step 8 (JR/T 7.3.2.2 g). All certificates in scope are asked; revoked wins over unknown.
Step CheckRevocation(const std::vector<Certificate>& chain, const ValidationOptions& o, sys_seconds at,
                     std::optional<RevocationInfo>& leaf_info) {
  if (!o.check_revocation || chain.size() < 2) return std::nullopt;
  if (o.revocation == nullptr) {
    return Failure{ValidationError::kRevocationUnknown, "no revocation source configured", 0};
  }
  const size_t last = o.revocation_scope == RevocationScope::kLeafOnly ? 1 : chain.size() - 1;
  Step unknown;
  Step revoked;
  for (size_t i = 0; i < last; ++i) {
    Result<RevocationInfo> r = o.revocation->Check(chain[i], chain[i + 1], at);
    if (!r.ok()) {
      if (!unknown) {
        unknown = Failure{ValidationError::kRevocationUnknown,
                          "status of " + Name(chain[i]) + " unknown: " + r.status().message(), i};
      }
      continue;
    }
    if (i == 0) leaf_info = *r;
    if (r->revoked && !revoked) {
      revoked = Failure{ValidationError::kRevoked, Name(chain[i]) + " is " + DescribeRevocation(*r), i};
    }
  }
  return revoked ? revoked : unknown;
}

// Step 9 (JR/T 7.3.2.2 h, 7.3.1.3 c).
Step CheckBinding(const Certificate& leaf, const UserBinding& b) {
  if (b.registered_serials) {
    const ByteView serial = StripZeros(leaf.serial());
    const bool found = std::ranges::any_of(*b.registered_serials,
                                           [&](const Bytes& s) { return std::ranges::equal(StripZeros(s), serial); });
    if (!found) {
      return Failure{ValidationError::kUserMismatch,
                     "certificate serial " + leaf.serial_hex() + " is not registered for the user", 0};
    }
  }
  if (b.expected_subject_der && *b.expected_subject_der != leaf.subject_der()) {
    return Failure{ValidationError::kUserMismatch, "subject " + Name(leaf) + " is not the user's", 0};
  }
  if (b.check) {
    Status st = b.check(leaf);
    if (!st.ok()) return Failure{ValidationError::kUserMismatch, st.message(), 0};
  }
  return std::nullopt;
}

ValidationResult Fail(ValidationResult r, Failure f) {
  r.error = f.error;
  r.message = std::move(f.message);
  r.failed_index = f.index;
  return r;
}

}  // namespace

std::string_view ValidationErrorCode(ValidationError error) {
  for (const auto& [e, code] : kCodes) {
    if (e == error) return code;
  }
  return "unknown";
}

std::optional<ValidationError> ValidationErrorFromCode(std::string_view code) {
  for (const auto& [e, c] : kCodes) {
    if (c == code) return e;
  }
  return std::nullopt;
}

ValidationResult ValidateCertificate(const Certificate& leaf, const ValidationOptions& options) {
  const sys_seconds at =
      options.at ? *options.at : std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  ValidationResult r;
  r.not_after = leaf.not_after();
  // JR/T 6.2.3: "about to expire" is a hint for renewal, reported whatever else fails.
  r.expiring_soon = leaf.not_after() >= at && leaf.not_after() - at <= options.expiring_window;

  std::vector<bool> verified;
  Step built = BuildPath(leaf, options, at, r.chain, verified);
  if (Step f = CheckCriticalExtensions(r.chain)) return Fail(std::move(r), std::move(*f));
  if (built) return Fail(std::move(r), std::move(*built));
  if (Step f = CheckSignatures(r.chain, verified)) return Fail(std::move(r), std::move(*f));
  if (Step f = CheckCaRules(r.chain)) return Fail(std::move(r), std::move(*f));
  if (Step f = CheckValidity(r.chain, at)) return Fail(std::move(r), std::move(*f));
  if (Step f = CheckKeyUsage(r.chain[0], options.purpose)) return Fail(std::move(r), std::move(*f));
  if (Step f = CheckPolicy(r.chain, options.required_policies)) return Fail(std::move(r), std::move(*f));
  if (Step f = CheckRevocation(r.chain, options, at, r.revocation)) return Fail(std::move(r), std::move(*f));
  if (Step f = CheckBinding(r.chain[0], options.binding)) return Fail(std::move(r), std::move(*f));
  return r;
}

ValidationResult ValidateCertificateBytes(ByteView leaf, const ValidationOptions& options) {
  Result<Certificate> cert = Certificate::Load(leaf);
  if (!cert.ok()) {
    ValidationResult r;
    r.error = ValidationError::kMalformed;
    r.message = cert.status().message();
    return r;
  }
  return ValidateCertificate(*cert, options);
}

Status ValidationStatus(const ValidationResult& result) {
  if (result.ok()) return Status::Ok();
  std::string m = std::string(result.code()) + ": " + result.message;
  switch (result.error) {
    case ValidationError::kMalformed:
      return Malformed(std::move(m));
    case ValidationError::kRevocationUnknown:
      return Unavailable(std::move(m));
    default:
      return VerifyFailed(std::move(m));
  }
}

}  // namespace sedun::pki
