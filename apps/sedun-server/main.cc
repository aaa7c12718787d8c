// sedun-server: the back end (roles bank, ca, svs, vault) in one binary.
//
//   sedun-server [--config FILE] [--roles ca,svs] [serve]   run until SIGTERM/SIGINT
//   sedun-server [--config FILE] ca init                     create the root and issuing CA
//   sedun-server [--config FILE] migrate                     apply schema migrations and exit
//   sedun-server [--config FILE] config show|keys            effective configuration / all keys
//
// Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "ca/ca_schema.h"
#include "server/config.h"
#include "server/server_app.h"
#include "store/database.h"

namespace {

using sedun::Status;
using sedun::server::ServerConfig;

// The %j flag of the JSON log format: a message that is itself a JSON object (the access log
// lines of net/) is embedded as "event"; any other message becomes an escaped "msg" string, so
// every line stays one valid JSON object whatever the message holds.
class JsonMessageFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    std::string_view text(msg.payload.data(), msg.payload.size());
    std::string out;
    if (text.size() >= 2 && text.front() == '{' && text.back() == '}') {
      out = ",\"event\":" + std::string(text);
    } else {
      out = ",\"msg\":" + nlohmann::json(std::string(text)).dump(
                               -1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    dest.append(out.data(), out.data() + out.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

void SetUpLogging(const ServerConfig& config) {
  auto logger = spdlog::stderr_logger_mt("sedun-server");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  if (config.log_format == "json") {
    // One JSON object per line, for log collectors. Messages are written by sedun code and never
    // carry secrets (no PIN, password, key, token or authorisation code is ever formatted).
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<JsonMessageFlag>('j').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","pid":%P%j})");
    spdlog::set_formatter(std::move(formatter));
  } else {
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
  }
}

int Fail(const Status& status, int code) {
  spdlog::error("{}", status.ToString());
  std::fprintf(stderr, "sedun-server: %s\n", status.ToString().c_str());
  return code;
}

int Serve(const ServerConfig& config) {
  // Block the stop signals in every thread; this one waits for them with sigwait, so shutdown
  // runs in ordinary code rather than in a signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto app = sedun::server::ServerApp::Create(config, sedun::server::ProcessEnvironment());
  if (!app.ok()) return Fail(app.status(), 1);
  Status started = (*app)->Start();
  if (!started.ok()) return Fail(started, 1);
  std::string roles;
  for (const std::string& r : config.roles) roles += (roles.empty() ? "" : ",") + r;
  spdlog::info("sedun-server ready, roles {}", roles);
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("signal {}: stopping, finishing in-flight requests", received);
  (*app)->Stop();
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
  // Leave without running static destructors: when the grace period ran out, request threads
  // may still be finishing, and tearing down OpenSSL and the logger under them would crash.
  // Everything durable is already committed; the process's memory needs no cleanup.
  std::_Exit(0);
}

int Migrate(const ServerConfig& config) {
  sedun::store::DatabaseOptions options;
  options.url = config.DatabaseUrl();
  auto db = sedun::store::OpenDatabase(options);
  if (!db.ok()) return Fail(db.status(), 1);
  if (config.HasRole("ca")) {
    Status s = sedun::ca::MigrateCaSchema(**db);
    if (!s.ok()) return Fail(s, 1);
  }
  spdlog::info("migrations applied");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"sedun-server: mobile-bank back end (roles bank, ca, svs, vault)"};
  std::string config_path;
  std::string roles;
  cli.add_option("-c,--config", config_path, "TOML configuration file (docs/configuration.md)");
  cli.add_option("--roles", roles, "comma-separated roles, overriding the file and SEDUN_ROLES");
  auto* serve = cli.add_subcommand("serve", "run the server (the default)");
  auto* ca = cli.add_subcommand("ca", "certification authority administration");
  auto* ca_init = ca->add_subcommand("init", "create the root CA, issuing CA and service key");
  ca->require_subcommand(1);
  auto* migrate = cli.add_subcommand("migrate", "apply database migrations and exit");
  auto* config_cmd = cli.add_subcommand("config", "configuration");
  auto* config_show = config_cmd->add_subcommand("show", "print the effective configuration");
  auto* config_keys = config_cmd->add_subcommand("keys", "list every key and its variable");
  config_cmd->require_subcommand(1);
  cli.require_subcommand(0, 1);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }

  auto env = sedun::server::ProcessEnvironment();
  if (!roles.empty()) env["SEDUN_ROLES"] = roles;
  auto config = sedun::server::LoadConfig(config_path, env);
  if (!config.ok()) {
    std::fprintf(stderr, "sedun-server: %s\n", config.status().ToString().c_str());
    return 2;
  }
  SetUpLogging(*config);

  if (config_keys->parsed()) {
    for (const auto& key : sedun::server::ConfigKeys()) {
      std::string name = key.section.empty() ? std::string(key.key)
                                             : std::string(key.section) + "." + std::string(key.key);
      std::cout << name << "\t" << key.env << "\t" << key.doc << "\n";
    }
    return 0;
  }
  if (config_show->parsed()) {
    std::cout << sedun::server::RenderConfig(*config);
    return 0;
  }
  if (ca_init->parsed()) {
    Status s = sedun::server::InitCertificationAuthority(*config, env);
    if (!s.ok()) return Fail(s, s.code() == sedun::Code::kAlreadyExists ? 2 : 1);
    return 0;
  }
  if (migrate->parsed()) return Migrate(*config);
  (void)serve;
  return Serve(*config);
}
