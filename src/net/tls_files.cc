// Self-signed TLS certificate for out-of-the-box HTTPS (see tls_files.h).
// Thread-safety: no shared state.
#include "net/tls_files.h"

#include <arpa/inet.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/file.h"
#include "base/secret.h"
#include "net/tls_context.h"

namespace sedun::net {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(GENERAL_NAMES* p) const { GENERAL_NAMES_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
template <typename T>
using Ptr = std::unique_ptr<T, Free>;

constexpr long kValiditySeconds = 825L * 24 * 3600;

Status Fail(const std::string& what) {
  std::string detail = DrainOpenSslErrors();
  return CryptoError("self-signed TLS certificate: " + what + (detail.empty() ? "" : ": " + detail));
}

// A DNS name made of letters, digits, '-', '.' and a leading "*." at most; anything else is
// refused rather than put into a certificate.
bool ValidDnsName(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Status AddName(GENERAL_NAMES* names, const std::string& host) {
  unsigned char ip[16];
  GENERAL_NAME* gn = GENERAL_NAME_new();
  if (gn == nullptr) return Fail("GENERAL_NAME_new");
  int ip_len = 0;
  if (inet_pton(AF_INET, host.c_str(), ip) == 1) {
    ip_len = 4;
  } else if (inet_pton(AF_INET6, host.c_str(), ip) == 1) {
    ip_len = 16;
  }
  ASN1_STRING* value = ASN1_OCTET_STRING_new();
  bool ok = value != nullptr;
  if (ok && ip_len > 0) {
    ok = ASN1_OCTET_STRING_set(value, ip, ip_len) == 1;
    if (ok) GENERAL_NAME_set0_value(gn, GEN_IPADD, value);
  } else if (ok) {
    if (!ValidDnsName(host)) {
      ASN1_STRING_free(value);
      GENERAL_NAME_free(gn);
      return InvalidArgument("self-signed TLS certificate: bad host name '" + host + "'");
    }
    ASN1_STRING_free(value);
    value = ASN1_IA5STRING_new();
    ok = value != nullptr &&
         ASN1_STRING_set(value, host.data(), static_cast<int>(host.size())) == 1;
    if (ok) GENERAL_NAME_set0_value(gn, GEN_DNS, value);
  }
  if (!ok) {
    ASN1_STRING_free(value);
    GENERAL_NAME_free(gn);
    return Fail("subject alternative name");
  }
  if (sk_GENERAL_NAME_push(names, gn) <= 0) {
    GENERAL_NAME_free(gn);
    return Fail("subject alternative name list");
  }
  return Status::Ok();
}

Status AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Ptr<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) return Fail(std::string("extension ") + value);
  return Status::Ok();
}

Result<std::string> BioText(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || data == nullptr) return Fail("PEM output");
  return std::string(data, static_cast<size_t>(len));
}

Status Create(const TlsFiles& files, const std::vector<std::string>& hostnames) {
  Ptr<EVP_PKEY> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return Fail("P-256 key generation");
  Ptr<X509> cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) return Fail("X509_new");

  // 127-bit positive random serial (RFC 5280 4.1.2.2: positive, at most 20 octets).
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof(serial)) != 1) return Fail("random serial");
  serial[0] &= 0x7F;
  serial[0] |= 0x01;
  Ptr<BIGNUM> bn(BN_bin2bn(serial, sizeof(serial), nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return Fail("serial");
  }
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValiditySeconds) == nullptr) {
    return Fail("validity");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  static const unsigned char kCn[] = "sedun-server";
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, kCn, -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key.get()) != 1) {
    return Fail("names");
  }
  Ptr<GENERAL_NAMES> names(sk_GENERAL_NAME_new_null());
  if (!names) return Fail("names");
  std::vector<std::string> all = {"localhost", "127.0.0.1", "::1"};
  for (const std::string& h : hostnames) {
    if (std::find(all.begin(), all.end(), h) == all.end()) all.push_back(h);
  }
  for (const std::string& h : all) SEDUN_RETURN_IF_ERROR(AddName(names.get(), h));
  if (X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return Fail("subjectAltName");
  }
  SEDUN_RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
  SEDUN_RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(), NID_ext_key_usage, "serverAuth"));
  SEDUN_RETURN_IF_ERROR(AddExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash"));
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) return Fail("signing");

  Ptr<BIO> key_bio(BIO_new(BIO_s_secmem()));
  Ptr<BIO> cert_bio(BIO_new(BIO_s_mem()));
  if (!key_bio || !cert_bio) return Fail("BIO_new");
  if (PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1) {
    return Fail("PEM encoding");
  }
  char* key_data = nullptr;
  long key_len = BIO_get_mem_data(key_bio.get(), &key_data);
  if (key_len <= 0 || key_data == nullptr) return Fail("PEM key output");
  SecretBytes key_pem(ByteView(reinterpret_cast<const uint8_t*>(key_data), static_cast<size_t>(key_len)));
  SEDUN_ASSIGN_OR_RETURN(std::string cert_pem, BioText(cert_bio.get()));
  // Key first: a crash between the writes leaves no certificate, so the next start regenerates.
  SEDUN_RETURN_IF_ERROR(WriteFileAtomic(files.key_file, key_pem.view(), 0600));
  return WriteFileAtomic(files.cert_file, AsBytes(cert_pem), 0644);
}

// Existing files must be a certificate and the key that belongs to it.
Status CheckPair(const TlsFiles& files) {
  SEDUN_ASSIGN_OR_RETURN(Bytes cert_pem, ReadFile(files.cert_file, 1 << 20));
  SEDUN_ASSIGN_OR_RETURN(Bytes key_bytes, ReadFile(files.key_file, 1 << 20));
  SecretBytes key_pem(key_bytes);
  std::fill(key_bytes.begin(), key_bytes.end(), 0);
  Ptr<BIO> cb(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  Ptr<BIO> kb(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  if (!cb || !kb) return Fail("BIO_new_mem_buf");
  Ptr<X509> cert(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
  Ptr<EVP_PKEY> key(PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr));
  if (!cert || !key) {
    DrainOpenSslErrors();
    return Malformed("TLS files " + files.cert_file + " / " + files.key_file + " do not parse");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    DrainOpenSslErrors();
    return FailedPrecondition("TLS key " + files.key_file + " does not match " + files.cert_file);
  }
  return Status::Ok();
}

}  // namespace

Result<TlsFiles> EnsureSelfSignedTlsCertificate(const std::string& dir,
                                                const std::vector<std::string>& hostnames) {
  if (dir.empty()) return InvalidArgument("self-signed TLS certificate: empty directory");
  TlsFiles files;
  files.cert_file = dir + "/tls-cert.pem";
  files.key_file = dir + "/tls-key.pem";
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return IoError("cannot create " + dir + ": " + ec.message());
    if (::chmod(dir.c_str(), 0700) != 0) return IoError("cannot set the mode of " + dir);
  }
  bool have_cert = std::filesystem::exists(files.cert_file, ec);
  bool have_key = std::filesystem::exists(files.key_file, ec);
  if (have_cert && have_key) {
    SEDUN_RETURN_IF_ERROR(CheckPair(files));
    return files;
  }
  SEDUN_RETURN_IF_ERROR(Create(files, hostnames));
  files.created = true;
  return files;
}

}  // namespace sedun::net
