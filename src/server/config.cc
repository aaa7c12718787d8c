// sedun-server configuration: the key table, TOML and environment readers, validation.
#include "server/config.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <sstream>
#include <variant>

#include <toml++/toml.h>

#include "base/file.h"

extern char** environ;

namespace sedun::server {
namespace {

using StringField = std::string ServerConfig::*;
using IntField = int ServerConfig::*;
using ListField = std::vector<std::string> ServerConfig::*;

struct KeySpec {
  std::string_view section;
  std::string_view key;
  std::variant<StringField, IntField, ListField> field;
  std::string_view doc;
  int min = 0;  // integer range, inclusive
  int max = 0;
  std::vector<std::string_view> allowed = {};  // for strings: allowed values, empty = any
};

// The one declaration of every key. docs/configuration.md repeats the docs with examples; a test
// checks that every key below appears there.
const std::vector<KeySpec>& Specs() {
  static const std::vector<KeySpec> specs = {
      {"", "roles", &ServerConfig::roles, "roles this process hosts: any of bank, ca, svs, vault"},
      {"", "data_dir", &ServerConfig::data_dir,
       "directory for the SQLite file, generated TLS certificate, operator token and CA files"},
      {"server", "listen", &ServerConfig::listen,
       "HTTPS listen addresses, host:port or [v6]:port; port 0 picks a free port"},
      {"server", "public_listen", &ServerConfig::public_listen,
       "plain-HTTP listen addresses serving only the CRL, OCSP, CA chain and probes"},
      {"server", "tls_cert", &ServerConfig::tls_cert,
       "PEM certificate chain for HTTPS (ECDSA or RSA); empty: a self-signed one in data_dir/tls"},
      {"server", "tls_key", &ServerConfig::tls_key, "PEM private key for tls_cert"},
      {"server", "client_ca", &ServerConfig::client_ca,
       "PEM CA bundle for client certificates (mutual TLS)"},
      {"server", "client_auth", &ServerConfig::client_auth,
       "client certificate policy: none, optional or require", 0, 0, {"none", "optional", "require"}},
      {"server", "threads", &ServerConfig::threads, "worker threads per listener", 1, 256},
      {"server", "max_body_bytes", &ServerConfig::max_body_bytes,
       "largest request body accepted; larger requests get 413", 1024, 16 << 20},
      {"server", "shutdown_grace_seconds", &ServerConfig::shutdown_grace_seconds,
       "how long shutdown waits for in-flight requests", 0, 600},
      {"server", "request_timeout_seconds", &ServerConfig::request_timeout_seconds,
       "read and write timeout of one request", 1, 600},
      {"database", "url", &ServerConfig::database_url,
       "sqlite:<path> or a PostgreSQL connection string; empty: sqlite:data_dir/sedun.db"},
      {"database", "pool_size", &ServerConfig::database_pool_size,
       "PostgreSQL connections kept per process", 1, 256},
      {"database", "busy_timeout_ms", &ServerConfig::database_busy_timeout_ms,
       "how long a statement waits for a lock before the transaction is retried", 0, 600000},
      {"log", "level", &ServerConfig::log_level, "trace, debug, info, warn or error", 0, 0,
       {"trace", "debug", "info", "warn", "error"}},
      {"log", "format", &ServerConfig::log_format, "json (one object per line) or text", 0, 0,
       {"json", "text"}},
      {"auth", "operator_token_file", &ServerConfig::operator_token_file,
       "file holding the bearer token of operator calls (registration, revocation); "
       "empty: data_dir/operator.token, made on first start"},
      {"ca", "dir", &ServerConfig::ca_dir, "CA certificates and encrypted keys; empty: data_dir/ca"},
      {"ca", "passphrase_file", &ServerConfig::ca_passphrase_file,
       "file with the key-encryption passphrase of the CA keys; SEDUN_CA_PASSPHRASE overrides it; "
       "empty: data_dir/ca.pass"},
      {"ca", "public_base_url", &ServerConfig::ca_public_base_url,
       "base URL written into certificates for the CRL (/v1/ca/crl) and OCSP (/v1/ca/ocsp)"},
      {"ca", "policy_oid", &ServerConfig::ca_policy_oid,
       "certificate policy OID put in every certificate; empty: sedun's own"},
      {"ca", "user_validity_days", &ServerConfig::ca_user_validity_days,
       "validity of user signing and encryption certificates", 1, 3653},
      {"ca", "server_validity_days", &ServerConfig::ca_server_validity_days,
       "validity of server certificates", 1, 3653},
      {"ca", "expiring_window_days", &ServerConfig::ca_expiring_window_days,
       "a certificate this close to its end is reported expiring_soon (JR/T 0093.6 6.2.3)", 0,
       3653},
      {"ca", "crl_validity_hours", &ServerConfig::ca_crl_validity_hours,
       "nextUpdate of each CRL, from its thisUpdate", 1, 24 * 31},
      {"ca", "registration_ttl_minutes", &ServerConfig::ca_registration_ttl_minutes,
       "lifetime of an enrolment authorisation code", 1, 7 * 24 * 60},
      {"svs", "max_batch", &ServerConfig::svs_max_batch, "most items in one batch verification", 1,
       10000},
      {"svs", "trusted_roots", &ServerConfig::svs_trusted_roots,
       "PEM files of trusted root certificates; empty: the CA's root"},
      {"svs", "revocation", &ServerConfig::svs_revocation,
       "how svs checks revocation: ocsp (the URL in the certificate), crl, or none", 0, 0,
       {"ocsp", "crl", "none"}},
      {"svs", "signing_key", &ServerConfig::svs_signing_key,
       "encrypted PEM key svs signs challenges with (CA passphrase); empty: ca dir/service.key.pem"},
      {"svs", "signing_cert", &ServerConfig::svs_signing_cert,
       "certificate of signing_key; empty: ca dir/service.pem"},
  };
  return specs;
}

std::string EnvName(const KeySpec& spec) {
  std::string name = "SEDUN_";
  if (!spec.section.empty()) {
    name += spec.section;
    name += "_";
  }
  name += spec.key;
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return name;
}

std::string KeyName(const KeySpec& spec) {
  return spec.section.empty() ? std::string(spec.key)
                              : std::string(spec.section) + "." + std::string(spec.key);
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string item(text.substr(start, comma - start));
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

Result<int> ParseInt(std::string_view text, const std::string& what) {
  if (text.empty() || text.size() > 10) return InvalidArgument(what + ": not an integer");
  int value = 0;
  bool negative = text[0] == '-';
  for (size_t i = negative ? 1 : 0; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return InvalidArgument(what + ": not an integer");
    value = value * 10 + (text[i] - '0');
    if (value > 1'000'000'000) return InvalidArgument(what + ": out of range");
  }
  if (negative && text.size() == 1) return InvalidArgument(what + ": not an integer");
  return negative ? -value : value;
}

Status SetFromText(ServerConfig& config, const KeySpec& spec, std::string_view text,
                   const std::string& origin) {
  const std::string what = origin + ": " + KeyName(spec);
  if (auto* f = std::get_if<StringField>(&spec.field)) {
    config.*(*f) = std::string(text);
  } else if (auto* i = std::get_if<IntField>(&spec.field)) {
    SEDUN_ASSIGN_OR_RETURN(config.*(*i), ParseInt(text, what));
  } else {
    config.*std::get<ListField>(spec.field) = SplitList(text);
  }
  return Status::Ok();
}

Status SetFromToml(ServerConfig& config, const KeySpec& spec, const toml::node& node,
                   const std::string& origin) {
  const std::string what = origin + ": " + KeyName(spec);
  if (auto* f = std::get_if<StringField>(&spec.field)) {
    auto value = node.value<std::string>();
    if (!value || !node.is_string()) return InvalidArgument(what + ": expected a string");
    config.*(*f) = *value;
  } else if (auto* i = std::get_if<IntField>(&spec.field)) {
    if (!node.is_integer()) return InvalidArgument(what + ": expected an integer");
    int64_t v = *node.value<int64_t>();
    if (v < -1'000'000'000 || v > 1'000'000'000) return InvalidArgument(what + ": out of range");
    config.*(*i) = static_cast<int>(v);
  } else {
    const toml::array* array = node.as_array();
    if (array == nullptr) return InvalidArgument(what + ": expected an array of strings");
    std::vector<std::string> items;
    for (const toml::node& item : *array) {
      if (!item.is_string()) return InvalidArgument(what + ": expected an array of strings");
      items.push_back(*item.value<std::string>());
    }
    config.*std::get<ListField>(spec.field) = std::move(items);
  }
  return Status::Ok();
}

const KeySpec* FindSpec(std::string_view section, std::string_view key) {
  for (const KeySpec& spec : Specs()) {
    if (spec.section == section && spec.key == key) return &spec;
  }
  return nullptr;
}

bool IsSection(std::string_view name) {
  for (const KeySpec& spec : Specs()) {
    if (!spec.section.empty() && spec.section == name) return true;
  }
  return false;
}

std::string Join(const std::string& base, const std::string& leaf) {
  if (base.empty()) return leaf;
  return base.back() == '/' ? base + leaf : base + "/" + leaf;
}

}  // namespace

std::string ServerConfig::DatabaseUrl() const {
  return database_url.empty() ? "sqlite:" + Join(data_dir, "sedun.db") : database_url;
}
std::string ServerConfig::TlsCertPath() const {
  return tls_cert.empty() ? Join(data_dir, "tls/tls-cert.pem") : tls_cert;
}
std::string ServerConfig::TlsKeyPath() const {
  return tls_key.empty() ? Join(data_dir, "tls/tls-key.pem") : tls_key;
}
std::string ServerConfig::OperatorTokenPath() const {
  return operator_token_file.empty() ? Join(data_dir, "operator.token") : operator_token_file;
}
std::string ServerConfig::CaDir() const { return ca_dir.empty() ? Join(data_dir, "ca") : ca_dir; }
std::string ServerConfig::CaPassphrasePath() const {
  return ca_passphrase_file.empty() ? Join(data_dir, "ca.pass") : ca_passphrase_file;
}
bool ServerConfig::HasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::vector<ConfigKeyInfo> ConfigKeys() {
  static const std::vector<std::string> env_names = [] {
    std::vector<std::string> names;
    for (const KeySpec& spec : Specs()) names.push_back(EnvName(spec));
    return names;
  }();
  std::vector<ConfigKeyInfo> out;
  for (size_t i = 0; i < Specs().size(); ++i) {
    const KeySpec& spec = Specs()[i];
    out.push_back({spec.section, spec.key, env_names[i], spec.doc});
  }
  return out;
}

Result<ServerConfig> ParseConfig(std::string_view toml_text, std::string_view origin) {
  const std::string where(origin);
  toml::table table;
  try {
    table = toml::parse(toml_text, where);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << where << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
        << e.description();
    return Malformed(msg.str());
  } catch (const std::exception& e) {
    return Malformed(where + ": " + e.what());
  }
  ServerConfig config;
  for (const auto& [name, node] : table) {
    const std::string_view key = name.str();
    if (const KeySpec* spec = FindSpec("", key)) {
      SEDUN_RETURN_IF_ERROR(SetFromToml(config, *spec, node, where));
      continue;
    }
    if (!IsSection(key)) return InvalidArgument(where + ": unknown key '" + std::string(key) + "'");
    const toml::table* section = node.as_table();
    if (section == nullptr) {
      return InvalidArgument(where + ": '" + std::string(key) + "' must be a [section]");
    }
    for (const auto& [sub_name, sub_node] : *section) {
      const KeySpec* spec = FindSpec(key, sub_name.str());
      if (spec == nullptr) {
        return InvalidArgument(where + ": unknown key '" + std::string(key) + "." +
                               std::string(sub_name.str()) + "'");
      }
      SEDUN_RETURN_IF_ERROR(SetFromToml(config, *spec, sub_node, where));
    }
  }
  return config;
}

Status ApplyEnvironment(ServerConfig& config, const std::map<std::string, std::string>& env) {
  for (const KeySpec& spec : Specs()) {
    auto it = env.find(EnvName(spec));
    if (it == env.end()) continue;
    SEDUN_RETURN_IF_ERROR(SetFromText(config, spec, it->second, "environment " + it->first));
  }
  return ValidateConfig(config);
}

Status ValidateConfig(const ServerConfig& config) {
  if (config.roles.empty()) return InvalidArgument("roles: at least one role is needed");
  for (const std::string& role : config.roles) {
    if (std::find(std::begin(kAllRoles), std::end(kAllRoles), role) == std::end(kAllRoles)) {
      return InvalidArgument("roles: unknown role '" + role + "' (known: bank, ca, svs, vault)");
    }
  }
  if (config.listen.empty() && config.public_listen.empty()) {
    return InvalidArgument("server.listen: no listen address");
  }
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return InvalidArgument("server.tls_cert and server.tls_key go together");
  }
  if (config.client_auth != "none" && config.client_ca.empty()) {
    return InvalidArgument("server.client_auth '" + config.client_auth + "' needs server.client_ca");
  }
  for (const KeySpec& spec : Specs()) {
    if (auto* i = std::get_if<IntField>(&spec.field)) {
      const int v = config.*(*i);
      if (v < spec.min || v > spec.max) {
        return InvalidArgument(KeyName(spec) + ": " + std::to_string(v) + " is outside " +
                               std::to_string(spec.min) + ".." + std::to_string(spec.max));
      }
    } else if (auto* f = std::get_if<StringField>(&spec.field); f && !spec.allowed.empty()) {
      const std::string& v = config.*(*f);
      if (std::find(spec.allowed.begin(), spec.allowed.end(), v) == spec.allowed.end()) {
        return InvalidArgument(KeyName(spec) + ": '" + v + "' is not one of the allowed values");
      }
    }
  }
  return Status::Ok();
}

Result<ServerConfig> LoadConfig(const std::string& path,
                                const std::map<std::string, std::string>& env) {
  ServerConfig config;
  if (!path.empty()) {
    SEDUN_ASSIGN_OR_RETURN(Bytes text, ReadFile(path, 1 << 20));
    SEDUN_ASSIGN_OR_RETURN(config, ParseConfig(AsChars(text), path));
  }
  SEDUN_RETURN_IF_ERROR(ApplyEnvironment(config, env));
  return config;
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

std::string RenderConfig(const ServerConfig& config) {
  std::ostringstream out;
  std::string_view current_section;
  for (const KeySpec& spec : Specs()) {
    if (spec.section != current_section) {
      out << "\n[" << spec.section << "]\n";
      current_section = spec.section;
    }
    out << spec.key << " = ";
    if (auto* f = std::get_if<StringField>(&spec.field)) {
      out << toml::value<std::string>(config.*(*f));
    } else if (auto* i = std::get_if<IntField>(&spec.field)) {
      out << config.*(*i);
    } else {
      toml::array array;
      for (const std::string& item : config.*std::get<ListField>(spec.field)) array.push_back(item);
      out << array;
    }
    out << "\n";
  }
  return out.str();
}

}  // namespace sedun::server
