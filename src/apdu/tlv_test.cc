// Tests of the BER-TLV reader, tree parser and writer.
#include "apdu/tlv.h"

#include <gtest/gtest.h>

#include <string>

namespace sedun::apdu {
namespace {

Bytes H(std::string_view hex) {
  Result<Bytes> b = HexDecode(hex);
  EXPECT_TRUE(b.ok()) << hex;
  return b.ok() ? *b : Bytes{};
}

std::string Hex(const Result<Bytes>& b) { return b.ok() ? HexEncode(*b) : b.status().ToString(); }

Code ParseCode(std::string_view hex, const TlvOptions& options = {}) {
  Bytes in = H(hex);
  return ParseTlvs(in, options).status().code();
}

TEST(Tag, Validity) {
  EXPECT_TRUE(IsValidTag(0x84));
  EXPECT_TRUE(IsValidTag(0x6F));
  EXPECT_TRUE(IsValidTag(0x5F2D));
  EXPECT_TRUE(IsValidTag(0x9F1F));  // smallest two-byte number
  EXPECT_TRUE(IsValidTag(0x7F49));
  EXPECT_TRUE(IsValidTag(0xDF8101));  // three bytes
  EXPECT_TRUE(IsValidTag(0xBFFF7F));  // largest three-byte number
  EXPECT_FALSE(IsValidTag(0x00));     // padding
  EXPECT_FALSE(IsValidTag(0x1F));     // announces more bytes
  EXPECT_FALSE(IsValidTag(0xFF));
  EXPECT_FALSE(IsValidTag(0x5F1E));  // number 30 fits one byte
  EXPECT_FALSE(IsValidTag(0x5F00));
  EXPECT_FALSE(IsValidTag(0x5F81));    // announces a third byte
  EXPECT_FALSE(IsValidTag(0x8400));    // first byte does not announce a second
  EXPECT_FALSE(IsValidTag(0xDF8001));  // leading zero group
  EXPECT_FALSE(IsValidTag(0xDF8181));  // a fourth byte would follow
  EXPECT_FALSE(IsValidTag(0xDF1F01));  // second byte ends the tag early
  EXPECT_FALSE(IsValidTag(0x01DF8101));
  EXPECT_EQ(TagSize(0x84), 1u);
  EXPECT_EQ(TagSize(0x5F2D), 2u);
  EXPECT_EQ(TagSize(0xDF8101), 3u);
  EXPECT_TRUE(IsConstructedTag(0x6F));
  EXPECT_TRUE(IsConstructedTag(0xBF21));
  EXPECT_TRUE(IsConstructedTag(0x7F49));
  EXPECT_FALSE(IsConstructedTag(0x84));
  EXPECT_FALSE(IsConstructedTag(0x5F2D));
  EXPECT_FALSE(IsConstructedTag(0xDF8101));
}

// A SELECT response: FCI template 6F with the DF name 84 and a proprietary template A5 holding an
// extended length information template 7F66.
TEST(Tlv, ParsesFciTree) {
  Bytes in = H("6F 1A 84 07 F0 53 45 44 55 4E 01 A5 0F 50 05 53 45 44 55 4E 7F66 05 DF8101 01 02");
  // Length checks: 7F66 content 5, A5 content 7 + 8 = 15, 6F content 9 + 17 = 26.
  Result<Tlv> t = ParseTlv(in);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->tag, 0x6Fu);
  EXPECT_TRUE(t->constructed());
  ASSERT_EQ(t->children.size(), 2u);
  const Tlv* aid = t->Find(0x84);
  ASSERT_NE(aid, nullptr);
  EXPECT_EQ(HexEncode(aid->value), "f0534544554e01");
  EXPECT_TRUE(aid->children.empty());
  const Tlv* prop = t->Find(0xA5);
  ASSERT_NE(prop, nullptr);
  EXPECT_EQ(AsChars(prop->Find(0x50)->value), "SEDUN");
  std::vector<Tlv> list{*t};
  const Tlv* deep = FindTlvPath(list, {0x6F, 0xA5, 0x7F66, 0xDF8101});
  ASSERT_NE(deep, nullptr);
  EXPECT_EQ(HexEncode(deep->value), "02");
  EXPECT_EQ(FindTlvPath(list, {0x6F, 0xA5, 0x51}), nullptr);
  EXPECT_EQ(FindTlvPath(list, {}), nullptr);
  EXPECT_EQ(t->Find(0x99), nullptr);
  // The value views point into the input.
  EXPECT_EQ(aid->value.data(), in.data() + 4);
  EXPECT_EQ(Hex(EncodeTlv(*t)), HexEncode(in));
}

TEST(Tlv, ParsesSequenceAndFinds) {
  Bytes in = H("87 03 01 AA BB 8E 08 0102030405060708 97 01 00");
  Result<std::vector<Tlv>> l = ParseTlvs(in);
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  ASSERT_EQ(l->size(), 3u);
  EXPECT_EQ(FindTlv(*l, 0x97)->value.size(), 1u);
  Result<ByteView> mac = FindTlvValue(*l, 0x8E);
  ASSERT_TRUE(mac.ok());
  EXPECT_EQ(HexEncode(*mac), "0102030405060708");
  Result<ByteView> missing = FindTlvValue(*l, 0x99);
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(missing.status().message(), "TLV: tag 99 not present");
  EXPECT_EQ(Hex(EncodeTlvs(*l)), HexEncode(in));
}

// EMV / PBOC data: 9F02 and BF0C have tag numbers below 31 in two bytes.
TEST(Tlv, EmvTagsOnlyWhenAllowed) {
  Bytes in = H("BF0C 0C 9F02 06 000000001000 5F2D 00");
  EXPECT_EQ(ParseTlvs(in).status().code(), Code::kMalformed);
  TlvOptions emv;
  emv.allow_emv_tags = true;
  Result<Tlv> t = ParseTlv(in, emv);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->tag, 0xBF0Cu);
  ASSERT_NE(t->Find(0x9F02), nullptr);
  EXPECT_EQ(HexEncode(t->Find(0x9F02)->value), "000000001000");
  EXPECT_EQ(EncodeTlv(*t).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Hex(EncodeTlv(*t, emv)), HexEncode(in));
  EXPECT_FALSE(IsValidTag(0x9F02));
  EXPECT_TRUE(IsValidTag(0x9F02, true));
  EXPECT_TRUE(IsValidTag(0x9F00, true));
  // The other tag rules still hold.
  EXPECT_FALSE(IsValidTag(0xDF8001, true));
  EXPECT_FALSE(IsValidTag(0x1F, true));
  EXPECT_EQ(ParseTlvs(H("DF 80 01 00"), emv).status().code(), Code::kMalformed);
  TlvWriter w(emv);
  w.Add(0x9F1A, H("0156"));
  EXPECT_EQ(Hex(w.Finish()), "9f1a020156");
}

