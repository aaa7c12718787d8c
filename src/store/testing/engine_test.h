// gtest support for suites written once and run on every engine.
//
//   class ThingTest : public sedun::store::testing::EngineTest {};
//   TEST_P(ThingTest, Works) { auto tx = db().Begin(); ... }
//   INSTANTIATE_TEST_SUITE_P(Engines, ThingTest,
//                            ::testing::ValuesIn(sedun::store::testing::TestEngines()),
//                            sedun::store::testing::EngineParamName);
//
// EngineTest::SetUp opens a fresh database (store/testing/test_database.h): the PostgreSQL
// variant fails with instructions when SEDUN_TEST_POSTGRES is unset and is skipped when it is
// "skip". Suites with their own parameters can call OpenTestDatabase and SkipOrOpen directly.
// Thread-safety: as gtest fixtures.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/testing/test_database.h"
#include "util/temp_dir.h"

namespace sedun::store::testing {

inline std::string EngineParamName(const ::testing::TestParamInfo<Engine>& info) {
  return std::string(EngineName(info.param));
}

class EngineTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    if (EngineSkipped(GetParam())) GTEST_SKIP() << "SEDUN_TEST_POSTGRES=skip";
    auto db = OpenTestDatabase(GetParam(), dir_.path(), Options());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
  }

  // Suites override this to tune the pool or timeouts of db().
  virtual DatabaseOptions Options() const { return {}; }

  Engine engine() const { return GetParam(); }
  Database& db() { return *db_; }
  const std::string& temp_dir() const { return dir_.path(); }

  // A further fresh, empty database of the same engine, e.g. with other options.
  std::unique_ptr<Database> OpenAnother(const DatabaseOptions& options = {}) {
    auto db = OpenTestDatabase(GetParam(), dir_.path(), options);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(*db) : nullptr;
  }

 private:
  sedun::testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

}  // namespace sedun::store::testing
