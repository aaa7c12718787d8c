// ApduSession: GET RESPONSE loops, chaining and extended length, 6Cxx, link and format errors
// against a scripted transport; the secure channel against scp::CardChannel in a small card.
#include "client/apdu_session.h"

#include <gtest/gtest.h>

#include "client/client_test_util.h"

namespace sedun::client {
namespace {

using testing::Hex;
using testing::MiniCard;
using testing::ScriptedTransport;

apdu::CommandApdu Command(uint8_t cla, uint8_t ins, Bytes data, uint32_t ne) {
  apdu::CommandApdu c;
  c.cla = cla;
  c.ins = ins;
  c.data = std::move(data);
  c.ne = ne;
  return c;
}

Bytes Pattern(size_t n) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i);
  return b;
}

TEST(ApduSessionTest, PlainCommandAndAnswer) {
  ScriptedTransport t;
  t.Expect("80 E2 00 00 00", "A0 03 81 01 41 90 00");
  ApduSession s(t);
  auto r = s.Send(Command(0x80, 0xE2, {}, 256));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(HexEncode(r->data), Hex("A0 03 81 01 41"));
  EXPECT_EQ(r->sw, 0x9000);
  EXPECT_TRUE(t.done());
}

TEST(ApduSessionTest, GetResponseLoopJoinsPieces) {
  ScriptedTransport t;
  t.Expect("80 E2 00 00 00", "01 02 03 61 05");
  t.Expect("00 C0 00 00 05", "04 05 06 07 08 61 00");
  t.Expect("00 C0 00 00 00", "09 6A 88");  // data with an error is dropped
  ApduSession s(t);
  auto r = s.Send(Command(0x80, 0xE2, {}, 256));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->data.empty());
  EXPECT_EQ(r->sw, 0x6A88);

  t.Expect("80 E2 00 00 00", "01 02 03 61 02");
  t.Expect("00 C0 00 00 02", "04 05 90 00");
  r = s.Send(Command(0x80, 0xE2, {}, 256));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(HexEncode(r->data), Hex("01 02 03 04 05"));
  EXPECT_EQ(r->sw, 0x9000);
  EXPECT_TRUE(t.done());
}

// A case-3 command whose answer has data anyway: 61xx without data first (docs/apdu.md).
TEST(ApduSessionTest, GetResponseAfterBare61xx) {
  ScriptedTransport t;
  t.Expect("80 E0 00 00 01 AA", "61 02");
  t.Expect("00 C0 00 00 02", "BB CC 90 00");
  ApduSession s(t);
  auto r = s.Send(Command(0x80, 0xE0, {0xAA}, 0));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(HexEncode(r->data), "bbcc");
}

TEST(ApduSessionTest, GetResponseWithoutDataIsRefused) {
  ScriptedTransport t;
  t.Expect("80 E2 00 00 00", "01 61 02");
  t.Expect("00 C0 00 00 02", "61 02");
  ApduSession s(t);
  auto r = s.Send(Command(0x80, 0xE2, {}, 256));
  EXPECT_EQ(r.status().code(), Code::kMalformed);
}

TEST(ApduSessionTest, LongDataIsChainedInShortApdus) {
  const Bytes data = Pattern(600);
  ScriptedTransport t;
  const std::string d = HexEncode(data);
  t.Expect("90 2A 00 00 FF" + d.substr(0, 510), "90 00");
  t.Expect("90 2A 00 00 FF" + d.substr(510, 510), "90 00");
  t.Expect("80 2A 00 00 5A" + d.substr(1020) + "00", "85 01 99 90 00");
  ApduSession s(t);
  auto r = s.Send(Command(0x80, 0x2A, data, 256));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(HexEncode(r->data), "850199");
  EXPECT_TRUE(t.done());
}

TEST(ApduSessionTest, ChainStopsAtTheFirstRefusedPart) {
  const Bytes data = Pattern(600);
  const std::string d = HexEncode(data);
  ScriptedTransport t;
  t.Expect("90 2A 00 00 FF" + d.substr(0, 510), "6A 84");
  ApduSession s(t);
  auto r = s.Send(Command(0x80, 0x2A, data, 256));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->sw, 0x6A84);
  EXPECT_TRUE(t.done());
}