TEST(Tlv, EmptyInputs) {
  Result<std::vector<Tlv>> l = ParseTlvs({});
  ASSERT_TRUE(l.ok());
  EXPECT_TRUE(l->empty());
  EXPECT_EQ(ParseTlv({}).status().code(), Code::kMalformed);
  // Zero-length values, primitive and constructed.
  Result<std::vector<Tlv>> z = ParseTlvs(H("80 00 A0 00"));
  ASSERT_TRUE(z.ok());
  ASSERT_EQ(z->size(), 2u);
  EXPECT_TRUE((*z)[0].value.empty());
  EXPECT_TRUE((*z)[1].children.empty());
  EXPECT_EQ(Hex(EncodeTlvs(*z)), "8000a000");
}

TEST(Tlv, LengthForms) {
  Bytes v127(127, 0x11), v128(128, 0x22), v255(255, 0x33), v256(256, 0x44), v65536(65536, 0x55);
  struct Case {
    const Bytes* value;
    std::string header;
  } cases[] = {{&v127, "047f"},
               {&v128, "048180"},
               {&v255, "0481ff"},
               {&v256, "04820100"},
               {&v65536, "0483010000"}};
  for (const Case& c : cases) {
    TlvWriter w;
    w.Add(0x04, *c.value);
    Result<Bytes> out = w.Finish();
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(HexEncode(ByteView(*out).first(c.header.size() / 2)), c.header);
    EXPECT_EQ(out->size(), c.header.size() / 2 + c.value->size());
    Result<Tlv> t = ParseTlv(*out);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(t->value.size(), c.value->size());
  }
}

