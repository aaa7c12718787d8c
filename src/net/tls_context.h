// Internal to net/: OpenSSL settings of the server's TLS context and the peer certificate.
//
// ConfigureServerTlsContext is what every HTTPS listener runs on its SSL_CTX: TLS 1.2 minimum
// (1.0 and 1.1 refused: JR/T 0093.6 7.5.10.1 wants a protocol without published flaws and
// symmetric keys of 128 bits or more), forward-secret AEAD suites only for TLS 1.2 with the server's order
// preferred, no compression or renegotiation, the certificate chain and key, and for mutual TLS
// (JR/T 0093.6 7.5.10.1) the client CA list and the verify mode.
// Thread-safety: an SSL_CTX is configured once before it serves; the functions keep no state.
#pragma once

#include <optional>
#include <string>

#include <openssl/ssl.h>

#include "base/status.h"
#include "net/http.h"
#include "net/http_server.h"

namespace sedun::net {

// The OpenSSL error queue as one line ("" when empty); the queue is left empty.
std::string DrainOpenSslErrors();

// Checks the TLS files named by `tls` exist and are readable, for clear start-up errors.
Status CheckTlsFiles(const TlsConfig& tls);

Status ConfigureServerTlsContext(SSL_CTX* ctx, const TlsConfig& tls);

// The peer's certificate when the handshake verified it (X509_V_OK); nullopt otherwise.
std::optional<ClientCertificate> VerifiedPeerCertificate(const SSL* ssl);

// Minimum protocol version of every sedun TLS context, client and server.
inline constexpr int kMinTlsVersion = TLS1_2_VERSION;
// TLS 1.2 suites: ECDHE key exchange and AEAD ciphers only. TLS 1.3 suites keep OpenSSL's default.
inline constexpr const char* kTls12Ciphers = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL";

}  // namespace sedun::net
