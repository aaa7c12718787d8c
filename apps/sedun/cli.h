// Shared declarations of the `sedun` command-line tool.
//
// Each command group registers its subcommands on the CLI11 app and, when selected, stores the
// action to run. main() parses, runs the action and maps its Status to the exit code in one
// place (ExitCodeFor): 0 success, 1 a verification failed (signature, tag), 2 usage or input
// error. Error text names the bad input and never includes key material or plaintext.
#pragma once

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"

namespace sedun::cli {

using Action = std::function<Status()>;

void AddSm3Commands(CLI::App& app, Action* action);
void AddSm4Commands(CLI::App& app, Action* action);
void AddSm2Commands(CLI::App& app, Action* action);
void AddSelfTestCommand(CLI::App& app, Action* action);
// `sedun se ...`: the secure element client over PC/SC (se_*.cc).
void AddSeCommands(CLI::App& app, Action* action);

int ExitCodeFor(const Status& status);

// --id ASCII / --hexid HEX: the SM2 signer ID hashed into ZA (GM/T 0009 §8).
struct IdOptions {
  std::string id, hexid;
};
void AddIdOptions(CLI::App* cmd, IdOptions* o, const std::string& default_note);
// The ID given, or empty when neither option was used (the caller picks the default).
Result<Bytes> ResolveId(const IdOptions& o);

// Input from a file, or standard input for "-" or an empty path.
Result<Bytes> ReadInput(const std::string& path);
// Output to a file (written atomically, with `mode`), or standard output for "-" or empty.
Status WriteOutput(const std::string& path, ByteView data, unsigned mode = 0644);
// A hex secret given either inline (--key HEX) or in a file (--key-file F, hex text).
Result<SecretBytes> ReadHexSecret(const std::string& inline_hex, const std::string& file,
                                  const std::string& what);

}  // namespace sedun::cli
