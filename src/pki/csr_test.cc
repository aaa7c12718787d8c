// Tests of PKCS#10 requests: in-process and two-step (external signer) creation, round trips,
// interoperability with `openssl req` in both directions, and rejection of bad input.
#include "pki/csr.h"

#include <gtest/gtest.h>

#include "pki/asn1_util.h"
#include "pki/der_walk.h"
#include "pki/ossl_key.h"
#include "pki/pki_test_util.h"
#include "pki/signature.h"
#include "util/temp_dir.h"

namespace sedun::pki {
namespace {

using sedun::testing::TempDir;
using testing::NewKey;
using testing::ReadBytes;
using testing::RunCommand;
using testing::WriteText;

const DistinguishedName kSubject = {{"C", "CN"}, {"O", "某银行"}, {"OU", "mobile"}, {"CN", "user 0001"}};

TEST(Csr, CreateVerifyRoundTrip) {
  auto key = NewKey();
  auto csr = CreateCsr(kSubject, key);
  ASSERT_TRUE(csr.ok()) << csr.status().ToString();
  EXPECT_TRUE(csr->VerifySelfSignature().ok());
  EXPECT_EQ(csr->subject(), kSubject);
  EXPECT_EQ(csr->subject_string(), "CN=user 0001,OU=mobile,O=某银行,C=CN");
  ASSERT_TRUE(csr->public_key().ok());
  EXPECT_TRUE(*csr->public_key() == key.public_key());
  EXPECT_EQ(csr->signature_algorithm(), "1.2.156.10197.1.501");

  std::string pem = csr->ToPem();
  EXPECT_EQ(pem.substr(0, 35), "-----BEGIN CERTIFICATE REQUEST-----");
  auto back = CertificateRequest::FromPem(pem);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->ToDer(), csr->ToDer());
  auto back_der = CertificateRequest::Load(csr->ToDer());
  ASSERT_TRUE(back_der.ok());
  EXPECT_TRUE(back_der->VerifySelfSignature().ok());
}

TEST(Csr, TwoStepSigningMatchesInProcess) {
  auto key = NewKey();
  auto info = BuildCsrInfo(kSubject, key.public_key());
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  // The external signer (here: the in-process helper) signs the exact bytes with the default ID.
  Bytes sig = Sm2SignWithDefaultId(key, *info).value();
  auto csr = AssembleCsr(*info, sig);
  ASSERT_TRUE(csr.ok()) << csr.status().ToString();
  EXPECT_TRUE(csr->VerifySelfSignature().ok());
  EXPECT_EQ(csr->subject(), kSubject);

  // Same CertificationRequestInfo as the in-process path.
  auto direct = CreateCsr(kSubject, key).value();
  EXPECT_EQ(ToBytes(SplitSigned(direct.ToDer(), "csr")->tbs), *info);
}

TEST(Csr, AssembleRejectsWrongSignatures) {
  auto key = NewKey(), other = NewKey();
  Bytes info = BuildCsrInfo(kSubject, key.public_key()).value();
  // Signed by another key.
  EXPECT_EQ(AssembleCsr(info, Sm2SignWithDefaultId(other, info).value()).status().code(),
            Code::kVerifyFailed);
  // Signed with OpenSSL's default empty ID, the classic interop mistake.
  crypto::ossl::EvpPkeyPtr pkey = ToEvpPkey(key).value();
  crypto::ossl::EvpMdCtxPtr md(EVP_MD_CTX_new());
  ASSERT_EQ(EVP_DigestSignInit_ex(md.get(), nullptr, "SM3", nullptr, nullptr, pkey.get(), nullptr), 1);
  Bytes empty_id_sig(80);
  size_t len = empty_id_sig.size();
  ASSERT_EQ(EVP_DigestSign(md.get(), empty_id_sig.data(), &len, info.data(), info.size()), 1);
  empty_id_sig.resize(len);
  EXPECT_EQ(AssembleCsr(info, empty_id_sig).status().code(), Code::kVerifyFailed);
  // Not DER.
  EXPECT_EQ(AssembleCsr(info, HexDecode("0102").value()).status().code(), Code::kMalformed);
  Bytes sig = Sm2SignWithDefaultId(key, info).value();
  Bytes sig_trailing = sig;
  sig_trailing.push_back(0);
  EXPECT_EQ(AssembleCsr(info, sig_trailing).status().code(), Code::kMalformed);
  EXPECT_EQ(AssembleCsr(HexDecode("3003020101").value(), sig).status().code(), Code::kMalformed);
  Bytes info_trailing = info;
  info_trailing.push_back(0);
  EXPECT_EQ(AssembleCsr(info_trailing, sig).status().code(), Code::kMalformed);
}

TEST(Csr, OpensslVerifiesSedunRequests) {
  TempDir dir;
  auto key = NewKey();
  WriteText(dir.File("direct.pem"), CreateCsr(kSubject, key)->ToPem());
  Bytes info = BuildCsrInfo(kSubject, key.public_key()).value();
  WriteText(dir.File("twostep.pem"), AssembleCsr(info, Sm2SignWithDefaultId(key, info).value())->ToPem());
  for (const char* f : {"direct.pem", "twostep.pem"}) {
    auto r = RunCommand("openssl req -in " + dir.File(f) + " -verify -noout -vfyopt distid:1234567812345678");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("verify OK"), std::string::npos) << r.output;
    // Without the ID OpenSSL 3.0 verifies with an empty one and fails.
    r = RunCommand("openssl req -in " + dir.File(f) + " -verify -noout");
    EXPECT_NE(r.output.find("verify failure"), std::string::npos) << r.output;
  }
  // The OpenSSL API agrees once the ID is attached to the object.
  auto csr = CertificateRequest::Load(ReadBytes(dir.File("direct.pem"))).value();
  X509ReqPtr req = D2iExact<X509ReqPtr>(d2i_X509_REQ, csr.ToDer(), "csr").value();
  ASN1_OCTET_STRING* id = ASN1_OCTET_STRING_new();
  ASSERT_EQ(ASN1_OCTET_STRING_set(id, reinterpret_cast<const unsigned char*>(kSm2DefaultId.data()), 16), 1);
  X509_REQ_set0_distinguishing_id(req.get(), id);
  crypto::ossl::EvpPkeyPtr pub = ToEvpPkey(key.public_key()).value();
  EXPECT_EQ(X509_REQ_verify(req.get(), pub.get()), 1);
}

