// Loading of the known-answer vector files in tests/vectors (gm-kat/1 JSON, each entry naming
// its source). Tests fail loudly when a file is missing rather than passing vacuously.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "base/bytes.h"

namespace sedun::testing {

// Path of tests/vectors/<name>.
std::string VectorPath(const std::string& name);
// Parsed file; aborts the test (ADD_FAILURE + empty object) when it cannot be read.
nlohmann::json LoadVectors(const std::string& name);
// Hex field of a vector; empty when absent.
Bytes HexField(const nlohmann::json& v, const std::string& key);

}  // namespace sedun::testing