TEST(Tlv, RejectsMalformedTags) {
  EXPECT_EQ(ParseCode("00 00"), Code::kMalformed);        // padding byte as tag
  EXPECT_EQ(ParseCode("84 01 AA 00"), Code::kMalformed);  // trailing padding
  EXPECT_EQ(ParseCode("84 01 AA FF"), Code::kMalformed);  // trailing FF is a truncated tag
  EXPECT_EQ(ParseCode("5F"), Code::kMalformed);           // truncated after first byte
  EXPECT_EQ(ParseCode("5F 1E 00"), Code::kMalformed);     // number 30 in two bytes
  EXPECT_EQ(ParseCode("5F 05 00"), Code::kMalformed);
  EXPECT_EQ(ParseCode("DF 80 01 00"), Code::kMalformed);     // leading zero group
  EXPECT_EQ(ParseCode("DF 81"), Code::kMalformed);           // truncated after second byte
  EXPECT_EQ(ParseCode("DF 81 81 01 00"), Code::kMalformed);  // four-byte tag
  EXPECT_EQ(ParseCode("DF 81 01"), Code::kMalformed);        // tag without length
  Bytes in = H("5F 1E 00");
  EXPECT_EQ(ParseTlvs(in).status().message(),
            "TLV: tag 5f1e encodes a number below 31 in two bytes");
}

TEST(Tlv, RejectsMalformedLengths) {
  EXPECT_EQ(ParseCode("84"), Code::kMalformed);                    // missing length
  EXPECT_EQ(ParseCode("84 80 00 00"), Code::kMalformed);           // indefinite
  EXPECT_EQ(ParseCode("84 84 00 00 00 01 AA"), Code::kMalformed);  // 4-byte length field
  EXPECT_EQ(ParseCode("84 FF"), Code::kMalformed);                 // reserved
  EXPECT_EQ(ParseCode("84 81"), Code::kMalformed);                 // truncated length field
  EXPECT_EQ(ParseCode("84 82 01"), Code::kMalformed);
  EXPECT_EQ(ParseCode("84 83 01 00"), Code::kMalformed);
  EXPECT_EQ(ParseCode("84 02 AA"), Code::kMalformed);  // value runs past the input
  EXPECT_EQ(ParseCode("84 81 80"), Code::kMalformed);
  EXPECT_EQ(ParseCode("84 83 FF FF FF 00"), Code::kMalformed);
  Bytes in = H("84 02 AA");
  EXPECT_EQ(ParseTlvs(in).status().message(), "TLV: tag 84 length 2 exceeds the 1 bytes left");
}

TEST(Tlv, StrictAndLenientLengths) {
  const char* non_minimal[] = {"84 81 05 0102030405",
                               "84 82 00 01 AA",
                               "84 82 00 80" /* + 128 bytes */,
                               "84 83 00 00 01 AA",
                               "84 83 00 FF FF" /* + 65535 bytes */,
                               "84 81 00"};
  TlvOptions lenient;
  lenient.strict_lengths = false;
  for (const char* hex : non_minimal) {
    Bytes in = H(hex);
    // Pad the value out to the announced length where the literal stops short.
    Result<std::vector<Tlv>> probe = ParseTlvs(in, lenient);
    if (!probe.ok()) {
      size_t announced = 0;
      if (in[1] == 0x82) announced = size_t{in[2]} << 8 | in[3];
      if (in[1] == 0x83) announced = size_t{in[2]} << 16 | size_t{in[3]} << 8 | in[4];
      size_t header = 2 + (in[1] & 0x7Fu);
      in.resize(header + announced, 0x5A);
    }
    EXPECT_EQ(ParseTlvs(in).status().code(), Code::kMalformed) << hex;
    Result<std::vector<Tlv>> l = ParseTlvs(in, lenient);
    ASSERT_TRUE(l.ok()) << hex << ": " << l.status().ToString();
    // Re-encoding normalises to the minimal form, which parses strictly to the same tree.
    Result<Bytes> re = EncodeTlvs(*l);
    ASSERT_TRUE(re.ok());
    EXPECT_LT(re->size(), in.size()) << hex;
    Result<std::vector<Tlv>> again = ParseTlvs(*re);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *l);
  }
  Bytes in = H("84 81 05 0102030405");
  EXPECT_EQ(ParseTlvs(in).status().message(), "tag 84: TLV: length 5 in form 81 is not minimal");
  // Inside a constructed object the parent's value shrinks with the child's length field, and the
  // trees still compare equal.
  in = H("24 05 01 83 00 00 00");
  Result<Tlv> loose = ParseTlv(in, lenient);
  ASSERT_TRUE(loose.ok());
  Result<Bytes> re = EncodeTlv(*loose);
  ASSERT_TRUE(re.ok());
  EXPECT_EQ(HexEncode(*re), "24020100");
  Result<Tlv> tight = ParseTlv(*re);
  ASSERT_TRUE(tight.ok());
  EXPECT_EQ(*tight, *loose);
}

