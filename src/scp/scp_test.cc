// The secure channel end to end: HostChannel against CardChannel at levels 13 and 33, every
// APDU passed through its wire encoding, for the command and response shapes the card uses.
#include "scp/scp.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "apdu/chaining.h"
#include "scp/scp_test_util.h"

namespace sedun::scp {
namespace {

using apdu::CommandApdu;
using apdu::ResponseApdu;
using testing::H;
using testing::TestKeys;
using testing::Wire;

Bytes Pattern(size_t n, uint8_t seed = 0) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(seed + i * 7);
  return b;
}

// The plain command as the card sees it equals the one sent, apart from the extended flag,
// which reports the form the wrapped command took on the wire.
void ExpectSameCommand(const CommandApdu& got, const CommandApdu& want) {
  EXPECT_EQ(got.cla, want.cla);
  EXPECT_EQ(got.ins, want.ins);
  EXPECT_EQ(got.p1, want.p1);
  EXPECT_EQ(got.p2, want.p2);
  EXPECT_EQ(got.data, want.data);
  EXPECT_EQ(got.ne, want.ne);
}

class ScpChannel : public ::testing::TestWithParam<uint8_t> {
 protected:
  void SetUp() override { ASSERT_TRUE(testing::OpenPair(host_, card_, GetParam(), TestKeys(), TestKeys())); }

  // One command and its response across the channel; returns what the host application sees.
  ResponseApdu Exchange(const CommandApdu& plain, const ResponseApdu& answer) {
    Result<CommandApdu> wrapped = host_.Wrap(plain);
    EXPECT_TRUE(wrapped.ok()) << wrapped.status().ToString();
    if (!wrapped.ok()) return {};
    EXPECT_EQ(wrapped->cla, plain.cla | 0x04);
    last_wire_command_ = Wire(*wrapped);
    Result<CommandApdu> unwrapped = card_.Unwrap(last_wire_command_);
    EXPECT_TRUE(unwrapped.ok()) << unwrapped.status().ToString();
    if (!unwrapped.ok()) return {};
    ExpectSameCommand(*unwrapped, plain);
    Result<ResponseApdu> protected_answer = card_.Wrap(answer);
    EXPECT_TRUE(protected_answer.ok()) << protected_answer.status().ToString();
    if (!protected_answer.ok()) return {};
    last_wire_response_ = Wire(*protected_answer);
    Result<ResponseApdu> got = host_.Unwrap(last_wire_response_);
    EXPECT_TRUE(got.ok()) << got.status().ToString();
    return got.ok() ? *got : ResponseApdu{};
  }

  HostChannel host_;
  CardChannel card_;
  CommandApdu last_wire_command_;
  ResponseApdu last_wire_response_;
};

TEST_P(ScpChannel, HandshakeOpensBothEnds) {
  EXPECT_TRUE(host_.open());
  EXPECT_TRUE(card_.open());
  EXPECT_EQ(host_.level(), GetParam());
  EXPECT_EQ(card_.level(), GetParam());
  EXPECT_EQ(card_.kvn(), kKvnClient);
}

TEST_P(ScpChannel, CommandShapesRoundTrip) {
  const std::vector<CommandApdu> commands = {
      {0x80, 0xE2, 0x00, 0x00, {}, 0, false},                 // case 1
      {0x80, 0xCA, 0x00, 0x01, {}, 256, false},               // case 2
      {0x00, 0x20, 0x00, 0x01, H("9106313233343536"), 0, false},  // case 3, ISO class
      {0x80, 0x2A, 0x00, 0x00, Pattern(15), 256, false},      // case 4, one byte short of a block
      {0x80, 0x2A, 0x00, 0x00, Pattern(16), 0, false},        // a whole block gets a block of padding
      {0x80, 0x2A, 0x00, 0x00, Pattern(1), 1, false},
      {0x80, 0x2C, 0x00, 0x00, Pattern(kMaxShortCommandData), 0, false},
      {0x80, 0x2C, 0x00, 0x00, Pattern(kMaxShortCommandData + 1), 0, false},
      {0x80, 0x2C, 0x00, 0x00, Pattern(4000), 65536, false},
      {0x80, 0xCA, 0x00, 0x01, {}, 300, false},               // extended Le without data
      {0x80, 0x2C, 0x00, 0x00, Pattern(3), 0, true},          // extended by choice
  };
  for (size_t i = 0; i < commands.size(); ++i) {
    SCOPED_TRACE(i);
    ResponseApdu got = Exchange(commands[i], ResponseApdu{Pattern(i * 5), apdu::kSwOk});
    EXPECT_EQ(got.sw, apdu::kSwOk);
    EXPECT_EQ(got.data, Pattern(i * 5));
  }
}

TEST_P(ScpChannel, WrappedSizesAndForms) {
  struct Case {
    size_t plain;
    size_t wrapped;  // padding (1..16 bytes, none without data) + ciphertext + 8-byte C-MAC
    bool extended;
  };
  const Case cases[] = {
      {0, 8, false}, {1, 24, false}, {15, 24, false}, {16, 40, false},
      {kMaxShortCommandData, 248, false}, {kMaxShortCommandData + 1, 264, true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.plain);
    Exchange(CommandApdu{0x80, 0x2C, 0x00, 0x00, Pattern(c.plain), 0, false}, ResponseApdu{});
    EXPECT_EQ(last_wire_command_.data.size(), c.wrapped);
    EXPECT_EQ(last_wire_command_.extended, c.extended);
  }
  EXPECT_EQ(host_.Wrap(CommandApdu{0x80, 0x2C, 0x00, 0x00, Pattern(kMaxCommandData + 1), 0, false}).status().code(),
            Code::kInvalidArgument);
}

TEST_P(ScpChannel, LargestCommandAndResponse) {
  CommandApdu big{0x80, 0x2C, 0x00, 0x00, Pattern(kMaxCommandData), 65536, false};
  Result<CommandApdu> wrapped = host_.Wrap(big);
  ASSERT_TRUE(wrapped.ok()) << wrapped.status().ToString();
  EXPECT_EQ(wrapped->data.size(), 65528u);
  Result<CommandApdu> unwrapped = card_.Unwrap(Wire(*wrapped));
  ASSERT_TRUE(unwrapped.ok());
  ExpectSameCommand(*unwrapped, big);
  const size_t most = GetParam() == kLevelFull ? kMaxResponseData : apdu::kMaxResponseData - kMacSize;
  Result<ResponseApdu> answer = card_.Wrap(ResponseApdu{Pattern(most), apdu::kSwOk});
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  Result<ResponseApdu> got = host_.Unwrap(Wire(*answer));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->data, Pattern(most));
}

