// Tests of OCSP CertIDs, requests and response parsing, against OpenSSL's CertID computation
// and the `openssl ocsp` client and responder.
#include "pki/ocsp.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "pki/asn1_util.h"
#include "pki/key_io.h"
#include "pki/ocsp_util.h"
#include "pki/pki_test_util.h"
#include "util/temp_dir.h"

namespace sedun::pki {
namespace {

using sedun::testing::TempDir;
using testing::MakeChain;
using testing::ReadBytes;
using testing::RunCommand;
using testing::TestChain;
using testing::WriteBytes;
using testing::WriteText;

class OcspTest : public ::testing::Test {
 protected:
  TestChain chain_ = MakeChain();
};

TEST_F(OcspTest, CertIdMatchesOpenssl) {
  auto id = MakeOcspCertId(chain_.leaf, chain_.ca);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->hash, OcspHashAlgorithm::kSha1);
  EXPECT_EQ(id->issuer_name_hash.size(), 20u);
  EXPECT_EQ(id->serial, chain_.leaf.serial());
  OcspCertIdPtr theirs(OCSP_cert_to_id(EVP_sha1(), chain_.leaf.native(), chain_.ca.native()));
  ASSERT_TRUE(theirs);
  auto converted = FromOsslCertId(theirs.get());
  ASSERT_TRUE(converted.ok());
  EXPECT_EQ(*converted, *id);
  EXPECT_EQ(EncodeOcspCertId(*id).value(), I2d(i2d_OCSP_CERTID, theirs.get(), "cid").value());

  auto sm3 = MakeOcspCertId(chain_.leaf, chain_.ca, OcspHashAlgorithm::kSm3);
  ASSERT_TRUE(sm3.ok());
  EXPECT_EQ(sm3->issuer_name_hash.size(), 32u);
  OcspCertIdPtr theirs_sm3(OCSP_cert_to_id(EVP_sm3(), chain_.leaf.native(), chain_.ca.native()));
  EXPECT_EQ(*FromOsslCertId(theirs_sm3.get()), *sm3);

