// ServerApp: one sedun-server process, assembled from a ServerConfig: the database (migrated at
// start), the roles it hosts, their routes, and the HTTPS (and plain CRL/OCSP) listeners.
//
// Everything a second instance needs lives in the database or in the configured files (CA keys,
// TLS certificate, operator token), so several processes with the same configuration on one
// PostgreSQL serve the same roles together (DESIGN: no state only in one server's memory).
//
// First start with embedded defaults: when the CA directory is the default one inside data_dir
// and empty, the CA is initialised there with a random passphrase in data_dir/ca.pass (a warning
// is logged); the TLS certificate and the operator token are generated likewise. An operator
// who sets ca.dir gets no such help: a missing CA is then an error, never a silent new root.
// Thread-safety: Start/Stop from one controlling thread.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "base/secret.h"
#include "base/status.h"
#include "net/http_server.h"
#include "server/config.h"

namespace sedun::server {

class ServerApp {
 public:
  // `env` supplies the secrets given by environment (SEDUN_CA_PASSPHRASE, SEDUN_OPERATOR_TOKEN).
  static Result<std::unique_ptr<ServerApp>> Create(const ServerConfig& config,
                                                   const std::map<std::string, std::string>& env);
  ~ServerApp();

  Status Start();
  void Stop();
  net::HttpServer& http();

 private:
  struct Parts;
  explicit ServerApp(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

// Reads the CA passphrase: SEDUN_CA_PASSPHRASE from `env`, else the passphrase file.
Result<SecretBytes> LoadCaPassphrase(const ServerConfig& config,
                                     const std::map<std::string, std::string>& env);

// `sedun-server ca init`: creates the CA in config.CaDir(). When no passphrase is given by
// environment and the passphrase file does not exist, a random one is written there (0600).
Status InitCertificationAuthority(const ServerConfig& config,
                                  const std::map<std::string, std::string>& env);

}  // namespace sedun::server
