// HttpServer: the HTTPS (and optionally plain HTTP) front of sedun-server.
//
// One cpp-httplib server per listener, all sharing one Router, one MetricsRegistry and the
// readiness checks. Requirements carried here:
//   - TLS 1.2 or later only, from OpenSSL (the minimum is set on the SSL_CTX, 1.0/1.1 refused).
//   - Optional mutual TLS (JR/T 0093.6 7.5.10.1): with a client CA file, client certificates are
//     verified by OpenSSL during the handshake; kRequire refuses the handshake without one.
//   - IPv6 and IPv4 listening, so that clients can reach the service over IPv6 and prefer it on
//     dual-stack networks (T/HBPFS 001-2023 5.1.1 s): "[::]:port" is bound with IPV6_V6ONLY=1 so
//     that "0.0.0.0:port" can be bound beside it.
//   - Built-in GET /healthz, /readyz and /metrics; JSON APIs are the roles' /v1/... routes.
//   - Request ids (X-Request-Id accepted when sane, otherwise generated) and one JSON access-log
//     line per request (route pattern, never the query string or bodies).
//   - Graceful Stop(): stop accepting, let in-flight requests finish within the grace period.
// The TLS certificate is ECDSA P-256 or RSA, not SM2: OpenSSL 3.0's TLS stack has no SM2 cipher
// suites (TLCP / RFC 8998 are not in it), so the national algorithms protect the application
// layer (signed transaction data, envelopes) while TLS protects the channel.
// Thread-safety: configure (router(), metrics(), AddReadinessCheck) before Start(); Start() and
// Stop() from one controlling thread; handlers run concurrently on the worker threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "net/metrics.h"
#include "net/router.h"

namespace spdlog {
class logger;
}

namespace sedun::net {

class ServerCore;

enum class ClientCertMode {
  kNone,      // no client certificate requested
  kOptional,  // requested; verified against the client CA when presented
  kRequire,   // handshake fails without a certificate from the client CA
};

struct ListenerConfig {
  std::string address;  // "host:port": "0.0.0.0:8443", "[::]:8443", "127.0.0.1:0" (0 = ephemeral)
  bool tls = true;
};

struct TlsConfig {
  std::string cert_chain_file;  // PEM: leaf first, then intermediates
  std::string key_file;         // PEM private key (ECDSA P-256 or RSA)
  std::string client_ca_file;   // PEM CA certificates for client certificates (mTLS)
  ClientCertMode client_cert_mode = ClientCertMode::kNone;
};

struct HttpServerConfig {
  std::vector<ListenerConfig> listeners;
  TlsConfig tls;  // required when any listener has tls = true
  size_t worker_threads = 8;                      // per listener
  size_t max_body_bytes = size_t{1} << 20;        // default per-route body limit
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  std::chrono::seconds idle_timeout{5};           // keep-alive idle time before closing
  std::chrono::milliseconds shutdown_grace{10000};
  bool access_log = true;
  // Where access-log lines go (one JSON object per line); null = spdlog's default logger.
  std::shared_ptr<spdlog::logger> access_logger;
};

// A parsed "host:port" listen address.
struct ListenAddress {
  std::string host;  // without brackets
  int port = 0;
  bool ipv6 = false;
};
Result<ListenAddress> ParseListenAddress(std::string_view text);

// A listener after Start(): the address it was configured with and the port actually bound.
struct BoundListener {
  std::string host;
  int port = 0;
  bool tls = false;
  bool ipv6 = false;
};

// A readiness check (e.g. a database ping) for GET /readyz.
using ReadinessCheck = std::function<Status()>;

class HttpServer {
 public:
  explicit HttpServer(HttpServerConfig config);
  ~HttpServer();  // Stop()s if still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  Router& router();
  MetricsRegistry& metrics();
  void AddReadinessCheck(std::string name, ReadinessCheck check);

  // Validates the config, loads TLS material, binds every listener and starts serving. Fails
  // (with nothing left listening) on a bad address, a port in use or unreadable TLS files.
  Status Start();

  // Stops accepting at once (new connections are refused), waits for in-flight requests up to
  // the grace period, then returns. Idempotent.
  void Stop();

  bool running() const;
  const std::vector<BoundListener>& bound() const;
  // The bound port of listener i (config order), or 0.
  int port(size_t i = 0) const;

 private:
  struct Listener;
  Status StartListener(const ListenerConfig& lc, const ListenAddress& address);
  void StopListeners(std::chrono::milliseconds grace);

  std::shared_ptr<ServerCore> core_;
  std::vector<std::shared_ptr<Listener>> listeners_;
  std::vector<BoundListener> bound_;
  bool running_ = false;
};

}  // namespace sedun::net
