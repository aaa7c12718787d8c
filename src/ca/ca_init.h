// Creating and loading the CA's key material: a root CA, an issuing CA signed by it, and a
// service signing certificate issued by the issuing CA (the key the svs role signs login
// challenges and transaction pre-submits with, film-shield 2.3.2-1 (2)).
//
// On-disk layout of a CA directory (written once by InitCa, read by LoadCaKeys):
//   root.pem        root CA certificate            issuing.pem   issuing CA certificate
//   service.pem     service certificate            chain.pem     issuing.pem + root.pem
//   root.key.pem, issuing.key.pem, service.key.pem: PKCS#8 EncryptedPrivateKeyInfo (PBES2,
//   PBKDF2-HMAC-SHA256, SM4-CBC) under the key-encryption passphrase, mode 0600. No private key
//   is ever written in plaintext. Every file is written atomically (temporary file + rename).
// The root key is only needed to sign a new issuing CA, so LoadCaKeys does not decrypt it.
//
// Thread-safety: free functions; CaKeys is an immutable value once loaded.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "base/secret.h"
#include "base/status.h"
#include "crypto/sm2_key.h"
#include "pki/certificate.h"
#include "pki/key_io.h"

namespace sedun::ca {

// A source of "now"; null means the system clock. Tests inject one to move time.
using Clock = std::function<std::chrono::sys_seconds()>;

// Longest validity any sedun certificate may have: some SM2 verifiers refuse more than 3653 days.
inline constexpr int kMaxValidityDays = 3653;

// File names inside a CA directory.
inline constexpr char kRootCertFile[] = "root.pem";
inline constexpr char kRootKeyFile[] = "root.key.pem";
inline constexpr char kIssuingCertFile[] = "issuing.pem";
inline constexpr char kIssuingKeyFile[] = "issuing.key.pem";
inline constexpr char kServiceCertFile[] = "service.pem";
inline constexpr char kServiceKeyFile[] = "service.key.pem";
inline constexpr char kChainFile[] = "chain.pem";

struct CaInitOptions {
  std::string dir;         // created if missing (mode 0700); refused if it already holds a CA
  SecretBytes passphrase;  // key-encryption passphrase, not empty (see ReadPassphraseFile)
  // Subjects in OpenSSL -subj form (pki::ParseSlashName).
  std::string root_subject = "/C=CN/O=sedun/CN=sedun Root CA";
  std::string issuing_subject = "/C=CN/O=sedun/CN=sedun Issuing CA";
  std::string service_subject = "/C=CN/O=sedun/CN=sedun Service";
  // Validity in days: root < kMaxValidityDays, issuing <= root, service <= issuing (and each
  // certificate ends no later than its issuer).
  int root_validity_days = 3650;
  int issuing_validity_days = 1825;
  int service_validity_days = 730;
  // Certificate-policy OID for the issuing CA and the service certificate; empty: none in the
  // issuing CA, kDefaultPolicyOid in the service certificate (as CaConfig).
  std::string policy_oid;
  // The CA role's public base URL (as CaConfig::public_base_url): when set, the service
  // certificate carries <base>/v1/ca/crl and <base>/v1/ca/ocsp like every issued certificate.
  std::string public_base_url;
  uint32_t pbkdf2_iterations = pki::kDefaultPbkdf2Iterations;
  Clock clock;
};

// Paths of what InitCa wrote.
struct CaInitResult {
  std::string root_cert;
  std::string issuing_cert;
  std::string service_cert;
  std::string chain;
};

// Creates the three key pairs and certificates in options.dir. AlreadyExists when the directory
// already holds any of the CA files (nothing is overwritten); InvalidArgument for bad subjects,
// validity or an empty passphrase; Io for file-system failures.
Result<CaInitResult> InitCa(const CaInitOptions& options);

// The certificates and decrypted keys the running CA needs.
struct CaKeys {
  pki::Certificate root;
  pki::Certificate issuing;
  crypto::Sm2PrivateKey issuing_key;
  pki::Certificate service;
  crypto::Sm2PrivateKey service_key;
};

// Loads a directory written by InitCa. A wrong passphrase is VerifyFailed ("wrong CA key
// passphrase"); an unencrypted key file is refused (FailedPrecondition), never used; a key that
// does not match its certificate, or an issuing CA not signed by the root, is FailedPrecondition.
Result<CaKeys> LoadCaKeys(const std::string& dir, const SecretBytes& passphrase);

// Reads a key-encryption passphrase (or key) file: its content with one trailing "\n" or "\r\n"
// removed. InvalidArgument when empty or longer than 1024 bytes.
Result<SecretBytes> ReadPassphraseFile(const std::string& path);

}  // namespace sedun::ca
