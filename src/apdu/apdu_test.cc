// Tests of the command and response APDU codec and the class byte helpers.
#include "apdu/apdu.h"

#include <gtest/gtest.h>

#include <string>

namespace sedun::apdu {
namespace {

Bytes H(std::string_view hex) {
  Result<Bytes> b = HexDecode(hex);
  EXPECT_TRUE(b.ok()) << hex;
  return b.ok() ? *b : Bytes{};
}

Result<CommandApdu> ParseHex(std::string_view hex) { return CommandApdu::Parse(H(hex)); }

std::string EncodeHex(const CommandApdu& c) {
  Result<Bytes> b = c.Encode();
  return b.ok() ? HexEncode(*b) : b.status().ToString();
}

// Each accepted shape: parse, check the fields, and re-encode to the same bytes.
struct Known {
  const char* hex;
  ApduCase apdu_case;
  size_t lc;
  uint32_t ne;
  bool extended;
};

TEST(CommandApdu, ParsesEveryCase) {
  Bytes data255(255, 0xAB);
  const Known known[] = {
      {"00A40400", ApduCase::k1, 0, 0, false},
      {"00B0000010", ApduCase::k2Short, 0, 16, false},
      {"00B0000001", ApduCase::k2Short, 0, 1, false},
      {"00B00000FF", ApduCase::k2Short, 0, 255, false},
      {"00B0000000", ApduCase::k2Short, 0, 256, false},
      {"00A4040C 02 3F00", ApduCase::k3Short, 2, 0, false},
      {"00A4040C 01 3F", ApduCase::k3Short, 1, 0, false},
      {"00A4040007F0534544554E0100", ApduCase::k4Short, 7, 256, false},
      {"00A4040007F0534544554E0110", ApduCase::k4Short, 7, 16, false},
      {"00B00000 000100", ApduCase::k2Extended, 0, 256, true},
      {"00B00000 000000", ApduCase::k2Extended, 0, 65536, true},
      {"00B00000 000001", ApduCase::k2Extended, 0, 1, true},
      {"00B00000 00FFFF", ApduCase::k2Extended, 0, 65535, true},
      {"00DA0000 000002 AABB", ApduCase::k3Extended, 2, 0, true},
      {"00DA0000 000002 AABB 0000", ApduCase::k4Extended, 2, 65536, true},
      {"00DA0000 000001 AA 0102", ApduCase::k4Extended, 1, 0x102, true},
      {"00DA0000 000001 AA 0001", ApduCase::k4Extended, 1, 1, true},
  };
  for (const Known& k : known) {
    Result<CommandApdu> c = ParseHex(k.hex);
    ASSERT_TRUE(c.ok()) << k.hex << ": " << c.status().ToString();
    EXPECT_EQ(c->Case(), k.apdu_case) << k.hex;
    EXPECT_EQ(c->data.size(), k.lc) << k.hex;
    EXPECT_EQ(c->ne, k.ne) << k.hex;
    EXPECT_EQ(c->extended, k.extended) << k.hex;
    EXPECT_EQ(EncodeHex(*c), HexEncode(H(k.hex))) << k.hex;
  }
}

TEST(CommandApdu, SelectByAid) {
  Result<CommandApdu> c = ParseHex("00 A4 04 00 07 F0 53 45 44 55 4E 01 00");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->cla, 0x00);
  EXPECT_EQ(c->ins, 0xA4);
  EXPECT_EQ(c->p1, 0x04);
  EXPECT_EQ(c->p2, 0x00);
  EXPECT_EQ(HexEncode(c->data), "f0534544554e01");
  EXPECT_EQ(c->ne, 256u);
  EXPECT_FALSE(c->extended);
  EXPECT_EQ(c->Case(), ApduCase::k4Short);
  EXPECT_EQ(ApduCaseName(c->Case()), "4S");
}

TEST(CommandApdu, LargestShortAndExtended) {
  CommandApdu c{0x80, 0xE2, 0x00, 0x00, Bytes(255, 0x5A), 256, false};
  Result<Bytes> b = c.Encode();
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->size(), 4u + 1 + 255 + 1);
  EXPECT_EQ((*b)[4], 0xFF);
  EXPECT_EQ(b->back(), 0x00);
  EXPECT_EQ(*CommandApdu::Parse(*b), c);

