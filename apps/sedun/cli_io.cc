// Input/output helpers and the Status -> exit code mapping of the CLI.
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/file.h"
#include "cli.h"

namespace sedun::cli {

int ExitCodeFor(const Status& status) {
  if (status.ok()) return 0;
  if (status.code() == Code::kVerifyFailed) return 1;
  return 2;
}

void AddIdOptions(CLI::App* cmd, IdOptions* o, const std::string& default_note) {
  auto* id = cmd->add_option("--id", o->id, "signer's user ID, ASCII (default: " + default_note + ")");
  auto* hexid = cmd->add_option("--hexid", o->hexid, "signer's user ID in hex");
  id->excludes(hexid);
}

Result<Bytes> ResolveId(const IdOptions& o) {
  if (!o.hexid.empty()) {
    auto id = HexDecode(o.hexid);
    if (!id.ok()) return id.status().Annotate("--hexid");
    if (id->empty()) return InvalidArgument("--hexid must not be empty");
    return id;
  }
  return ToBytes(AsBytes(o.id));
}

Result<Bytes> ReadInput(const std::string& path) {
  if (path.empty() || path == "-") return ReadStdin();
  return ReadFile(path);
}

Status WriteOutput(const std::string& path, ByteView data, unsigned mode) {
  if (!path.empty() && path != "-") return WriteFileAtomic(path, data, mode);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(STDOUT_FILENO, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError(std::string("cannot write standard output: ") + strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Result<SecretBytes> ReadHexSecret(const std::string& inline_hex, const std::string& file,
                                  const std::string& what) {
  if (!inline_hex.empty() && !file.empty()) {
    return InvalidArgument("give " + what + " either inline or as a file, not both");
  }
  std::string text;
  if (!file.empty()) {
    SEDUN_ASSIGN_OR_RETURN(Bytes raw, ReadFile(file, 4096));
    text.assign(raw.begin(), raw.end());
    SecureWipe(raw.data(), raw.size());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  } else {
    text = inline_hex;
  }
  if (text.empty()) return InvalidArgument(what + " is required");
  auto bytes = HexDecode(text);
  SecureWipe(text.data(), text.size());
  if (!bytes.ok()) return bytes.status().Annotate(what);
  SecretBytes out(*bytes);
  SecureWipe(bytes->data(), bytes->size());
  return out;
}

}  // namespace sedun::cli
