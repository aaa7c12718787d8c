// The built-in self-test passes on a healthy build and reports failures by name.
#include "crypto/selftest.h"

#include <gtest/gtest.h>

namespace sedun::crypto {
namespace {

TEST(SelfTest, EveryKnownAnswerPasses) {
  auto results = RunSelfTests();
  EXPECT_GE(results.size(), 9u);
  for (const auto& r : results) EXPECT_TRUE(r.status.ok()) << r.name << ": " << r.status.ToString();
  EXPECT_TRUE(SelfTestStatus(results).ok());
}

TEST(SelfTest, StatusNamesTheFirstFailure) {
  std::vector<SelfTestResult> results = {{"A", "src", Status::Ok()},
                                         {"B", "src", VerifyFailed("mismatch")},
                                         {"C", "src", Internal("other")}};
  Status s = SelfTestStatus(results);
  EXPECT_EQ(s.code(), Code::kVerifyFailed);
  EXPECT_NE(s.message().find("self-test B"), std::string::npos);
}

}  // namespace
}  // namespace sedun::crypto