  CommandApdu e{0x80, 0xE2, 0x00, 0x00, Bytes(65535, 0x5A), 65536, true};
  b = e.Encode();
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->size(), 4u + 3 + 65535 + 2);
  EXPECT_EQ(HexEncode(ByteView(*b).first(7)), "80e2000000ffff");
  EXPECT_EQ(HexEncode(ByteView(*b).last(2)), "0000");
  EXPECT_EQ(*CommandApdu::Parse(*b), e);
  EXPECT_EQ(e.Case(), ApduCase::k4Extended);
}

TEST(CommandApdu, EncodeChoosesShortWhenItFits) {
  CommandApdu c{0x00, 0xB0, 0x00, 0x00, {}, 256, false};
  EXPECT_EQ(EncodeHex(c), "00b0000000");
  c.ne = 257;  // needs extended
  EXPECT_EQ(EncodeHex(c), "00b00000000101");
  EXPECT_TRUE(c.UsesExtended());
  EXPECT_EQ(c.Case(), ApduCase::k2Extended);
  c.ne = 16;
  c.extended = true;  // forced
  EXPECT_EQ(EncodeHex(c), "00b00000000010");
  c.ne = 0;
  c.data = Bytes(256, 1);  // data needs extended
  c.extended = false;
  Result<Bytes> b = c.Encode();
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(HexEncode(ByteView(*b).first(7)), "00b00000000100");
  EXPECT_EQ(c.Case(), ApduCase::k3Extended);
  // Case 1 has a single form, so the flag changes nothing.
  CommandApdu one{0x00, 0x70, 0x00, 0x01, {}, 0, true};
  EXPECT_EQ(EncodeHex(one), "00700001");
  EXPECT_EQ(one.Case(), ApduCase::k1);
  EXPECT_FALSE(one.UsesExtended());
}

TEST(CommandApdu, EncodeRejectsOversize) {
  CommandApdu c;
  c.data = Bytes(65536, 0);
  EXPECT_EQ(c.Encode().status().code(), Code::kInvalidArgument);
  c.data.clear();
  c.ne = 65537;
  EXPECT_EQ(c.Encode().status().code(), Code::kInvalidArgument);
}

struct Bad {
  std::string hex;
  std::string message;
};

