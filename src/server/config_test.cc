// Configuration: defaults, TOML, environment overrides, validation and the documentation check.
#include "server/config.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace sedun::server {
namespace {

TEST(Config, DefaultsAreValidAndHostEveryRole) {
  ServerConfig config;
  ASSERT_TRUE(ValidateConfig(config).ok());
  for (std::string_view role : kAllRoles) EXPECT_TRUE(config.HasRole(role));
  EXPECT_EQ(config.DatabaseUrl(), "sqlite:sedun-data/sedun.db");
  EXPECT_EQ(config.CaDir(), "sedun-data/ca");
}

TEST(Config, TomlSetsEveryKind) {
  auto config = ParseConfig(R"(
roles = ["ca", "svs"]
data_dir = "/var/lib/sedun"
[server]
listen = ["0.0.0.0:9443", "[::]:9443"]
threads = 4
client_auth = "require"
client_ca = "clients.pem"
[database]
url = "postgresql://sedun@db/sedun"
[ca]
expiring_window_days = 10
)",
                            "test.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_FALSE(config->HasRole("bank"));
  EXPECT_TRUE(config->HasRole("svs"));
  EXPECT_EQ(config->listen.size(), 2u);
  EXPECT_EQ(config->threads, 4);
  EXPECT_EQ(config->DatabaseUrl(), "postgresql://sedun@db/sedun");
  EXPECT_EQ(config->ca_expiring_window_days, 10);
  EXPECT_EQ(config->CaDir(), "/var/lib/sedun/ca");
  EXPECT_TRUE(ValidateConfig(*config).ok());
}

TEST(Config, RefusesUnknownKeysWrongTypesAndSyntaxErrors) {
  auto unknown = ParseConfig("[server]\nlisten_port = 1\n", "a.toml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("server.listen_port"), std::string::npos);
  EXPECT_FALSE(ParseConfig("nosuch = 1\n", "a.toml").ok());
  EXPECT_FALSE(ParseConfig("[server]\nthreads = \"four\"\n", "a.toml").ok());
  EXPECT_FALSE(ParseConfig("[server]\nlisten = \"one\"\n", "a.toml").ok());
  EXPECT_FALSE(ParseConfig("server = 3\n", "a.toml").ok());
  auto syntax = ParseConfig("[server\n", "a.toml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.status().code(), Code::kMalformed);
  EXPECT_NE(syntax.status().message().find("a.toml:1"), std::string::npos);
}

TEST(Config, EnvironmentOverridesTheFile) {
  auto config = ParseConfig("[database]\nurl = \"sqlite:a.db\"\n", "a.toml");
  ASSERT_TRUE(config.ok());
  ASSERT_TRUE(ApplyEnvironment(*config, {{"SEDUN_DATABASE_URL", "host=db dbname=sedun"},
                                         {"SEDUN_ROLES", "ca, svs"},
                                         {"SEDUN_SERVER_THREADS", "3"},
                                         {"UNRELATED", "x"}})
                  .ok());
  EXPECT_EQ(config->DatabaseUrl(), "host=db dbname=sedun");
  EXPECT_EQ(config->roles, (std::vector<std::string>{"ca", "svs"}));
  EXPECT_EQ(config->threads, 3);
  ServerConfig bad;
  EXPECT_FALSE(ApplyEnvironment(bad, {{"SEDUN_SERVER_THREADS", "3x"}}).ok());
  EXPECT_FALSE(ApplyEnvironment(bad, {{"SEDUN_SERVER_THREADS", "0"}}).ok());
}

TEST(Config, ValidationNamesTheKey) {
  ServerConfig config;
  config.roles = {"ca", "teller"};
  auto s = ValidateConfig(config);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("teller"), std::string::npos);
  config = ServerConfig{};
  config.client_auth = "require";
  EXPECT_FALSE(ValidateConfig(config).ok());  // needs client_ca
  config.client_ca = "ca.pem";
  EXPECT_TRUE(ValidateConfig(config).ok());
  config.client_auth = "sometimes";
  EXPECT_FALSE(ValidateConfig(config).ok());
  config = ServerConfig{};
  config.ca_user_validity_days = 3654;  // over ten years: refused by some verifiers
  EXPECT_FALSE(ValidateConfig(config).ok());
  config = ServerConfig{};
  config.tls_cert = "only-cert.pem";
  EXPECT_FALSE(ValidateConfig(config).ok());
}

TEST(Config, RenderedConfigParsesBackToTheSameValues) {
  ServerConfig config;
  config.roles = {"svs"};
  config.threads = 5;
  config.svs_trusted_roots = {"a.pem", "b \"quoted\".pem"};
  auto back = ParseConfig(RenderConfig(config), "rendered");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->roles, config.roles);
  EXPECT_EQ(back->threads, 5);
  EXPECT_EQ(back->svs_trusted_roots, config.svs_trusted_roots);
}

// docs/configuration.md is the operator's reference: every key and its variable must be in it.
TEST(Config, EveryKeyIsDocumented) {
  std::ifstream in(std::string(SEDUN_SOURCE_DIR) + "/docs/configuration.md");
  ASSERT_TRUE(in) << "docs/configuration.md missing";
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  for (const ConfigKeyInfo& key : ConfigKeys()) {
    std::string name = key.section.empty() ? std::string(key.key)
                                           : std::string(key.section) + "." + std::string(key.key);
    EXPECT_NE(doc.find("`" + name + "`"), std::string::npos) << name << " not documented";
    EXPECT_NE(doc.find("`" + std::string(key.env) + "`"), std::string::npos)
        << key.env << " not documented";
  }
}

}  // namespace
}  // namespace sedun::server
