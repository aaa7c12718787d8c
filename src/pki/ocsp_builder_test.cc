// Tests of signed OCSP responses: contents, responder IDs, nonce echo, error responses, the
// openssl command line's view of them, and builder validation.
#include "pki/ocsp_builder.h"

#include <gtest/gtest.h>

#include "pki/pki_test_util.h"
#include "util/temp_dir.h"

namespace sedun::pki {
namespace {

using sedun::testing::TempDir;
using testing::MakeChain;
using testing::RunCommand;
using testing::TestChain;
using testing::WriteBytes;
using testing::WriteText;

using namespace std::chrono;

class OcspBuilderTest : public ::testing::Test {
 protected:
  TestChain chain_ = MakeChain();
  sys_seconds now_ = testing::Now();

  OcspSingleResponse Good() const {
    return {MakeOcspCertId(chain_.leaf, chain_.ca).value(),
            OcspCertStatus::kGood,
            std::nullopt,
            std::nullopt,
            now_,
            now_ + hours(12)};
  }
  OcspSingleResponse Revoked() const {
    return {MakeOcspCertId(chain_.ca, HexDecode("99").value(), OcspHashAlgorithm::kSm3).value(),
            OcspCertStatus::kRevoked,
            now_ - days(2),
            RevocationReason::kSuperseded,
            now_,
            std::nullopt};
  }
  OcspSingleResponse Unknown() const {
    return {MakeOcspCertId(chain_.ca, HexDecode("0a0b").value()).value(),
            OcspCertStatus::kUnknown,
            std::nullopt,
            std::nullopt,
            now_,
            std::nullopt};
  }
};

TEST_F(OcspBuilderTest, SignParseVerify) {
  Bytes nonce(16, 0x5c);
  OcspResponseBuilder b;
  b.AddResponse(Good()).AddResponse(Revoked()).AddResponse(Unknown()).set_nonce(nonce);
  auto resp = b.Sign(chain_.ca, chain_.ca_key);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->status(), OcspResponseStatus::kSuccessful);
  ASSERT_EQ(resp->responses().size(), 3u);
  EXPECT_EQ(resp->responses()[0], Good());
  EXPECT_EQ(resp->responses()[1], Revoked());
  EXPECT_EQ(resp->responses()[2], Unknown());
  EXPECT_EQ(resp->nonce(), nonce);
  EXPECT_TRUE(resp->responder_key_hash().has_value());
  EXPECT_FALSE(resp->responder_name_der().has_value());
  ASSERT_EQ(resp->certificates().size(), 1u);
  EXPECT_EQ(resp->certificates()[0].ToDer(), chain_.ca.ToDer());
  EXPECT_LE(resp->produced_at() - now_, minutes(5));
  EXPECT_EQ(resp->signature_algorithm(), "1.2.156.10197.1.501");
  EXPECT_NE(resp->Find(Good().cert_id), nullptr);

  EXPECT_TRUE(resp->VerifySignature(chain_.ca).ok());
  EXPECT_TRUE(resp->VerifySignature(chain_.ca_key.public_key()).ok());
  EXPECT_EQ(resp->VerifySignature(chain_.root_key.public_key()).code(), Code::kVerifyFailed);
  EXPECT_EQ(resp->VerifySignature(chain_.root).code(), Code::kVerifyFailed);  // responderID mismatch

  auto again = OcspResponse::FromDer(resp->ToDer());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->responses(), resp->responses());
}

TEST_F(OcspBuilderTest, ResponderByNameWithChain) {
  OcspResponseBuilder b;
  b.AddResponse(Good())
      .set_responder_id_by_key(false)
      .set_include_responder_certificate(false)
      .AddCertificate(chain_.root);
  auto resp = b.Sign(chain_.ca, chain_.ca_key);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->responder_name_der(), chain_.ca.subject_der());
  ASSERT_EQ(resp->certificates().size(), 1u);
  EXPECT_EQ(resp->certificates()[0].ToDer(), chain_.root.ToDer());
  EXPECT_FALSE(resp->nonce().has_value());
  EXPECT_TRUE(resp->VerifySignature(chain_.ca).ok());
  EXPECT_EQ(resp->VerifySignature(chain_.leaf).code(), Code::kVerifyFailed);
}

