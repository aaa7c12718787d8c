// Tests of the signature verification service over real SM2 chains: valid and invalid
// signatures (data, signer ID, key), malformed inputs, every validation failure surfaced with its
// code, the user binding, batches (order, limit), the server's own signatures (round trip, and
// checked by the openssl command line) and signatures made by `openssl dgst`.
#include "svs/verification_service.h"

#include <gtest/gtest.h>

#include <thread>

#include "crypto/sm2.h"
#include "pki/key_io.h"
#include "pki/revocation.h"
#include "pki/validation_test_util.h"
#include "util/temp_dir.h"

namespace sedun::svs {
namespace {

using namespace std::chrono;
using pki::Certificate;
using pki::CertificateSpec;
using pki::testing::GoodCrls;
using pki::testing::IssueByCa;
using pki::testing::LeafSpec;
using pki::testing::MakeChain;
using pki::testing::MakeCrl;
using pki::testing::NewKey;
using pki::testing::Now;
using pki::testing::ReadBytes;
using pki::testing::RunCommand;
using pki::testing::TestChain;
using pki::testing::WriteBytes;
using pki::testing::WriteText;
using sedun::testing::TempDir;

const Bytes kData =
    ToBytes(AsBytes("transfer 100.00 CNY from 6222000011112222 to 6222000033334444 at 2024-05-01T10:00"));

class VerificationServiceTest : public ::testing::Test {
 protected:
  TestChain c_ = MakeChain();

  VerificationServiceConfig Config() const {
    VerificationServiceConfig config;
    config.trusted_roots = {c_.root};
    config.intermediates = {c_.ca};
    config.check_revocation = false;
    config.expiring_window = days(7);
    return config;
  }

  // The server's signing certificate, issued by the same CA.
  ServerIdentity Identity() const {
    crypto::Sm2PrivateKey key = NewKey();
    CertificateSpec spec = LeafSpec("svs.example.test");
    spec.serial = {0x5e, 0x77};
    spec.key_usage = pki::key_usage::kDigitalSignature;
    Certificate cert = pki::IssueCertificate(spec, key.public_key(), c_.ca, c_.ca_key).value();
    return ServerIdentity{std::move(key), {cert, c_.ca, c_.root}};
  }

  VerificationService Service(VerificationServiceConfig config) const {
    auto s = VerificationService::Create(std::move(config), Identity());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(s).value();
  }
  VerificationService Service() const { return Service(Config()); }

  VerifyRequest Signed(const Certificate& cert, const crypto::Sm2PrivateKey& key, ByteView data = kData) const {
    VerifyRequest r;
    r.certificate = cert.ToDer();
    r.data = ToBytes(data);
    r.signature = crypto::Sm2Sign(key, data).value();
    return r;
  }
  VerifyRequest Signed() const { return Signed(c_.leaf, c_.leaf_key); }

