// Tests of the PEM codec (RFC 7468): round trips, lax text handling, strict base64 and labels.
#include "pki/pem.h"

#include <gtest/gtest.h>

namespace sedun::pki {
namespace {

TEST(Pem, RoundTripAllLengths) {
  for (size_t n = 1; n < 200; ++n) {
    Bytes data(n);
    for (size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(i * 37 + n);
    std::string pem = PemEncode("TEST DATA", data);
    auto blocks = PemDecodeAll(pem, 10);
    ASSERT_TRUE(blocks.ok()) << n << ": " << blocks.status().ToString();
    ASSERT_EQ(blocks->size(), 1u);
    EXPECT_EQ((*blocks)[0].label, "TEST DATA");
    EXPECT_EQ(ToBytes((*blocks)[0].der.view()), data) << n;
    SecretBytes secret = PemEncodeSecret("TEST DATA", data);
    EXPECT_EQ(AsChars(secret.view()), pem);
  }
}

TEST(Pem, LinesAre64Columns) {
  Bytes data(100, 0xab);
  std::string pem = PemEncode("X", data);
  EXPECT_EQ(pem.substr(0, 17), "-----BEGIN X-----");
  size_t first_nl = pem.find('\n');
  size_t second_nl = pem.find('\n', first_nl + 1);
  EXPECT_EQ(second_nl - first_nl - 1, 64u);
  EXPECT_EQ(pem.substr(pem.size() - 16), "-----END X-----\n");
}

TEST(Pem, KnownEncoding) {
  std::string pem = PemEncode("A", AsBytes("foobar"));
  EXPECT_EQ(pem, "-----BEGIN A-----\nZm9vYmFy\n-----END A-----\n");
  EXPECT_EQ(PemEncode("A", AsBytes("fo")), "-----BEGIN A-----\nZm8=\n-----END A-----\n");
}

TEST(Pem, ExplanatoryTextCrLfAndSkipping) {
  std::string text =
      "Bag Attributes: something\r\n"
      "-----BEGIN PRIVATE KEY-----\r\nZm9v\r\n-----END PRIVATE KEY-----\r\n"
      "subject=CN = x\n"
      "-----BEGIN CERTIFICATE-----\nYmFy\n-----END CERTIFICATE-----\n"
      "trailer";
  auto cert = PemDecodeFirst(text, {"CERTIFICATE"}, "certificate");
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_EQ(AsChars(cert->der.view()), "bar");
  auto all = PemDecodeAll(text, 10);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
  EXPECT_EQ(PemDecodeFirst(text, {"X509 CRL"}, "CRL").status().code(), Code::kMalformed);
}

TEST(Pem, RejectsBrokenBlocks) {
  const char* bad[] = {
      "-----BEGIN A-----\nZm9v\n",                       // no END
      "-----BEGIN A-----\nZm9v\n-----END B-----\n",      // END label differs
      "-----BEGIN A-----\nZm9v!\n-----END A-----\n",     // invalid character
      "-----BEGIN A-----\nZm9\n-----END A-----\n",       // not a multiple of 4
      "-----BEGIN A-----\nZm8=Zm8=\n-----END A-----\n",  // data after padding
      "-----BEGIN A-----\nZm9=\n-----END A-----\n",      // non-canonical (non-zero pad bits)
      "-----BEGIN A-----\nZ===\n-----END A-----\n",      // too much padding
      "-----BEGIN A-----\n\n-----END A-----\n",          // empty
      "-----BEGIN -----\nZm9v\n-----END -----\n",        // empty label
      "-----BEGIN A-B-----\nZm9v\n-----END A-B-----\n",  // '-' in label
      "-----BEGIN A----- x\nZm9v\n-----END A-----\n",    // garbage after BEGIN
      "no pem here",
  };
  for (const char* text : bad) {
    auto r = PemDecodeAll(text, 10);
    EXPECT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), Code::kMalformed) << text;
  }
}

TEST(Pem, LegacyEncryptedHeadersAreUnsupported) {
  std::string text =
      "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nZm9v\n"
      "-----END EC PRIVATE KEY-----\n";
  EXPECT_EQ(PemDecodeAll(text, 10).status().code(), Code::kUnsupported);
}

TEST(Pem, BlockLimit) {
  std::string text;
  for (int i = 0; i < 5; ++i) text += PemEncode("A", AsBytes("x"));
  EXPECT_TRUE(PemDecodeAll(text, 5).ok());
  EXPECT_EQ(PemDecodeAll(text, 4).status().code(), Code::kResourceExhausted);
}

TEST(Pem, LooksLikePem) {
  EXPECT_TRUE(LooksLikePem(AsBytes("-----BEGIN A-----\n")));
  EXPECT_TRUE(LooksLikePem(AsBytes("text\n-----BEGIN A-----\n")));
  Bytes der = {0x30, 0x03, 0x02, 0x01, 0x01};
  EXPECT_FALSE(LooksLikePem(der));
  EXPECT_FALSE(LooksLikePem({}));
}

}  // namespace
}  // namespace sedun::pki
