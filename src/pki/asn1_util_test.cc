// Tests of the ASN.1 conversion helpers: times around the UTCTime/GeneralizedTime boundary,
// INTEGER magnitudes, OIDs, names and exact-length d2i.
#include "pki/asn1_util.h"

#include <gtest/gtest.h>

namespace sedun::pki {
namespace {

using namespace std::chrono;

Asn1TimePtr TimeFromString(const char* s) {
  Asn1TimePtr t(ASN1_TIME_new());
  EXPECT_EQ(ASN1_TIME_set_string(t.get(), s), 1) << s;
  return t;
}

TEST(Asn1Util, TimeEncodingFollowsRfc5280) {
  const sys_seconds y2049 = sys_days(2049y / 12 / 31) + 23h + 59min + 59s;
  const sys_seconds y2050 = sys_days(2050y / 1 / 1);
  Asn1TimePtr a = ToAsn1Time(y2049).value();
  Asn1TimePtr b = ToAsn1Time(y2050).value();
  EXPECT_EQ(ASN1_STRING_type(a.get()), V_ASN1_UTCTIME);
  EXPECT_EQ(ASN1_STRING_type(b.get()), V_ASN1_GENERALIZEDTIME);
  EXPECT_EQ(FromAsn1Time(a.get(), "t").value(), y2049);
  EXPECT_EQ(FromAsn1Time(b.get(), "t").value(), y2050);
  Asn1TimePtr g = ToGeneralizedTime(y2049).value();
  EXPECT_EQ(ASN1_STRING_type(g.get()), V_ASN1_GENERALIZEDTIME);
  EXPECT_EQ(FromAsn1Time(g.get(), "t").value(), y2049);
  const sys_seconds y1950 = sys_days(1950y / 1 / 1);
  EXPECT_EQ(FromAsn1Time(ToAsn1Time(y1950)->get(), "t").value(), y1950);
}

TEST(Asn1Util, TimeRejectsNonRfc5280Forms) {
  EXPECT_TRUE(FromAsn1Time(TimeFromString("250101120000Z").get(), "t").ok());
  EXPECT_TRUE(FromAsn1Time(TimeFromString("20250101120000Z").get(), "t").ok());
  EXPECT_FALSE(FromAsn1Time(TimeFromString("2501011200Z").get(), "t").ok());  // no seconds
  EXPECT_FALSE(FromAsn1Time(nullptr, "t").ok());
  // Offset instead of Z.
  Asn1TimePtr off(ASN1_UTCTIME_new());
  ASSERT_EQ(ASN1_STRING_set(off.get(), "2501011200+0800", 15), 1);
  EXPECT_EQ(FromAsn1Time(off.get(), "t").status().code(), Code::kMalformed);
}

TEST(Asn1Util, IntegerMagnitude) {
  for (std::string_view hex : {"01", "7f", "80", "ff", "0100", "0123456789abcdef0011"}) {
    Bytes mag = HexDecode(hex).value();
    Asn1IntegerPtr i = IntegerFromMagnitude(mag).value();
    EXPECT_EQ(IntegerMagnitude(i.get(), "i").value(), mag) << hex;
  }
  Asn1IntegerPtr zero(ASN1_INTEGER_new());
  ASN1_INTEGER_set(zero.get(), 0);
  EXPECT_EQ(IntegerMagnitude(zero.get(), "i").value(), Bytes{0});
  Asn1IntegerPtr neg(ASN1_INTEGER_new());
  ASN1_INTEGER_set(neg.get(), -3);
  EXPECT_EQ(IntegerMagnitude(neg.get(), "i").status().code(), Code::kMalformed);
  EXPECT_EQ(IntegerFromMagnitude({}).status().code(), Code::kInvalidArgument);
}

TEST(Asn1Util, Oids) {
  EXPECT_EQ(OidToString(OidFromText("serverAuth", "o")->get()), "1.3.6.1.5.5.7.3.1");
  EXPECT_EQ(OidToString(OidFromText("1.2.156.10197.1.501", "o")->get()), "1.2.156.10197.1.501");
  EXPECT_EQ(OidFromText("no-such-name", "o").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(OidFromText("", "o").status().code(), Code::kInvalidArgument);
  // Long arcs round-trip beyond the 128-byte fast path.
  std::string long_oid = "1.2";
  for (int i = 0; i < 15; ++i) long_oid += ".4294967295";
  auto obj = OidFromText(long_oid, "o");
  ASSERT_TRUE(obj.ok());
  EXPECT_EQ(OidToString(obj->get()), long_oid);
}

TEST(Asn1Util, Names) {
  DistinguishedName dn = {{"C", "CN"}, {"O", "a,b+c"}, {"CN", "张三"}, {"1.2.156.10260.4.1.1", "110101"}};
  X509NamePtr name = BuildName(dn).value();
  EXPECT_EQ(ReadName(name.get(), "n").value(), dn);
  // RFC 2253 2.4: a type without a short name prints as its OID with the value as #hex of the
  // BER encoding (here UTF8String "110101"); the structured form keeps the text.
  EXPECT_EQ(NameToString(name.get()).value(),
            "1.2.156.10260.4.1.1=#0C06313130313031,CN=张三,O=a\\,b\\+c,C=CN");
  EXPECT_EQ(BuildName({{"C", "CHN"}}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(BuildName({{"CN", ""}}).status().code(), Code::kInvalidArgument);
}

TEST(Asn1Util, D2iExact) {
  Bytes der = HexDecode("020101").value();
  EXPECT_TRUE((D2iExact<Asn1IntegerPtr>(d2i_ASN1_INTEGER, der, "int")).ok());
  der.push_back(0);
  auto r = D2iExact<Asn1IntegerPtr>(d2i_ASN1_INTEGER, der, "int");
  EXPECT_EQ(r.status().code(), Code::kMalformed);
  EXPECT_NE(r.status().message().find("trailing"), std::string::npos);
  EXPECT_EQ((D2iExact<Asn1IntegerPtr>(d2i_ASN1_INTEGER, ByteView(), "int")).status().code(),
            Code::kMalformed);
}

}  // namespace
}  // namespace sedun::pki