  static void ExpectCode(const VerifyResult& r, std::string_view code) {
    EXPECT_EQ(r.code(), code) << r.message;
    EXPECT_EQ(r.ok(), code == "ok");
    if (code != "ok") {
      EXPECT_FALSE(r.message.empty());
    }
  }
};

TEST_F(VerificationServiceTest, ValidSignature) {
  VerificationService svs = Service();
  VerifyResult r = svs.VerifySignedData(Signed());
  ExpectCode(r, "ok");
  EXPECT_EQ(r.status, VerifyStatus::kOk);
  EXPECT_EQ(r.serial_hex, "0123456789");
  EXPECT_EQ(r.subject, c_.leaf.subject_string());
  EXPECT_EQ(r.not_after, c_.leaf.not_after());
  EXPECT_FALSE(r.expiring_soon);
  // PEM certificates are accepted too.
  VerifyRequest pem = Signed();
  pem.certificate = ToBytes(AsBytes(c_.leaf.ToPem()));
  ExpectCode(svs.VerifySignedData(pem), "ok");
}

TEST_F(VerificationServiceTest, TamperedData) {
  VerifyRequest r = Signed();
  r.data.back() ^= 0x01;
  VerifyResult v = Service().VerifySignedData(r);
  ExpectCode(v, "signature_invalid");
  EXPECT_EQ(v.serial_hex, "0123456789");  // the certificate is still described
}

TEST_F(VerificationServiceTest, SignerId) {
  const Bytes alice = ToBytes(AsBytes("ALICE123@YAHOO.COM"));
  VerifyRequest r = Signed();
  r.signature = crypto::Sm2Sign(c_.leaf_key, kData, alice).value();
  VerificationService svs = Service();
  ExpectCode(svs.VerifySignedData(r), "signature_invalid");  // verified with the default ID
  r.signer_id = alice;
  ExpectCode(svs.VerifySignedData(r), "ok");
  // Signed with the default ID, verified with another.
  VerifyRequest d = Signed();
  d.signer_id = alice;
  ExpectCode(svs.VerifySignedData(d), "signature_invalid");
  d.signer_id = Bytes{};
  ExpectCode(svs.VerifySignedData(d), "malformed_signer_id");
  d.signer_id = Bytes(crypto::kSm2MaxIdSize + 1, 'a');
  ExpectCode(svs.VerifySignedData(d), "malformed_signer_id");
}

TEST_F(VerificationServiceTest, SignatureByAnotherKey) {
  VerifyRequest r = Signed();
  r.signature = crypto::Sm2Sign(NewKey(), kData).value();
  ExpectCode(Service().VerifySignedData(r), "signature_invalid");
}

TEST_F(VerificationServiceTest, MalformedInputs) {
  VerificationService svs = Service();
  VerifyRequest r = Signed();
  r.signature = crypto::Sm2SignatureDerToRaw(r.signature).value();  // raw r || s is not accepted
  ExpectCode(svs.VerifySignedData(r), "malformed_signature");
  r.signature.clear();
  ExpectCode(svs.VerifySignedData(r), "malformed_signature");

  VerifyRequest c = Signed();
  c.certificate = {0x30, 0x82, 0x01};
  VerifyResult v = svs.VerifySignedData(c);
  ExpectCode(v, "malformed_certificate");
  EXPECT_EQ(v.status, VerifyStatus::kCertificateInvalid);
  EXPECT_EQ(v.validation_error, pki::ValidationError::kMalformed);
  EXPECT_TRUE(v.serial_hex.empty());

  VerifyRequest e = Signed();
  e.extra_certificates = {c_.ca.ToDer(), Bytes{0x01, 0x02}};
  ExpectCode(svs.VerifySignedData(e), "malformed_certificate");
}

// JR/T 7.3.2.2: each validation failure reaches the caller with its code, before the signature.
TEST_F(VerificationServiceTest, ValidationFailuresSurface) {
  VerificationService svs = Service();
  CertificateSpec expired = LeafSpec("expired");
  expired.not_before = Now() - days(20);
  expired.not_after = Now() - days(1);
  CertificateSpec enc = LeafSpec("enc");
  enc.key_usage = pki::key_usage::kKeyEncipherment;
  CertificateSpec future = LeafSpec("future");
  future.not_before = Now() + days(1);
  for (const auto& [spec, code] : std::vector<std::pair<CertificateSpec, std::string_view>>{
           {expired, "expired"}, {enc, "key_usage"}, {future, "not_yet_valid"}}) {
    crypto::Sm2PrivateKey key = NewKey();
    Certificate cert = pki::IssueCertificate(spec, key.public_key(), c_.ca, c_.ca_key).value();
    VerifyRequest r = Signed(cert, key);
    VerifyResult v = svs.VerifySignedData(r);
    ExpectCode(v, code);
    EXPECT_EQ(v.status, VerifyStatus::kCertificateInvalid);
    EXPECT_EQ(v.not_after, spec.not_after);
    r.data.push_back(0);  // a bad signature too: the certificate is reported first
    ExpectCode(svs.VerifySignedData(r), code);
  }
  // Another PKI's certificate.
  TestChain other = MakeChain();
  VerifyRequest foreign = Signed(other.leaf, other.leaf_key);
  ExpectCode(svs.VerifySignedData(foreign), "bad_signature");  // same CA name, other key
  foreign.extra_certificates = {other.ca.ToDer(), other.root.ToDer()};
  ExpectCode(svs.VerifySignedData(foreign), "untrusted_root");
  // Tampered certificate signature.
  VerifyRequest tampered = Signed();
  tampered.certificate.back() ^= 1;
  ExpectCode(svs.VerifySignedData(tampered), "bad_signature");
}

TEST_F(VerificationServiceTest, UntrustedRootAndChainFromRequest) {
  VerificationServiceConfig config = Config();
  config.intermediates.clear();
  VerificationService svs = Service(config);
  VerifyRequest r = Signed();
  ExpectCode(svs.VerifySignedData(r), "chain_incomplete");
  // The client may send the path (e.g. from its PKCS#7), PEM bundle or DER.
  r.extra_certificates = {ToBytes(AsBytes(pki::CertificatesToPem({c_.ca, c_.root})))};
  ExpectCode(svs.VerifySignedData(r), "ok");
  config.trusted_roots = {
      pki::SelfSignCertificate(pki::testing::CaSpec("other root", 9, std::nullopt), NewKey()).value()};
  ExpectCode(Service(config).VerifySignedData(r), "untrusted_root");
}

TEST_F(VerificationServiceTest, PolicyAndRevocation) {
  VerificationServiceConfig config = Config();
  config.required_policies = {"1.2.156.112560.1.1"};
  ExpectCode(Service(config).VerifySignedData(Signed()), "policy");

  config = Config();
  config.check_revocation = true;
  ExpectCode(Service(config).VerifySignedData(Signed()), "revocation_unknown");
  config.revocation = std::make_shared<pki::CrlRevocationChecker>(GoodCrls(c_));
  ExpectCode(Service(config).VerifySignedData(Signed()), "ok");
  std::vector<pki::Crl> crls = GoodCrls(c_);
  crls[1] = MakeCrl(c_.ca, c_.ca_key, {{c_.leaf.serial(), Now() - hours(1), pki::RevocationReason::kKeyCompromise}},
                    Now() - minutes(30), Now() + days(1), 2);
  config.revocation = std::make_shared<pki::CrlRevocationChecker>(crls);
  ExpectCode(Service(config).VerifySignedData(Signed()), "revoked");
}

// JR/T 7.3.1.3 c / 7.3.2.3 d: the certificate must be one registered for the claimed user.
TEST_F(VerificationServiceTest, UserBinding) {
  VerificationService svs = Service();
  VerifyRequest r = Signed();
  r.registered_serials = std::vector<Bytes>{{0x01}, c_.leaf.serial()};
  ExpectCode(svs.VerifySignedData(r), "ok");
  r.registered_serials = std::vector<Bytes>{{0x01}};
  ExpectCode(svs.VerifySignedData(r), "user_mismatch");
  r.registered_serials = std::vector<Bytes>{};
  ExpectCode(svs.VerifySignedData(r), "user_mismatch");
}

// JR/T 6.2.3: "certificate about to expire" alongside a successful answer.
TEST_F(VerificationServiceTest, ExpiringSoon) {
  CertificateSpec spec = LeafSpec("soon");
  spec.not_after = Now() + days(2);
  crypto::Sm2PrivateKey key = NewKey();
  Certificate cert = pki::IssueCertificate(spec, key.public_key(), c_.ca, c_.ca_key).value();
  VerificationService svs = Service();
  VerifyResult r = svs.VerifySignedData(Signed(cert, key));
  ExpectCode(r, "ok");
  EXPECT_TRUE(r.expiring_soon);
  EXPECT_FALSE(svs.VerifySignedData(Signed()).expiring_soon);

  VerifyResult v = svs.ValidateCertificate(cert.ToDer());
  ExpectCode(v, "ok");
  EXPECT_TRUE(v.expiring_soon);
  EXPECT_EQ(v.subject, cert.subject_string());
  ExpectCode(svs.ValidateCertificate(cert.ToDer(), std::vector<Bytes>{{0x09}}), "user_mismatch");
  ExpectCode(svs.ValidateCertificate(cert.ToDer(), std::nullopt, Now() + days(3)), "expired");
  ExpectCode(svs.ValidateCertificate(Bytes{0x00}), "malformed_certificate");
}

TEST_F(VerificationServiceTest, BatchKeepsOrderAndIsBounded) {
  VerificationServiceConfig config = Config();
  config.max_batch_size = 4;
  VerificationService svs = Service(config);
  std::vector<VerifyRequest> batch = {Signed(), Signed(), Signed(), Signed()};
  batch[1].data.push_back('!');
  batch[2].certificate = {0x00};
  batch[3].registered_serials = std::vector<Bytes>{};
  auto r = svs.BatchVerify(batch);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].code(), "ok");
  EXPECT_EQ((*r)[1].code(), "signature_invalid");
  EXPECT_EQ((*r)[2].code(), "malformed_certificate");
  EXPECT_EQ((*r)[3].code(), "user_mismatch");

