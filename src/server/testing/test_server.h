// TestServer: a real sedun-server (ServerApp) in the test process, on a fresh database of one
// engine, listening on loopback: HTTPS on an ephemeral port and plain HTTP (CRL, OCSP) on a free
// port written into the CA's URLs. Calls go through net::HttpClient over real sockets, verifying
// the server's generated TLS certificate.
// Thread-safety: Call may be used from several threads at once.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "net/http_client.h"
#include "server/config.h"
#include "server/server_app.h"
#include "store/database.h"

namespace sedun::server::testing {

// A TCP port that was free a moment ago on 127.0.0.1.
Result<int> FreeLoopbackPort();

class TestServer {
 public:
  // `adjust` may change the configuration before the server is built.
  static Result<std::unique_ptr<TestServer>> Start(
      store::Engine engine, const std::function<void(ServerConfig&)>& adjust = {});
  ~TestServer();

  // HTTPS call; `body` null sends no body. `as_operator` adds the operator token.
  Result<net::HttpResponse> Call(const std::string& method, const std::string& path,
                                 const nlohmann::json* body = nullptr, bool as_operator = false,
                                 const std::string& content_type = "application/json") const;
  // Raw body (for malformed input tests).
  Result<net::HttpResponse> CallRaw(const std::string& method, const std::string& path,
                                    std::string body, const std::string& content_type,
                                    bool as_operator) const;
  // Plain-HTTP call to the public listener.
  Result<net::HttpResponse> CallPublic(const std::string& method, const std::string& path,
                                       std::string body = {},
                                       const std::string& content_type = {}) const;

  const ServerConfig& config() const { return config_; }
  ServerApp& app() { return *app_; }
  store::Database& database() { return *db_; }
  const std::string& https_base() const { return https_base_; }
  const std::string& public_base() const { return public_base_; }
  const std::string& token() const { return token_; }
  const std::string& tls_cert_file() const { return tls_cert_; }

 private:
  TestServer() = default;
  std::string dir_;  // mkdtemp directory, removed with the server
  std::unique_ptr<store::Database> db_;  // owns the test schema; outlives the app
  ServerConfig config_;
  std::unique_ptr<ServerApp> app_;
  std::string https_base_;
  std::string public_base_;
  std::string token_;
  std::string tls_cert_;
  std::unique_ptr<net::HttpClient> client_;
};

}  // namespace sedun::server::testing
