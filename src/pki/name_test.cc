#include "pki/name.h"

#include <gtest/gtest.h>

#include "pki/csr.h"
#include "pki/pki_test_util.h"
#include "util/temp_dir.h"

namespace sedun::pki {
namespace {

TEST(NameTest, ParsesSlashForm) {
  auto dn = ParseSlashName("/C=CN/O=Bank of sedun/OU=Retail/CN=Zhang San");
  ASSERT_TRUE(dn.ok()) << dn.status().ToString();
  DistinguishedName want = {{"C", "CN"}, {"O", "Bank of sedun"}, {"OU", "Retail"}, {"CN", "Zhang San"}};
  EXPECT_EQ(*dn, want);
}

TEST(NameTest, BackslashEscapesAndEqualsInValues) {
  auto dn = ParseSlashName("/O=A\\/B/CN=x=y\\\\z");
  ASSERT_TRUE(dn.ok()) << dn.status().ToString();
  DistinguishedName want = {{"O", "A/B"}, {"CN", "x=y\\z"}};
  EXPECT_EQ(*dn, want);
}

TEST(NameTest, RejectsBadSlashForms) {
  for (const char* bad : {"", "CN=x", "/", "/CN=x/", "/CN", "/=x", "/CN=", "/CN=x\\", "/CN=x//O=y"}) {
    auto dn = ParseSlashName(bad);
    EXPECT_FALSE(dn.ok()) << bad;
    if (!dn.ok()) {
      EXPECT_EQ(dn.status().code(), Code::kInvalidArgument) << bad;
    }
  }
}

TEST(NameTest, KnownDer) {
  // SEQUENCE { SET { SEQUENCE { OID 2.5.4.3, UTF8String "a" } } }
  auto der = NameToDer({{"CN", "a"}});
  ASSERT_TRUE(der.ok()) << der.status().ToString();
  EXPECT_EQ(HexEncode(*der), "300c310a300806035504030c0161");
}

// The subject `openssl req -subj` writes is the Name NameToDer writes for the parsed -subj text.
TEST(NameTest, MatchesOpensslSubj) {
  sedun::testing::TempDir dir;
  const std::string subj = "/C=CN/O=sedun bank/OU=mobile/CN=user 0001";
  auto r = testing::RunCommand("openssl genpkey -algorithm SM2 -out " + dir.File("k.pem") +
                               " && openssl req -new -key " + dir.File("k.pem") + " -subj '" + subj +
                               "' -outform DER -out " + dir.File("r.der"));
  ASSERT_EQ(r.exit_code, 0);
  auto csr = CertificateRequest::Load(testing::ReadBytes(dir.File("r.der")));
  ASSERT_TRUE(csr.ok()) << csr.status().ToString();
  auto dn = ParseSlashName(subj);
  ASSERT_TRUE(dn.ok());
  auto der = NameToDer(*dn);
  ASSERT_TRUE(der.ok()) << der.status().ToString();
  EXPECT_EQ(HexEncode(*der), HexEncode(csr->subject_der()));
}

TEST(NameTest, RoundTripsThroughDer) {
  DistinguishedName dn = {{"C", "CN"}, {"O", "sedun"}, {"CN", "\xE5\xBC\xA0\xE4\xB8\x89"}};
  auto der = NameToDer(dn);
  ASSERT_TRUE(der.ok()) << der.status().ToString();
  auto back = NameFromDer(*der);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, dn);
}

TEST(NameTest, RejectsBadNamesAndDer) {
  EXPECT_EQ(NameToDer({}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(NameToDer({{"noSuchType", "x"}}).status().code(), Code::kInvalidArgument);
  auto der = NameToDer({{"CN", "a"}});
  ASSERT_TRUE(der.ok());
  Bytes trailing = *der;
  trailing.push_back(0);
  EXPECT_FALSE(NameFromDer(trailing).ok());
  EXPECT_FALSE(NameFromDer(Bytes{0x04, 0x00}).ok());
}

}  // namespace
}  // namespace sedun::pki