TEST_F(OcspBuilderTest, Unsuccessful) {
  auto resp = OcspResponseBuilder::Unsuccessful(OcspResponseStatus::kTryLater);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->status(), OcspResponseStatus::kTryLater);
  EXPECT_TRUE(resp->responses().empty());
  EXPECT_EQ(resp->VerifySignature(chain_.ca).code(), Code::kFailedPrecondition);
  EXPECT_EQ(OcspResponseBuilder::Unsuccessful(OcspResponseStatus::kSuccessful).status().code(),
            Code::kInvalidArgument);
}

TEST_F(OcspBuilderTest, OpensslParses) {
  TempDir dir;
  OcspResponseBuilder b;
  b.AddResponse(Good()).AddResponse(Revoked()).set_nonce(Bytes(8, 1));
  WriteBytes(dir.File("r.der"), b.Sign(chain_.ca, chain_.ca_key)->ToDer());
  auto r = RunCommand("openssl ocsp -respin " + dir.File("r.der") + " -resp_text -noverify");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* expect : {"OCSP Response Status: successful", "Response Type: Basic OCSP Response",
                             "Signature Algorithm: SM2-with-SM3", "Cert Status: good", "Cert Status: revoked",
                             "Revocation Reason: superseded", "Hash Algorithm: sm3", "Hash Algorithm: sha1",
                             "Serial Number: 0123456789", "OCSP Nonce"}) {
    EXPECT_NE(r.output.find(expect), std::string::npos) << expect << "\n" << r.output;
  }
  // `openssl ocsp` verifies with the empty ID and has no option to change it (OpenSSL 3.0.19).
  WriteText(dir.File("ca.pem"), chain_.ca.ToPem());
  r = RunCommand("openssl ocsp -respin " + dir.File("r.der") + " -VAfile " + dir.File("ca.pem") +
                 " -no_nonce");
  if (r.output.find("Response verify OK") == std::string::npos) {
    EXPECT_NE(r.output.find("Response Verify Failure"), std::string::npos) << r.output;
  }
  WriteBytes(dir.File("e.der"),
             OcspResponseBuilder::Unsuccessful(OcspResponseStatus::kUnauthorized)->ToDer());
  r = RunCommand("openssl ocsp -respin " + dir.File("e.der") + " -resp_text -noverify");
  EXPECT_NE(r.output.find("Responder Error: unauthorized (6)"), std::string::npos) << r.output;
}

TEST_F(OcspBuilderTest, BuilderRejects) {
  auto sign = [&](const OcspResponseBuilder& b) { return b.Sign(chain_.ca, chain_.ca_key).status().code(); };
  EXPECT_EQ(sign(OcspResponseBuilder()), Code::kInvalidArgument);
  OcspSingleResponse no_time = Revoked();
  no_time.revocation_time.reset();
  EXPECT_EQ(sign(OcspResponseBuilder().AddResponse(no_time)), Code::kInvalidArgument);
  OcspSingleResponse good_with_reason = Good();
  good_with_reason.revocation_reason = RevocationReason::kKeyCompromise;
  EXPECT_EQ(sign(OcspResponseBuilder().AddResponse(good_with_reason)), Code::kInvalidArgument);
  OcspSingleResponse backwards = Good();
  backwards.next_update = backwards.this_update - hours(1);
  EXPECT_EQ(sign(OcspResponseBuilder().AddResponse(backwards)), Code::kInvalidArgument);
  EXPECT_EQ(sign(OcspResponseBuilder().AddResponse(Good()).set_nonce(Bytes(40, 1))), Code::kInvalidArgument);
  EXPECT_EQ(OcspResponseBuilder().AddResponse(Good()).Sign(chain_.ca, chain_.root_key).status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace sedun::pki