TEST(ApduSessionTest, ExtendedModeSendsOneApduAndAsksForEverything) {
  const Bytes data = Pattern(600);
  ScriptedTransport t;
  t.Expect("80 2A 00 00 00 02 58" + HexEncode(data) + "00 00", "85 01 99 90 00");
  t.Expect("80 E2 00 00 00 00 00", "90 00");  // Le 00 becomes Le 0000
  t.Expect("80 E0 00 00 01 AA", "90 00");     // short stays short
  ApduSession s(t, SessionOptions{LongCommands::kExtended});
  auto r = s.Send(Command(0x80, 0x2A, data, 256));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(HexEncode(r->data), "850199");
  ASSERT_TRUE(s.Send(Command(0x80, 0xE2, {}, 256)).ok());
  ASSERT_TRUE(s.Send(Command(0x80, 0xE0, {0xAA}, 0)).ok());
  EXPECT_TRUE(t.done());
}

TEST(ApduSessionTest, WrongLeIsRetriedOnce) {
  ScriptedTransport t;
  t.Expect("80 CA 00 00 00", "6C 10");
  t.Expect("80 CA 00 00 10", "95 01 02 90 00");
  ApduSession s(t);
  auto r = s.Send(Command(0x80, 0xCA, {}, 256));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(HexEncode(r->data), "950102");
  EXPECT_TRUE(t.done());
}

TEST(ApduSessionTest, LinkAndFormatErrors) {
  ScriptedTransport t;
  t.ExpectFailure("80 E2 00 00 00", IoError("reader gone"));
  t.Expect("80 E2 00 00 00", "90");
  t.Expect("80 E2 00 00 00", "60 00");
  ApduSession s(t);
  EXPECT_EQ(s.Send(Command(0x80, 0xE2, {}, 256)).status().code(), Code::kIo);
  EXPECT_EQ(s.Send(Command(0x80, 0xE2, {}, 256)).status().code(), Code::kMalformed);
  EXPECT_EQ(s.Send(Command(0x80, 0xE2, {}, 256)).status().code(), Code::kMalformed);
  EXPECT_TRUE(t.done());
}

TEST(ApduSessionTest, RefusesClassBytesItOwns) {
  ScriptedTransport t;
  ApduSession s(t);
  for (uint8_t cla : Bytes{0x84, 0x90, 0x01, 0x40, 0x0C}) {
    EXPECT_EQ(s.Send(Command(cla, 0xE2, {}, 0)).status().code(), Code::kInvalidArgument) << int{cla};
  }
  Bytes too_long(65536);
  EXPECT_EQ(s.Send(Command(0x80, 0x2A, too_long, 0)).status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(t.sent().empty());
}

TEST(ApduSessionTest, ResetClosesTheChannel) {
  ScriptedTransport t;
  ApduSession s(t);
  ASSERT_TRUE(s.Reset().ok());
  EXPECT_EQ(t.resets(), 1);
  EXPECT_FALSE(s.channel_open());
}

// --- secure channel against the card end ---

// The application echoes the command data back, 3 times over, so that answers need GET RESPONSE.
apdu::ResponseApdu Echo3(const apdu::CommandApdu& c) {
  Bytes out;
  for (int i = 0; i < 3; ++i) out.insert(out.end(), c.data.begin(), c.data.end());
  return {out, apdu::kSwOk};
}

TEST(ApduSessionTest, SecureChannelWrapsEveryPartAndEveryGetResponse) {
  for (uint8_t level : {scp::kLevelStandard, scp::kLevelFull}) {
    MiniCard card(testing::TestKeys(), Echo3);
    ApduSession s(card);
    ASSERT_TRUE(s.OpenChannel(testing::TestKeys(), scp::kKvnClient, level).ok());
    ASSERT_TRUE(s.channel_open());
    EXPECT_EQ(s.channel_level(), level);
    const size_t opened = card.wire().size();

    const Bytes data = Pattern(1000);
    auto r = s.Send(Command(0x80, 0x2A, data, 256));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->sw, 0x9000);
    ASSERT_EQ(r->data.size(), 3000u);
    EXPECT_TRUE(std::equal(data.begin(), data.end(), r->data.begin()));

    // 1000 bytes in parts of at most 239 plain bytes: 5 parts; 3000 bytes of answer in 256-byte
    // pieces: 11 more APDUs of GET RESPONSE. Every one of them is wrapped and short.
    ASSERT_EQ(card.wire().size() - opened, 5u + 11u);
    for (size_t i = opened; i < card.wire().size(); ++i) {
      auto c = apdu::CommandApdu::Parse(card.wire()[i]);
      ASSERT_TRUE(c.ok());
      EXPECT_TRUE(apdu::IsSecureMessaging(c->cla)) << i;
      EXPECT_FALSE(c->UsesExtended()) << i;
      EXPECT_EQ(apdu::IsChained(c->cla), i < opened + 4) << i;
    }
    // The card saw the plain chain: 4 x 239 + 44.
    size_t plain_data = 0;
    for (const apdu::CommandApdu& c : card.plain()) {
      if (c.ins == 0x2A) {
        EXPECT_LE(c.data.size(), scp::kMaxShortCommandData);
        plain_data += c.data.size();
      }
    }
    EXPECT_EQ(plain_data, 1000u);
  }
}

