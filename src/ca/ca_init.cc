// `sedun-server ca init` and the loading of the CA directory at start (see ca_init.h).
// Keys are generated here, written only as PBES2/SM4-CBC encrypted PKCS#8, and never logged.
// Thread-safety: free functions; two InitCa calls on one directory race (the last rename wins).
#include "ca/ca_init.h"

#include <sys/stat.h>

#include <filesystem>
#include <system_error>

#include "base/file.h"
#include "ca/ca_internal.h"
#include "pki/cert_builder.h"
#include "pki/name.h"

namespace sedun::ca {
namespace {

using std::chrono::days;
using std::chrono::sys_seconds;

// The CA certificates are backdated a little less than end-entity ones are, for clock skew.
constexpr std::chrono::seconds kCaBackdate{600};
constexpr size_t kMaxPassphraseSize = 1024;  // as pki::EncryptPrivateKeyToDer accepts

std::string PathIn(const std::string& dir, const char* name) { return dir + "/" + name; }

std::string_view Passphrase(const SecretBytes& p) { return AsChars(p.view()); }

Status CheckCaDays(int days_value, int max, std::string_view what) {
  if (days_value < 1 || days_value > max) {
    return InvalidArgument(std::string(what) + " validity must be 1.." + std::to_string(max) + " days");
  }
  return Status::Ok();
}

Status WriteKey(const std::string& path, const crypto::Sm2PrivateKey& key, const CaInitOptions& o) {
  SEDUN_ASSIGN_OR_RETURN(std::string pem,
                         pki::EncryptPrivateKeyToPem(key, Passphrase(o.passphrase), o.pbkdf2_iterations));
  return WriteFileAtomic(path, AsBytes(pem), 0600);
}

Status WriteCert(const std::string& path, const std::string& pem) {
  return WriteFileAtomic(path, AsBytes(pem), 0644);
}

Result<pki::DistinguishedName> Subject(const std::string& text, std::string_view what) {
  auto dn = pki::ParseSlashName(text);
  if (!dn.ok()) return InvalidArgument(std::string(what) + " subject: " + dn.status().message());
  SEDUN_RETURN_IF_ERROR(internal::CheckSubject(*dn).Annotate(what));
  return dn;
}

Status CheckOptions(const CaInitOptions& o) {
  if (o.dir.empty()) return InvalidArgument("CA directory must be given");
  if (o.passphrase.empty() || o.passphrase.size() > kMaxPassphraseSize) {
    return InvalidArgument("key-encryption passphrase must be 1..1024 bytes");
  }
  SEDUN_RETURN_IF_ERROR(CheckCaDays(o.root_validity_days, kMaxValidityDays - 1, "root CA"));
  SEDUN_RETURN_IF_ERROR(CheckCaDays(o.issuing_validity_days, o.root_validity_days, "issuing CA"));
  SEDUN_RETURN_IF_ERROR(CheckCaDays(o.service_validity_days, o.issuing_validity_days, "service"));
  if (o.pbkdf2_iterations < pki::kMinPbkdf2Iterations || o.pbkdf2_iterations > pki::kMaxPbkdf2Iterations) {
    return InvalidArgument("PBKDF2 iteration count out of range");
  }
  return Status::Ok();
}

Status PrepareDirectory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError("cannot create the CA directory: " + ec.message());
  if (!std::filesystem::is_directory(dir, ec)) return IoError("the CA path is not a directory");
  for (const char* name : {kRootCertFile, kRootKeyFile, kIssuingCertFile, kIssuingKeyFile, kServiceCertFile,
                           kServiceKeyFile, kChainFile}) {
    if (std::filesystem::exists(PathIn(dir, name), ec)) {
      return AlreadyExists(std::string("the CA directory is already initialised (") + name + " exists)");
    }
  }
  // Owner only: the directory holds the (encrypted) keys.
  if (chmod(dir.c_str(), 0700) != 0) return IoError("cannot restrict the CA directory's permissions");
  return Status::Ok();
}

pki::CertificateSpec CaSpec(pki::DistinguishedName subject, Bytes serial, sys_seconds not_before,
                            sys_seconds not_after, std::optional<uint32_t> path_len, const std::string& policy) {
  namespace ku = pki::key_usage;
  pki::CertificateSpec spec;
  spec.serial = std::move(serial);
  spec.subject = std::move(subject);
  spec.not_before = not_before;
  spec.not_after = not_after;
  spec.basic_constraints = pki::BasicConstraints{true, path_len};  // critical (cert_builder)
  // digitalSignature too: the issuing CA signs OCSP responses itself (RFC 6960 4.2.2.2).
  spec.key_usage = ku::kKeyCertSign | ku::kCrlSign | ku::kDigitalSignature;
  if (!policy.empty()) spec.policy_oids = {policy};
  return spec;
}

}  // namespace

