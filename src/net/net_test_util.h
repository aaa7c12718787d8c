// Test helpers for net/: a small PKI made with the openssl command line (the outside authority),
// a raw TLS probe with chosen protocol versions, and a running test server.
// Test-only and header-only; the commands run use fixed strings and TempDir paths only.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "net/http_server.h"
#include "util/run.h"
#include "util/temp_dir.h"

namespace sedun::net::testing {

using sedun::testing::CommandResult;
using sedun::testing::RunCommand;
using sedun::testing::ShellQuote;
using sedun::testing::TempDir;

// Runs a command, with stderr folded into the output, and fails the test when it fails.
inline std::string MustRun(const std::string& command) {
  CommandResult r = RunCommand(command + " 2>&1");
  EXPECT_EQ(r.exit_code, 0) << command << "\n" << r.out;
  return r.out;
}

// Files of a test PKI: a server CA and its server certificate (localhost, 127.0.0.1, ::1), a
// client CA with one client, and an unrelated CA with its own client.
struct TestPki {
  std::string server_ca, server_cert, server_key;
  std::string wrong_host_cert, wrong_host_key;  // from the server CA, for "other.example" only
  std::string client_ca, client_cert, client_key;
  std::string other_ca, other_client_cert, other_client_key;
};

inline void MakeCa(const TempDir& dir, const std::string& name, const std::string& subject) {
  std::string key = ShellQuote(dir.File(name + ".key"));
  std::string ext = dir.File(name + ".ext");
  MustRun("printf '%s\\n' '[v3]' 'basicConstraints=critical,CA:TRUE' "
          "'keyUsage=critical,keyCertSign,cRLSign' 'subjectKeyIdentifier=hash' > " + ShellQuote(ext));
  MustRun("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + key);
  MustRun("openssl req -new -key " + key + " -subj " + ShellQuote(subject) + " -out " +
          ShellQuote(dir.File(name + ".csr")));
  MustRun("openssl x509 -req -in " + ShellQuote(dir.File(name + ".csr")) + " -signkey " + key +
          " -days 2 -extfile " + ShellQuote(ext) + " -extensions v3 -out " +
          ShellQuote(dir.File(name + ".pem")));
}

inline void IssueLeaf(const TempDir& dir, const std::string& name, const std::string& subject,
                      const std::string& ca, const std::string& ext_lines) {
  std::string key = ShellQuote(dir.File(name + ".key"));
  std::string ext = dir.File(name + ".ext");
  MustRun("printf '%s\\n' '[v3]' 'basicConstraints=critical,CA:FALSE' " + ext_lines + " > " +
          ShellQuote(ext));
  MustRun("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + key);
  MustRun("openssl req -new -key " + key + " -subj " + ShellQuote(subject) + " -out " +
          ShellQuote(dir.File(name + ".csr")));
  MustRun("openssl x509 -req -in " + ShellQuote(dir.File(name + ".csr")) + " -CA " +
          ShellQuote(dir.File(ca + ".pem")) + " -CAkey " + ShellQuote(dir.File(ca + ".key")) +
          " -set_serial 0x" + std::to_string(name.size()) + "0c0ffee -days 2 -extfile " +
          ShellQuote(ext) + " -extensions v3 -out " + ShellQuote(dir.File(name + ".pem")));
}

inline TestPki MakeTestPki(const TempDir& dir) {
  MakeCa(dir, "server-ca", "/CN=sedun test server CA");
  MakeCa(dir, "client-ca", "/CN=sedun test client CA");
  MakeCa(dir, "other-ca", "/CN=unrelated CA");
  IssueLeaf(dir, "server", "/CN=localhost", "server-ca",
            "'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1' 'extendedKeyUsage=serverAuth'");
  IssueLeaf(dir, "wrong-host", "/CN=other.example", "server-ca",
            "'subjectAltName=DNS:other.example' 'extendedKeyUsage=serverAuth'");
  IssueLeaf(dir, "client", "/C=CN/O=Example Bank/CN=teller-01", "client-ca",
            "'extendedKeyUsage=clientAuth'");
  IssueLeaf(dir, "other-client", "/CN=intruder", "other-ca", "'extendedKeyUsage=clientAuth'");
  TestPki p;
  p.server_ca = dir.File("server-ca.pem");
  p.server_cert = dir.File("server.pem");
  p.server_key = dir.File("server.key");
  p.wrong_host_cert = dir.File("wrong-host.pem");
  p.wrong_host_key = dir.File("wrong-host.key");
  p.client_ca = dir.File("client-ca.pem");
  p.client_cert = dir.File("client.pem");
  p.client_key = dir.File("client.key");
  p.other_ca = dir.File("other-ca.pem");
  p.other_client_cert = dir.File("other-client.pem");
  p.other_client_key = dir.File("other-client.key");
  return p;
}

// Whether this machine can bind the IPv6 loopback.
inline bool HaveIpv6Loopback() {
  int s = socket(AF_INET6, SOCK_STREAM, 0);
  if (s < 0) return false;
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  bool ok = bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  close(s);
  return ok;
}

// Plain TCP connect to host:port; true when the connection was accepted.
inline bool TcpConnects(const std::string& host, int port) {
  bool v6 = host.find(':') != std::string::npos;
  int s = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  if (s < 0) return false;
  int rc = -1;
  if (v6) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET6, host.c_str(), &a.sin6_addr);
    rc = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  } else {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, host.c_str(), &a.sin_addr);
    rc = connect(s, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  }
  close(s);
  return rc == 0;
}

// Sends raw bytes over TCP and returns everything the server sends back until it closes.
inline std::string RawExchange(int port, const std::string& bytes) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0) return {};
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
      send(s, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size())) {
    char buf[4096];
    ssize_t n;
    while ((n = recv(s, buf, sizeof(buf), 0)) > 0) out.append(buf, static_cast<size_t>(n));
  }
  close(s);
  return out;
}

