// What the secure channel must refuse: wrong keys, tampered, replayed and reordered commands,
// plain commands while open, bad levels, broken handshakes, malformed lengths and padding, bad
// R-MACs. Every refusal must also close the end that refused (docs/apdu.md "Secure channel").
#include "scp/scp.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "scp/scp_test_util.h"

namespace sedun::scp {
namespace {

using apdu::CommandApdu;
using apdu::ResponseApdu;
using testing::H;
using testing::kCardChallenge;
using testing::kHostChallenge;
using testing::kKdd;
using testing::TestKeys;
using testing::Wire;
namespace ref = testing::ref;

const CommandApdu kSign{0x80, 0x2A, 0x00, 0x00, H("810161840568656c6c6f"), 256, false};
const CommandApdu kList{0x80, 0xE2, 0x00, 0x00, {}, 256, false};

class ScpRefusal : public ::testing::TestWithParam<uint8_t> {
 protected:
  void Open() { ASSERT_TRUE(testing::OpenPair(host_, card_, GetParam(), TestKeys(), TestKeys())); }

  // The card refused: 6982 material, and its end is closed for good.
  // `why`, when given, must appear in the message, so that a test fails for its stated reason.
  void ExpectCardRefused(const Result<CommandApdu>& r, const std::string& why = "") {
    EXPECT_EQ(r.status().code(), Code::kPermissionDenied) << r.status().ToString();
    EXPECT_NE(r.status().message().find(why), std::string::npos) << r.status().ToString();
    EXPECT_FALSE(card_.open());
    EXPECT_EQ(card_.kvn(), 0);
  }

  Result<CommandApdu> Wrapped(const CommandApdu& plain) { return host_.Wrap(plain); }

