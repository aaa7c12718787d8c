// Card OS transport: ATR, SELECT, malformed APDUs, class and channel checks, GET RESPONSE and
// chaining, all through Transmit on an in-process card.
#include <gtest/gtest.h>

#include <random>

#include "apdu/tlv.h"
#include "se/card.h"
#include "se/card_test_host.h"

namespace sedun::se {
namespace {

using namespace sedun::se::testing;
using apdu::ResponseApdu;

uint16_t SwOf(const Bytes& r) {
  EXPECT_GE(r.size(), 2u);
  return r.size() < 2 ? 0 : static_cast<uint16_t>(r[r.size() - 2] << 8 | r[r.size() - 1]);
}

TEST(CardAtr, IsT1WithExtendedLengthAndACorrectCheckByte) {
  TestCard t = NewTestCard();
  Bytes atr = t.card->Atr();
  ASSERT_GE(atr.size(), 4u);
  EXPECT_EQ(atr[0], 0x3B);
  uint8_t x = 0;
  for (size_t i = 1; i < atr.size(); ++i) x ^= atr[i];
  EXPECT_EQ(x, 0) << "TCK";
  // T0: TD1 present, K historical bytes.
  const size_t k = atr[1] & 0x0F;
  EXPECT_EQ(atr[1] & 0xF0, 0x80);
  EXPECT_EQ(atr[2] & 0x0F, 0x01) << "TD1 announces T=1";
  // Historical bytes end just before TCK.
  Bytes hist(atr.end() - 1 - static_cast<ptrdiff_t>(k), atr.end() - 1);
  ASSERT_EQ(hist[0], 0x80);
  ASSERT_EQ(hist[1], 0x73);
  EXPECT_EQ(hist[4] & 0x40, 0x40) << "extended Lc/Le";
  EXPECT_EQ(hist[4] & 0x80, 0x80) << "command chaining";
  EXPECT_EQ(1 + 5 + k + 1, atr.size());
}

TEST(CardSelect, NothingButSelectBeforeSelection) {
  TestCard t = NewTestCard();
  TestHost host(*t.card);
  EXPECT_EQ(host.Wire(GetDataCmd()).sw, apdu::kSwConditionsNotSatisfied);
  EXPECT_EQ(host.Wire(Cmd(0x80, 0x50, 0x00, 0x00, Bytes(8, 1), 256)).sw, apdu::kSwConditionsNotSatisfied);
  EXPECT_EQ(host.Wire(Cmd(0x80, 0x99, 0x00, 0x00)).sw, apdu::kSwConditionsNotSatisfied);
  EXPECT_EQ(host.Wire(Cmd(0x00, 0xC0, 0x00, 0x00, {}, 16)).sw, apdu::kSwConditionsNotSatisfied);
}

TEST(CardSelect, FciAndErrors) {
  TestCard t = NewTestCard();
  TestHost host(*t.card);
  EXPECT_EQ(host.Wire(Cmd(0x00, 0xA4, 0x04, 0x00, {0xF0, 0x53, 0x45}, 256)).sw, apdu::kSwFileNotFound);
  EXPECT_EQ(host.Wire(Cmd(0x00, 0xA4, 0x00, 0x00, {0x3F, 0x00}, 256)).sw, apdu::kSwIncorrectP1P2);
  EXPECT_EQ(host.Wire(Cmd(0x00, 0xA4, 0x04, 0x04, Bytes(std::begin(kApplicationAid), std::end(kApplicationAid)))).sw,
            apdu::kSwIncorrectP1P2);
  // Still not selected.
  EXPECT_EQ(host.Wire(GetDataCmd()).sw, apdu::kSwConditionsNotSatisfied);

  ResponseApdu fci = host.Wire(SelectCmd());
  ASSERT_EQ(fci.sw, apdu::kSwOk);
  auto tlvs = apdu::ParseTlvs(fci.data);
  ASSERT_TRUE(tlvs.ok());
  const apdu::Tlv* aid = apdu::FindTlvPath(*tlvs, {0x6F, 0x84});
  ASSERT_NE(aid, nullptr);
  EXPECT_EQ(ToBytes(aid->value), Bytes(std::begin(kApplicationAid), std::end(kApplicationAid)));
  const apdu::Tlv* lc = apdu::FindTlvPath(*tlvs, {0x6F, 0xA5, 0x95});
  ASSERT_NE(lc, nullptr);
  EXPECT_EQ(lc->value[0], 0x01);
  const apdu::Tlv* serial = apdu::FindTlvPath(*tlvs, {0x6F, 0xA5, 0x96});
  ASSERT_NE(serial, nullptr);
  EXPECT_EQ(ToBytes(serial->value), t.created.serial);
  EXPECT_NE(apdu::FindTlvPath(*tlvs, {0x6F, 0xA5, 0x97}), nullptr);

  // P2 0C: no FCI. A failed SELECT keeps the application selected.
  EXPECT_EQ(host.Wire(Cmd(0x00, 0xA4, 0x04, 0x0C, Bytes(std::begin(kApplicationAid), std::end(kApplicationAid)))),
            (ResponseApdu{{}, apdu::kSwOk}));
  EXPECT_EQ(host.Wire(Cmd(0x00, 0xA4, 0x04, 0x00, {0xA0, 0x00}, 256)).sw, apdu::kSwFileNotFound);
  EXPECT_EQ(host.Wire(GetDataCmd()).sw, apdu::kSwOk);
}

TEST(CardSelect, GetDataReportsTheStatus) {
  TestCard t = NewTestCard();
  TestHost host(*t.card);
  ASSERT_EQ(host.Select(), apdu::kSwOk);
  ResponseApdu r = host.Wire(GetDataCmd());
  ASSERT_EQ(r.sw, apdu::kSwOk);
  EXPECT_EQ(StatusByte(r.data, 0x95), 0x01);
  EXPECT_EQ(StatusByte(r.data, 0x97), 0x00);
  EXPECT_EQ(StatusByte(r.data, 0x99), 0x00);
  auto tlvs = apdu::ParseTlvs(r.data).value();
  const apdu::Tlv* free_space = apdu::FindTlv(tlvs, 0x98);
  ASSERT_NE(free_space, nullptr);
  EXPECT_EQ(ToBytes(free_space->value), (Bytes{0x00, 0x00, 0xC8, 0x00}));
  EXPECT_EQ(host.Wire(Cmd(0x80, 0xCA, 0x00, 0x02, {}, 256)).sw, apdu::kSwIncorrectP1P2);
  EXPECT_EQ(host.Wire(Cmd(0x80, 0xCA, 0x00, 0x01, {0x01}, 256)).sw, apdu::kSwWrongLength);
  EXPECT_EQ(host.Wire(Cmd(0x00, 0xCA, 0x00, 0x01, {}, 256)).sw, apdu::kSwClaNotSupported);
}

TEST(CardDispatch, ClassChannelAndInstructionErrors) {
  TestCard t = NewTestCard();
  TestHost host(*t.card);
  ASSERT_EQ(host.Select(), apdu::kSwOk);
  struct Case {
    Bytes apdu;
    uint16_t sw;
  };
  const Case cases[] = {
      {{0xFF, 0xCA, 0x00, 0x01}, apdu::kSwClaNotSupported},
      {{0x20, 0xCA, 0x00, 0x01}, apdu::kSwClaNotSupported},
      {{0x81, 0xCA, 0x00, 0x01, 0x00}, apdu::kSwChannelNotSupported},
      {{0x41, 0xCA, 0x00, 0x01, 0x00}, apdu::kSwChannelNotSupported},
      {{0x88, 0xCA, 0x00, 0x01, 0x00}, apdu::kSwSmNotSupported},
      {{0x8C, 0xCA, 0x00, 0x01, 0x00}, apdu::kSwSmNotSupported},
      {{0x80, 0x77, 0x00, 0x00}, apdu::kSwInsNotSupported},
      {{0x00, 0x2A, 0x00, 0x00}, apdu::kSwClaNotSupported},  // SIGN is proprietary
      {{0x80, 0x20, 0x00, 0x01}, apdu::kSwClaNotSupported},  // VERIFY is ISO
      {{0x84, 0xCA, 0x00, 0x01, 0x08, 1, 2, 3, 4, 5, 6, 7, 8}, apdu::kSwSecurityNotSatisfied},  // no channel
      {{0x80, 0x82, 0x33, 0x00, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8},
       apdu::kSwSecurityNotSatisfied},  // EXTERNAL AUTHENTICATE without its MAC class
      {{0x84, 0x82, 0x33, 0x00, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8},
       apdu::kSwSecurityNotSatisfied},  // no INITIALIZE UPDATE before
      {{0x80, 0x50, 0x01, 0x00, 0x07, 1, 2, 3, 4, 5, 6, 7, 0x00}, apdu::kSwWrongLength},
      {{0x80, 0x50, 0x30, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00}, apdu::kSwReferencedDataNotFound},
      {{0x80, 0x50, 0x02, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00}, apdu::kSwReferencedDataNotFound},
      {{0x80, 0x50, 0x01, 0x01, 0x08, 1, 2, 3, 4, 5, 6, 7, 8, 0x00}, apdu::kSwIncorrectP1P2},
      {{0x80, 0xD8, 0x00, 0x30, 0x02, 0x94, 0x00}, apdu::kSwSecurityNotSatisfied},  // issuer channel
      {{0x00, 0x20, 0x00, 0x01}, apdu::kSwConditionsNotSatisfied},                  // factory
      {{0x80, 0x2A, 0x00, 0x00}, apdu::kSwConditionsNotSatisfied},                  // factory
  };
  for (const Case& c : cases) EXPECT_EQ(SwOf(host.Raw(c.apdu)), c.sw) << HexEncode(c.apdu);
}

// docs/apdu.md "Status words": every malformed input gets a status word and changes nothing.
TEST(CardDispatch, MalformedApdusChangeNothing) {
  TestCard t = NewTestCard();
  Personalise(t);
  TestHost host(*t.card);
  ASSERT_EQ(host.Select(), apdu::kSwOk);
  ASSERT_EQ(host.OpenChannel(t.client_keys.view(), scp::kKvnClient), apdu::kSwOk);
  const Bytes image = ToBytes(t.store->image().view());
  const size_t commits = t.store->commits();
  const Bytes malformed[] = {
      {},
      {0x00},
      {0x00, 0xA4, 0x04},
      {0x00, 0x20, 0x00, 0x01, 0x05, 0x91, 0x03},            // Lc beyond the data
      {0x00, 0x20, 0x00, 0x01, 0x00, 0x00},                  // truncated extended Le
      {0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01},      // extended Lc 0000 plus bytes
      {0x00, 0x20, 0x00, 0x01, 0x02, 0x91, 0x00, 0x00, 0x00},  // two bytes after short data
      {0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x03, 0x91, 0x01, 0x31, 0x00},  // one Le byte after extended data
  };
  for (const Bytes& in : malformed) {
    Bytes r = host.Raw(in);
    EXPECT_EQ(r, (Bytes{0x67, 0x00})) << HexEncode(in);
  }
  // Random bytes, plain and with the SM class (which closes the channel on a bad MAC but must not
  // touch storage).
  std::mt19937 gen(20250601);
  for (int i = 0; i < 3000; ++i) {
    Bytes in(gen() % 40);
    for (uint8_t& b : in) b = static_cast<uint8_t>(gen());
    if (in.size() >= 2 && i % 3 == 0) in[1] = static_cast<uint8_t>(0x20);  // aim at VERIFY
    Bytes r = t.card->Transmit(in);
    ASSERT_GE(r.size(), 2u);
    EXPECT_TRUE(apdu::IsValidSw(SwOf(r))) << HexEncode(in);
  }
  EXPECT_EQ(ToBytes(t.store->image().view()), image);
  EXPECT_EQ(t.store->commits(), commits);
}

TEST(CardResponses, GetResponseHandsOutLongAnswersInPieces) {
  TestCard t = NewTestCard();
  TestHost host(*t.card);
  // SELECT without Le: the FCI is announced by 61xx.
  ResponseApdu first = host.Wire(Cmd(0x00, 0xA4, 0x04, 0x00, Bytes(std::begin(kApplicationAid), std::end(kApplicationAid))));
  ASSERT_EQ(first.sw1(), 0x61);
  EXPECT_TRUE(first.data.empty());
  const size_t total = first.sw2();
  Bytes joined;
  // Fetch in 5-byte pieces.
  for (;;) {
    ResponseApdu piece = host.Wire(Cmd(0x00, 0xC0, 0x00, 0x00, {}, 5));
    joined.insert(joined.end(), piece.data.begin(), piece.data.end());
    if (piece.sw == apdu::kSwOk) break;
    ASSERT_EQ(piece.sw1(), 0x61);
    ASSERT_EQ(piece.data.size(), 5u);
  }
  EXPECT_EQ(joined.size(), total);
  EXPECT_EQ(joined, host.Wire(SelectCmd()).data);
  // Nothing pending any more; a malformed GET RESPONSE is refused.
  EXPECT_EQ(host.Wire(Cmd(0x00, 0xC0, 0x00, 0x00, {}, 5)).sw, apdu::kSwConditionsNotSatisfied);
  ASSERT_EQ(host.Wire(GetDataCmd()).sw, apdu::kSwOk);
  ResponseApdu again = host.Wire(Cmd(0x80, 0xCA, 0x00, 0x01, {}, 3));
  ASSERT_EQ(again.sw1(), 0x61);
  EXPECT_EQ(host.Wire(Cmd(0x00, 0xC0, 0x01, 0x00, {}, 5)).sw, apdu::kSwIncorrectP1P2);
  EXPECT_EQ(host.Wire(Cmd(0x00, 0xC0, 0x00, 0x00)).sw, apdu::kSwWrongLength);
  EXPECT_EQ(SwOf(host.Raw(Bytes{0x10, 0xC0, 0x00, 0x00, 0x05})), apdu::kSwChainingNotSupported);
  // The pending answer survived the refused GET RESPONSEs; another command drops it.
  EXPECT_EQ(host.Wire(Cmd(0x00, 0xC0, 0x00, 0x00, {}, 1)).sw1(), 0x61);
  ASSERT_EQ(host.Wire(GetDataCmd()).sw, apdu::kSwOk);
  EXPECT_EQ(host.Wire(Cmd(0x00, 0xC0, 0x00, 0x00, {}, 1)).sw, apdu::kSwConditionsNotSatisfied);
}

TEST(CardChaining, PartsAreJoinedAndBrokenChainsDropped) {
  TestCard t = NewTestCard();
  TestHost host(*t.card);
  ASSERT_EQ(host.Select(), apdu::kSwOk);
  // A chained GET DATA: the parts answer 9000, the joined command carries data and so answers
  // 6700, which shows that the parts were joined.
  EXPECT_EQ(host.Wire(Cmd(0x90, 0xCA, 0x00, 0x01, {0x01})).sw, apdu::kSwOk);
  EXPECT_EQ(host.Wire(Cmd(0x90, 0xCA, 0x00, 0x01, {0x02})).sw, apdu::kSwOk);
  EXPECT_EQ(host.Wire(Cmd(0x80, 0xCA, 0x00, 0x01, {}, 256)).sw, apdu::kSwWrongLength);
  // A chain interrupted by another command: 6883, and the chain is gone.
  EXPECT_EQ(host.Wire(Cmd(0x90, 0xCA, 0x00, 0x01, {0x01})).sw, apdu::kSwOk);
  EXPECT_EQ(host.Wire(Cmd(0x80, 0xCA, 0x00, 0x02, {}, 256)).sw, apdu::kSwLastCommandExpected);
  EXPECT_EQ(host.Wire(GetDataCmd()).sw, apdu::kSwOk);
  EXPECT_EQ(host.Wire(Cmd(0x90, 0xCA, 0x00, 0x01, {0x01})).sw, apdu::kSwOk);
  EXPECT_EQ(host.Wire(SelectCmd()).sw, apdu::kSwLastCommandExpected);
  EXPECT_EQ(host.Wire(GetDataCmd()).sw, apdu::kSwOk);
  // The OS's channel commands do not chain.
  EXPECT_EQ(host.Wire(Cmd(0x10, 0xA4, 0x04, 0x00, {0xF0})).sw, apdu::kSwChainingNotSupported);
}

TEST(CardChaining, ChainsAreCappedAtOneExtendedApdu) {
  TestCard t = NewTestCard();
  TestHost host(*t.card);
  ASSERT_EQ(host.Select(), apdu::kSwOk);
  Bytes part(60000, 0x00);
  EXPECT_EQ(host.Wire(Cmd(0x90, 0xCA, 0x00, 0x01, part)).sw, apdu::kSwOk);
  EXPECT_EQ(host.Wire(Cmd(0x90, 0xCA, 0x00, 0x01, part)).sw, apdu::kSwWrongLength);
  EXPECT_EQ(host.Wire(GetDataCmd()).sw, apdu::kSwOk);
}

TEST(CardPower, ResetEndsTheSession) {
  TestCard t = NewTestCard();
  TestHost host(*t.card);
  ASSERT_EQ(host.Select(), apdu::kSwOk);
  t.card->Reset();
  EXPECT_EQ(host.Wire(GetDataCmd()).sw, apdu::kSwConditionsNotSatisfied);
  ASSERT_EQ(host.Select(), apdu::kSwOk);
  t.card->PowerOff();
  EXPECT_FALSE(t.card->powered());
  // Transmit powers the card on again, with nothing selected.
  EXPECT_EQ(host.Wire(GetDataCmd()).sw, apdu::kSwConditionsNotSatisfied);
  EXPECT_TRUE(t.card->powered());
}

}  // namespace
}  // namespace sedun::se