  batch.push_back(Signed());
  auto too_many = svs.BatchVerify(batch);
  EXPECT_EQ(too_many.status().code(), Code::kResourceExhausted);
  auto empty = svs.BatchVerify({});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
  EXPECT_EQ(kDefaultMaxBatchSize, 100u);
}

// Film-shield 2.3.2: the server signs the challenge; the signature verifies against its
// certificate, through the service itself and directly.
TEST_F(VerificationServiceTest, ServerSignatureRoundTrip) {
  VerificationService svs = Service();
  const Bytes challenge = crypto::RandomBytes(crypto::SystemRng(), 32).value();
  auto sig = svs.SignData(challenge);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_EQ(sig->certificate.ToDer(), svs.server_chain().front().ToDer());
  EXPECT_EQ(sig->chain.size(), 3u);
  EXPECT_TRUE(crypto::Sm2Verify(sig->certificate.public_key().value(), challenge, sig->signature).ok());
  VerifyRequest r;
  r.certificate = sig->certificate.ToDer();
  r.data = challenge;
  r.signature = sig->signature;
  ExpectCode(svs.VerifySignedData(r), "ok");
  r.data[0] ^= 1;
  ExpectCode(svs.VerifySignedData(r), "signature_invalid");
}

TEST_F(VerificationServiceTest, CreateChecksConfigurationAndIdentity) {
  auto no_identity = VerificationService::Create(Config());
  ASSERT_TRUE(no_identity.ok());
  EXPECT_EQ(no_identity->SignData(kData).status().code(), Code::kFailedPrecondition);
  EXPECT_TRUE(no_identity->server_chain().empty());
  ExpectCode(no_identity->VerifySignedData(Signed()), "ok");

  VerificationServiceConfig no_roots = Config();
  no_roots.trusted_roots.clear();
  EXPECT_EQ(VerificationService::Create(no_roots).status().code(), Code::kInvalidArgument);
  VerificationServiceConfig zero_batch = Config();
  zero_batch.max_batch_size = 0;
  EXPECT_EQ(VerificationService::Create(zero_batch).status().code(), Code::kInvalidArgument);

  ServerIdentity wrong_key = Identity();
  wrong_key.key = NewKey();
  EXPECT_EQ(VerificationService::Create(Config(), std::move(wrong_key)).status().code(), Code::kInvalidArgument);
  ServerIdentity empty = Identity();
  empty.chain.clear();
  EXPECT_EQ(VerificationService::Create(Config(), std::move(empty)).status().code(), Code::kInvalidArgument);

  // A server certificate that may not sign is refused at start-up.
  crypto::Sm2PrivateKey key = NewKey();
  CertificateSpec spec = LeafSpec("enc only");
  spec.key_usage = pki::key_usage::kKeyEncipherment;
  Certificate enc = pki::IssueCertificate(spec, key.public_key(), c_.ca, c_.ca_key).value();
  auto refused = VerificationService::Create(Config(), ServerIdentity{std::move(key), {enc, c_.ca}});
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("key_usage"), std::string::npos);
}

