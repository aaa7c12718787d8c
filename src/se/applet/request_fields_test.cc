// Tests of command data parsing: the tag rules (unknown, repeated, missing -> Malformed) and the
// per-object checks, and of the status-word mapping and the P1-P2 frame.
#include "se/applet/request_fields.h"

#include <gtest/gtest.h>

#include "se/applet/applet_test_util.h"
#include "se/applet/status_mapping.h"

namespace sedun::se::applet {
namespace {

using test::Tlvs;

TEST(RequestTest, TakesRequiredAndOptionalTagsInAnyOrder) {
  Bytes data = Tlvs({{0x84, {1, 2}}, {0x81, {'a'}}});
  auto req = Request::Parse(data, {0x81, 0x84}, {0x83});
  ASSERT_TRUE(req.ok()) << req.status().ToString();
  EXPECT_EQ(ToBytes(req->Get(0x81)), Bytes{'a'});
  EXPECT_EQ(ToBytes(req->Get(0x84)), (Bytes{1, 2}));
  EXPECT_FALSE(req->Has(0x83));
  EXPECT_FALSE(req->GetOptional(0x83).has_value());
  EXPECT_TRUE(req->Get(0x83).empty());
}

TEST(RequestTest, AcceptsAnEmptyValue) {
  auto req = Request::Parse(Tlvs({{0x84, {}}}), {0x84});
  ASSERT_TRUE(req.ok());
  ASSERT_TRUE(req->GetOptional(0x84).has_value());
  EXPECT_TRUE(req->GetOptional(0x84)->empty());
}

TEST(RequestTest, RejectsUnknownRepeatedAndMissingTags) {
  EXPECT_EQ(Request::Parse(Tlvs({{0x81, {'a'}}, {0x85, {1}}}), {0x81}).status().code(), Code::kMalformed);
  EXPECT_EQ(Request::Parse(Tlvs({{0x81, {'a'}}, {0x81, {'b'}}}), {0x81}).status().code(), Code::kMalformed);
  EXPECT_EQ(Request::Parse(Tlvs({{0x83, {'a'}}, {0x83, {'b'}}}), {}, {0x83}).status().code(), Code::kMalformed);
  EXPECT_EQ(Request::Parse(Tlvs({{0x81, {'a'}}}), {0x81, 0x84}).status().code(), Code::kMalformed);
  EXPECT_EQ(Request::Parse({}, {0x81}).status().code(), Code::kMalformed);
  // A constructed object is never part of a command.
  EXPECT_EQ(Request::Parse(Bytes{0xA0, 0x03, 0x81, 0x01, 'a'}, {0x81}).status().code(), Code::kMalformed);
}

TEST(RequestTest, RejectsBadTlv) {
  EXPECT_FALSE(Request::Parse(Bytes{0x81, 0x05, 'a'}, {0x81}).ok());        // value runs past the end
  EXPECT_FALSE(Request::Parse(Bytes{0x81, 0x81, 0x01, 'a'}, {0x81}).ok());  // non-minimal length
  EXPECT_FALSE(Request::Parse(Bytes{0x81, 0x01, 'a', 0x00}, {0x81}).ok());  // trailing byte
  EXPECT_TRUE(Request::Parse({}, {}).ok());
}

TEST(RequestTest, ContainerNames) {
  EXPECT_EQ(*ParseContainerName(AsBytes("bank")), "bank");
  EXPECT_EQ(*ParseContainerName(AsBytes(std::string(32, 'x'))), std::string(32, 'x'));
  EXPECT_EQ(*ParseContainerName(AsBytes("\xE4\xB8\xAD\xE6\x96\x87")), "\xE4\xB8\xAD\xE6\x96\x87");  // 中文
  EXPECT_FALSE(ParseContainerName({}).ok());
  EXPECT_FALSE(ParseContainerName(AsBytes(std::string(33, 'x'))).ok());
  EXPECT_FALSE(ParseContainerName(Bytes{0xC3}).ok());              // truncated sequence
  EXPECT_FALSE(ParseContainerName(Bytes{0xC0, 0x80}).ok());        // overlong NUL
  EXPECT_FALSE(ParseContainerName(Bytes{0xED, 0xA0, 0x80}).ok());  // surrogate
  EXPECT_FALSE(ParseContainerName(Bytes{0xF4, 0x90, 0x80, 0x80}).ok());  // above U+10FFFF
  EXPECT_FALSE(ParseContainerName(Bytes{0xFF}).ok());
}

TEST(RequestTest, Utf8) {
  EXPECT_TRUE(IsValidUtf8(AsBytes("plain ascii")));
  EXPECT_TRUE(IsValidUtf8(Bytes{0xF0, 0x9F, 0x98, 0x80}));  // U+1F600
  EXPECT_TRUE(IsValidUtf8(Bytes{0xEF, 0xBF, 0xBF}));        // U+FFFF
  EXPECT_FALSE(IsValidUtf8(Bytes{0x80}));
  EXPECT_FALSE(IsValidUtf8(Bytes{0xE0, 0x80, 0xAF}));  // overlong '/'
  EXPECT_FALSE(IsValidUtf8(Bytes{0xE4, 0xB8}));
}

TEST(RequestTest, KeySlots) {
  EXPECT_EQ(*ParseKeySlot(Bytes{0x01}), KeySlotId::kSign);
  EXPECT_EQ(*ParseKeySlot(Bytes{0x02}), KeySlotId::kEncrypt);
  EXPECT_FALSE(ParseKeySlot(Bytes{0x00}).ok());
  EXPECT_FALSE(ParseKeySlot(Bytes{0x03}).ok());
  EXPECT_FALSE(ParseKeySlot(Bytes{0x00, 0x01}).ok());
  EXPECT_FALSE(ParseKeySlot({}).ok());
}

TEST(RequestTest, UserIds) {
  EXPECT_EQ(ToBytes(*ParseUserId(std::nullopt)), ToBytes(AsBytes("1234567812345678")));
  Bytes id(255, 'i');
  EXPECT_EQ(ToBytes(*ParseUserId(ByteView(id))), id);
  Bytes too_long(256, 'i');
  EXPECT_FALSE(ParseUserId(ByteView(too_long)).ok());
  EXPECT_FALSE(ParseUserId(ByteView()).ok());
}

TEST(RequestTest, Times) {
  EXPECT_EQ(*ParseTime(Bytes{0, 0, 0, 0, 0x68, 0x3B, 0x98, 0x00}), 0x683B9800);
  EXPECT_FALSE(ParseTime(Bytes{0, 0, 0, 0, 0x68, 0x3B, 0x98}).ok());
  EXPECT_FALSE(ParseTime(Bytes{0x80, 0, 0, 0, 0, 0, 0, 0}).ok());  // beyond int64
}

TEST(StatusMappingTest, EveryCodeHasItsStatusWord) {
  EXPECT_EQ(StatusToSw(Status::Ok()), 0x9000);
  EXPECT_EQ(StatusToSw(Malformed("x")), 0x6A80);
  EXPECT_EQ(StatusToSw(InvalidArgument("x")), 0x6A80);
  EXPECT_EQ(StatusToSw(Unsupported("x")), 0x6A80);
  EXPECT_EQ(StatusToSw(VerifyFailed("x")), 0x6300);
  EXPECT_EQ(StatusToSw(VerifyFailed("x"), {.verify_failed = 0x6988}), 0x6988);
  EXPECT_EQ(StatusToSw(NotFound("x")), 0x6A88);
  EXPECT_EQ(StatusToSw(AlreadyExists("x")), 0x6A89);
  EXPECT_EQ(StatusToSw(PermissionDenied("x")), 0x6982);
  EXPECT_EQ(StatusToSw(FailedPrecondition("x")), 0x6985);
  EXPECT_EQ(StatusToSw(ResourceExhausted("x")), 0x6A84);
  EXPECT_EQ(StatusToSw(IoError("x")), 0x6581);
  EXPECT_EQ(StatusToSw(CryptoError("x")), 0x6F00);
  EXPECT_EQ(StatusToSw(Internal("x")), 0x6F00);
}

Result<Bytes> Echo(CommandContext&, ByteView data) { return ToBytes(data); }
Result<Bytes> Fail(CommandContext&, ByteView) { return NotFound("x"); }
Result<Bytes> TooLong(CommandContext&, ByteView) { return Bytes(apdu::kMaxResponseData + 1); }

TEST(StatusMappingTest, RunCommandFramesTheBody) {
  CardState state;
  SessionState session;
  CommandContext ctx{state, session, crypto::SystemRng(), 0, {}};
  apdu::CommandApdu c{0x80, 0x2A, 0, 0, {1, 2, 3}, 0, false};
  EXPECT_EQ(RunCommand(ctx, c, &Echo), (apdu::ResponseApdu{{1, 2, 3}, 0x9000}));
  EXPECT_EQ(RunCommand(ctx, c, &Fail), (apdu::ResponseApdu{{}, 0x6A88}));
  EXPECT_EQ(RunCommand(ctx, c, &TooLong).sw, 0x6F00);
  c.p1 = 1;
  EXPECT_EQ(RunCommand(ctx, c, &Echo), (apdu::ResponseApdu{{}, 0x6A86}));
  c.p1 = 0;
  c.p2 = 0x80;
  EXPECT_EQ(RunCommand(ctx, c, &Echo), (apdu::ResponseApdu{{}, 0x6A86}));
}

}  // namespace
}  // namespace sedun::se::applet