TEST(Tlv, ConstructedContentMustParse) {
  EXPECT_EQ(ParseCode("A5 03 84 02 AA"), Code::kMalformed);  // child runs past the parent
  EXPECT_EQ(ParseCode("A5 02 84 00 00"), Code::kMalformed);  // parent shorter than children
  EXPECT_EQ(ParseCode("A5 03 84 00 00"), Code::kMalformed);  // padding inside the parent
  // The same bytes under a primitive tag are just a value.
  EXPECT_EQ(ParseCode("85 03 84 02 AA"), Code::kOk);
  Bytes in = H("6F 05 A5 03 84 02 AA");
  EXPECT_EQ(ParseTlvs(in).status().message(),
            "in 6f: in a5: TLV: tag 84 length 2 exceeds the 1 bytes left");
}

TEST(Tlv, DepthLimit) {
  // Eight nested A0 objects around 80 00: nine levels.
  Bytes in = H("80 00");
  for (int i = 0; i < 8; ++i) {
    Bytes outer = {0xA0, static_cast<uint8_t>(in.size())};
    outer.insert(outer.end(), in.begin(), in.end());
    in = outer;
  }
  EXPECT_EQ(ParseTlvs(in).status().code(), Code::kMalformed);
  TlvOptions deeper;
  deeper.max_depth = 9;
  Result<Tlv> t = ParseTlv(in, deeper);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(Hex(EncodeTlv(*t)), HexEncode(in));
  deeper.max_depth = 8;
  EXPECT_EQ(ParseTlv(in, deeper).status().code(), Code::kMalformed);
  // An empty constructed object at the last level is fine.
  Bytes shallow = H("A0 02 A0 00");
  deeper.max_depth = 2;
  EXPECT_TRUE(ParseTlvs(shallow, deeper).ok());
  deeper.max_depth = 1;
  EXPECT_TRUE(ParseTlvs(H("A0 00"), deeper).ok());
  EXPECT_EQ(ParseTlvs(shallow, deeper).status().code(), Code::kMalformed);
  deeper.max_depth = 0;
  EXPECT_EQ(ParseTlvs(shallow, deeper).status().code(), Code::kMalformed);
  EXPECT_EQ(ParseTlv(H("80 00"), deeper).status().code(), Code::kMalformed);
  EXPECT_TRUE(ParseTlvs({}, deeper).ok());
}

TEST(Tlv, TrailingBytes) {
  EXPECT_EQ(ParseTlv(H("84 01 AA 84 01 BB")).status().code(), Code::kMalformed);
  EXPECT_EQ(ParseTlv(H("84 01 AA 84 01 BB")).status().message(), "TLV object: 3 trailing bytes");
  EXPECT_TRUE(ParseTlvs(H("84 01 AA 84 01 BB")).ok());
  EXPECT_EQ(ParseTlv(H("84 01 AA 00")).status().code(), Code::kMalformed);
}

TEST(ReadTlv, LeavesReaderUnchangedOnError) {
  Bytes in = H("84 01 AA 85 05 BB");
  ByteReader r(in);
  Tag tag = 0;
  ByteView value;
  ASSERT_TRUE(ReadTlv(&r, &tag, &value).ok());
  EXPECT_EQ(tag, 0x84u);
  EXPECT_EQ(r.remaining(), 3u);
  EXPECT_FALSE(ReadTlv(&r, &tag, &value).ok());
  EXPECT_EQ(r.remaining(), 3u);
  EXPECT_EQ(tag, 0x84u);
}