TEST(ApduSessionTest, SecureChannelExtendedMode) {
  MiniCard card(testing::TestKeys(), Echo3);
  ApduSession s(card, SessionOptions{LongCommands::kExtended});
  ASSERT_TRUE(s.OpenChannel(testing::TestKeys(), scp::kKvnClient).ok());
  const size_t opened = card.wire().size();
  const Bytes data = Pattern(1000);
  auto r = s.Send(Command(0x80, 0x2A, data, 256));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->data.size(), 3000u);
  ASSERT_EQ(card.wire().size() - opened, 1u);
}

TEST(ApduSessionTest, SecureExtendedRefusesWhatCannotBeWrapped) {
  MiniCard card(testing::TestKeys(), Echo3);
  ApduSession s(card, SessionOptions{LongCommands::kExtended});
  ASSERT_TRUE(s.OpenChannel(testing::TestKeys(), scp::kKvnClient).ok());
  const size_t opened = card.wire().size();
  auto r = s.Send(Command(0x80, 0x2A, Bytes(scp::kMaxCommandData + 1), 0));
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(card.wire().size(), opened);
  EXPECT_TRUE(s.channel_open());
}

TEST(ApduSessionTest, WrongKeysDoNotOpen) {
  MiniCard card(testing::TestKeys(), Echo3);
  ApduSession s(card);
  Bytes other(scp::kKeySetSize, 0x11);
  auto keys = scp::KeySet::FromBytes(other);
  ASSERT_TRUE(keys.ok());
  Status st = s.OpenChannel(*keys, scp::kKvnClient);
  EXPECT_EQ(st.code(), Code::kVerifyFailed) << st.ToString();
  EXPECT_FALSE(s.channel_open());
}

TEST(ApduSessionTest, TamperedAnswerClosesTheChannel) {
  // The card's R-MAC is checked: flip a bit in what the card sends back.
  struct Flipper : apdu::Transport {
    MiniCard* card;
    bool flip = false;
    Result<Bytes> Transmit(ByteView c) override {
      auto r = card->Transmit(c);
      if (r.ok() && flip && r->size() > 2) (*r)[0] ^= 1;
      return r;
    }
    Status Reset() override { return card->Reset(); }
  };
  MiniCard card(testing::TestKeys(), Echo3);
  Flipper f;
  f.card = &card;
  ApduSession s(f);
  ASSERT_TRUE(s.OpenChannel(testing::TestKeys(), scp::kKvnClient).ok());
  f.flip = true;
  auto r = s.Send(Command(0x80, 0x2A, {1, 2, 3}, 256));
  EXPECT_EQ(r.status().code(), Code::kVerifyFailed) << r.status().ToString();
  EXPECT_FALSE(s.channel_open());
}

}  // namespace
}  // namespace sedun::client