TEST_P(ScpChannel, ResponseKinds) {
  const CommandApdu cmd{0x80, 0xE2, 0x00, 0x00, {}, 256, false};
  // Empty success: only the R-MAC travels.
  EXPECT_EQ(Exchange(cmd, ResponseApdu{{}, apdu::kSwOk}), (ResponseApdu{{}, apdu::kSwOk}));
  EXPECT_EQ(last_wire_response_.data.size(), kMacSize);
  // Warnings carry an R-MAC (VERIFY's 63Cx).
  EXPECT_EQ(Exchange(cmd, ResponseApdu{{}, apdu::SwTriesLeft(2)}), (ResponseApdu{{}, 0x63C2}));
  EXPECT_EQ(last_wire_response_.data.size(), kMacSize);
  // 61xx with a part of a long response.
  EXPECT_EQ(Exchange(cmd, ResponseApdu{Pattern(40), 0x6110}), (ResponseApdu{Pattern(40), 0x6110}));
  // Data with 9000: encrypted at level 33, in clear at level 13.
  EXPECT_EQ(Exchange(cmd, ResponseApdu{Pattern(20), apdu::kSwOk}), (ResponseApdu{Pattern(20), apdu::kSwOk}));
  if (GetParam() == kLevelFull) {
    EXPECT_EQ(last_wire_response_.data.size(), 32u + kMacSize);
  } else {
    EXPECT_EQ(last_wire_response_.data, Concat({Pattern(20), ByteView(last_wire_response_.data).last(8)}));
  }
}

TEST_P(ScpChannel, ErrorStatusesPassBareAndKeepTheChannel) {
  const CommandApdu cmd{0x80, 0x2A, 0x00, 0x00, Pattern(10), 256, false};
  for (uint16_t sw : {apdu::kSwSecurityNotSatisfied, apdu::kSwIncorrectData, apdu::kSwWrongLength,
                      apdu::kSwUnknown, apdu::kSwMemoryFailure}) {
    SCOPED_TRACE(sw);
    // Data handed to Wrap with an error status is dropped (ISO 7816-4: no data with an error).
    EXPECT_EQ(Exchange(cmd, ResponseApdu{Pattern(5), sw}), (ResponseApdu{{}, sw}));
    EXPECT_TRUE(last_wire_response_.data.empty());
    EXPECT_TRUE(host_.open());
    EXPECT_TRUE(card_.open());
  }
  // Both ends moved on in step.
  EXPECT_EQ(Exchange(cmd, ResponseApdu{Pattern(3), apdu::kSwOk}), (ResponseApdu{Pattern(3), apdu::kSwOk}));
}

