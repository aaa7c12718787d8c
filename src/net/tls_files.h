// A self-signed TLS certificate so that sedun-server speaks HTTPS out of the box.
//
// When the server starts without TLS configuration it calls EnsureSelfSignedTlsCertificate on its
// data directory: the first time it creates an ECDSA P-256 key (file mode 0600) and a self-signed
// certificate with SANs for localhost, 127.0.0.1, ::1 and the given host names; later runs reuse
// them. P-256, not SM2, because OpenSSL 3.0's TLS has no SM2 cipher suites (see http_server.h).
// Thread-safety: no shared state; concurrent calls on one directory may both create files, and
// the last atomic rename wins with a consistent key and certificate pair each.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace sedun::net {

struct TlsFiles {
  std::string cert_file;  // <dir>/tls-cert.pem
  std::string key_file;   // <dir>/tls-key.pem
  bool created = false;   // true when this call generated them
};

Result<TlsFiles> EnsureSelfSignedTlsCertificate(const std::string& dir,
                                                const std::vector<std::string>& hostnames = {});

}  // namespace sedun::net
