// sedun-server configuration: defaults, a TOML file, then environment overrides, in that order.
//
// Every key is declared once in a table (config.cc) that drives the TOML reader, the environment
// reader (`SEDUN_<SECTION>_<KEY>`, upper case; top-level keys are `SEDUN_<KEY>`) and the
// documentation check (docs/configuration.md must describe every key; a test keeps it so).
// Unknown keys in the file are refused, so a typo cannot silently fall back to a default.
// Secrets (CA passphrase, operator token) are read from files named here or from the
// environment, never from the TOML file itself, and never logged.
// Thread-safety: a ServerConfig is a value; build it once at start.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace sedun::server {

// The roles one sedun-server process can host (DESIGN: one binary, any set of roles).
inline constexpr std::string_view kAllRoles[] = {"bank", "ca", "svs", "vault"};

struct ServerConfig {
  std::vector<std::string> roles = {"bank", "ca", "svs", "vault"};
  std::string data_dir = "sedun-data";

  // [server]
  std::vector<std::string> listen = {"127.0.0.1:8443", "[::1]:8443"};
  std::vector<std::string> public_listen = {"127.0.0.1:8080", "[::1]:8080"};
  std::string tls_cert;  // empty: <data_dir>/tls/tls-cert.pem, made self-signed on first start
  std::string tls_key;
  std::string client_ca;          // PEM bundle that client certificates must chain to
  std::string client_auth = "none";  // none | optional | require (JR/T 0093.6 7.5.10.1)
  int threads = 8;
  int max_body_bytes = 65536;
  int shutdown_grace_seconds = 10;
  int request_timeout_seconds = 30;

  // [database]
  std::string database_url;  // empty: sqlite:<data_dir>/sedun.db
  int database_pool_size = 8;
  int database_busy_timeout_ms = 5000;

  // [log]
  std::string log_level = "info";  // trace | debug | info | warn | error
  std::string log_format = "json"; // json | text

  // [auth]
  std::string operator_token_file;  // empty: <data_dir>/operator.token, made on first start

  // [ca]
  std::string ca_dir;              // empty: <data_dir>/ca
  std::string ca_passphrase_file;  // empty: <data_dir>/ca.pass (made by `ca init`)
  std::string ca_public_base_url = "http://127.0.0.1:8080";
  std::string ca_policy_oid;       // empty: sedun's own policy OID (see ca/)
  int ca_user_validity_days = 730;
  int ca_server_validity_days = 397;
  int ca_expiring_window_days = 30;
  int ca_crl_validity_hours = 24;
  int ca_registration_ttl_minutes = 30;

  // [svs]
  int svs_max_batch = 100;
  std::vector<std::string> svs_trusted_roots;  // empty: the CA's root
  std::string svs_revocation = "ocsp";         // ocsp | crl | none
  std::string svs_signing_key;   // empty: <ca_dir>/service.key.pem (encrypted, CA passphrase)
  std::string svs_signing_cert;  // empty: <ca_dir>/service.pem

  // Resolved paths: defaults that depend on data_dir.
  std::string DatabaseUrl() const;
  std::string TlsCertPath() const;
  std::string TlsKeyPath() const;
  std::string OperatorTokenPath() const;
  std::string CaDir() const;
  std::string CaPassphrasePath() const;
  bool HasRole(std::string_view role) const;
};

// One documented configuration key, for docs and `sedun-server config keys`.
struct ConfigKeyInfo {
  std::string_view section;  // "" for top-level keys
  std::string_view key;
  std::string_view env;      // environment variable that overrides it
  std::string_view doc;
};
std::vector<ConfigKeyInfo> ConfigKeys();

// Parses TOML text (`origin` names it in errors). Keys absent keep their defaults.
Result<ServerConfig> ParseConfig(std::string_view toml_text, std::string_view origin);
// Reads the file (empty path: defaults only), then applies `env` overrides and validates.
Result<ServerConfig> LoadConfig(const std::string& path, const std::map<std::string, std::string>& env);
// Applies SEDUN_* overrides from `env` and validates the result.
Status ApplyEnvironment(ServerConfig& config, const std::map<std::string, std::string>& env);
Status ValidateConfig(const ServerConfig& config);

// The process environment as a map (for LoadConfig).
std::map<std::string, std::string> ProcessEnvironment();

// Renders the effective configuration as TOML (secrets are not part of it).
std::string RenderConfig(const ServerConfig& config);

}  // namespace sedun::server