TEST(CommandApdu, RejectsMalformedShapes) {
  const Bad bad[] = {
      {"", "APDU: 0 bytes is shorter than the 4-byte header"},
      {"00", "APDU: 1 bytes is shorter than the 4-byte header"},
      {"00A4", "APDU: 2 bytes is shorter than the 4-byte header"},
      {"00A404", "APDU: 3 bytes is shorter than the 4-byte header"},
      // Short Lc larger than the data present.
      {"00A40400 05 0102", "APDU: short Lc 5 but only 2 data bytes follow"},
      {"00A40400 02 01", "APDU: short Lc 2 but only 1 data bytes follow"},
      // Short Lc smaller than the data: two or more bytes left over.
      {"00A40400 01 01 02 03",
       "APDU: short Lc 1 leaves 2 bytes after the data; a short Le is 1 byte"},
      {"00A40400 01 01 0203 04",
       "APDU: short Lc 1 leaves 3 bytes after the data; a short Le is 1 byte"},
      // 00 after the header with one more byte: neither short (Lc 0 is invalid) nor extended.
      {"00A40400 00 01",
       "APDU: 00 after the header marks an extended length, but only 1 byte follows"},
      {"00A40400 00 00",
       "APDU: 00 after the header marks an extended length, but only 1 byte follows"},
      // Extended Lc of zero with something after it.
      {"00A40400 000000 00", "APDU: extended Lc 0000 (data length zero) followed by 1 bytes"},
      {"00A40400 000000 0000", "APDU: extended Lc 0000 (data length zero) followed by 2 bytes"},
      // Extended Lc larger than the data present.
      {"00A40400 000003 0102", "APDU: extended Lc 3 but only 2 data bytes follow"},
      {"00A40400 000100 01", "APDU: extended Lc 256 but only 1 data bytes follow"},
      // Extended Lc smaller than the data: a leftover that is not a 2-byte Le.
      {"00A40400 000001 01 02",
       "APDU: extended Lc 1 leaves 1 bytes after the data; an extended Le is 2 bytes"},
      {"00A40400 000001 01 020304",
       "APDU: extended Lc 1 leaves 3 bytes after the data; an extended Le is 2 bytes"},
      // A short Le after extended data, and an extended Le after short data.
      {"00A40400 000002 0102 00",
       "APDU: extended Lc 2 leaves 1 bytes after the data; an extended Le is 2 bytes"},
      {"00A40400 02 0102 0000",
       "APDU: short Lc 2 leaves 2 bytes after the data; a short Le is 1 byte"},
  };
  for (const Bad& b : bad) {
    Result<CommandApdu> c = ParseHex(b.hex);
    ASSERT_FALSE(c.ok()) << b.hex;
    EXPECT_EQ(c.status().code(), Code::kMalformed) << b.hex;
    EXPECT_EQ(c.status().message(), b.message) << b.hex;
  }
}

TEST(CommandApdu, TrailingBytesAfterLongestForms) {
  // A full case 4S plus one byte reads as Lc too small, never as a silently ignored tail.
  Bytes in = H("00A4040007F0534544554E0100");
  in.push_back(0x00);
  EXPECT_EQ(CommandApdu::Parse(in).status().code(), Code::kMalformed);
  in = H("00DA0000 000002 AABB 0000");
  in.push_back(0x00);
  EXPECT_EQ(CommandApdu::Parse(in).status().code(), Code::kMalformed);
  // 255 data bytes, Le, and one byte too many.
  in = H("80E20000FF");
  in.insert(in.end(), 255, 0x11);
  in.push_back(0x00);
  EXPECT_TRUE(CommandApdu::Parse(in).ok());
  in.push_back(0x00);
  EXPECT_EQ(CommandApdu::Parse(in).status().code(), Code::kMalformed);
}

TEST(CommandApdu, EveryShortBodyOfOneToThreeBytes) {
  // Exhaustive over bodies of 1..3 bytes: each either parses and re-encodes to itself or fails
  // as Malformed.
  size_t parsed = 0;
  for (uint32_t len = 1; len <= 3; ++len) {
    for (uint32_t v = 0; v < (1u << (8 * len)); ++v) {
      Bytes in = {0x00, 0xCA, 0x01, 0x02};
      for (uint32_t i = len; i > 0; --i) in.push_back(static_cast<uint8_t>(v >> (8 * (i - 1))));
      Result<CommandApdu> c = CommandApdu::Parse(in);
      if (!c.ok()) {
        ASSERT_EQ(c.status().code(), Code::kMalformed);
        continue;
      }
      ++parsed;
      Result<Bytes> re = c->Encode();
      ASSERT_TRUE(re.ok());
      ASSERT_EQ(*re, in) << HexEncode(in);
    }
  }
  // One byte: 256 case 2S. Two bytes: Lc 01 and its data byte, 256 case 3S. Three bytes: Lc 01,
  // data and Le (65536 case 4S), Lc 02 and two data bytes (65536 case 3S), 00 Le Le (65536 2E).
  EXPECT_EQ(parsed, 256u + 256u + 3u * 65536u);
}

