// `sedun sm3 [FILE]`: lowercase hex SM3 digest of a file or standard input, like sha256sum.
// Streams the input, so files of any size work.
#include <cstdio>

#include "base/file.h"
#include "cli.h"
#include "crypto/sm3.h"

namespace sedun::cli {

void AddSm3Commands(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand("sm3", "Print the SM3 digest (GB/T 32905) of FILE or standard input");
  auto file = std::make_shared<std::string>("-");
  cmd->add_option("FILE", *file, "input file (default: standard input)");
  cmd->callback([action, file] {
    *action = [file]() -> Status {
      SEDUN_ASSIGN_OR_RETURN(crypto::Sm3 h, crypto::Sm3::Create());
      SEDUN_RETURN_IF_ERROR(StreamFile(*file, [&h](ByteView chunk) { return h.Update(chunk); }));
      SEDUN_ASSIGN_OR_RETURN(crypto::Sm3Digest d, h.Final());
      std::printf("%s\n", HexEncode(d).c_str());
      return Status::Ok();
    };
  });
}

}  // namespace sedun::cli
