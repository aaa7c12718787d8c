// Operator bearer-token check.
#include "server/operator_auth.h"

#include <sys/stat.h>

#include "base/file.h"
#include "crypto/ct.h"
#include "crypto/rng.h"
#include "crypto/sm3.h"
#include "net/json_response.h"

namespace sedun::server {
namespace {

constexpr std::string_view kBearer = "Bearer ";

Bytes Digest(ByteView token) {
  auto d = crypto::Sm3Hash(token);
  if (!d.ok()) return {};  // the comparison below then fails closed
  return Bytes(d->begin(), d->end());
}

}  // namespace

OperatorAuth::OperatorAuth(const SecretBytes& token) : digest_(Digest(token.view())) {}

Result<SecretBytes> OperatorAuth::LoadOrCreateToken(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    // 32 random bytes as hex: printable, so it can be pasted into a header or a curl command.
    SEDUN_ASSIGN_OR_RETURN(SecretBytes raw, crypto::RandomSecret(crypto::SystemRng(), 32));
    std::string hex = HexEncode(raw.view());
    SecretBytes token(AsBytes(hex));
    std::fill(hex.begin(), hex.end(), '\0');
    SEDUN_RETURN_IF_ERROR(WriteFileAtomic(path, token.view(), 0600));
    return token;
  }
  SEDUN_ASSIGN_OR_RETURN(Bytes content, ReadFile(path, 4096));
  SecretBytes token(content);
  SecureWipe(content.data(), content.size());
  // One trailing newline is allowed (files made with echo).
  ByteView view = token.view();
  while (!view.empty() && (view.back() == '\n' || view.back() == '\r')) view = view.first(view.size() - 1);
  if (view.size() < 16) return InvalidArgument("operator token file: token shorter than 16 characters");
  return SecretBytes(view);
}

std::optional<net::HttpResponse> OperatorAuth::Check(const net::HttpRequest& request) const {
  std::string_view header = request.Header("Authorization");
  if (header.size() <= kBearer.size() || header.substr(0, kBearer.size()) != kBearer) {
    net::HttpResponse response = net::ErrorResponse(
        401, "unauthorized", "this call needs the operator token (Authorization: Bearer ...)",
        request.request_id);
    response.headers.emplace("WWW-Authenticate", "Bearer");
    return response;
  }
  Bytes presented = Digest(AsBytes(header.substr(kBearer.size())));
  if (digest_.empty() || !crypto::ConstantTimeEqual(presented, digest_)) {
    net::HttpResponse response =
        net::ErrorResponse(401, "unauthorized", "wrong operator token", request.request_id);
    response.headers.emplace("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return response;
  }
  return std::nullopt;
}

}  // namespace sedun::server