  HostChannel host_;
  CardChannel card_;
};

// --- Handshake ------------------------------------------------------------------------------

TEST(ScpHandshakeRefusal, WrongKeysFailTheCardCryptogramOnTheHost) {
  HostChannel host;
  CardChannel card;
  ::testing::AssertionResult r = testing::OpenPair(host, card, kLevelFull, TestKeys(0x40), TestKeys());
  EXPECT_FALSE(r);
  EXPECT_NE(std::string(r.message()).find("card cryptogram"), std::string::npos) << r.message();
  EXPECT_FALSE(host.open());
  EXPECT_FALSE(card.open());

  // The code is kVerifyFailed, and the host then has nothing to confirm.
  testing::FixedRng host_rng(kHostChallenge), card_rng(kCardChallenge);
  ASSERT_TRUE(host.BeginInitializeUpdate(kKvnClient, host_rng).ok());
  Result<Bytes> data = card.InitializeUpdate(TestKeys(), kKvnClient, kKdd, kHostChallenge, card_rng);
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(host.FinishInitializeUpdate(TestKeys(0x40), ResponseApdu{*data, apdu::kSwOk}).status().code(),
            Code::kVerifyFailed);
  EXPECT_EQ(host.Confirm(ResponseApdu{}).code(), Code::kFailedPrecondition);
}

TEST(ScpHandshakeRefusal, WrongKeysFailTheHostCryptogramOnTheCard) {
  // A host holding other keys that ignores the card cryptogram and answers anyway.
  CardChannel card;
  testing::FixedRng card_rng(kCardChallenge);
  ASSERT_TRUE(card.InitializeUpdate(TestKeys(), kKvnClient, kKdd, kHostChallenge, card_rng).ok());
  ref::Session impostor(TestKeys(0x40), kLevelFull);
  EXPECT_EQ(card.ExternalAuthenticate(impostor.ExternalAuthenticate(kLevelFull)).code(), Code::kPermissionDenied);
  EXPECT_FALSE(card.open());
  // The failed attempt used up the INITIALIZE UPDATE: the right answer now comes too late.
  ref::Session genuine(TestKeys(), kLevelFull);
  EXPECT_EQ(card.ExternalAuthenticate(genuine.ExternalAuthenticate(kLevelFull)).code(), Code::kPermissionDenied);
}

TEST(ScpHandshakeRefusal, GenuineReferenceSessionIsAccepted) {
  // The counterpart of the test above: the same forged-by-hand command with the right keys opens.
  CardChannel card;
  testing::FixedRng card_rng(kCardChallenge);
  ASSERT_TRUE(card.InitializeUpdate(TestKeys(), kKvnClient, kKdd, kHostChallenge, card_rng).ok());
  ref::Session genuine(TestKeys(), kLevelStandard);
  ASSERT_TRUE(card.ExternalAuthenticate(genuine.ExternalAuthenticate(kLevelStandard)).ok());
  EXPECT_EQ(card.level(), kLevelStandard);
}

TEST(ScpHandshakeRefusal, TamperedExternalAuthenticate) {
  for (size_t byte : {0u, 7u, 8u, 15u}) {
    SCOPED_TRACE(byte);
    CardChannel card;
    testing::FixedRng card_rng(kCardChallenge);
    ASSERT_TRUE(card.InitializeUpdate(TestKeys(), kKvnClient, kKdd, kHostChallenge, card_rng).ok());
    CommandApdu ea = ref::Session(TestKeys(), kLevelFull).ExternalAuthenticate(kLevelFull);
    ea.data[byte] ^= 0x01;
    EXPECT_EQ(card.ExternalAuthenticate(ea).code(), Code::kPermissionDenied);
    EXPECT_FALSE(card.open());
  }
  // A level other than the one MACed (13 and 33 are both valid, so only the MAC catches it).
  CardChannel card;
  testing::FixedRng card_rng(kCardChallenge);
  ASSERT_TRUE(card.InitializeUpdate(TestKeys(), kKvnClient, kKdd, kHostChallenge, card_rng).ok());
  CommandApdu ea = ref::Session(TestKeys(), kLevelFull).ExternalAuthenticate(kLevelFull);
  ea.p1 = kLevelStandard;
  EXPECT_EQ(card.ExternalAuthenticate(ea).code(), Code::kPermissionDenied);
}

TEST(ScpHandshakeRefusal, MalformedExternalAuthenticate) {
  const CommandApdu good = ref::Session(TestKeys(), kLevelFull).ExternalAuthenticate(kLevelFull);
  std::vector<CommandApdu> bad(5, good);
  bad[0].cla = 0x80;
  bad[1].ins = 0x83;
  bad[2].p2 = 0x01;
  bad[3].data.pop_back();
  bad[4].data.push_back(0x00);
  for (size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE(i);
    CardChannel card;
    testing::FixedRng card_rng(kCardChallenge);
    ASSERT_TRUE(card.InitializeUpdate(TestKeys(), kKvnClient, kKdd, kHostChallenge, card_rng).ok());
    EXPECT_EQ(card.ExternalAuthenticate(bad[i]).code(), Code::kPermissionDenied);
    EXPECT_FALSE(card.open());
  }
}

TEST(ScpHandshakeRefusal, LevelsOtherThan13And33) {
  for (uint8_t level : std::initializer_list<uint8_t>{0x00, 0x01, 0x03, 0x11, 0x02, 0x10, 0x31, 0x37}) {
    SCOPED_TRACE(int{level});
    // The card answers 6A86 (kInvalidArgument) even when the MAC is right.
    CardChannel card;
    testing::FixedRng card_rng(kCardChallenge);
    ASSERT_TRUE(card.InitializeUpdate(TestKeys(), kKvnClient, kKdd, kHostChallenge, card_rng).ok());
    EXPECT_EQ(card.ExternalAuthenticate(ref::Session(TestKeys(), level).ExternalAuthenticate(level)).code(),
              Code::kInvalidArgument);
    EXPECT_FALSE(card.open());
    // The host will not ask for it.
    HostChannel host;
    testing::FixedRng host_rng(kHostChallenge), card_rng2(kCardChallenge);
    ASSERT_TRUE(host.BeginInitializeUpdate(kKvnClient, host_rng).ok());
    Result<Bytes> data = card.InitializeUpdate(TestKeys(), kKvnClient, kKdd, kHostChallenge, card_rng2);
    ASSERT_TRUE(data.ok());
    EXPECT_EQ(host.FinishInitializeUpdate(TestKeys(), ResponseApdu{*data, apdu::kSwOk}, level).status().code(),
              Code::kInvalidArgument);
  }
}

TEST(ScpHandshakeRefusal, ExternalAuthenticateWithoutInitializeUpdate) {
  CardChannel card;
  EXPECT_EQ(card.ExternalAuthenticate(ref::Session(TestKeys(), kLevelFull).ExternalAuthenticate(kLevelFull)).code(),
            Code::kPermissionDenied);
  EXPECT_FALSE(card.open());
}

TEST_P(ScpRefusal, SecondExternalAuthenticateClosesTheChannel) {
  Open();
  EXPECT_EQ(card_.ExternalAuthenticate(ref::Session(TestKeys(), GetParam()).ExternalAuthenticate(GetParam())).code(),
            Code::kPermissionDenied);
  EXPECT_FALSE(card_.open());
}

TEST_P(ScpRefusal, NewInitializeUpdateClosesTheChannel) {
  Open();
  testing::FixedRng card_rng(kCardChallenge);
  ASSERT_TRUE(card_.InitializeUpdate(TestKeys(), kKvnClient, kKdd, kHostChallenge, card_rng).ok());
  EXPECT_FALSE(card_.open());
  Result<CommandApdu> wrapped = Wrapped(kList);
  ASSERT_TRUE(wrapped.ok());
  ExpectCardRefused(card_.Unwrap(*wrapped));
  // A failed INITIALIZE UPDATE (short challenge) closes as well.
  Open();
  EXPECT_EQ(card_.InitializeUpdate(TestKeys(), kKvnClient, kKdd, H("0102"), card_rng).status().code(),
            Code::kInvalidArgument);
  EXPECT_FALSE(card_.open());
}

TEST(ScpHandshakeRefusal, CardInitializeUpdateArguments) {
  CardChannel card;
  testing::FixedRng rng(Bytes(64, 0x5A));
  EXPECT_EQ(card.InitializeUpdate(TestKeys(), kKvnClient, kKdd, H("11223344556677"), rng).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(card.InitializeUpdate(TestKeys(), kKvnClient, kKdd, H("112233445566778899"), rng).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(card.InitializeUpdate(TestKeys(), kKvnClient, H("0102"), kHostChallenge, rng).status().code(),
            Code::kInvalidArgument);
  KeySet short_keys{SecretBytes(H("0102")), SecretBytes(H("0102")), SecretBytes(H("0102"))};
  EXPECT_EQ(card.InitializeUpdate(short_keys, kKvnClient, kKdd, kHostChallenge, rng).status().code(),
            Code::kInvalidArgument);
  testing::FixedRng empty_rng({});
  EXPECT_FALSE(card.InitializeUpdate(TestKeys(), kKvnClient, kKdd, kHostChallenge, empty_rng).ok());
  EXPECT_FALSE(card.open());
}

TEST(ScpHandshakeRefusal, HostRejectsBadInitializeUpdateResponses) {
  ref::Session s(TestKeys(), kLevelFull);
  const Bytes good = Concat({kKdd, H("300300"), kCardChallenge, s.card_cryptogram});
  struct Case {
    const char* name;
    ResponseApdu response;
    Code code;
  };
  Bytes other_scp = good, other_i = good, other_kvn = good, bad_cryptogram = good;
  other_scp[11] = 0x02;
  other_i[12] = 0x70;
  other_kvn[10] = 0x31;
  bad_cryptogram.back() ^= 0x80;
  const Case cases[] = {
      {"error status", ResponseApdu{{}, apdu::kSwSecurityNotSatisfied}, Code::kPermissionDenied},
      {"short", ResponseApdu{Bytes(good.begin(), good.end() - 1), apdu::kSwOk}, Code::kMalformed},
      {"long", ResponseApdu{Concat({good, H("00")}), apdu::kSwOk}, Code::kMalformed},
      {"scp02", ResponseApdu{other_scp, apdu::kSwOk}, Code::kMalformed},
      {"i parameter", ResponseApdu{other_i, apdu::kSwOk}, Code::kMalformed},
      {"kvn", ResponseApdu{other_kvn, apdu::kSwOk}, Code::kMalformed},
      {"cryptogram", ResponseApdu{bad_cryptogram, apdu::kSwOk}, Code::kVerifyFailed},
      {"good", ResponseApdu{good, apdu::kSwOk}, Code::kOk},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    HostChannel host;
    testing::FixedRng rng(kHostChallenge);
    ASSERT_TRUE(host.BeginInitializeUpdate(kKvnClient, rng).ok());
    EXPECT_EQ(host.FinishInitializeUpdate(TestKeys(), c.response).status().code(), c.code);
  }
  HostChannel host;
  EXPECT_EQ(host.FinishInitializeUpdate(TestKeys(), ResponseApdu{good, apdu::kSwOk}).status().code(),
            Code::kFailedPrecondition);
}

TEST(ScpHandshakeRefusal, HostConfirmNeedsAPlain9000) {
  for (const ResponseApdu& answer : {ResponseApdu{{}, apdu::kSwSecurityNotSatisfied},
                                     ResponseApdu{{}, apdu::kSwIncorrectP1P2}, ResponseApdu{H("00"), apdu::kSwOk}}) {
    HostChannel host;
    CardChannel card;
    testing::FixedRng host_rng(kHostChallenge), card_rng(kCardChallenge);
    Result<CommandApdu> iu = host.BeginInitializeUpdate(kKvnClient, host_rng);
    ASSERT_TRUE(iu.ok());
    Result<Bytes> data = card.InitializeUpdate(TestKeys(), kKvnClient, kKdd, iu->data, card_rng);
    ASSERT_TRUE(data.ok());
    ASSERT_TRUE(host.FinishInitializeUpdate(TestKeys(), ResponseApdu{*data, apdu::kSwOk}).ok());
    EXPECT_EQ(host.Confirm(answer).code(), Code::kPermissionDenied);
    EXPECT_FALSE(host.open());
    EXPECT_EQ(host.Wrap(kList).status().code(), Code::kFailedPrecondition);
  }
}

// --- Commands -------------------------------------------------------------------------------

TEST_P(ScpRefusal, FlippedBitInTheCMac) {
  Open();
  Result<CommandApdu> w = Wrapped(kSign);
  ASSERT_TRUE(w.ok());
  w->data.back() ^= 0x01;
  ExpectCardRefused(card_.Unwrap(Wire(*w)), "C-MAC mismatch");
}

TEST_P(ScpRefusal, FlippedBitInTheEncryptedData) {
  Open();
  Result<CommandApdu> w = Wrapped(kSign);
  ASSERT_TRUE(w.ok());
  w->data[3] ^= 0x10;
  ExpectCardRefused(card_.Unwrap(Wire(*w)), "C-MAC mismatch");
}

TEST_P(ScpRefusal, ChangedHeaderBytes) {
  for (int field = 0; field < 5; ++field) {
    SCOPED_TRACE(field);
    card_.Close();
    host_.Close();
    Open();
    Result<CommandApdu> w = Wrapped(kSign);
    ASSERT_TRUE(w.ok());
    switch (field) {
      case 0: w->p1 ^= 0x01; break;
      case 1: w->p2 ^= 0x80; break;
      case 2: w->ins = 0x2C; break;
      case 3: w->cla = 0x04; break;    // 84 -> 04: the class is MACed too
      case 4: w->extended = true; break;  // the same bytes in the extended form: Lc' differs
    }
    ExpectCardRefused(card_.Unwrap(Wire(*w)));
  }
}

TEST_P(ScpRefusal, ChangedLeIsNotMacedButCarried) {
  // GP SCP03: Le is outside the C-MAC. The card sees the Ne that arrived.
  Open();
  Result<CommandApdu> w = Wrapped(kSign);
  ASSERT_TRUE(w.ok());
  w->ne = 16;
  Result<CommandApdu> u = card_.Unwrap(Wire(*w));
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->ne, 16u);
}

TEST_P(ScpRefusal, ReplayedCommand) {
  Open();
  Result<CommandApdu> w = Wrapped(kSign);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(card_.Unwrap(Wire(*w)).ok());
  ASSERT_TRUE(card_.Wrap(ResponseApdu{}).ok());
  ExpectCardRefused(card_.Unwrap(Wire(*w)));
  // Closed for good: the next genuine command is refused as well.
  Result<CommandApdu> next = Wrapped(kList);
  ASSERT_TRUE(next.ok());
  ExpectCardRefused(card_.Unwrap(Wire(*next)));
}

TEST_P(ScpRefusal, ReorderedCommands) {
  Open();
  Result<CommandApdu> first = Wrapped(kSign);
  ASSERT_TRUE(first.ok());
  Result<CommandApdu> second = Wrapped(kList);
  ASSERT_TRUE(second.ok());
  ExpectCardRefused(card_.Unwrap(Wire(*second)));
  ExpectCardRefused(card_.Unwrap(Wire(*first)));
}

TEST_P(ScpRefusal, DroppedCommand) {
  Open();
  ASSERT_TRUE(Wrapped(kSign).ok());  // lost on the way
  Result<CommandApdu> next = Wrapped(kList);
  ASSERT_TRUE(next.ok());
  ExpectCardRefused(card_.Unwrap(Wire(*next)));
}

TEST_P(ScpRefusal, PlainCommandWhileOpen) {
  // The OS may hand every command to Unwrap; a plain CLA is a security failure that closes.
  for (uint8_t cla : std::initializer_list<uint8_t>{0x80, 0x00, 0x90, 0x81, 0x8C, 0xC4, 0xE0}) {
    SCOPED_TRACE(int{cla});
    card_.Close();
    host_.Close();
    Open();
    CommandApdu plain = kList;
    plain.cla = cla;
    ExpectCardRefused(card_.Unwrap(plain), "without secure messaging");
  }
}

TEST_P(ScpRefusal, UnwrapWithoutAChannel) {
  ExpectCardRefused(card_.Unwrap(CommandApdu{0x84, 0xE2, 0x00, 0x00, Bytes(8, 0), 0, false}));
}

TEST_P(ScpRefusal, LcTooShortForTheMac) {
  for (size_t n : {0u, 1u, 7u}) {
    SCOPED_TRACE(n);
    card_.Close();
    host_.Close();
    Open();
    ExpectCardRefused(card_.Unwrap(CommandApdu{0x84, 0xE2, 0x00, 0x00, Bytes(n, 0xAA), 0, false}), "too short");
  }
}

// Correctly MACed commands whose encrypted part is broken: the MAC passes, decryption does not.
TEST_P(ScpRefusal, MacedButUndecryptableData) {
  for (int which = 0; which < 4; ++which) {
    SCOPED_TRACE(which);
    card_.Close();
    host_.Close();
    Open();
    ref::Session s(TestKeys(), GetParam());
    Bytes body;
    switch (which) {
      case 0: body = H("0102030405"); break;  // not whole blocks
      case 1: body = Bytes(17, 0x33); break;  // not whole blocks
      case 2:  // one block with no 80 marker: 16 bytes of data, padding forgotten
        body = ref::Cbc(s.s_enc, s.CommandIcv(), Bytes(16, 0x41));
        break;
      case 3:  // the marker in the first block and a second block of zeros: padding over 16 bytes
        body = ref::Cbc(s.s_enc, s.CommandIcv(), Concat({H("41800000000000000000000000000000"), Bytes(16, 0x00)}));
        break;
    }
    ExpectCardRefused(card_.Unwrap(s.MacOnly(0x84, 0x2A, 0x00, 0x00, body)), which < 2 ? "whole" : "padding");
  }
}

TEST_P(ScpRefusal, MacedAndCorrectlyPaddedDataIsAccepted) {
  // The counterpart of the test above, so that its refusals are for the stated reasons.
  Open();
  ref::Session s(TestKeys(), GetParam());
  Bytes body = ref::Cbc(s.s_enc, s.CommandIcv(), ref::Pad(H("8103616263")));
  Result<CommandApdu> u = card_.Unwrap(s.MacOnly(0x84, 0xE0, 0x00, 0x00, body));
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->data, H("8103616263"));
  EXPECT_EQ(u->cla, 0x80);
}

TEST_P(ScpRefusal, WrongEncryptionKeyFailsOnPadding) {
  // K-MAC right, K-ENC wrong: the cryptograms (all under S-MAC) agree, the first encrypted
  // command does not decrypt to valid padding.
  KeySet host_keys = TestKeys();
  host_keys.enc[0] ^= 0xFF;
  ASSERT_TRUE(testing::OpenPair(host_, card_, GetParam(), host_keys, TestKeys()));
  Result<CommandApdu> w = Wrapped(kSign);
  ASSERT_TRUE(w.ok());
  ExpectCardRefused(card_.Unwrap(Wire(*w)), "padding");
}

// --- Responses ------------------------------------------------------------------------------

TEST_P(ScpRefusal, BadRMacOnTheHost) {
  for (int which = 0; which < 4; ++which) {
    SCOPED_TRACE(which);
    host_.Close();
    card_.Close();
    Open();
    Result<CommandApdu> w = Wrapped(kSign);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(card_.Unwrap(Wire(*w)).ok());
    Result<ResponseApdu> r = card_.Wrap(ResponseApdu{H("8540aabb"), apdu::kSwOk});
    ASSERT_TRUE(r.ok());
    ResponseApdu bad = *r;
    switch (which) {
      case 0: bad.data.back() ^= 0x01; break;  // the R-MAC
      case 1: bad.data[0] ^= 0x01; break;      // the data
      case 2: bad.sw = 0x6310; break;          // the status word (a warning, so R-MACed)
      case 3: bad.data.erase(bad.data.begin()); break;
    }
    EXPECT_EQ(host_.Unwrap(bad).status().code(), Code::kVerifyFailed);
    EXPECT_FALSE(host_.open());
    EXPECT_EQ(host_.Wrap(kList).status().code(), Code::kFailedPrecondition);
  }
}

TEST_P(ScpRefusal, ResponseShapesTheHostRefuses) {
  for (int which = 0; which < 3; ++which) {
    SCOPED_TRACE(which);
    host_.Close();
    card_.Close();
    Open();
    ASSERT_TRUE(Wrapped(kSign).ok());
    ResponseApdu bad;
    switch (which) {
      case 0: bad = ResponseApdu{Bytes(7, 0x00), apdu::kSwOk}; break;             // shorter than an R-MAC
      case 1: bad = ResponseApdu{{}, apdu::kSwOk}; break;                         // no R-MAC at all
      case 2: bad = ResponseApdu{H("0102"), apdu::kSwIncorrectData}; break;       // data on an error
    }
    EXPECT_EQ(host_.Unwrap(bad).status().code(), Code::kVerifyFailed);
    EXPECT_FALSE(host_.open());
  }
}

TEST(ScpResponseRefusal, RMacedButUndecryptableResponse) {
  // Level 33: a response with a valid R-MAC over data that is not whole blocks or badly padded.
  for (int which = 0; which < 2; ++which) {
    SCOPED_TRACE(which);
    HostChannel host;
    CardChannel card;
    ASSERT_TRUE(testing::OpenPair(host, card, kLevelFull, TestKeys(), TestKeys()));
    ASSERT_TRUE(host.Wrap(kList).ok());
    ref::Session s(TestKeys(), kLevelFull);
    s.MacOnly(0x84, 0xE2, 0x00, 0x00, {});  // the same command, to bring the chaining value along
    Bytes body = which == 0 ? H("0102030405") : ref::Cbc(s.s_enc, s.ResponseIcv(1), Bytes(16, 0x00));
    EXPECT_EQ(host.Unwrap(s.RMacOnly(body, apdu::kSwOk)).status().code(), Code::kVerifyFailed);
    EXPECT_FALSE(host.open());
  }
}

TEST_P(ScpRefusal, OutOfTurnCalls) {
  Open();
  // Card: a response without a command to answer.
  EXPECT_EQ(card_.Wrap(ResponseApdu{}).status().code(), Code::kFailedPrecondition);
  EXPECT_FALSE(card_.open());
  EXPECT_EQ(card_.Wrap(ResponseApdu{}).status().code(), Code::kFailedPrecondition);
  // Host: a response without a command outstanding.
  EXPECT_EQ(host_.Unwrap(ResponseApdu{Bytes(8, 0), apdu::kSwOk}).status().code(), Code::kFailedPrecondition);
  EXPECT_FALSE(host_.open());
  EXPECT_EQ(host_.Unwrap(ResponseApdu{Bytes(8, 0), apdu::kSwOk}).status().code(), Code::kFailedPrecondition);
}

TEST_P(ScpRefusal, HostWrapArguments) {
  for (uint8_t cla : std::initializer_list<uint8_t>{0x84, 0x04, 0x01, 0x40, 0x0C}) {
    SCOPED_TRACE(int{cla});
    host_.Close();
    card_.Close();
    Open();
    CommandApdu c = kList;
    c.cla = cla;
    EXPECT_EQ(host_.Wrap(c).status().code(), Code::kInvalidArgument);
    EXPECT_FALSE(host_.open());
  }
  Open();
  CommandApdu big = kSign;
  big.data.assign(kMaxCommandData + 1, 0x00);
  EXPECT_EQ(host_.Wrap(big).status().code(), Code::kInvalidArgument);
  Open();
  CommandApdu huge_ne = kList;
  huge_ne.ne = apdu::kMaxExtendedNe + 1;
  EXPECT_EQ(host_.Wrap(huge_ne).status().code(), Code::kInvalidArgument);
}

TEST_P(ScpRefusal, CardWrapLimits) {
  Open();
  ASSERT_TRUE(card_.Unwrap(Wire(*Wrapped(kList))).ok());
  const size_t most = GetParam() == kLevelFull ? kMaxResponseData : apdu::kMaxResponseData - kMacSize;
  EXPECT_EQ(card_.Wrap(ResponseApdu{Bytes(most + 1, 0x00), apdu::kSwOk}).status().code(), Code::kInvalidArgument);
  EXPECT_FALSE(card_.open());
  Open();
  ASSERT_TRUE(card_.Unwrap(Wire(*Wrapped(kList))).ok());
  EXPECT_EQ(card_.Wrap(ResponseApdu{{}, 0x6000}).status().code(), Code::kInvalidArgument);
  EXPECT_FALSE(card_.open());
}

std::string LevelName(const ::testing::TestParamInfo<uint8_t>& param) {
  return param.param == kLevelFull ? "Level33" : "Level13";
}

INSTANTIATE_TEST_SUITE_P(Levels, ScpRefusal, ::testing::Values(kLevelStandard, kLevelFull),
                         LevelName);

}  // namespace
}  // namespace sedun::scp
