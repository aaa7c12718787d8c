// ServerApp: assembling the roles of one sedun-server process.
#include "server/server_app.h"

#include <sys/stat.h>

#include <filesystem>

#include <spdlog/spdlog.h>

#include "base/file.h"
#include "ca/ca_init.h"
#include "ca/ca_schema.h"
#include "ca/certification_authority.h"
#include "crypto/rng.h"
#include "net/http_client.h"
#include "net/tls_files.h"
#include "pki/key_io.h"
#include "pki/revocation.h"
#include "server/operator_auth.h"
#include "server/routes.h"
#include "store/database.h"
#include "svs/verification_service.h"

namespace sedun::server {
namespace {

namespace fs = std::filesystem;

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Status MakeDir(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return IoError("cannot create directory " + path + ": " + ec.message());
  fs::permissions(path, fs::perms::owner_all, fs::perm_options::replace, ec);
  return Status::Ok();
}

Result<std::vector<pki::Certificate>> LoadCertificateFiles(const std::vector<std::string>& paths) {
  std::vector<pki::Certificate> out;
  for (const std::string& path : paths) {
    SEDUN_ASSIGN_OR_RETURN(Bytes pem, ReadFile(path, 1 << 20));
    SEDUN_ASSIGN_OR_RETURN(std::vector<pki::Certificate> certs, pki::LoadCertificates(pem));
    out.insert(out.end(), certs.begin(), certs.end());
  }
  return out;
}

ca::CaConfig MakeCaConfig(const ServerConfig& config) {
  ca::CaConfig out;
  if (!config.ca_policy_oid.empty()) out.policy_oid = config.ca_policy_oid;
  out.public_base_url = config.ca_public_base_url;
  while (!out.public_base_url.empty() && out.public_base_url.back() == '/') {
    out.public_base_url.pop_back();
  }
  out.sign_validity_days = config.ca_user_validity_days;
  out.enc_validity_days = config.ca_user_validity_days;
  out.server_validity_days = config.ca_server_validity_days;
  out.expiring_soon_window = std::chrono::days(config.ca_expiring_window_days);
  out.crl_validity = std::chrono::hours(config.ca_crl_validity_hours);
  out.registration_lifetime = std::chrono::minutes(config.ca_registration_ttl_minutes);
  return out;
}

// svs reaches revocation status the way any relying party would: the OCSP responder or the CRL
// of the CA, over HTTP, even when the ca role runs in the same process (it may not).
std::shared_ptr<pki::RevocationChecker> MakeRevocationChecker(const ServerConfig& config) {
  net::HttpClientOptions options;
  options.connect_timeout = std::chrono::seconds(5);
  options.read_timeout = std::chrono::seconds(10);
  options.max_response_bytes = size_t{8} << 20;
  net::HttpClient client(options);
  if (config.svs_revocation == "crl") {
    std::string url = config.ca_public_base_url + "/v1/ca/crl";
    return std::make_shared<pki::CrlRevocationChecker>(
        [client, url](const pki::Certificate&) -> Result<std::vector<pki::Crl>> {
          SEDUN_ASSIGN_OR_RETURN(net::HttpResponse response, client.Get(url));
          if (response.status != 200) {
            return Unavailable("CRL fetch: HTTP " + std::to_string(response.status));
          }
          SEDUN_ASSIGN_OR_RETURN(pki::Crl crl, pki::Crl::FromDer(AsBytes(response.body)));
          return std::vector<pki::Crl>{std::move(crl)};
        });
  }
  return std::make_shared<pki::OcspRevocationChecker>(
      [client](const std::string& url, ByteView request) -> Result<Bytes> {
        SEDUN_ASSIGN_OR_RETURN(
            net::HttpResponse response,
            client.Post(url, std::string(AsChars(request)), "application/ocsp-request"));
        if (response.status != 200) {
          return Unavailable("OCSP: HTTP " + std::to_string(response.status));
        }
        return ToBytes(AsBytes(response.body));
      });
}

Result<std::vector<net::ListenerConfig>> Listeners(const ServerConfig& config) {
  std::vector<net::ListenerConfig> out;
  for (const std::string& address : config.listen) out.push_back({address, true});
  for (const std::string& address : config.public_listen) out.push_back({address, false});
  return out;
}

}  // namespace

struct ServerApp::Parts {
  ServerConfig config;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<OperatorAuth> auth;
  std::unique_ptr<ca::CertificationAuthority> ca;
  std::shared_ptr<const svs::VerificationService> svs;
  std::unique_ptr<net::HttpServer> http;
};

Result<SecretBytes> LoadCaPassphrase(const ServerConfig& config,
                                     const std::map<std::string, std::string>& env) {
  if (auto it = env.find("SEDUN_CA_PASSPHRASE"); it != env.end() && !it->second.empty()) {
    return SecretBytes(AsBytes(it->second));
  }
  return ca::ReadPassphraseFile(config.CaPassphrasePath());
}

Status InitCertificationAuthority(const ServerConfig& config,
                                  const std::map<std::string, std::string>& env) {
  SEDUN_RETURN_IF_ERROR(MakeDir(config.data_dir));
  const bool from_env = env.count("SEDUN_CA_PASSPHRASE") != 0;
  if (!from_env && !Exists(config.CaPassphrasePath())) {
    // A key file: 32 random bytes as hex, readable only by the server's user.
    SEDUN_ASSIGN_OR_RETURN(SecretBytes raw, crypto::RandomSecret(crypto::SystemRng(), 32));
    std::string hex = HexEncode(raw.view());
    Status written = WriteFileAtomic(config.CaPassphrasePath(), AsBytes(hex), 0600);
    std::fill(hex.begin(), hex.end(), '\0');
    SEDUN_RETURN_IF_ERROR(written);
  }
  SEDUN_ASSIGN_OR_RETURN(SecretBytes passphrase, LoadCaPassphrase(config, env));
  ca::CaInitOptions options;
  options.dir = config.CaDir();
  options.passphrase = std::move(passphrase);
  options.policy_oid =
      config.ca_policy_oid.empty() ? std::string(ca::kDefaultPolicyOid) : config.ca_policy_oid;
  SEDUN_ASSIGN_OR_RETURN(ca::CaInitResult result, ca::InitCa(options));
  spdlog::info("CA initialised: root {}, issuing CA {}, service certificate {}", result.root_cert,
               result.issuing_cert, result.service_cert);
  return Status::Ok();
}

ServerApp::ServerApp(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
ServerApp::~ServerApp() {
  if (parts_ && parts_->http) parts_->http->Stop();
}

net::HttpServer& ServerApp::http() { return *parts_->http; }

Result<std::unique_ptr<ServerApp>> ServerApp::Create(
    const ServerConfig& config, const std::map<std::string, std::string>& env) {
  SEDUN_RETURN_IF_ERROR(ValidateConfig(config));
  auto parts = std::make_unique<Parts>();
  parts->config = config;
  SEDUN_RETURN_IF_ERROR(MakeDir(config.data_dir));

  store::DatabaseOptions db_options;
  db_options.url = config.DatabaseUrl();
  db_options.pool_size = config.database_pool_size;
  db_options.busy_timeout_ms = config.database_busy_timeout_ms;
  auto db = store::OpenDatabase(db_options);
  if (!db.ok()) return db.status().Annotate("database");
  parts->db = std::move(db).value();

  // Operator token.
  SecretBytes token;
  if (auto it = env.find("SEDUN_OPERATOR_TOKEN"); it != env.end() && !it->second.empty()) {
    if (it->second.size() < 16) return InvalidArgument("SEDUN_OPERATOR_TOKEN: shorter than 16");
    token = SecretBytes(AsBytes(it->second));
  } else {
    SEDUN_ASSIGN_OR_RETURN(token, OperatorAuth::LoadOrCreateToken(config.OperatorTokenPath()));
  }
  parts->auth = std::make_unique<OperatorAuth>(token);

  const bool default_ca_dir = config.ca_dir.empty();
  const std::string ca_dir = config.CaDir();
  const bool ca_present = Exists(ca_dir + "/" + ca::kIssuingCertFile);
  if (config.HasRole("ca") && !ca_present) {
    if (!default_ca_dir) {
      return FailedPrecondition("no CA in " + ca_dir + ": run `sedun-server ca init` first");
    }
    spdlog::warn("no CA yet in {}: initialising a new root and issuing CA (embedded defaults)",
                 ca_dir);
    SEDUN_RETURN_IF_ERROR(InitCertificationAuthority(config, env));
  }

  // Roles.
  if (config.HasRole("ca")) {
    SEDUN_RETURN_IF_ERROR(ca::MigrateCaSchema(*parts->db));
    SEDUN_ASSIGN_OR_RETURN(SecretBytes passphrase, LoadCaPassphrase(config, env));
    auto keys = ca::LoadCaKeys(ca_dir, passphrase);
    if (!keys.ok()) return keys.status().Annotate("CA keys in " + ca_dir);
    auto authority =
        ca::CertificationAuthority::Create(MakeCaConfig(config), std::move(keys).value(), *parts->db);
    if (!authority.ok()) return authority.status().Annotate("ca role");
    parts->ca = std::move(authority).value();
  }
  if (config.HasRole("svs")) {
    svs::VerificationServiceConfig svs_config;
    std::vector<std::string> roots = config.svs_trusted_roots;
    if (roots.empty()) roots.push_back(ca_dir + "/" + ca::kRootCertFile);
    auto trusted = LoadCertificateFiles(roots);
    if (!trusted.ok()) return trusted.status().Annotate("svs trusted roots");
    svs_config.trusted_roots = std::move(trusted).value();
    if (Exists(ca_dir + "/" + ca::kIssuingCertFile)) {
      auto issuing = LoadCertificateFiles({ca_dir + "/" + ca::kIssuingCertFile});
      if (issuing.ok()) svs_config.intermediates = std::move(issuing).value();
    }
    svs_config.required_policies = {config.ca_policy_oid.empty()
                                         ? std::string(ca::kDefaultPolicyOid)
                                         : config.ca_policy_oid};
    svs_config.check_revocation = config.svs_revocation != "none";
    if (svs_config.check_revocation) svs_config.revocation = MakeRevocationChecker(config);
    // The end-entity certificate's status comes from the issuing CA's OCSP responder or CRL. The
    // issuing CA's own status would come from the root, whose key stays offline after `ca init`
    // and publishes no authority revocation list yet, so the path's CA certificates are trusted
    // as configured rather than reported "revocation_unknown" for every signature.
    svs_config.revocation_scope = pki::RevocationScope::kLeafOnly;
    svs_config.expiring_window = std::chrono::days(config.ca_expiring_window_days);
    svs_config.max_batch_size = static_cast<size_t>(config.svs_max_batch);

    std::optional<svs::ServerIdentity> identity;
    const std::string key_path =
        config.svs_signing_key.empty() ? ca_dir + "/" + ca::kServiceKeyFile : config.svs_signing_key;
    const std::string cert_path = config.svs_signing_cert.empty()
                                      ? ca_dir + "/" + ca::kServiceCertFile
                                      : config.svs_signing_cert;
    if (Exists(key_path)) {
      SEDUN_ASSIGN_OR_RETURN(SecretBytes passphrase, LoadCaPassphrase(config, env));
      SEDUN_ASSIGN_OR_RETURN(Bytes key_pem, ReadFile(key_path, 1 << 16));
      auto key = pki::LoadPrivateKey(key_pem, std::string(AsChars(passphrase.view())));
      SecureWipe(key_pem.data(), key_pem.size());
      if (!key.ok()) return key.status().Annotate("svs signing key " + key_path);
      std::vector<std::string> chain_files = {cert_path};
      if (Exists(ca_dir + "/" + ca::kChainFile)) chain_files.push_back(ca_dir + "/" + ca::kChainFile);
      auto chain = LoadCertificateFiles(chain_files);
      if (!chain.ok()) return chain.status().Annotate("svs signing certificate");
      identity = svs::ServerIdentity{std::move(key).value(), std::move(chain).value()};
    } else {
      spdlog::warn("svs: no signing key at {}; /v1/svs/sign will answer failed_precondition",
                   key_path);
    }
    auto service = svs::VerificationService::Create(std::move(svs_config), std::move(identity));
    if (!service.ok()) return service.status().Annotate("svs role");
    parts->svs = std::make_shared<const svs::VerificationService>(std::move(service).value());
  }
  // bank and vault: accepted as role names so deployments can be laid out now; their domain
  // (accounts, login, transactions; key ciphertexts) is not built yet, and nothing is served
  // under /v1/bank or /v1/vault.

  // HTTP.
  net::HttpServerConfig http;
  SEDUN_ASSIGN_OR_RETURN(http.listeners, Listeners(config));
  if (!config.listen.empty()) {
    if (config.tls_cert.empty()) {
      auto files = net::EnsureSelfSignedTlsCertificate(config.data_dir + "/tls");
      if (!files.ok()) return files.status().Annotate("TLS certificate");
      if (files->created) spdlog::warn("made a self-signed TLS certificate {}", files->cert_file);
      http.tls.cert_chain_file = files->cert_file;
      http.tls.key_file = files->key_file;
    } else {
      http.tls.cert_chain_file = config.tls_cert;
      http.tls.key_file = config.tls_key;
    }
    http.tls.client_ca_file = config.client_ca;
    http.tls.client_cert_mode = config.client_auth == "require"    ? net::ClientCertMode::kRequire
                                : config.client_auth == "optional" ? net::ClientCertMode::kOptional
                                                                   : net::ClientCertMode::kNone;
  }
  http.worker_threads = static_cast<size_t>(config.threads);
  http.max_body_bytes = static_cast<size_t>(config.max_body_bytes);
  http.read_timeout = std::chrono::seconds(config.request_timeout_seconds);
  http.write_timeout = std::chrono::seconds(config.request_timeout_seconds);
  http.shutdown_grace = std::chrono::seconds(config.shutdown_grace_seconds);
  parts->http = std::make_unique<net::HttpServer>(std::move(http));
  store::Database* database = parts->db.get();
  parts->http->AddReadinessCheck("database", [database] { return database->Ping(); });
  if (parts->ca) {
    SEDUN_RETURN_IF_ERROR(
        AddCaRoutes(parts->http->router(), *parts->auth, parts->http->metrics(), *parts->ca));
  }
  if (parts->svs) {
    SEDUN_RETURN_IF_ERROR(AddSvsRoutes(parts->http->router(), *parts->auth,
                                       parts->http->metrics(), parts->svs,
                                       static_cast<size_t>(config.svs_max_batch)));
  }
  return std::unique_ptr<ServerApp>(new ServerApp(std::move(parts)));
}

Status ServerApp::Start() {
  SEDUN_RETURN_IF_ERROR(parts_->http->Start());
  for (const net::BoundListener& l : parts_->http->bound()) {
    spdlog::info("listening on {}{}{}:{} ({})", l.ipv6 ? "[" : "", l.host, l.ipv6 ? "]" : "", l.port,
                 l.tls ? "https" : "http: CRL and OCSP only");
  }
  return Status::Ok();
}

void ServerApp::Stop() { parts_->http->Stop(); }

}  // namespace sedun::server
