// Tests of PKCS#7 certs-only bundles: round trips, openssl interoperability both ways, and
// refusal of signed or malformed PKCS#7.
#include "pki/pkcs7.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "pki/pki_test_util.h"
#include "util/temp_dir.h"

namespace sedun::pki {
namespace {

using sedun::testing::TempDir;
using testing::MakeChain;
using testing::ReadBytes;
using testing::RunCommand;
using testing::TestChain;
using testing::WriteText;

std::vector<Bytes> Ders(const std::vector<Certificate>& certs) {
  std::vector<Bytes> out;
  for (const Certificate& c : certs) out.push_back(c.ToDer());
  std::sort(out.begin(), out.end());
  return out;
}

class Pkcs7Test : public ::testing::Test {
 protected:
  TestChain chain_ = MakeChain();
  std::vector<Certificate> certs_{chain_.leaf, chain_.ca, chain_.root};
};

TEST_F(Pkcs7Test, RoundTrip) {
  CrlBuilder b;
  b.set_this_update(testing::Now())
      .set_next_update(testing::Now() + std::chrono::days(1))
      .set_crl_number({1});
  Crl crl = b.Sign(chain_.ca, chain_.ca_key).value();
  Pkcs7CertsOnly bundle{certs_, {crl}};
  auto der = Pkcs7CertsOnlyToDer(bundle);
  ASSERT_TRUE(der.ok()) << der.status().ToString();
  auto back = ParsePkcs7CertsOnly(*der);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(Ders(back->certificates), Ders(certs_));
  ASSERT_EQ(back->crls.size(), 1u);
  EXPECT_EQ(back->crls[0].ToDer(), crl.ToDer());

  auto pem = Pkcs7CertsOnlyToPem(bundle);
  ASSERT_TRUE(pem.ok());
  EXPECT_EQ(pem->substr(0, 21), "-----BEGIN PKCS7-----");
  auto from_pem = ParsePkcs7CertsOnly(AsBytes(*pem));
  ASSERT_TRUE(from_pem.ok());
  EXPECT_EQ(Ders(from_pem->certificates), Ders(certs_));
  // Re-encoding what was parsed gives the same bytes (SET OF is already sorted).
  EXPECT_EQ(Pkcs7CertsOnlyToDer(*back).value(), *der);

  auto empty = Pkcs7CertsOnlyToDer({});
  ASSERT_TRUE(empty.ok());
  auto empty_back = ParsePkcs7CertsOnly(*empty);
  ASSERT_TRUE(empty_back.ok());
  EXPECT_TRUE(empty_back->certificates.empty());
}

TEST_F(Pkcs7Test, OpensslInterop) {
  TempDir dir;
  WriteText(dir.File("p7.pem"), Pkcs7CertsOnlyToPem({certs_, {}}).value());
  auto r = RunCommand("openssl pkcs7 -in " + dir.File("p7.pem") + " -print_certs -noout");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* cn : {"CN = leaf", "CN = sedun ca", "CN = sedun root"}) {
    EXPECT_NE(r.output.find(cn), std::string::npos) << cn << "\n" << r.output;
  }
  WriteText(dir.File("chain.pem"), CertificatesToPem(certs_));
  r = RunCommand("openssl crl2pkcs7 -nocrl -certfile " + dir.File("chain.pem") + " -outform DER -out " +
                 dir.File("o.p7b"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto parsed = ParsePkcs7CertsOnly(ReadBytes(dir.File("o.p7b")));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(Ders(parsed->certificates), Ders(certs_));
}

TEST_F(Pkcs7Test, RefusesSignedData) {
  TempDir dir;
  auto r = RunCommand("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
                      dir.File("k.pem") + " -subj /CN=signer -days 1 -out " + dir.File("c.pem"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  WriteText(dir.File("msg"), "hello");
  r = RunCommand("openssl smime -sign -in " + dir.File("msg") + " -signer " + dir.File("c.pem") + " -inkey " +
                 dir.File("k.pem") + " -outform PEM -out " + dir.File("s.pem"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(ParsePkcs7CertsOnly(ReadBytes(dir.File("s.pem"))).status().code(), Code::kUnsupported);
}

TEST_F(Pkcs7Test, RejectsMalformed) {
  Bytes der = Pkcs7CertsOnlyToDer({certs_, {}}).value();
  Bytes trailing = der;
  trailing.push_back(0);
  auto t = ParsePkcs7CertsOnly(trailing);
  EXPECT_EQ(t.status().code(), Code::kMalformed);
  EXPECT_NE(t.status().message().find("PKCS#7"), std::string::npos);
  EXPECT_EQ(ParsePkcs7CertsOnly(ByteView(der).first(der.size() - 1)).status().code(), Code::kMalformed);
  EXPECT_EQ(
      ParsePkcs7CertsOnly(AsBytes("-----BEGIN PKCS7-----\nMAA=\n-----END PKCS7-----\n")).status().code(),
      Code::kMalformed);
  EXPECT_EQ(ParsePkcs7CertsOnly(AsBytes(chain_.leaf.ToPem())).status().code(), Code::kMalformed);
}

}  // namespace
}  // namespace sedun::pki
