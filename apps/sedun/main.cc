// sedun: the command-line tool (SM2/SM3/SM4 operations, self-test; later the card and bank client).
#include <cstdio>

#include "cli.h"

int main(int argc, char** argv) {
  CLI::App app{"sedun: SM2/SM3/SM4 cryptography and the sedun mobile-finance security stack"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sedun 0.1.0");
  sedun::cli::Action action;
  sedun::cli::AddSm3Commands(app, &action);
  sedun::cli::AddSm4Commands(app, &action);
  sedun::cli::AddSm2Commands(app, &action);
  sedun::cli::AddSelfTestCommand(app, &action);
  sedun::cli::AddSeCommands(app, &action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;  // usage error, per the exit-code contract in cli.h
  }
  if (!action) {
    std::fprintf(stderr, "sedun: no command given (see --help)\n");
    return 2;
  }
  sedun::Status status = action();
  if (!status.ok()) std::fprintf(stderr, "sedun: %s\n", status.ToString().c_str());
  return sedun::cli::ExitCodeFor(status);
}
