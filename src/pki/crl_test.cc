// Tests of CRLs: building and parsing, round trips, default-ID verification, the openssl
// command line's view of our CRLs, and rejection of bad input and bad builder settings.
#include "pki/crl.h"

#include <gtest/gtest.h>

#include "pki/asn1_util.h"
#include "pki/key_io.h"
#include "pki/ossl_key.h"
#include "pki/pki_test_util.h"
#include "pki/signature.h"
#include "util/temp_dir.h"

namespace sedun::pki {
namespace {

using sedun::testing::TempDir;
using testing::MakeChain;
using testing::NewKey;
using testing::RunCommand;
using testing::TestChain;
using testing::WriteBytes;
using testing::WriteText;

using namespace std::chrono;

Bytes H(std::string_view hex) { return HexDecode(hex).value(); }

class CrlTest : public ::testing::Test {
 protected:
  TestChain chain_ = MakeChain();
  sys_seconds this_update_ = time_point_cast<seconds>(sys_days(2025y / 3 / 1)) + 8h;
  sys_seconds revoked_at_ = time_point_cast<seconds>(sys_days(2025y / 2 / 27)) + 10h + 30min;

  CrlBuilder Builder() const {
    CrlBuilder b;
    b.set_this_update(this_update_)
        .set_next_update(this_update_ + days(7))
        .set_crl_number(H("05"))
        .AddRevoked({chain_.leaf.serial(), revoked_at_, RevocationReason::kKeyCompromise})
        .AddRevoked({H("02"), revoked_at_, std::nullopt})
        .AddRevoked({H("ff01"), revoked_at_, RevocationReason::kUnspecified})
        .AddRevoked({H("03"), revoked_at_, RevocationReason::kCessationOfOperation});
    return b;
  }
};

TEST_F(CrlTest, BuildParseVerify) {
  auto crl = Builder().Sign(chain_.ca, chain_.ca_key);
  ASSERT_TRUE(crl.ok()) << crl.status().ToString();
  EXPECT_EQ(crl->version(), 2);
  EXPECT_EQ(crl->issuer_der(), chain_.ca.subject_der());
  EXPECT_EQ(crl->issuer_string(), chain_.ca.subject_string());
  EXPECT_EQ(crl->this_update(), this_update_);
  EXPECT_EQ(crl->next_update(), this_update_ + days(7));
  EXPECT_EQ(crl->crl_number(), H("05"));
  EXPECT_EQ(crl->authority_key_id(), chain_.ca.subject_key_id());
  EXPECT_EQ(crl->signature_algorithm(), "1.2.156.10197.1.501");
  ASSERT_EQ(crl->revoked().size(), 4u);
  // Sorted by serial.
  EXPECT_EQ(crl->revoked()[0].serial, H("02"));
  EXPECT_EQ(crl->revoked()[1].serial, H("03"));
  const RevokedCertificate* leaf = crl->Find(chain_.leaf.serial());
  ASSERT_NE(leaf, nullptr);
  EXPECT_EQ(leaf->revocation_time, revoked_at_);
  EXPECT_EQ(leaf->reason, RevocationReason::kKeyCompromise);
  ASSERT_NE(crl->Find(H("00ff01")), nullptr);             // leading zeros ignored
  EXPECT_EQ(crl->Find(H("ff01"))->reason, std::nullopt);  // unspecified is written as absent
  EXPECT_EQ(crl->Find(H("02"))->reason, std::nullopt);
  EXPECT_EQ(crl->Find(H("04")), nullptr);

  EXPECT_TRUE(crl->VerifySignature(chain_.ca).ok());
  EXPECT_TRUE(crl->VerifySignature(chain_.ca_key.public_key()).ok());
  EXPECT_EQ(crl->VerifySignature(chain_.root_key.public_key()).code(), Code::kVerifyFailed);
  EXPECT_EQ(crl->VerifySignature(chain_.root).code(), Code::kVerifyFailed);

  auto pem = Crl::FromPem(crl->ToPem());
  ASSERT_TRUE(pem.ok());
  EXPECT_EQ(pem->ToDer(), crl->ToDer());
  EXPECT_EQ(crl->ToPem().substr(0, 24), "-----BEGIN X509 CRL-----");
  auto der = Crl::Load(crl->ToDer());
  ASSERT_TRUE(der.ok());
  EXPECT_EQ(der->revoked(), crl->revoked());
}

TEST_F(CrlTest, EmptyCrl) {
  CrlBuilder b;
  b.set_this_update(this_update_).set_next_update(this_update_ + hours(24)).set_crl_number(H("01"));
  auto crl = b.Sign(chain_.root, chain_.root_key);
  ASSERT_TRUE(crl.ok()) << crl.status().ToString();
  EXPECT_TRUE(crl->revoked().empty());
  EXPECT_TRUE(crl->VerifySignature(chain_.root).ok());
}

TEST_F(CrlTest, OpensslParses) {
  TempDir dir;
  auto crl = Builder().Sign(chain_.ca, chain_.ca_key).value();
  WriteText(dir.File("crl.pem"), crl.ToPem());
  WriteBytes(dir.File("crl.der"), crl.ToDer());
  WriteText(dir.File("ca.pem"), chain_.ca.ToPem());
  auto r = RunCommand("openssl crl -in " + dir.File("crl.pem") + " -text -noout");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* expect :
       {"Signature Algorithm: SM2-with-SM3", "X509v3 CRL Number", "Serial Number: 0123456789",
        "Key Compromise", "Cessation Of Operation", "Next Update: Mar  8 08:00:00 2025 GMT"}) {
    EXPECT_NE(r.output.find(expect), std::string::npos) << expect << "\n" << r.output;
  }
  r = RunCommand("openssl crl -inform DER -in " + dir.File("crl.der") + " -noout -crlnumber");
  EXPECT_NE(r.output.find("crlNumber=0x05"), std::string::npos) << r.output;
  // `openssl crl -CAfile` has no -vfyopt in 3.0.19 and X509_CRL_verify cannot take an SM2 ID,
  // so OpenSSL verifies with the empty ID and reports a failure for a conformant CRL.
  r = RunCommand("openssl crl -in " + dir.File("crl.pem") + " -CAfile " + dir.File("ca.pem") + " -noout");
  if (r.output.find("verify OK") == std::string::npos) {
    EXPECT_NE(r.output.find("verify failure"), std::string::npos) << r.output;
  }
}

TEST_F(CrlTest, CrlMadeByOpensslCa) {
  TempDir dir;
  WriteText(dir.File("ca.pem"), chain_.ca.ToPem());
  WriteBytes(dir.File("ca.key"), PrivateKeyToPem(chain_.ca_key)->view());
  for (bool with_id : {true, false}) {
    TempDir db;
    std::string path = testing::OpensslGenCrl(db.path(), dir.File("ca.pem"), dir.File("ca.key"), with_id);
    auto crl = Crl::Load(testing::ReadBytes(path));
    ASSERT_TRUE(crl.ok()) << crl.status().ToString();
    EXPECT_EQ(crl->crl_number(), HexDecode("1000").value());  // openssl reads the file as hex
    ASSERT_EQ(crl->revoked().size(), 1u);
    EXPECT_EQ(crl->revoked()[0].serial, H("0a"));
    EXPECT_EQ(crl->revoked()[0].reason, RevocationReason::kKeyCompromise);
    // Only the CRL signed with the default ID is GM/T-conformant.
    EXPECT_EQ(crl->VerifySignature(chain_.ca).ok(), with_id);
  }
}

TEST_F(CrlTest, BuilderRejects) {
  EXPECT_EQ(CrlBuilder().Sign(chain_.ca, chain_.ca_key).status().code(), Code::kInvalidArgument);
  auto no_number = Builder();
  no_number.set_crl_number({});
  EXPECT_EQ(no_number.Sign(chain_.ca, chain_.ca_key).status().code(), Code::kInvalidArgument);
  auto backwards = Builder();
  backwards.set_next_update(this_update_ - hours(1));
  EXPECT_EQ(backwards.Sign(chain_.ca, chain_.ca_key).status().code(), Code::kInvalidArgument);
  auto dup = Builder();
  dup.AddRevoked({H("0002"), revoked_at_, std::nullopt});
  EXPECT_EQ(dup.Sign(chain_.ca, chain_.ca_key).status().code(), Code::kInvalidArgument);
  auto remove = Builder();
  remove.AddRevoked({H("09"), revoked_at_, RevocationReason::kRemoveFromCrl});
  EXPECT_EQ(remove.Sign(chain_.ca, chain_.ca_key).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Builder().Sign(chain_.ca, chain_.root_key).status().code(), Code::kInvalidArgument);
  // The leaf's keyUsage has no cRLSign.
  EXPECT_EQ(Builder().Sign(chain_.leaf, chain_.leaf_key).status().code(), Code::kFailedPrecondition);
}

TEST_F(CrlTest, RejectsMalformed) {
  Bytes der = Builder().Sign(chain_.ca, chain_.ca_key)->ToDer();
  Bytes trailing = der;
  trailing.push_back(0);
  auto t = Crl::FromDer(trailing);
  EXPECT_EQ(t.status().code(), Code::kMalformed);
  EXPECT_NE(t.status().message().find("CRL"), std::string::npos);
  for (size_t cut : {size_t{3}, der.size() / 2, der.size() - 1}) {
    EXPECT_EQ(Crl::FromDer(ByteView(der).first(cut)).status().code(), Code::kMalformed) << cut;
  }
  EXPECT_EQ(Crl::FromPem("-----BEGIN X509 CRL-----\nMA==\n-----END X509 CRL-----\n").status().code(),
            Code::kMalformed);
  EXPECT_EQ(Crl::Load(chain_.leaf.ToDer()).status().code(), Code::kMalformed);
}

TEST_F(CrlTest, RejectsUnassignedReasonCode) {
  // reasonCode 7 is unassigned in RFC 5280 5.3.1; build such a CRL through OpenSSL directly.
  X509CrlPtr crl(X509_CRL_new());
  X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2);
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(chain_.ca.native()));
  Asn1TimePtr now = ToAsn1Time(this_update_).value();
  X509_CRL_set1_lastUpdate(crl.get(), now.get());
  X509RevokedPtr rev(X509_REVOKED_new());
  Asn1IntegerPtr sn = IntegerFromMagnitude(H("07")).value();
  X509_REVOKED_set_serialNumber(rev.get(), sn.get());
  X509_REVOKED_set_revocationDate(rev.get(), now.get());
  Asn1EnumeratedPtr code(ASN1_ENUMERATED_new());
  ASN1_ENUMERATED_set(code.get(), 7);
  ASSERT_EQ(X509_REVOKED_add1_ext_i2d(rev.get(), NID_crl_reason, code.get(), 0, 0), 1);
  ASSERT_EQ(X509_CRL_add0_revoked(crl.get(), rev.release()), 1);
  crypto::ossl::EvpPkeyPtr key = ToEvpPkey(chain_.ca_key).value();
  crypto::ossl::EvpMdCtxPtr md = NewSm2SignContext(key.get()).value();
  ASSERT_GT(X509_CRL_sign_ctx(crl.get(), md.get()), 0);
  auto parsed = Crl::FromDer(I2d(i2d_X509_CRL, crl.get(), "crl").value());
  EXPECT_EQ(parsed.status().code(), Code::kMalformed) << parsed.status().ToString();
}

TEST(RevocationReason, Codes) {
  EXPECT_EQ(RevocationReasonFromCode(0), RevocationReason::kUnspecified);
  EXPECT_EQ(RevocationReasonFromCode(10), RevocationReason::kAaCompromise);
  EXPECT_EQ(RevocationReasonFromCode(8), RevocationReason::kRemoveFromCrl);
  EXPECT_EQ(RevocationReasonFromCode(7), std::nullopt);
  EXPECT_EQ(RevocationReasonFromCode(11), std::nullopt);
  EXPECT_EQ(RevocationReasonFromCode(-1), std::nullopt);
}

}  // namespace
}  // namespace sedun::pki
