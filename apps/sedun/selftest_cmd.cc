// `sedun selftest`: runs the built-in known-answer tests and prints one line per algorithm.
#include <cstdio>

#include "cli.h"
#include "crypto/selftest.h"

namespace sedun::cli {

void AddSelfTestCommand(CLI::App& app, Action* action) {
  auto* cmd = app.add_subcommand("selftest", "Run the known-answer self-test of every algorithm (exit 0 if all pass)");
  cmd->callback([action] {
    *action = []() -> Status {
      auto results = crypto::RunSelfTests();
      for (const auto& r : results) {
        std::printf("%-4s %-28s %s%s%s\n", r.status.ok() ? "ok" : "FAIL", r.name.c_str(), r.source.c_str(),
                    r.status.ok() ? "" : ": ", r.status.ok() ? "" : r.status.ToString().c_str());
      }
      Status s = crypto::SelfTestStatus(results);
      if (s.ok()) std::printf("self-test passed: %zu of %zu\n", results.size(), results.size());
      return s;
    };
  });
}

}  // namespace sedun::cli
