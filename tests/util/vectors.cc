// Vector-file loading for tests.
#include "util/vectors.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "base/file.h"

namespace sedun::testing {

std::string VectorPath(const std::string& name) {
  const char* dir = std::getenv("SEDUN_VECTORS");
  std::string base = dir != nullptr ? dir : SEDUN_SOURCE_DIR "/tests/vectors";
  return base + "/" + name;
}

nlohmann::json LoadVectors(const std::string& name) {
  auto bytes = ReadFile(VectorPath(name));
  if (!bytes.ok()) {
    ADD_FAILURE() << "cannot load vectors " << name << ": " << bytes.status().ToString();
    return nlohmann::json::object();
  }
  auto j = nlohmann::json::parse(AsChars(*bytes), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    ADD_FAILURE() << "vectors " << name << " are not valid JSON";
    return nlohmann::json::object();
  }
  return j;
}

Bytes HexField(const nlohmann::json& v, const std::string& key) {
  if (!v.contains(key) || !v[key].is_string()) return {};
  auto b = HexDecode(v[key].get<std::string>());
  if (!b.ok()) {
    ADD_FAILURE() << "field " << key << " is not hex";
    return {};
  }
  return *b;
}

}  // namespace sedun::testing