TEST_P(ScpChannel, ChainedPartsAreWrappedOneByOne) {
  const CommandApdu whole{0x80, 0x2C, 0x00, 0x00, Pattern(1000), 256, false};
  Result<std::vector<CommandApdu>> parts = apdu::SplitIntoChain(whole, kMaxShortCommandData);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 5u);
  apdu::CommandChainer chainer;
  std::optional<CommandApdu> joined;
  for (size_t i = 0; i < parts->size(); ++i) {
    Result<CommandApdu> wrapped = host_.Wrap((*parts)[i]);
    ASSERT_TRUE(wrapped.ok());
    EXPECT_EQ(wrapped->cla, i + 1 < parts->size() ? 0x94 : 0x84);
    EXPECT_FALSE(wrapped->UsesExtended());
    Result<CommandApdu> unwrapped = card_.Unwrap(Wire(*wrapped));
    ASSERT_TRUE(unwrapped.ok());
    Result<std::optional<CommandApdu>> added = chainer.Add(*unwrapped);
    ASSERT_TRUE(added.ok());
    joined = *added;
    Result<ResponseApdu> answer = card_.Wrap(ResponseApdu{joined ? Pattern(7) : Bytes{}, apdu::kSwOk});
    ASSERT_TRUE(answer.ok());
    Result<ResponseApdu> got = host_.Unwrap(Wire(*answer));
    ASSERT_TRUE(got.ok());
  }
  ASSERT_TRUE(joined.has_value());
  ExpectSameCommand(*joined, whole);
}

TEST_P(ScpChannel, CloseEndsTheSession) {
  host_.Close();
  card_.Close();
  EXPECT_FALSE(host_.open());
  EXPECT_FALSE(card_.open());
  EXPECT_EQ(card_.kvn(), 0);
  EXPECT_EQ(host_.Wrap(CommandApdu{0x80, 0xE2, 0x00, 0x00, {}, 0, false}).status().code(),
            Code::kFailedPrecondition);
  // A fresh handshake opens a new session on the same objects.
  ASSERT_TRUE(testing::OpenPair(host_, card_, GetParam(), TestKeys(), TestKeys()));
  EXPECT_EQ(Exchange(CommandApdu{0x80, 0xE2, 0x00, 0x00, {}, 0, false}, ResponseApdu{}), ResponseApdu{});
}

TEST_P(ScpChannel, MovedChannelsKeepTheirSession) {
  HostChannel host = std::move(host_);
  CardChannel card = std::move(card_);
  Result<CommandApdu> wrapped = host.Wrap(CommandApdu{0x80, 0xE2, 0x00, 0x00, {}, 0, false});
  ASSERT_TRUE(wrapped.ok());
  ASSERT_TRUE(card.Unwrap(*wrapped).ok());
}

std::string LevelName(const ::testing::TestParamInfo<uint8_t>& param) {
  return param.param == kLevelFull ? "Level33" : "Level13";
}

INSTANTIATE_TEST_SUITE_P(Levels, ScpChannel, ::testing::Values(kLevelStandard, kLevelFull),
                         LevelName);

// KVN 00 lets the card pick the key set; the host accepts the KVN the card names.
TEST(ScpHandshake, KvnZeroAcceptsTheCardsChoice) {
  testing::FixedRng host_rng(testing::kHostChallenge);
  testing::FixedRng card_rng(testing::kCardChallenge);
  HostChannel host;
  CardChannel card;
  Result<CommandApdu> iu = host.BeginInitializeUpdate(0x00, host_rng);
  ASSERT_TRUE(iu.ok());
  EXPECT_EQ(iu->p1, 0x00);
  Result<Bytes> data = card.InitializeUpdate(TestKeys(), kKvnIssuer, testing::kKdd, iu->data, card_rng);
  ASSERT_TRUE(data.ok());
  Result<CommandApdu> ea = host.FinishInitializeUpdate(TestKeys(), ResponseApdu{*data, apdu::kSwOk}, kLevelStandard);
  ASSERT_TRUE(ea.ok());
  ASSERT_TRUE(card.ExternalAuthenticate(*ea).ok());
  EXPECT_EQ(card.kvn(), kKvnIssuer);
}

// With the system RNG two handshakes never produce the same session.
TEST(ScpHandshake, SystemRngGivesFreshSessions) {
  Bytes first_ea;
  for (int round = 0; round < 2; ++round) {
    HostChannel host;
    CardChannel card;
    Result<CommandApdu> iu = host.BeginInitializeUpdate(kKvnClient);
    ASSERT_TRUE(iu.ok());
    Result<Bytes> data = card.InitializeUpdate(TestKeys(), kKvnClient, testing::kKdd, iu->data);
    ASSERT_TRUE(data.ok());
    Result<CommandApdu> ea = host.FinishInitializeUpdate(TestKeys(), ResponseApdu{*data, apdu::kSwOk});
    ASSERT_TRUE(ea.ok());
    ASSERT_TRUE(card.ExternalAuthenticate(*ea).ok());
    ASSERT_TRUE(host.Confirm(ResponseApdu{}).ok());
    EXPECT_EQ(host.level(), kLevelFull);
    if (round == 0) {
      first_ea = ea->data;
    } else {
      EXPECT_NE(ea->data, first_ea);
    }
  }
}

}  // namespace
}  // namespace sedun::scp