TEST(ResponseApdu, ParseAndEncode) {
  Result<ResponseApdu> r = ResponseApdu::Parse(H("9000"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->data.empty());
  EXPECT_EQ(r->sw, kSwOk);
  r = ResponseApdu::Parse(H("6F07840501020304056110"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(HexEncode(r->data), "6f0784050102030405");
  EXPECT_EQ(r->sw, 0x6110);
  EXPECT_EQ(r->sw1(), 0x61);
  EXPECT_EQ(r->sw2(), 0x10);
  EXPECT_EQ(HexEncode(*r->Encode()), "6f07840501020304056110");
  Bytes max(kMaxResponseData + 2, 0x01);
  max[max.size() - 2] = 0x90;
  max[max.size() - 1] = 0x00;
  EXPECT_TRUE(ResponseApdu::Parse(max).ok());
}

TEST(ResponseApdu, Rejects) {
  EXPECT_EQ(ResponseApdu::Parse({}).status().message(), "R-APDU: 0 bytes, no room for SW1 SW2");
  EXPECT_EQ(ResponseApdu::Parse(H("90")).status().code(), Code::kMalformed);
  EXPECT_EQ(ResponseApdu::Parse(H("6000")).status().message(),
            "R-APDU: SW 6000 is not a status word (SW1 61..6F or 90..9F)");
  EXPECT_EQ(ResponseApdu::Parse(H("01 0000")).status().code(), Code::kMalformed);
  EXPECT_EQ(ResponseApdu::Parse(H("A000")).status().code(), Code::kMalformed);
  Bytes big(kMaxResponseData + 3, 0x90);
  EXPECT_EQ(ResponseApdu::Parse(big).status().code(), Code::kMalformed);
  ResponseApdu r;
  r.sw = 0x1234;
  EXPECT_EQ(r.Encode().status().code(), Code::kInvalidArgument);
  r.sw = kSwOk;
  r.data.resize(kMaxResponseData + 1);
  EXPECT_EQ(r.Encode().status().code(), Code::kInvalidArgument);
}

TEST(StatusWords, NamesAndFamilies) {
  EXPECT_EQ(SwName(kSwOk), "success");
  EXPECT_EQ(SwName(kSwFileNotFound), "file or application not found");
  EXPECT_EQ(SwName(0x6A8F), "unknown status");
  EXPECT_EQ(SwToString(kSwFileNotFound), "6A82 file or application not found");
  EXPECT_EQ(SwToString(0x6110), "6110 16 bytes available");
  EXPECT_EQ(SwToString(0x6100), "6100 256 or more bytes available");
  EXPECT_EQ(SwToString(0x63C2), "63C2 verification failed, 2 tries left");
  EXPECT_EQ(SwToString(0x63C1), "63C1 verification failed, 1 try left");
  EXPECT_EQ(SwToString(0x6C10), "6C10 wrong Le, exact length 16");
  EXPECT_EQ(SwToString(kSwVerifyFailed), "6300 verification failed");
  EXPECT_EQ(SwBytesAvailable(16), 0x6110);
  EXPECT_EQ(SwBytesAvailable(255), 0x61FF);
  EXPECT_EQ(SwBytesAvailable(256), 0x6100);
  EXPECT_EQ(SwBytesAvailable(100000), 0x6100);
  EXPECT_EQ(SwTriesLeft(3), 0x63C3);
  EXPECT_EQ(SwTriesLeft(99), 0x63CF);
  EXPECT_EQ(SwWrongLe(8), 0x6C08);
  EXPECT_EQ(SwWrongLe(256), 0x6C00);
  for (uint16_t sw : {kSwOk,
                      kSwEndOfFile,
                      kSwVerifyFailed,
                      kSwMemoryFailure,
                      kSwWrongLength,
                      kSwSmNotSupported,
                      kSwSecurityNotSatisfied,
                      kSwAuthMethodBlocked,
                      kSwReferenceDataNotUsable,
                      kSwConditionsNotSatisfied,
                      kSwSmDataMissing,
                      kSwSmDataIncorrect,
                      kSwIncorrectData,
                      kSwFileNotFound,
                      kSwNotEnoughMemory,
                      kSwIncorrectP1P2,
                      kSwReferencedDataNotFound,
                      kSwFileExists,
                      kSwWrongP1P2,
                      kSwInsNotSupported,
                      kSwClaNotSupported,
                      kSwUnknown}) {
    EXPECT_TRUE(IsValidSw(sw)) << std::hex << sw;
    EXPECT_NE(SwName(sw), "unknown status") << std::hex << sw;
  }
  EXPECT_TRUE(IsSwSuccess(0x9000));
  EXPECT_TRUE(IsSwSuccess(0x6110));
  EXPECT_FALSE(IsSwSuccess(0x6282));
  EXPECT_TRUE(IsSwWarning(0x6282));
  EXPECT_TRUE(IsSwWarning(0x63C1));
  EXPECT_TRUE(IsSwError(0x6A82));
  EXPECT_TRUE(IsSwError(0x6400));
  EXPECT_FALSE(IsSwError(0x9000));
  EXPECT_FALSE(IsValidSw(0x6000));
  EXPECT_FALSE(IsValidSw(0x7000));
  EXPECT_TRUE(IsValidSw(0x9F10));
}

TEST(ClassByte, Bits) {
  EXPECT_FALSE(IsChained(0x00));
  EXPECT_TRUE(IsChained(0x10));
  EXPECT_TRUE(IsChained(0x90));
  EXPECT_TRUE(IsChained(0x5F));
  EXPECT_EQ(WithoutChaining(0x94), 0x84);
  EXPECT_EQ(WithChaining(0x84), 0x94);

  // GlobalPlatform SCP: 80 plain, 84 with secure messaging.
  EXPECT_FALSE(IsSecureMessaging(0x80));
  EXPECT_TRUE(IsSecureMessaging(0x84));
  EXPECT_TRUE(IsSecureMessaging(0x04));
  EXPECT_TRUE(IsSecureMessaging(0x0C));
  EXPECT_TRUE(IsSecureMessaging(0x08));
  EXPECT_TRUE(IsSecureMessaging(0x94));
  EXPECT_FALSE(IsSecureMessaging(0x13));
  // Further layout: SM is b6 and bits 0x0F are the channel.
  EXPECT_FALSE(IsSecureMessaging(0x4F));
  EXPECT_TRUE(IsSecureMessaging(0x60));
  EXPECT_TRUE(IsSecureMessaging(0xE0));
  EXPECT_FALSE(IsSecureMessaging(0xC4));

  EXPECT_EQ(LogicalChannel(0x00), 0);
  EXPECT_EQ(LogicalChannel(0x03), 3);
  EXPECT_EQ(LogicalChannel(0x87), 3);
  EXPECT_EQ(LogicalChannel(0x40), 4);
  EXPECT_EQ(LogicalChannel(0x4F), 19);
  EXPECT_EQ(LogicalChannel(0x71), 5);
  EXPECT_EQ(LogicalChannel(0xE2), 6);

  EXPECT_TRUE(IsValidCla(0x00));
  EXPECT_TRUE(IsValidCla(0x84));
  EXPECT_TRUE(IsValidCla(0xFE));
  EXPECT_FALSE(IsValidCla(0xFF));
  EXPECT_FALSE(IsValidCla(0x20));
  EXPECT_FALSE(IsValidCla(0x3F));
  EXPECT_TRUE(IsProprietaryCla(0x80));
  EXPECT_FALSE(IsProprietaryCla(0x7F));

  EXPECT_EQ(*InterindustryCla(0), 0x00);
  EXPECT_EQ(*InterindustryCla(3), 0x03);
  EXPECT_EQ(*InterindustryCla(4), 0x40);
  EXPECT_EQ(*InterindustryCla(19), 0x4F);
  EXPECT_EQ(InterindustryCla(20).status().code(), Code::kInvalidArgument);
  for (uint8_t ch = 0; ch <= kMaxLogicalChannel; ++ch)
    EXPECT_EQ(LogicalChannel(*InterindustryCla(ch)), ch);
}

}  // namespace
}  // namespace sedun::apdu