TEST(TlvWriter, NestedAndFlat) {
  TlvWriter w;
  w.Open(0x6F);
  w.Add(0x84, H("F0 53 45 44 55 4E 01"));
  w.Open(0xA5);
  w.Add(0x50, AsBytes("SEDUN"));
  w.Open(0x7F66);
  w.AddU8(0xDF8101, 0x02);
  w.Close();
  w.Close();
  w.Close();
  w.Add(0x90, {});
  Result<Bytes> out = w.Finish();
  EXPECT_EQ(Hex(out), "6f1a8407f0534544554e01a50f5005534544554e7f6605df810101029000");
}

TEST(TlvWriter, LongNestedLength) {
  TlvWriter w;
  w.Open(0x7F21);
  w.Add(0x5F37, Bytes(300, 0xEE));
  w.Close();
  Result<Bytes> out = w.Finish();
  ASSERT_TRUE(out.ok());
  // 5F37 82 012C and 300 bytes make 305 content bytes: 7F21 82 0131.
  EXPECT_EQ(HexEncode(ByteView(*out).first(10)), "7f218201315f3782012c");
  EXPECT_EQ(out->size(), 5u + 305u);
  Result<Tlv> t = ParseTlv(*out);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->Find(0x5F37)->value.size(), 300u);
}

TEST(TlvWriter, Errors) {
  {
    TlvWriter w;
    w.Add(0x5F1E, {});
    w.Add(0x84, {});  // ignored after the first error
    EXPECT_EQ(w.Finish().status().code(), Code::kInvalidArgument);
  }
  {
    TlvWriter w;
    w.Open(0x84);  // primitive
    EXPECT_EQ(w.Finish().status().code(), Code::kInvalidArgument);
  }
  {
    TlvWriter w;
    w.Close();
    EXPECT_EQ(w.Finish().status().code(), Code::kInternal);
  }
  {
    TlvWriter w;
    w.Open(0x6F);
    EXPECT_EQ(w.Finish().status().code(), Code::kInternal);
  }
  {
    TlvWriter w;
    w.Add(0x00, {});
    EXPECT_EQ(w.Finish().status().message(), "TlvWriter: invalid tag 00");
  }
  {
    TlvWriter w;
    w.Add(0x1000000, {});
    EXPECT_EQ(w.Finish().status().message(), "TlvWriter: invalid tag 01000000");
  }
  {
    Bytes big(kMaxTlvValueSize + 1, 0);
    TlvWriter w;
    w.Add(0x04, big);
    EXPECT_EQ(w.Finish().status().code(), Code::kResourceExhausted);
  }
  {
    Bytes max(kMaxTlvValueSize, 0);
    TlvWriter w;
    w.Add(0x04, max);
    Result<Bytes> out = w.Finish();
    ASSERT_TRUE(out.ok());
    EXPECT_EQ(HexEncode(ByteView(*out).first(5)), "0483ffffff");
  }
}

TEST(Tlv, EncodeUserBuiltTree) {
  Bytes v = H("AA BB");
  Tlv leaf{0x84, v, {}};
  Tlv parent{0xA5, {}, {leaf, leaf}};
  EXPECT_EQ(Hex(EncodeTlv(parent)), "a5088402aabb8402aabb");
  // Children under a primitive tag cannot be written.
  Tlv bad{0x85, {}, {leaf}};
  EXPECT_EQ(EncodeTlv(bad).status().code(), Code::kInvalidArgument);
  // Equality looks at bytes, not addresses.
  Bytes copy = v;
  EXPECT_EQ((Tlv{0x84, copy, {}}), leaf);
  EXPECT_FALSE((Tlv{0x84, H("AA"), {}}) == leaf);
  EXPECT_FALSE((Tlv{0x85, v, {}}) == leaf);
  // With children only the children count; without, the value does.
  EXPECT_EQ((Tlv{0xA5, v, {leaf, leaf}}), parent);
  EXPECT_FALSE((Tlv{0xA5, {}, {leaf}}) == parent);
  EXPECT_FALSE((Tlv{0xA5, v, {}}) == (Tlv{0xA5, {}, {}}));
}

}  // namespace
}  // namespace sedun::apdu