TEST_F(VerificationServiceTest, ConcurrentVerification) {
  const VerificationService svs = Service();
  const VerifyRequest good = Signed();
  VerifyRequest bad = Signed();
  bad.data.push_back(1);
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        if (!svs.VerifySignedData(good).ok()) ++failures[t];
        if (svs.VerifySignedData(bad).code() != "signature_invalid") ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int f : failures) EXPECT_EQ(f, 0);
}

// Signatures made by `openssl dgst -sm3 -sign -sigopt distid:...` verify in the service, and the
// server's signatures verify with `openssl dgst -verify`.
TEST_F(VerificationServiceTest, OpensslInterop) {
  TempDir dir;
  auto run = [](const std::string& cmd) {
    auto r = RunCommand(cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd << "\n" << r.output;
    return r.exit_code;
  };
  ASSERT_EQ(run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + dir.File("key.pem")), 0);
  crypto::Sm2PrivateKey key = pki::LoadPrivateKey(ReadBytes(dir.File("key.pem"))).value();
  CertificateSpec spec = LeafSpec("openssl signer");
  spec.serial = {0x0a, 0x55};
  Certificate cert = pki::IssueCertificate(spec, key.public_key(), c_.ca, c_.ca_key).value();
  WriteBytes(dir.File("data.bin"), kData);
  VerificationService svs = Service();
  for (const std::string id : {"1234567812345678", "ALICE123@YAHOO.COM"}) {
    ASSERT_EQ(run("openssl dgst -sm3 -sign " + dir.File("key.pem") + " -sigopt distid:" + id + " -out " +
                  dir.File("sig.der") + " " + dir.File("data.bin")),
              0);
    VerifyRequest r;
    r.certificate = cert.ToDer();
    r.data = kData;
    r.signature = ReadBytes(dir.File("sig.der"));
    if (id != "1234567812345678") {
      ExpectCode(svs.VerifySignedData(r), "signature_invalid");
      r.signer_id = ToBytes(AsBytes(id));
    }
    ExpectCode(svs.VerifySignedData(r), "ok");
  }

  auto sig = svs.SignData(kData);
  ASSERT_TRUE(sig.ok());
  WriteText(dir.File("server.pem"), sig->certificate.ToPem());
  WriteBytes(dir.File("server.sig"), sig->signature);
  ASSERT_EQ(run("openssl x509 -in " + dir.File("server.pem") + " -pubkey -noout -out " + dir.File("server_pub.pem")),
            0);
  const std::string verify =
      "openssl dgst -sm3 -verify " + dir.File("server_pub.pem") + " -signature " + dir.File("server.sig") + " ";
  EXPECT_EQ(RunCommand(verify + "-sigopt distid:1234567812345678 " + dir.File("data.bin")).exit_code, 0);
  EXPECT_NE(RunCommand(verify + dir.File("data.bin")).exit_code, 0);  // OpenSSL's empty default ID
}

}  // namespace
}  // namespace sedun::svs
