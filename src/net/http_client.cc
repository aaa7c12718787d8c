// HttpClient over cpp-httplib (see http_client.h).
// Thread-safety: each call builds its own httplib client and connection.
#include "net/http_client.h"

#include <arpa/inet.h>

#include <memory>

#include <httplib.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "net/tls_context.h"

namespace sedun::net {

Result<ParsedUrl> ParseUrl(std::string_view url) {
  ParsedUrl out;
  std::string_view rest;
  if (url.substr(0, 8) == "https://") {
    out.https = true;
    rest = url.substr(8);
  } else if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else {
    return InvalidArgument("URL must start with http:// or https://");
  }
  size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  out.target = slash == rest.npos ? "/" : std::string(rest.substr(slash));
  if (out.target.front() == '?') out.target.insert(0, "/");
  if (authority.find('@') != authority.npos) return InvalidArgument("URL: user information is not supported");
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == authority.npos) return InvalidArgument("URL: unterminated IPv6 address");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return InvalidArgument("URL: bad text after the IPv6 address");
      port_text = after.substr(1);
    }
  } else {
    size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != authority.npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty()) return InvalidArgument("URL: empty host");
  for (char c : out.host) {
    if (c <= ' ' || c == '/' || c == '\\' || static_cast<unsigned char>(c) >= 0x7F) {
      return InvalidArgument("URL: bad character in host");
    }
  }
  out.port = out.https ? 443 : 80;
  if (!port_text.empty() || authority.back() == ':') {
    if (port_text.empty() || port_text.size() > 5) return InvalidArgument("URL: bad port");
    int port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9') return InvalidArgument("URL: bad port");
      port = port * 10 + (c - '0');
    }
    if (port == 0 || port > 65535) return InvalidArgument("URL: port out of range");
    out.port = port;
  }
  for (char c : out.target) {
    if (c <= ' ' || c == 0x7F) return InvalidArgument("URL: bad character in path");
  }
  return out;
}

Status HttpClient::SetUpVerification(SSL_CTX* ctx, const std::string& host) const {
  ERR_clear_error();
  int loaded = options_.ca_file.empty()
                   ? SSL_CTX_set_default_verify_paths(ctx)
                   : SSL_CTX_load_verify_locations(ctx, options_.ca_file.c_str(), nullptr);
  if (loaded != 1) {
    return InvalidArgument("HTTPS client: cannot load trust anchors " + options_.ca_file + ": " +
                           DrainOpenSslErrors());
  }
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
  unsigned char ip[16];
  bool is_ip = inet_pton(AF_INET, host.c_str(), ip) == 1 || inet_pton(AF_INET6, host.c_str(), ip) == 1;
  int ok = 0;
  if (is_ip) {
    ok = X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  } else {
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    ok = X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  }
  if (ok != 1) return InvalidArgument("HTTPS client: bad host " + host + ": " + DrainOpenSslErrors());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  return Status::Ok();
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {}

Result<HttpResponse> HttpClient::Get(const std::string& url, const HeaderMap& headers) const {
  return Send("GET", url, {}, {}, headers);
}

Result<HttpResponse> HttpClient::Post(const std::string& url, std::string body,
                                      std::string content_type, const HeaderMap& headers) const {
  return Send("POST", url, std::move(body), std::move(content_type), headers);
}

Result<HttpResponse> HttpClient::Send(const std::string& method, const std::string& url,
                                      std::string body, std::string content_type,
                                      const HeaderMap& headers) const {
  SEDUN_ASSIGN_OR_RETURN(ParsedUrl u, ParseUrl(url));
  // For messages: scheme, host and path, never the query (it may carry tokens).
  std::string where = (u.https ? "https://" : "http://") +
                      (u.host.find(':') != std::string::npos ? "[" + u.host + "]" : u.host) + ":" +
                      std::to_string(u.port) + u.target.substr(0, u.target.find('?'));

  std::unique_ptr<httplib::ClientImpl> cli;
  if (u.https) {
    std::unique_ptr<httplib::SSLClient> ssl;
    if (!options_.client_cert_file.empty() || !options_.client_key_file.empty()) {
      ssl = std::make_unique<httplib::SSLClient>(u.host, u.port, options_.client_cert_file,
                                                 options_.client_key_file);
    } else {
      ssl = std::make_unique<httplib::SSLClient>(u.host, u.port);
    }
    if (!ssl->is_valid()) {
      std::string detail = DrainOpenSslErrors();
      return InvalidArgument("HTTPS client: cannot load the client certificate or key" +
                             (detail.empty() ? "" : ": " + detail));
    }
    if (SSL_CTX_set_min_proto_version(ssl->ssl_context(), kMinTlsVersion) != 1) {
      return CryptoError("HTTPS client: cannot set the minimum TLS version: " + DrainOpenSslErrors());
    }
    // Verification is OpenSSL's, set on the context: the chain during the handshake and the host
    // name or IP address through the verify parameters. httplib's own host check is left off:
    // in 0.11 it compares IP addresses of different lengths and reads past the SAN's end.
    ssl->enable_server_certificate_verification(false);
    if (options_.verify_server) SEDUN_RETURN_IF_ERROR(SetUpVerification(ssl->ssl_context(), u.host));
    cli = std::move(ssl);
  } else {
    cli = std::make_unique<httplib::ClientImpl>(u.host, u.port);
  }
  cli->set_connection_timeout(options_.connect_timeout);
  cli->set_read_timeout(options_.read_timeout);
  cli->set_write_timeout(options_.write_timeout);
  cli->set_keep_alive(false);
  cli->set_follow_location(false);

  httplib::Request req;
  req.method = method;
  req.path = u.target;
  for (const auto& [k, v] : options_.headers) req.headers.emplace(k, v);
  for (const auto& [k, v] : headers) req.headers.emplace(k, v);
  if (!body.empty() || !content_type.empty()) {
    req.headers.emplace("Content-Type", content_type.empty() ? "application/octet-stream" : content_type);
  }
  req.body = std::move(body);
  std::string received;
  bool too_large = false;
  size_t cap = options_.max_response_bytes;
  req.content_receiver = [&](const char* data, size_t len, uint64_t, uint64_t) {
    if (len > cap - received.size()) {
      too_large = true;
      return false;
    }
    received.append(data, len);
    return true;
  };

  httplib::Response res;
  httplib::Error err = httplib::Error::Success;
  bool sent = cli->send(req, res, err);
  std::string tls_detail = DrainOpenSslErrors();
  if (too_large) {
    return ResourceExhausted(method + " " + where + ": response larger than " +
                             std::to_string(cap) + " bytes");
  }
  if (!sent) {
    return Unavailable(method + " " + where + ": " + httplib::to_string(err) +
                       (tls_detail.empty() ? "" : " (" + tls_detail + ")"));
  }
  HttpResponse out;
  out.status = res.status;
  out.content_type = res.get_header_value("Content-Type");
  out.body = std::move(received);
  if (out.body.empty() && !res.body.empty()) out.body = std::move(res.body);
  for (const auto& [k, v] : res.headers) out.headers.emplace(k, v);
  return out;
}

}  // namespace sedun::net
