// Operator authentication for the calls a bank back office or the bank role makes on the CA and
// svs (registrations, revocations, registry reads, server signatures): a bearer token.
//
// The token is 256 random bits, kept in a 0600 file (auth.operator_token_file) or given by
// SEDUN_OPERATOR_TOKEN. Only its SM3 digest is held in memory after start; a presented token is
// hashed and compared in constant time, so neither timing nor a memory dump of the process gives
// the token away. Mutual TLS (server.client_auth) can be required in addition at the transport.
// Thread-safety: immutable after construction; Check is safe concurrently.
#pragma once

#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "net/http.h"

namespace sedun::server {

class OperatorAuth {
 public:
  explicit OperatorAuth(const SecretBytes& token);

  // Reads the token file; when it does not exist, makes a new random token there (mode 0600).
  static Result<SecretBytes> LoadOrCreateToken(const std::string& path);

  // nullopt when the request carries "Authorization: Bearer <token>" with the right token,
  // otherwise the 401 response to send.
  std::optional<net::HttpResponse> Check(const net::HttpRequest& request) const;

 private:
  Bytes digest_;
};

}  // namespace sedun::server