  EXPECT_EQ(MakeOcspCertId(chain_.leaf, chain_.root).status().code(), Code::kInvalidArgument);
}

TEST_F(OcspTest, RequestRoundTrip) {
  OcspCertId a = MakeOcspCertId(chain_.leaf, chain_.ca).value();
  OcspCertId b = MakeOcspCertId(chain_.ca, chain_.root, OcspHashAlgorithm::kSm3).value();
  Bytes nonce(16, 0x42);
  auto req = OcspRequest::Create({a, b}, nonce);
  ASSERT_TRUE(req.ok()) << req.status().ToString();
  auto back = OcspRequest::FromDer(req->ToDer());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->cert_ids(), (std::vector<OcspCertId>{a, b}));
  EXPECT_EQ(back->nonce(), nonce);
  EXPECT_FALSE(back->is_signed());
  auto plain = OcspRequest::Create({a});
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->nonce().has_value());

  EXPECT_EQ(OcspRequest::Create({}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(OcspRequest::Create({a}, Bytes{}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(OcspRequest::Create({a}, Bytes(33, 1)).status().code(), Code::kInvalidArgument);
  OcspCertId bad = a;
  bad.issuer_key_hash.pop_back();
  EXPECT_EQ(OcspRequest::Create({bad}).status().code(), Code::kInvalidArgument);
}

TEST_F(OcspTest, OpensslRequestsBothWays) {
  TempDir dir;
  WriteText(dir.File("ca.pem"), chain_.ca.ToPem());
  WriteText(dir.File("leaf.pem"), chain_.leaf.ToPem());
  // Ours, printed by openssl.
  OcspCertId id = MakeOcspCertId(chain_.leaf, chain_.ca).value();
  WriteBytes(dir.File("ours.der"), OcspRequest::Create({id}, Bytes(8, 7))->ToDer());
  auto r = RunCommand("openssl ocsp -reqin " + dir.File("ours.der") + " -req_text");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Hash Algorithm: sha1"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Serial Number: 0123456789"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("OCSP Nonce"), std::string::npos) << r.output;
  // Theirs, parsed by us.
  r = RunCommand("openssl ocsp -issuer " + dir.File("ca.pem") + " -cert " + dir.File("leaf.pem") +
                 " -reqout " + dir.File("theirs.der"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto theirs = OcspRequest::FromDer(ReadBytes(dir.File("theirs.der")));
  ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
  ASSERT_EQ(theirs->cert_ids().size(), 1u);
  EXPECT_EQ(theirs->cert_ids()[0], id);
  ASSERT_TRUE(theirs->nonce().has_value());
  EXPECT_EQ(theirs->nonce()->size(), 16u);  // openssl's default nonce length
  // A SHA-256 CertID is neither SHA-1 nor SM3.
  r = RunCommand("openssl ocsp -sha256 -issuer " + dir.File("ca.pem") + " -cert " + dir.File("leaf.pem") +
                 " -no_nonce -reqout " + dir.File("sha256.der"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(OcspRequest::FromDer(ReadBytes(dir.File("sha256.der"))).status().code(), Code::kUnsupported);
}

// A response from the `openssl ocsp` responder signed with -rsigopt distid: verifies here; one
// signed without it (empty ID) does not.
TEST_F(OcspTest, OpensslResponderResponse) {
  TempDir dir;
  WriteText(dir.File("ca.pem"), chain_.ca.ToPem());
  WriteText(dir.File("leaf.pem"), chain_.leaf.ToPem());
  WriteBytes(dir.File("ca.key"), PrivateKeyToPem(chain_.ca_key)->view());
  // ca(5)-style index: status, expiry, revocation time[,reason], serial (hex), file, subject.
  std::string index =
      "R\t301231235959Z\t250101000000Z,keyCompromise\t" + chain_.leaf.serial_hex() + "\tunknown\t/CN=leaf\n";
  WriteText(dir.File("index.txt"), index);
  auto r = RunCommand("openssl ocsp -issuer " + dir.File("ca.pem") + " -cert " + dir.File("leaf.pem") +
                      " -reqout " + dir.File("req.der"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string responder = "openssl ocsp -index " + dir.File("index.txt") + " -rsigner " +
                                dir.File("ca.pem") + " -rkey " + dir.File("ca.key") + " -CA " +
                                dir.File("ca.pem") + " -reqin " + dir.File("req.der") + " -ndays 1";
  r = RunCommand(responder + " -rsigopt distid:1234567812345678 -respout " + dir.File("id.der"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunCommand(responder + " -respout " + dir.File("noid.der"));
  ASSERT_EQ(r.exit_code, 0) << r.output;

  auto resp = OcspResponse::FromDer(ReadBytes(dir.File("id.der")));
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->status(), OcspResponseStatus::kSuccessful);
  EXPECT_EQ(resp->responder_name_der(), chain_.ca.subject_der());
  EXPECT_EQ(resp->signature_algorithm(), "1.2.156.10197.1.501");
  auto request = OcspRequest::FromDer(ReadBytes(dir.File("req.der"))).value();
  EXPECT_EQ(resp->nonce(), request.nonce());
  const OcspSingleResponse* single = resp->Find(MakeOcspCertId(chain_.leaf, chain_.ca).value());
  ASSERT_NE(single, nullptr);
  EXPECT_EQ(single->status, OcspCertStatus::kRevoked);
  EXPECT_EQ(single->revocation_reason, RevocationReason::kKeyCompromise);
  using namespace std::chrono;
  EXPECT_EQ(single->revocation_time, sys_seconds(sys_days(2025y / 1 / 1)));
  ASSERT_TRUE(single->next_update.has_value());
  EXPECT_EQ(*single->next_update - single->this_update, hours(24));
  EXPECT_TRUE(resp->VerifySignature(chain_.ca).ok());

  auto noid = OcspResponse::FromDer(ReadBytes(dir.File("noid.der")));
  ASSERT_TRUE(noid.ok());
  EXPECT_EQ(noid->VerifySignature(chain_.ca).code(), Code::kVerifyFailed);
}

TEST_F(OcspTest, RejectsMalformed) {
  OcspCertId id = MakeOcspCertId(chain_.leaf, chain_.ca).value();
  Bytes der = OcspRequest::Create({id})->ToDer();
  Bytes trailing = der;
  trailing.push_back(0);
  auto t = OcspRequest::FromDer(trailing);
  EXPECT_EQ(t.status().code(), Code::kMalformed);
  EXPECT_NE(t.status().message().find("OCSP request"), std::string::npos);
  EXPECT_EQ(OcspRequest::FromDer(ByteView(der).first(der.size() - 1)).status().code(), Code::kMalformed);
  EXPECT_EQ(OcspRequest::FromDer({}).status().code(), Code::kMalformed);

  // OCSPResponse framing: status values, responseBytes consistency, trailing bytes.
  auto bad = [](std::string_view hex) {
    return OcspResponse::FromDer(HexDecode(hex).value()).status().code();
  };
  EXPECT_EQ(bad("30030a0104"), Code::kMalformed);    // status 4 is unassigned
  EXPECT_EQ(bad("30030a0107"), Code::kMalformed);    // out of range
  EXPECT_EQ(bad("30030a0100"), Code::kMalformed);    // successful without responseBytes
  EXPECT_EQ(bad("30040a010300"), Code::kMalformed);  // trailing byte inside
  EXPECT_EQ(bad("30030a010300"), Code::kMalformed);  // trailing byte after
  EXPECT_EQ(bad("30040a020003"), Code::kMalformed);  // two-octet status
  // responseBytes of another type (id-pkix-ocsp-nonce used as a stand-in).
  EXPECT_EQ(bad("30150a0100a010300e06092b0601050507300102040130"), Code::kUnsupported);
  auto ok = OcspResponse::FromDer(HexDecode("30030a0103").value());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->status(), OcspResponseStatus::kTryLater);
}

}  // namespace
}  // namespace sedun::pki
