// Tests of the DER walker: X.690 10.1 length rules, signed-structure splitting, and the
// SM3withSM2 AlgorithmIdentifier forms.
#include "pki/der_walk.h"

#include <gtest/gtest.h>

namespace sedun::pki {
namespace {

Bytes H(std::string_view hex) { return HexDecode(hex).value(); }

TEST(DerWalk, ReadsShortAndLongLengths) {
  Bytes der = H("0403010203");
  ByteReader r(der);
  DerElement e;
  ASSERT_TRUE(DerRead(r, &e));
  EXPECT_EQ(e.tag, der_tag::kOctetString);
  EXPECT_EQ(ToBytes(e.contents), H("010203"));
  EXPECT_EQ(e.whole.size(), 5u);
  EXPECT_TRUE(r.empty());

  Bytes long_form(0x80 + 3, 0xaa);
  long_form[0] = 0x04;
  long_form[1] = 0x81;
  long_form[2] = 0x80;
  ByteReader r2(long_form);
  ASSERT_TRUE(DerRead(r2, &e));
  EXPECT_EQ(e.contents.size(), 0x80u);
}

TEST(DerWalk, RejectsNonDerLengthsAndTags) {
  DerElement e;
  for (std::string_view bad : {"0480",                // indefinite length
                               "04810101",            // long form for a short length
                               "0482000101",          // leading zero length octet
                               "04030102",            // truncated value
                               "1f0100",              // high tag number
                               "04",                  // no length
                               "048501000000000"}) {  // odd hex: caught below
    auto bytes = HexDecode(bad);
    if (!bytes.ok()) continue;
    ByteReader r(*bytes);
    EXPECT_FALSE(DerRead(r, &e)) << bad;
    EXPECT_EQ(r.remaining(), bytes->size()) << "cursor moved on failure: " << bad;
  }
  Bytes five_octets = H("04850100000000");
  ByteReader r(five_octets);
  EXPECT_FALSE(DerRead(r, &e));
}

TEST(DerWalk, WriteUsesMinimalLength) {
  EXPECT_EQ(DerEncode(0x04, H("01")), H("040101"));
  Bytes big(300, 0x11);
  Bytes enc = DerEncode(0x04, big);
  EXPECT_EQ(enc[1], 0x82);
  EXPECT_EQ(enc[2], 0x01);
  EXPECT_EQ(enc[3], 0x2c);
  EXPECT_EQ(enc.size(), 304u);
  EXPECT_EQ(DerUnsignedContents(0), H("00"));
  EXPECT_EQ(DerUnsignedContents(127), H("7f"));
  EXPECT_EQ(DerUnsignedContents(128), H("0080"));
  EXPECT_EQ(DerUnsignedContents(0x0102), H("0102"));
}

TEST(DerWalk, SplitAndAssembleSigned) {
  Bytes tbs = H("3003020101");
  Bytes sig = H("30060201010201");  // contents are opaque to the walker
  Bytes der = AssembleSigned(tbs, Sm3WithSm2AlgorithmId(), sig);
  auto parts = SplitSigned(der, "test");
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ(ToBytes(parts->tbs), tbs);
  EXPECT_EQ(ToBytes(parts->algorithm), ToBytes(Sm3WithSm2AlgorithmId()));
  EXPECT_EQ(ToBytes(parts->signature), sig);

  Bytes trailing = der;
  trailing.push_back(0);
  EXPECT_EQ(SplitSigned(trailing, "test").status().code(), Code::kMalformed);
  Bytes truncated(der.begin(), der.end() - 1);
  EXPECT_EQ(SplitSigned(truncated, "test").status().code(), Code::kMalformed);
}

TEST(DerWalk, SplitSignedTrailingFieldsOnlyWhenAllowed) {
  Bytes tbs = H("3000");
  Bytes body = Concat({tbs, Sm3WithSm2AlgorithmId(), H("030200ff"), H("a0023000")});
  Bytes der = DerEncode(der_tag::kSequence, body);
  EXPECT_EQ(SplitSigned(der, "ocsp").status().code(), Code::kMalformed);
  EXPECT_TRUE(SplitSigned(der, "ocsp", true).ok());
}

TEST(DerWalk, SignatureBitStringMustBeWholeOctets) {
  Bytes body = Concat({H("3000"), Sm3WithSm2AlgorithmId(), H("030201ff")});
  EXPECT_EQ(SplitSigned(DerEncode(der_tag::kSequence, body), "x").status().code(), Code::kMalformed);
}

TEST(DerWalk, Sm3WithSm2Identifiers) {
  EXPECT_TRUE(IsSm3WithSm2AlgorithmId(H("300a06082a811ccf55018375")));
  EXPECT_TRUE(IsSm3WithSm2AlgorithmId(H("300c06082a811ccf550183750500")));
  // SM2-1 (1.2.156.10197.1.301.1) is a key/scheme OID, not the X.509 signature algorithm.
  EXPECT_FALSE(IsSm3WithSm2AlgorithmId(H("300b06092a811ccf5501822d01")));
  // ecdsa-with-SHA256
  EXPECT_FALSE(IsSm3WithSm2AlgorithmId(H("300a06082a8648ce3d040302")));
}

TEST(DerWalk, TbsInnerAlgorithm) {
  // TBSCertificate: [0] { INTEGER 2 }, serial, signature alg, ...
  Bytes cert_tbs =
      DerEncode(der_tag::kSequence, Concat({H("a003020102"), H("020101"), Sm3WithSm2AlgorithmId()}));
  auto a = CertificateTbsAlgorithm(cert_tbs);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(ToBytes(*a), ToBytes(Sm3WithSm2AlgorithmId()));
  // v1 certificate: no [0] version.
  Bytes v1 = DerEncode(der_tag::kSequence, Concat({H("020101"), Sm3WithSm2AlgorithmId()}));
  EXPECT_TRUE(CertificateTbsAlgorithm(v1).ok());
  Bytes crl_tbs = DerEncode(der_tag::kSequence, Concat({H("020101"), Sm3WithSm2AlgorithmId()}));
  EXPECT_TRUE(CrlTbsAlgorithm(crl_tbs).ok());
  EXPECT_FALSE(CrlTbsAlgorithm(H("3003020101")).ok());
}

TEST(DerWalk, CheckSize) {
  EXPECT_TRUE(CheckSize(10, 10, "x").ok());
  EXPECT_EQ(CheckSize(11, 10, "x").code(), Code::kResourceExhausted);
}

}  // namespace
}  // namespace sedun::pki