Result<CaInitResult> InitCa(const CaInitOptions& o) {
  SEDUN_RETURN_IF_ERROR(CheckOptions(o));
  SEDUN_ASSIGN_OR_RETURN(pki::DistinguishedName root_dn, Subject(o.root_subject, "root CA"));
  SEDUN_ASSIGN_OR_RETURN(pki::DistinguishedName issuing_dn, Subject(o.issuing_subject, "issuing CA"));
  SEDUN_ASSIGN_OR_RETURN(pki::DistinguishedName service_dn, Subject(o.service_subject, "service"));
  SEDUN_RETURN_IF_ERROR(PrepareDirectory(o.dir));

  const sys_seconds now = internal::NowFrom(o.clock);
  const sys_seconds not_before = now - kCaBackdate;

  SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PrivateKey root_key, crypto::Sm2PrivateKey::Generate());
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PrivateKey issuing_key, crypto::Sm2PrivateKey::Generate());
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PrivateKey service_key, crypto::Sm2PrivateKey::Generate());

  // Validity spans stay within kMaxValidityDays including the backdate, and each certificate
  // ends no later than its issuer.
  SEDUN_ASSIGN_OR_RETURN(Bytes root_serial, internal::NewSerial());
  const sys_seconds root_end = now + days(o.root_validity_days);
  SEDUN_ASSIGN_OR_RETURN(pki::Certificate root,
                         pki::SelfSignCertificate(CaSpec(root_dn, std::move(root_serial), not_before, root_end,
                                                         std::nullopt, std::string()),
                                                  root_key));

  SEDUN_ASSIGN_OR_RETURN(Bytes issuing_serial, internal::NewSerial());
  const sys_seconds issuing_end = std::min(now + days(o.issuing_validity_days), root.not_after());
  SEDUN_ASSIGN_OR_RETURN(pki::Certificate issuing,
                         pki::IssueCertificate(CaSpec(issuing_dn, std::move(issuing_serial), not_before,
                                                      issuing_end, 0u, o.policy_oid),
                                               issuing_key.public_key(), root, root_key));

  // The service certificate: the server profile, as IssueDirect would make it.
  CaConfig config;
  if (!o.policy_oid.empty()) config.policy_oid = o.policy_oid;
  config.backdate = kCaBackdate;
  SEDUN_ASSIGN_OR_RETURN(Bytes service_serial, internal::NewSerial());
  pki::CertificateSpec service_spec =
      internal::EndEntitySpec(config, "", "", Profile::kServer, service_dn, std::move(service_serial), now,
                              o.service_validity_days);
  service_spec.crl_distribution_urls.clear();
  service_spec.ocsp_urls.clear();
  if (!o.public_base_url.empty()) {
    service_spec.crl_distribution_urls = {o.public_base_url + "/v1/ca/crl"};
    service_spec.ocsp_urls = {o.public_base_url + "/v1/ca/ocsp"};
  }
  service_spec.not_after = std::min(service_spec.not_after, issuing.not_after());
  SEDUN_ASSIGN_OR_RETURN(pki::Certificate service,
                         pki::IssueCertificate(service_spec, service_key.public_key(), issuing, issuing_key));

  // Keys first, certificates after, the chain last: a directory with chain.pem is complete.
  SEDUN_RETURN_IF_ERROR(WriteKey(PathIn(o.dir, kRootKeyFile), root_key, o));
  SEDUN_RETURN_IF_ERROR(WriteKey(PathIn(o.dir, kIssuingKeyFile), issuing_key, o));
  SEDUN_RETURN_IF_ERROR(WriteKey(PathIn(o.dir, kServiceKeyFile), service_key, o));
  CaInitResult out{PathIn(o.dir, kRootCertFile), PathIn(o.dir, kIssuingCertFile), PathIn(o.dir, kServiceCertFile),
                   PathIn(o.dir, kChainFile)};
  SEDUN_RETURN_IF_ERROR(WriteCert(out.root_cert, root.ToPem()));
  SEDUN_RETURN_IF_ERROR(WriteCert(out.issuing_cert, issuing.ToPem()));
  SEDUN_RETURN_IF_ERROR(WriteCert(out.service_cert, service.ToPem()));
  SEDUN_RETURN_IF_ERROR(WriteCert(out.chain, issuing.ToPem() + root.ToPem()));
  return out;
}

