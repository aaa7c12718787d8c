// docs/api/openapi.json is the API contract: it must list exactly the routes a server with every
// role registers, method for method, so the document cannot drift from the code.
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "server/testing/test_server.h"

namespace sedun::server {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApi, DocumentListsExactlyTheRegisteredRoutes) {
  std::ifstream in(std::string(SEDUN_SOURCE_DIR) + "/docs/api/openapi.json");
  ASSERT_TRUE(in) << "docs/api/openapi.json missing";
  std::stringstream text;
  text << in.rdbuf();
  auto doc = nlohmann::json::parse(text.str(), nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << "openapi.json is not valid JSON";
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");

  std::set<std::string> documented;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      documented.insert(Lower(method) + " " + path);
      EXPECT_TRUE(op.contains("responses")) << method << " " << path;
      EXPECT_TRUE(op.contains("summary")) << method << " " << path;
    }
  }
  auto server = testing::TestServer::Start(store::Engine::kSqlite);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  std::set<std::string> registered;
  for (const auto& [method, pattern] : (*server)->app().http().router().Routes()) {
    registered.insert(Lower(method) + " " + pattern);
  }
  for (const std::string& route : registered) {
    EXPECT_TRUE(documented.count(route)) << route << " is served but not in docs/api/openapi.json";
  }
  for (const std::string& route : documented) {
    EXPECT_TRUE(registered.count(route)) << route << " is documented but not served";
  }
  // Every $ref points at a defined component.
  std::string all = text.str();
  for (size_t at = all.find("\"$ref\""); at != std::string::npos; at = all.find("\"$ref\"", at + 1)) {
    size_t start = all.find("#/components/", at);
    size_t end = all.find('"', start);
    std::string ref = all.substr(start + 13, end - start - 13);  // schemas/Name or responses/Name
    size_t slash = ref.find('/');
    EXPECT_TRUE(doc["components"][ref.substr(0, slash)].contains(ref.substr(slash + 1))) << ref;
  }
}

}  // namespace
}  // namespace sedun::server
