// TestServer: a ServerApp on loopback for the server tests.
#include "server/testing/test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "base/file.h"
#include "store/testing/test_database.h"

namespace sedun::server::testing {

Result<int> FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return IoError("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return IoError("bind");
  }
  ::close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

Result<std::unique_ptr<TestServer>> TestServer::Start(
    store::Engine engine, const std::function<void(ServerConfig&)>& adjust) {
  std::unique_ptr<TestServer> server(new TestServer());
  std::string pattern = (std::filesystem::temp_directory_path() / "sedun-server-test.XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) return IoError("mkdtemp");
  server->dir_ = pattern;
  SEDUN_ASSIGN_OR_RETURN(server->db_, store::testing::OpenTestDatabase(engine, server->dir_));
  SEDUN_ASSIGN_OR_RETURN(std::string url, store::testing::TestDatabaseUrl(*server->db_));
  SEDUN_ASSIGN_OR_RETURN(int public_port, FreeLoopbackPort());

  ServerConfig& config = server->config_;
  config.data_dir = server->dir_ + "/data";
  config.database_url = url;
  config.database_pool_size = 4;
  config.listen = {"127.0.0.1:0"};
  config.public_listen = {"127.0.0.1:" + std::to_string(public_port)};
  config.ca_public_base_url = "http://127.0.0.1:" + std::to_string(public_port);
  config.threads = 4;
  config.shutdown_grace_seconds = 5;
  if (adjust) adjust(config);

  std::map<std::string, std::string> env;  // secrets from files, as with embedded defaults
  SEDUN_ASSIGN_OR_RETURN(server->app_, ServerApp::Create(config, env));
  SEDUN_RETURN_IF_ERROR(server->app_->Start());

  for (const net::BoundListener& l : server->app_->http().bound()) {
    std::string base = (l.tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(l.port);
    if (l.tls && server->https_base_.empty()) server->https_base_ = base;
    if (!l.tls && server->public_base_.empty()) server->public_base_ = base;
  }
  SEDUN_ASSIGN_OR_RETURN(Bytes token, ReadFile(config.OperatorTokenPath(), 4096));
  server->token_ = std::string(AsChars(token));
  while (!server->token_.empty() && server->token_.back() == '\n') server->token_.pop_back();
  server->tls_cert_ = config.data_dir + "/tls/tls-cert.pem";
  net::HttpClientOptions options;
  options.ca_file = server->tls_cert_;
  server->client_ = std::make_unique<net::HttpClient>(options);
  return server;
}

TestServer::~TestServer() {
  if (app_) app_->Stop();
  app_.reset();
  db_.reset();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

Result<net::HttpResponse> TestServer::CallRaw(const std::string& method, const std::string& path,
                                              std::string body, const std::string& content_type,
                                              bool as_operator) const {
  net::HeaderMap headers;
  if (as_operator) headers.emplace("Authorization", "Bearer " + token_);
  return client_->Send(method, https_base_ + path, std::move(body), content_type, headers);
}

Result<net::HttpResponse> TestServer::Call(const std::string& method, const std::string& path,
                                           const nlohmann::json* body, bool as_operator,
                                           const std::string& content_type) const {
  return CallRaw(method, path, body ? body->dump() : std::string(), body ? content_type : "",
                 as_operator);
}

Result<net::HttpResponse> TestServer::CallPublic(const std::string& method, const std::string& path,
                                                 std::string body,
                                                 const std::string& content_type) const {
  net::HttpClient plain;
  return plain.Send(method, public_base_ + path, std::move(body), content_type);
}

}  // namespace sedun::server::testing
