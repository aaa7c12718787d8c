// ConstantTimeEqual: equality semantics (timing is CRYPTO_memcmp's property).
#include <gtest/gtest.h>

#include "base/bytes.h"
#include "crypto/ct.h"

namespace sedun::crypto {
namespace {

TEST(ConstantTimeEqual, Semantics) {
  Bytes a = {1, 2, 3}, b = {1, 2, 3}, c = {1, 2, 4}, d = {1, 2};
  EXPECT_TRUE(ConstantTimeEqual(a, b));
  EXPECT_FALSE(ConstantTimeEqual(a, c));
  EXPECT_FALSE(ConstantTimeEqual(a, d));
  EXPECT_FALSE(ConstantTimeEqual(d, a));
  EXPECT_TRUE(ConstantTimeEqual({}, {}));
  EXPECT_FALSE(ConstantTimeEqual({}, a));
  Bytes first = {0x80, 2, 3};
  EXPECT_FALSE(ConstantTimeEqual(a, first));
}

}  // namespace
}  // namespace sedun::crypto
