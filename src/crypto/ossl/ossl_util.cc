// OpenSSL error-queue draining.
#include "crypto/ossl/ossl_util.h"

#include <openssl/err.h>

namespace sedun::crypto::ossl {

Status OsslError(const std::string& what, Code code) {
  std::string msg = what;
  unsigned long e;
  bool first = true;
  char buf[256];
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof buf);
    msg += first ? " (" : "; ";
    msg += buf;
    first = false;
  }
  if (!first) msg += ")";
  return Status(code, msg);
}

void ClearErrors() { ERR_clear_error(); }

}  // namespace sedun::crypto::ossl