TEST(Csr, SedunVerifiesOpensslRequests) {
  TempDir dir;
  ASSERT_EQ(
      RunCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + dir.File("k.pem"))
          .exit_code,
      0);
  auto r = RunCommand("openssl req -new -key " + dir.File("k.pem") +
                      " -subj /CN=x -sm3 -sigopt distid:1234567812345678 -out " + dir.File("id.pem"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunCommand("openssl req -new -key " + dir.File("k.pem") + " -subj /CN=x -sm3 -out " +
                 dir.File("noid.pem"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto with_id = CertificateRequest::Load(ReadBytes(dir.File("id.pem")));
  ASSERT_TRUE(with_id.ok()) << with_id.status().ToString();
  EXPECT_TRUE(with_id->VerifySelfSignature().ok());
  EXPECT_EQ(with_id->subject_string(), "CN=x");
  auto no_id = CertificateRequest::Load(ReadBytes(dir.File("noid.pem")));
  ASSERT_TRUE(no_id.ok());
  EXPECT_EQ(no_id->VerifySelfSignature().code(), Code::kVerifyFailed);
}

TEST(Csr, NonSm2Request) {
  TempDir dir;
  auto r = RunCommand("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
                      dir.File("k.pem") + " -subj /CN=p256 -out " + dir.File("r.pem"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto csr = CertificateRequest::Load(ReadBytes(dir.File("r.pem")));
  ASSERT_TRUE(csr.ok()) << csr.status().ToString();
  EXPECT_EQ(csr->public_key().status().code(), Code::kUnsupported);
  EXPECT_EQ(csr->VerifySelfSignature().code(), Code::kUnsupported);
}

TEST(Csr, RejectsMalformed) {
  auto key = NewKey();
  Bytes der = CreateCsr(kSubject, key)->ToDer();
  Bytes trailing = der;
  trailing.push_back(0);
  auto t = CertificateRequest::FromDer(trailing);
  EXPECT_EQ(t.status().code(), Code::kMalformed);
  EXPECT_NE(t.status().message().find("certification request"), std::string::npos);
  EXPECT_EQ(CertificateRequest::FromDer(ByteView(der).first(der.size() - 1)).status().code(),
            Code::kMalformed);
  EXPECT_EQ(CertificateRequest::FromPem(
                "-----BEGIN CERTIFICATE REQUEST-----\n@@@@\n-----END CERTIFICATE REQUEST-----\n")
                .status()
                .code(),
            Code::kMalformed);
  EXPECT_EQ(CreateCsr({}, key).status().code(), Code::kInvalidArgument);
  // Wrong key for verification: flip a bit of the signature.
  der[der.size() - 2] ^= 0x40;
  auto flipped = CertificateRequest::FromDer(der);
  ASSERT_TRUE(flipped.ok());
  EXPECT_EQ(flipped->VerifySelfSignature().code(), Code::kVerifyFailed);
}

}  // namespace
}  // namespace sedun::pki
