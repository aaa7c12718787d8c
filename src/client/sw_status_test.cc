#include "client/sw_status.h"

#include <gtest/gtest.h>

namespace sedun::client {
namespace {

TEST(SwStatusTest, MapsEveryDocumentedStatusWord) {
  struct Case {
    uint16_t sw;
    Code code;
  };
  const Case cases[] = {
      {0x9000, Code::kOk},
      {0x63C2, Code::kPermissionDenied},
      {0x63C0, Code::kPermissionDenied},
      {0x6300, Code::kVerifyFailed},
      {0x6581, Code::kIo},
      {0x6700, Code::kInvalidArgument},
      {0x6881, Code::kUnsupported},
      {0x6883, Code::kFailedPrecondition},
      {0x6982, Code::kPermissionDenied},
      {0x6983, Code::kPermissionDenied},
      {0x6985, Code::kFailedPrecondition},
      {0x6988, Code::kVerifyFailed},
      {0x6A80, Code::kInvalidArgument},
      {0x6A82, Code::kNotFound},
      {0x6A84, Code::kResourceExhausted},
      {0x6A86, Code::kInvalidArgument},
      {0x6A88, Code::kNotFound},
      {0x6A89, Code::kAlreadyExists},
      {0x6D00, Code::kUnsupported},
      {0x6E00, Code::kUnsupported},
      {0x6F00, Code::kInternal},
      {0x6400, Code::kInternal},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(StatusFromSw(c.sw, "X").code(), c.code) << std::hex << c.sw;
  }
}

TEST(SwStatusTest, MessagesNameTheCommandAndTheMeaning) {
  EXPECT_EQ(StatusFromSw(0x63C2, "VERIFY").message(), "VERIFY: wrong PIN, 2 tries left");
  EXPECT_EQ(StatusFromSw(0x63C1, "VERIFY").message(), "VERIFY: wrong PIN, 1 try left");
  EXPECT_NE(StatusFromSw(0x6983, "VERIFY").message().find("PIN blocked"), std::string::npos);
  EXPECT_NE(StatusFromSw(0x6A84, "GENERATE KEY PAIR").message().find("GENERATE KEY PAIR: 6A84"), std::string::npos);
}

TEST(SwStatusTest, TriesLeft) {
  EXPECT_EQ(TriesLeftFromSw(0x63C5), 5u);
  EXPECT_EQ(TriesLeftFromSw(0x63C0), 0u);
  EXPECT_FALSE(TriesLeftFromSw(0x6300).has_value());
  EXPECT_FALSE(TriesLeftFromSw(0x9000).has_value());
  EXPECT_FALSE(TriesLeftFromSw(0x6983).has_value());
}

}  // namespace
}  // namespace sedun::client
