// Writes the seed corpora of fuzz/pki_*_fuzzer.cc: set SEDUN_FUZZ_SEEDS_DIR (normally
// <repo>/fuzz/corpus) and run `sedun_pki_test --gtest_filter=FuzzSeeds.*`. Skipped otherwise.
// Seeds come from sedun's builders and from the openssl command line, so both encoders'
// habits are represented.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "pki/crl.h"
#include "pki/csr.h"
#include "pki/key_io.h"
#include "pki/ocsp_builder.h"
#include "pki/pki_test_util.h"
#include "pki/signature.h"
#include "util/temp_dir.h"

namespace sedun::pki {
namespace {

using sedun::testing::TempDir;
using testing::MakeChain;
using testing::ReadBytes;
using testing::RunCommand;
using testing::WriteBytes;
using testing::WriteText;

TEST(FuzzSeeds, Generate) {
  const char* root = std::getenv("SEDUN_FUZZ_SEEDS_DIR");
  if (root == nullptr) GTEST_SKIP() << "SEDUN_FUZZ_SEEDS_DIR not set";
  auto dir = [&](const char* name) {
    std::string d = std::string(root) + "/" + name;
    std::filesystem::create_directories(d);
    return d + "/";
  };
  const std::string cert_dir = dir("pki_cert"), csr_dir = dir("pki_csr"), crl_dir = dir("pki_crl"),
                    ocsp_dir = dir("pki_ocsp");
  TempDir tmp;
  auto chain = MakeChain();

  WriteBytes(cert_dir + "sedun_root.der", chain.root.ToDer());
  WriteBytes(cert_dir + "sedun_ca.der", chain.ca.ToDer());
  WriteBytes(cert_dir + "sedun_leaf.der", chain.leaf.ToDer());
  const std::string key = tmp.File("k.pem");
  ASSERT_EQ(RunCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + key).exit_code,
            0);
  ASSERT_EQ(RunCommand("openssl req -x509 -new -key " + key +
                       " -subj /C=CN/O=ossl/CN=root -sm3 -days 30 -sigopt "
                       "distid:1234567812345678 -addext basicConstraints=critical,CA:TRUE -addext "
                       "subjectAltName=DNS:example.test,email:a@example.test -outform DER -out " +
                       cert_dir + "openssl_sm2.der")
                .exit_code,
            0);
  ASSERT_EQ(RunCommand("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
                       tmp.File("p.pem") + " -subj /CN=p256 -days 1 -outform DER -out " + cert_dir +
                       "openssl_p256.der")
                .exit_code,
            0);

  WriteBytes(csr_dir + "sedun.der", CreateCsr({{"C", "CN"}, {"CN", "seed"}}, chain.leaf_key)->ToDer());
  ASSERT_EQ(RunCommand("openssl req -new -key " + key +
                       " -subj /CN=x/O=y -sm3 -sigopt distid:1234567812345678 "
                       "-addext keyUsage=digitalSignature -outform DER -out " +
                       csr_dir + "openssl_sm2.der")
                .exit_code,
            0);
  ASSERT_EQ(RunCommand("openssl req -new -key " + tmp.File("p.pem") + " -subj /CN=p -outform DER -out " +
                       csr_dir + "openssl_p256.der")
                .exit_code,
            0);

  using namespace std::chrono;
  const sys_seconds now = testing::Now();
  CrlBuilder crl;
  crl.set_this_update(now).set_next_update(now + days(7)).set_crl_number({0x01, 0x00});
  crl.AddRevoked({chain.leaf.serial(), now - days(1), RevocationReason::kKeyCompromise});
  crl.AddRevoked({{0x42}, now - days(2), std::nullopt});
  WriteBytes(crl_dir + "sedun_entries.der", crl.Sign(chain.ca, chain.ca_key)->ToDer());
  CrlBuilder empty;
  empty.set_this_update(now).set_next_update(now + days(1)).set_crl_number({1});
  WriteBytes(crl_dir + "sedun_empty.der", empty.Sign(chain.root, chain.root_key)->ToDer());
  WriteText(tmp.File("ca.pem"), chain.ca.ToPem());
  WriteBytes(tmp.File("ca.key"), PrivateKeyToPem(chain.ca_key)->view());
  {
    TempDir db;
    std::string pem = testing::OpensslGenCrl(db.path(), tmp.File("ca.pem"), tmp.File("ca.key"), true);
    ASSERT_EQ(
        RunCommand("openssl crl -in " + pem + " -outform DER -out " + crl_dir + "openssl_ca.der").exit_code,
        0);
  }

  OcspCertId id = MakeOcspCertId(chain.leaf, chain.ca).value();
  OcspCertId sm3_id = MakeOcspCertId(chain.ca, chain.root, OcspHashAlgorithm::kSm3).value();
  WriteBytes(ocsp_dir + "sedun_request.der", OcspRequest::Create({id, sm3_id}, Bytes(16, 9))->ToDer());
  OcspResponseBuilder b;
  b.AddResponse(
      {id, OcspCertStatus::kRevoked, now - days(1), RevocationReason::kKeyCompromise, now, now + hours(4)});
  b.AddResponse({sm3_id, OcspCertStatus::kGood, std::nullopt, std::nullopt, now, std::nullopt});
  b.set_nonce(Bytes(16, 9));
  WriteBytes(ocsp_dir + "sedun_response.der", b.Sign(chain.ca, chain.ca_key)->ToDer());
  WriteBytes(ocsp_dir + "sedun_trylater.der",
             OcspResponseBuilder::Unsuccessful(OcspResponseStatus::kTryLater)->ToDer());
  WriteText(tmp.File("leaf.pem"), chain.leaf.ToPem());
  WriteText(tmp.File("index.txt"),
            "V\t301231235959Z\t\t" + chain.leaf.serial_hex() + "\tunknown\t/CN=leaf\n");
  ASSERT_EQ(RunCommand("openssl ocsp -issuer " + tmp.File("ca.pem") + " -cert " + tmp.File("leaf.pem") +
                       " -reqout " + ocsp_dir + "openssl_request.der")
                .exit_code,
            0);
  ASSERT_EQ(RunCommand("openssl ocsp -index " + tmp.File("index.txt") + " -rsigner " + tmp.File("ca.pem") +
                       " -rkey " + tmp.File("ca.key") + " -CA " + tmp.File("ca.pem") + " -reqin " + ocsp_dir +
                       "openssl_request.der -ndays 1 -rsigopt distid:1234567812345678 -respout " + ocsp_dir +
                       "openssl_response.der")
                .exit_code,
            0);
}

}  // namespace
}  // namespace sedun::pki