// One TLS connection with chosen protocol bounds, sending GET `path` and reading the reply.
struct TlsProbe {
  bool handshake_ok = false;
  std::string version;           // negotiated, e.g. "TLSv1.3"
  std::string response;          // raw HTTP response ("" when refused)
  unsigned long last_error = 0;  // OpenSSL error of the failure, if any
};

inline TlsProbe ProbeTls(int port, int min_version, int max_version, const std::string& path,
                         const std::string& ca_file, const std::string& cert_file = {},
                         const std::string& key_file = {}) {
  TlsProbe out;
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return out;
  // Level 0 and every cipher, so that refusing old versions is the server's doing, not ours.
  SSL_CTX_set_security_level(ctx, 0);
  SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
  SSL_CTX_set_min_proto_version(ctx, min_version);
  SSL_CTX_set_max_proto_version(ctx, max_version);
  SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (!cert_file.empty()) {
    SSL_CTX_use_certificate_file(ctx, cert_file.c_str(), SSL_FILETYPE_PEM);
    SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM);
  }
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  SSL* ssl = nullptr;
  if (s >= 0 && connect(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0) {
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, s);
    if (SSL_connect(ssl) == 1) {
      out.handshake_ok = true;
      out.version = SSL_get_version(ssl);
      std::string req = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
      if (SSL_write(ssl, req.data(), static_cast<int>(req.size())) > 0) {
        char buf[4096];
        int n;
        while ((n = SSL_read(ssl, buf, sizeof(buf))) > 0) out.response.append(buf, static_cast<size_t>(n));
      }
    }
    out.last_error = ERR_peek_last_error();
  }
  ERR_clear_error();
  if (ssl != nullptr) SSL_free(ssl);
  if (s >= 0) close(s);
  SSL_CTX_free(ctx);
  return out;
}

// A config with one listener on 127.0.0.1:0, quick timeouts and no access log.
inline HttpServerConfig LocalConfig(bool tls = false, const TestPki* pki = nullptr) {
  HttpServerConfig c;
  c.listeners.push_back({"127.0.0.1:0", tls});
  if (pki != nullptr) {
    c.tls.cert_chain_file = pki->server_cert;
    c.tls.key_file = pki->server_key;
  }
  c.worker_threads = 4;
  c.idle_timeout = std::chrono::seconds(1);
  c.shutdown_grace = std::chrono::milliseconds(5000);
  c.access_log = false;
  return c;
}

}  // namespace sedun::net::testing
