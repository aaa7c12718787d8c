// Power-on self-test: every algorithm sedun uses, run against a known-answer vector built into
// the binary (GM/T 0028-2014 7.10, which T/EMCG 001.3 clause 16 requires of the software module
// at initialisation and each start). A module whose self-test fails must refuse to operate.
// Thread-safety: stateless; may run concurrently.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"

namespace sedun::crypto {

struct SelfTestResult {
  std::string name;    // e.g. "SM2 signature, GM/T 0003.5 Annex A (fixed k)"
  std::string source;  // where the vector comes from
  Status status;       // OK when the computed value equals the vector
};

// Runs every known-answer test; never stops at the first failure so that the report is complete.
std::vector<SelfTestResult> RunSelfTests();

// OK only when every test passed; otherwise the first failure, annotated with its name.
Status SelfTestStatus(const std::vector<SelfTestResult>& results);

}  // namespace sedun::crypto