namespace {

Result<pki::Certificate> LoadCert(const std::string& dir, const char* name) {
  auto bytes = ReadFile(PathIn(dir, name), 1 << 20);
  if (!bytes.ok()) return bytes.status().Annotate(std::string("CA file ") + name);
  auto cert = pki::Certificate::Load(*bytes);
  if (!cert.ok()) return cert.status().Annotate(std::string("CA file ") + name);
  return cert;
}

Result<crypto::Sm2PrivateKey> LoadKey(const std::string& dir, const char* name, const SecretBytes& passphrase,
                                      const pki::Certificate& cert) {
  auto file = ReadFile(PathIn(dir, name), 1 << 20);
  if (!file.ok()) return file.status().Annotate(std::string("CA file ") + name);
  SecretBytes bytes(*file);
  SecureWipe(file->data(), file->size());
  // Only an encrypted key is acceptable: a plaintext one means the directory was tampered with
  // or written by something else, and using it would keep a plaintext key on disk.
  std::string_view text = AsChars(bytes.view());
  const size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || text.substr(start).rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----", 0) != 0) {
    return FailedPrecondition(std::string("CA key file ") + name + " is not an encrypted private key");
  }
  auto key = pki::LoadPrivateKey(bytes.view(), Passphrase(passphrase));
  if (!key.ok()) {
    if (key.status().code() == Code::kVerifyFailed) {
      return VerifyFailed(std::string("wrong CA key passphrase (") + name + ")");
    }
    return key.status().Annotate(std::string("CA key file ") + name);
  }
  auto pub = cert.public_key();
  if (!pub.ok() || !(*pub == key->public_key())) {
    return FailedPrecondition(std::string("CA key file ") + name + " does not match its certificate");
  }
  return key;
}

}  // namespace

Result<CaKeys> LoadCaKeys(const std::string& dir, const SecretBytes& passphrase) {
  if (passphrase.empty()) return InvalidArgument("key-encryption passphrase must not be empty");
  SEDUN_ASSIGN_OR_RETURN(pki::Certificate root, LoadCert(dir, kRootCertFile));
  SEDUN_ASSIGN_OR_RETURN(pki::Certificate issuing, LoadCert(dir, kIssuingCertFile));
  SEDUN_ASSIGN_OR_RETURN(pki::Certificate service, LoadCert(dir, kServiceCertFile));
  if (!root.IsCa() || !root.IsSelfIssued() || !root.VerifySignature(root).ok()) {
    return FailedPrecondition("root.pem is not a self-signed CA certificate");
  }
  if (!issuing.IsCa() || !issuing.VerifySignature(root).ok()) {
    return FailedPrecondition("issuing.pem is not a CA certificate signed by the root");
  }
  if (!service.VerifySignature(issuing).ok()) {
    return FailedPrecondition("service.pem is not signed by the issuing CA");
  }
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PrivateKey issuing_key, LoadKey(dir, kIssuingKeyFile, passphrase, issuing));
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PrivateKey service_key, LoadKey(dir, kServiceKeyFile, passphrase, service));
  return CaKeys{std::move(root), std::move(issuing), std::move(issuing_key), std::move(service),
                std::move(service_key)};
}

Result<SecretBytes> ReadPassphraseFile(const std::string& path) {
  auto file = ReadFile(path, kMaxPassphraseSize + 2);
  if (!file.ok()) return file.status().Annotate("passphrase file");
  SecretBytes p(*file);
  SecureWipe(file->data(), file->size());
  size_t n = p.size();
  if (n > 0 && p[n - 1] == '\n') {
    --n;
    if (n > 0 && p[n - 1] == '\r') --n;
  }
  p.Resize(n);
  if (p.empty()) return InvalidArgument("passphrase file is empty");
  if (p.size() > kMaxPassphraseSize) return InvalidArgument("passphrase file is longer than 1024 bytes");
  return p;
}

}  // namespace sedun::ca
