// Tests of the strict DER codec (X.690 §10 restrictions used by the GM/T 0009 structures).
#include "crypto/der.h"

#include <gtest/gtest.h>

#include "crypto/sm2_test_util.h"

namespace sedun::crypto {
namespace {

using testing::Hex;

Bytes EncodeInt(ByteView magnitude) {
  ByteWriter w;
  der::WriteUnsignedInteger(&w, magnitude);
  return w.bytes();
}

Status DecodeInt(ByteView der, size_t max, Bytes* out) {
  ByteReader r(der);
  ByteView mag;
  SEDUN_RETURN_IF_ERROR(der::ReadUnsignedInteger(&r, max, &mag));
  SEDUN_RETURN_IF_ERROR(r.ExpectEnd("test"));
  *out = ToBytes(mag);
  return Status::Ok();
}

TEST(Der, IntegerEncodingIsMinimal) {
  EXPECT_EQ(HexEncode(EncodeInt({})), "020100");
  EXPECT_EQ(HexEncode(EncodeInt(Hex("0000"))), "020100");
  EXPECT_EQ(HexEncode(EncodeInt(Hex("7f"))), "02017f");
  EXPECT_EQ(HexEncode(EncodeInt(Hex("80"))), "02020080");
  EXPECT_EQ(HexEncode(EncodeInt(Hex("000001"))), "020101");
  EXPECT_EQ(HexEncode(EncodeInt(Hex("00ff"))), "020200ff");
  Bytes big(32, 0xff);
  Bytes enc = EncodeInt(big);
  ASSERT_EQ(enc.size(), 35u);  // 02 21 00 ff..ff
  EXPECT_EQ(enc[1], 0x21);
  EXPECT_EQ(enc[2], 0x00);
}

TEST(Der, IntegerRoundTrip) {
  const std::string top_bit_256 = "80" + std::string(62, '0');
  for (const std::string hex : {"01", "7f", "80", "0100", "ffff", "00112233", top_bit_256.c_str()}) {
    Bytes value = Hex(hex);
    Bytes back;
    ASSERT_TRUE(DecodeInt(EncodeInt(value), 32, &back).ok()) << hex;
    size_t skip = 0;
    while (skip < value.size() && value[skip] == 0) ++skip;
    EXPECT_EQ(HexEncode(back), HexEncode(ByteView(value).subspan(skip))) << hex;
  }
  Bytes zero;
  ASSERT_TRUE(DecodeInt(Hex("020100"), 32, &zero).ok());
  EXPECT_TRUE(zero.empty());
}

TEST(Der, IntegerRejectsNonDer) {
  Bytes out;
  EXPECT_EQ(DecodeInt(Hex("0200"), 32, &out).code(), Code::kMalformed);          // no content
  EXPECT_EQ(DecodeInt(Hex("02020001"), 32, &out).code(), Code::kMalformed);      // redundant 00
  EXPECT_EQ(DecodeInt(Hex("020180"), 32, &out).code(), Code::kMalformed);        // negative
  EXPECT_EQ(DecodeInt(Hex("0202ff80"), 32, &out).code(), Code::kMalformed);      // negative
  EXPECT_EQ(DecodeInt(Hex("0203000080"), 32, &out).code(), Code::kMalformed);    // two 00s
  EXPECT_EQ(DecodeInt(Hex("040101"), 32, &out).code(), Code::kMalformed);        // wrong tag
  EXPECT_EQ(DecodeInt(Hex("020201"), 32, &out).code(), Code::kMalformed);        // truncated
  EXPECT_EQ(DecodeInt(Hex("02010100"), 32, &out).code(), Code::kMalformed);      // trailing byte
  // 33 magnitude bytes do not fit a 256-bit field; 32 with a sign octet do.
  Bytes b33 = Concat({Hex("022101"), Bytes(32, 0)});
  EXPECT_EQ(DecodeInt(b33, 32, &out).code(), Code::kMalformed);
  Bytes b32 = Concat({Hex("022100ff"), Bytes(31, 0)});
  EXPECT_TRUE(DecodeInt(b32, 32, &out).ok());
  EXPECT_EQ(out.size(), 32u);
}

TEST(Der, FixedWidthIntegerIsLeftPadded) {
  uint8_t out[4] = {9, 9, 9, 9};
  const Bytes r_bytes = Hex("02020102");
  ByteReader r(r_bytes);
  ASSERT_TRUE(der::ReadUnsignedFixed(&r, out).ok());
  EXPECT_EQ(HexEncode(out), "00000102");
  const Bytes too_big_bytes = Hex("02050100000000");
  ByteReader too_big(too_big_bytes);
  EXPECT_EQ(der::ReadUnsignedFixed(&too_big, out).code(), Code::kMalformed);
}

TEST(Der, LengthForms) {
  for (size_t len : {size_t{0}, size_t{1}, size_t{127}, size_t{128}, size_t{255}, size_t{256}, size_t{65535},
                     size_t{65536}}) {
    Bytes content(len, 0xab);
    ByteWriter w;
    der::WriteOctetString(&w, content);
    const Bytes& enc = w.bytes();
    size_t header = len < 128 ? 2 : len < 256 ? 3 : len < 65536 ? 4 : 5;
    EXPECT_EQ(enc.size(), header + len) << len;
    ByteReader r(enc);
    ByteView back;
    ASSERT_TRUE(der::ReadOctetString(&r, &back).ok()) << len;
    EXPECT_TRUE(r.empty());
    EXPECT_EQ(back.size(), len);
  }
}

TEST(Der, LengthRejectsNonMinimalAndIndefinite) {
  ByteView out;
  for (const char* hex : {
           "048101ab",          // long form for a length < 128
           "04820080" ,         // leading zero length octet (and too short anyway)
           "0480ab0000",        // indefinite
           "0485010000000000",  // more than 4 length octets
           "0402ab",            // runs past the end
           "04",                // no length
           "",                  // nothing
       }) {
    const Bytes r_bytes = Hex(hex);
  ByteReader r(r_bytes);
    EXPECT_EQ(der::ReadOctetString(&r, &out).code(), Code::kMalformed) << hex;
  }
  Bytes minimal_long = Concat({Hex("048180"), Bytes(128, 1)});
  ByteReader ok(minimal_long);
  EXPECT_TRUE(der::ReadOctetString(&ok, &out).ok());
  Bytes padded_long = Concat({Hex("04820080"), Bytes(128, 1)});
  ByteReader bad(padded_long);
  EXPECT_EQ(der::ReadOctetString(&bad, &out).code(), Code::kMalformed);
}

TEST(Der, BitString) {
  ByteWriter w;
  der::WriteBitString(&w, Hex("04aabb"));
  EXPECT_EQ(HexEncode(w.bytes()), "03040004aabb");
  ByteReader r(w.bytes());
  ByteView bits;
  ASSERT_TRUE(der::ReadBitString(&r, &bits).ok());
  EXPECT_EQ(HexEncode(bits), "04aabb");
  const Bytes unused_bytes = Hex("03020780");
  ByteReader unused(unused_bytes);
  EXPECT_EQ(der::ReadBitString(&unused, &bits).code(), Code::kMalformed);
  const Bytes empty_bytes = Hex("0300");
  ByteReader empty(empty_bytes);
  EXPECT_EQ(der::ReadBitString(&empty, &bits).code(), Code::kMalformed);
  const Bytes only_octet_bytes = Hex("030100");
  ByteReader only_octet(only_octet_bytes);
  ASSERT_TRUE(der::ReadBitString(&only_octet, &bits).ok());
  EXPECT_TRUE(bits.empty());
}

TEST(Der, SequenceNesting) {
  ByteWriter body;
  der::WriteUnsignedInteger(&body, Hex("05"));
  der::WriteOctetString(&body, Hex("aa"));
  ByteWriter out;
  der::WriteElement(&out, der::kTagSequence, body.bytes());
  EXPECT_EQ(HexEncode(out.bytes()), "30060201050401aa");

  ByteReader r(out.bytes());
  ByteReader seq;
  ASSERT_TRUE(der::ReadSequence(&r, &seq).ok());
  uint8_t v[1];
  ByteView os;
  ASSERT_TRUE(der::ReadUnsignedFixed(&seq, v).ok());
  ASSERT_TRUE(der::ReadOctetString(&seq, &os).ok());
  EXPECT_TRUE(seq.ExpectEnd("seq").ok());
  EXPECT_EQ(v[0], 5);
  // A constructed tag is not a primitive OCTET STRING, and vice versa.
  const Bytes wrong_bytes = Hex("2401aa");
  ByteReader wrong(wrong_bytes);
  EXPECT_EQ(der::ReadOctetString(&wrong, &os).code(), Code::kMalformed);
  const Bytes not_seq_bytes = Hex("1000");
  ByteReader not_seq(not_seq_bytes);
  EXPECT_EQ(der::ReadSequence(&not_seq, &seq).code(), Code::kMalformed);
}

}  // namespace
}  // namespace sedun::crypto
