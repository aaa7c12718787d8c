// sedun-card: the virtual secure element as a program (DESIGN.md: "a virtual ICC that attaches
// to pcscd through Debian's vsmartcard-vpcd").
//
//   sedun-card create --image FILE --issuer-keys-out FILE
//       a new factory-state card; its issuer key set (KVN 01) goes to the keys file, as hex,
//       mode 0600, for the personalisation terminal
//   sedun-card run --image FILE [--vpcd HOST:PORT] [--verbose]
//       serves the card to vpcd until SIGTERM or SIGINT, reconnecting when pcscd restarts
//
// Exit codes: 0 success, 1 failure at run time, 2 usage error. Logs go to standard error and
// never carry APDU data (se/vpcd_link.h). The logic lives in src/se; this file wires it up.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "base/file.h"
#include "se/card.h"
#include "se/vpcd_link.h"

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

// Without SA_RESTART, so that a blocking connect() returns at once on SIGTERM.
void InstallSignalHandlers() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
}

int Fail(const sedun::Status& status) {
  spdlog::error("{}", status.ToString());
  return 1;
}

int Create(const std::string& image, const std::string& keys_out) {
  if (access(keys_out.c_str(), F_OK) == 0) {
    return Fail(sedun::AlreadyExists(keys_out + " exists; refusing to overwrite a key file"));
  }
  sedun::Result<sedun::se::CreatedCard> created = sedun::se::Card::Create(image);
  if (!created.ok()) return Fail(created.status());
  std::string hex = sedun::HexEncode(created->issuer_keys.view()) + "\n";
  sedun::Status written = sedun::WriteFileAtomic(keys_out, sedun::AsBytes(hex), 0600);
  sedun::SecureWipe(hex.data(), hex.size());
  if (!written.ok()) {
    // A card whose issuer keys are lost can never be personalised: do not leave it behind.
    unlink(image.c_str());
    return Fail(written);
  }
  std::printf("created card %s in %s; issuer key set in %s\n", sedun::HexEncode(created->serial).c_str(),
              image.c_str(), keys_out.c_str());
  return 0;
}

int Run(const std::string& image, const std::string& vpcd) {
  sedun::Result<sedun::se::VpcdEndpoint> endpoint = sedun::se::ParseVpcdEndpoint(vpcd);
  if (!endpoint.ok()) return Fail(endpoint.status());
  auto card = sedun::se::Card::Open(std::make_unique<sedun::se::FileCardStore>(image));
  if (!card.ok()) return Fail(card.status());
  InstallSignalHandlers();
  spdlog::info("card image {} loaded (lifecycle {:02X}); serving vpcd at {}:{}", image,
               static_cast<int>((*card)->state().lifecycle), endpoint->host, endpoint->port);
  sedun::se::VpcdLink link(**card, [](sedun::se::LinkLogLevel level, const std::string& message) {
    switch (level) {
      case sedun::se::LinkLogLevel::kDebug:
        spdlog::debug("{}", message);
        break;
      case sedun::se::LinkLogLevel::kInfo:
        spdlog::info("{}", message);
        break;
      case sedun::se::LinkLogLevel::kWarning:
        spdlog::warn("{}", message);
        break;
      case sedun::se::LinkLogLevel::kError:
        spdlog::error("{}", message);
        break;
    }
  });
  link.RunClient(*endpoint, g_stop);
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("sedun-card"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  CLI::App app{"sedun-card: the sedun virtual secure element, attached to pcscd through vpcd"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "sedun-card 0.1.0");

  std::string image, keys_out, vpcd = "127.0.0.1:" + std::to_string(sedun::se::kVpcdDefaultPort);
  bool verbose = false;
  CLI::App* create = app.add_subcommand("create", "create a new factory-state card image");
  create->add_option("--image", image, "card image file to create")->required();
  create->add_option("--issuer-keys-out", keys_out, "file for the issuer key set (hex, mode 0600)")->required();
  CLI::App* run = app.add_subcommand("run", "serve a card image to pcscd through vpcd");
  run->add_option("--image", image, "card image file")->required();
  run->add_option("--vpcd", vpcd, "vpcd address, HOST:PORT")->capture_default_str();
  run->add_flag("--verbose,-v", verbose, "log every exchange (INS and status word only)");

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
    return 2;
  }
  if (verbose) spdlog::set_level(spdlog::level::debug);
  if (create->parsed()) return Create(image, keys_out);
  return Run(image, vpcd);
}
