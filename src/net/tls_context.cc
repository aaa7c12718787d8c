// Server TLS context settings and peer-certificate extraction (see tls_context.h).
// Thread-safety: no shared state; OpenSSL objects are used per call.
#include "net/tls_context.h"

#include <algorithm>
#include <cstdio>
#include <memory>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509.h>

namespace sedun::net {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};

std::string NameToString(const X509_NAME* name) {
  if (name == nullptr) return {};
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  // RFC 2253 order and escaping, but UTF-8 kept as is so Chinese names stay readable.
  unsigned long flags = XN_FLAG_RFC2253 & ~static_cast<unsigned long>(ASN1_STRFLGS_ESC_MSB);
  if (X509_NAME_print_ex(bio.get(), name, 0, flags) < 0) return {};
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  if (len <= 0 || data == nullptr) return {};
  return std::string(data, static_cast<size_t>(len));
}

std::string SerialHex(const X509* cert) {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
  if (serial == nullptr) return {};
  std::unique_ptr<BIGNUM, BnFree> bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return {};
  char* hex = BN_bn2hex(bn.get());
  if (hex == nullptr) return {};
  std::string out(hex);
  OPENSSL_free(hex);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

bool Readable(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  std::fclose(f);
  return true;
}

Status TlsError(const std::string& what) {
  std::string detail = DrainOpenSslErrors();
  return CryptoError("TLS: " + what + (detail.empty() ? "" : ": " + detail));
}

}  // namespace

std::string DrainOpenSslErrors() {
  std::string out;
  unsigned long e = 0;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

Status CheckTlsFiles(const TlsConfig& tls) {
  if (tls.cert_chain_file.empty() || tls.key_file.empty()) {
    return InvalidArgument("TLS: a certificate file and a key file are required for https listeners");
  }
  if (!Readable(tls.cert_chain_file)) return IoError("TLS: cannot read " + tls.cert_chain_file);
  if (!Readable(tls.key_file)) return IoError("TLS: cannot read the key file " + tls.key_file);
  if (tls.client_cert_mode != ClientCertMode::kNone) {
    if (tls.client_ca_file.empty()) {
      return InvalidArgument("TLS: client certificate mode needs a client CA file");
    }
    if (!Readable(tls.client_ca_file)) return IoError("TLS: cannot read " + tls.client_ca_file);
  }
  return Status::Ok();
}

Status ConfigureServerTlsContext(SSL_CTX* ctx, const TlsConfig& tls) {
  ERR_clear_error();
  if (SSL_CTX_set_min_proto_version(ctx, kMinTlsVersion) != 1) {
    return TlsError("cannot set the minimum protocol version");
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                               SSL_OP_CIPHER_SERVER_PREFERENCE |
                               SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
  if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) return TlsError("cannot set the cipher list");
  if (SSL_CTX_use_certificate_chain_file(ctx, tls.cert_chain_file.c_str()) != 1) {
    return TlsError("cannot load the certificate chain " + tls.cert_chain_file);
  }
  // The key file name is not secret, its content is: only the name goes into the error.
  if (SSL_CTX_use_PrivateKey_file(ctx, tls.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return TlsError("cannot load the private key " + tls.key_file);
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return TlsError("the private key does not match the certificate");
  }
  static const unsigned char kSessionContext[] = "sedun-server";
  if (SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof(kSessionContext) - 1) != 1) {
    return TlsError("cannot set the session id context");
  }
  if (tls.client_cert_mode == ClientCertMode::kNone) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    return Status::Ok();
  }
  // JR/T 0093.6 7.5.10.1: the peer is authenticated by a certificate from the configured CA.
  if (SSL_CTX_load_verify_locations(ctx, tls.client_ca_file.c_str(), nullptr) != 1) {
    return TlsError("cannot load the client CA file " + tls.client_ca_file);
  }
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.c_str());
  if (names == nullptr) return TlsError("no CA names in " + tls.client_ca_file);
  SSL_CTX_set_client_CA_list(ctx, names);  // takes ownership
  int mode = SSL_VERIFY_PEER;
  if (tls.client_cert_mode == ClientCertMode::kRequire) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  SSL_CTX_set_verify(ctx, mode, nullptr);
  SSL_CTX_set_verify_depth(ctx, 4);
  return Status::Ok();
}

std::optional<ClientCertificate> VerifiedPeerCertificate(const SSL* ssl) {
  if (ssl == nullptr) return std::nullopt;
  X509* cert = SSL_get0_peer_certificate(ssl);
  if (cert == nullptr || SSL_get_verify_result(ssl) != X509_V_OK) return std::nullopt;
  // Without a client CA nothing was verified: only SSL_VERIFY_PEER makes X509_V_OK meaningful.
  if ((SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) == 0) return std::nullopt;
  int len = i2d_X509(cert, nullptr);
  if (len <= 0) return std::nullopt;
  ClientCertificate out;
  out.der.resize(static_cast<size_t>(len));
  unsigned char* p = out.der.data();
  if (i2d_X509(cert, &p) != len) return std::nullopt;
  out.subject = NameToString(X509_get_subject_name(cert));
  out.issuer = NameToString(X509_get_issuer_name(cert));
  out.serial_hex = SerialHex(cert);
  return out;
}

}  // namespace sedun::net
