// Base64: RFC 4648 section 10 test vectors and the canonical-form refusals.
#include "base/base64.h"

#include <gtest/gtest.h>

namespace sedun {
namespace {

TEST(Base64, Rfc4648Vectors) {
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(AsBytes(plain)), encoded);
    auto back = Base64Decode(encoded);
    ASSERT_TRUE(back.ok()) << encoded;
    EXPECT_EQ(AsChars(*back), plain);
  }
}

TEST(Base64, AllByteValuesRoundTrip) {
  Bytes all(256);
  for (size_t i = 0; i < all.size(); ++i) all[i] = static_cast<uint8_t>(i);
  auto back = Base64Decode(Base64Encode(all));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, all);
}

TEST(Base64, RefusesNonCanonicalText) {
  for (std::string_view bad : {"Zg", "Zg=", "Zh==", "Zm9=", "Zg===", "Zg==Zg==", "Z!==", "Zm 9v",
                               "Zm9v\n"}) {
    auto r = Base64Decode(bad, "signature");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Code::kMalformed);
    EXPECT_NE(r.status().message().find("signature"), std::string::npos);
  }
  SecretBytes out;
  EXPECT_TRUE(Base64DecodeInto("Zm9v\nYmFy", Base64Whitespace::kSkip, "PEM", &out).ok());
  EXPECT_EQ(AsChars(out.view()), "foobar");
}

}  // namespace
}  // namespace sedun
