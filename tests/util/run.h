// Running a shell command from a test and capturing its exit status and standard output.
// Used by the CLI tests and the openssl interop tests (the openssl command line is the outside
// authority). Standard error is left to the test log.
#pragma once

#include <string>

namespace sedun::testing {

struct CommandResult {
  int exit_code = -1;  // the process's exit status, or -1 if it did not exit normally
  std::string out;     // standard output
};

CommandResult RunCommand(const std::string& command);

// Single-quotes a word for /bin/sh.
std::string ShellQuote(const std::string& word);

}  // namespace sedun::testing
