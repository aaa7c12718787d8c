// Path validation against the openssl command line, the outside authority: `openssl verify`
// (with the GM/T 0009 default ID) accepts each link of a chain the validator accepts and refuses
// the tampered one; certificates made by openssl are validated here (an ECDSA chain is refused
// for its algorithm, an SM2 chain with an unknown critical extension is refused, the same chain
// without it is accepted).
#include <gtest/gtest.h>

#include "pki/key_io.h"
#include "pki/validation.h"
#include "pki/validation_test_util.h"
#include "util/temp_dir.h"

namespace sedun::pki {
namespace {

using sedun::testing::TempDir;
using testing::BaseOptions;
using testing::MakeChain;
using testing::ReadBytes;
using testing::RunCommand;
using testing::TestChain;
using testing::WriteText;

constexpr const char* kDistId = " -vfyopt distid:1234567812345678";

class ValidationOpensslTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string F(const std::string& name) const { return dir_.File(name); }

  // `openssl verify` of `cert_pem` with `issuer_pem` as the only (partial-chain) anchor.
  int VerifyLink(const std::string& issuer_pem, const std::string& cert_pem, bool with_id = true) {
    auto r = RunCommand(std::string("openssl verify") + (with_id ? kDistId : "") + " -partial_chain -CAfile " +
                        issuer_pem + " " + cert_pem);
    return r.exit_code;
  }

  void Run(const std::string& command) {
    auto r = RunCommand(command);
    ASSERT_EQ(r.exit_code, 0) << command << "\n" << r.output;
  }
};

TEST_F(ValidationOpensslTest, OpensslAgreesOnEachLink) {
  TestChain c = MakeChain();
  ASSERT_TRUE(ValidateCertificate(c.leaf, BaseOptions(c)).ok());
  WriteText(F("root.pem"), c.root.ToPem());
  WriteText(F("ca.pem"), c.ca.ToPem());
  WriteText(F("leaf.pem"), c.leaf.ToPem());
  EXPECT_EQ(VerifyLink(F("root.pem"), F("root.pem")), 0);
  EXPECT_EQ(VerifyLink(F("root.pem"), F("ca.pem")), 0);
  EXPECT_EQ(VerifyLink(F("ca.pem"), F("leaf.pem")), 0);
  // (A whole path in one `openssl verify` call is not possible: -vfyopt sets the ID for the
  // target certificate only, the issuers' signatures are then checked with an empty ID.)
  // OpenSSL 3.0 without the ID uses an empty one and refuses (certificate.h).
  EXPECT_NE(VerifyLink(F("ca.pem"), F("leaf.pem"), false), 0);

  // Both refuse a flipped signature bit.
  Bytes der = c.leaf.ToDer();
  der.back() ^= 0x01;
  Certificate tampered = Certificate::FromDer(der).value();
  WriteText(F("tampered.pem"), tampered.ToPem());
  EXPECT_NE(VerifyLink(F("ca.pem"), F("tampered.pem")), 0);
  EXPECT_EQ(ValidateCertificate(tampered, BaseOptions(c)).code(), "bad_signature");
}

// JR/T 7.3.2.2 b: an ECDSA (P-256, SHA-256) chain made by openssl is refused for its algorithm.
TEST_F(ValidationOpensslTest, EcdsaChainIsNotAllowed) {
  Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + F("ec_root.key") + " -out " +
      F("ec_root.pem") + " -subj /CN=ecdsa-root -days 2 -sha256" +
      " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign");
  Run("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + F("ec_leaf.key") + " -out " +
      F("ec_leaf.csr") + " -subj /CN=ecdsa-leaf");
  WriteText(F("ext.cnf"),
            "[e]\nkeyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=critical,CA:FALSE\n");
  Run("openssl x509 -req -in " + F("ec_leaf.csr") + " -CA " + F("ec_root.pem") + " -CAkey " + F("ec_root.key") +
      " -sha256 -set_serial 0x42 -days 1 -extfile " + F("ext.cnf") + " -extensions e -out " + F("ec_leaf.pem"));
  Certificate root = Certificate::Load(ReadBytes(F("ec_root.pem"))).value();
  Certificate leaf = Certificate::Load(ReadBytes(F("ec_leaf.pem"))).value();
  EXPECT_EQ(leaf.signature_algorithm(), "1.2.840.10045.4.3.2");
  ValidationOptions o;
  o.trusted_roots = {root};
  o.check_revocation = false;
  ValidationResult r = ValidateCertificate(leaf, o);
  EXPECT_EQ(r.code(), "algorithm_not_allowed") << r.message;
  EXPECT_EQ(r.failed_index, 0u);
  // OpenSSL itself is content with the chain: the refusal is the profile's.
  EXPECT_EQ(VerifyLink(F("ec_root.pem"), F("ec_leaf.pem"), false), 0);
}

// An SM2 certificate made by openssl under our CA validates; with an unknown critical extension
// both refuse it (RFC 5280 4.2).
TEST_F(ValidationOpensslTest, OpensslIssuedLeafAndCriticalExtension) {
  TestChain c = MakeChain();
  WriteText(F("ca.pem"), c.ca.ToPem());
  WriteText(F("ca.key"), std::string(AsChars(PrivateKeyToPem(c.ca_key).value().view())));
  Run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + F("leaf.key"));
  Run("openssl req -new -key " + F("leaf.key") + " -sm3 -sigopt distid:1234567812345678 -subj /CN=openssl-leaf -out " +
      F("leaf.csr"));
  WriteText(F("ext.cnf"),
            "[plain]\nkeyUsage=critical,digitalSignature\n"
            "[crit]\nkeyUsage=critical,digitalSignature\n1.2.3.4=critical,ASN1:NULL\n"
            "[noncrit]\nkeyUsage=critical,digitalSignature\n1.2.3.4=ASN1:NULL\n");
  for (const std::string section : {"plain", "crit", "noncrit"}) {
    const std::string out = F(section + ".pem");
    Run("openssl x509 -req -in " + F("leaf.csr") + " -CA " + F("ca.pem") + " -CAkey " + F("ca.key") +
        " -sm3 -sigopt distid:1234567812345678 -vfyopt distid:1234567812345678 -set_serial 0x5150 -days 1" +
        " -extfile " + F("ext.cnf") + " -extensions " + section + " -out " + out);
    Certificate leaf = Certificate::Load(ReadBytes(out)).value();
    ValidationResult r = ValidateCertificate(leaf, BaseOptions(c));
    const bool critical = section == "crit";
    EXPECT_EQ(r.code(), critical ? "malformed_certificate" : "ok") << section << ": " << r.message;
    EXPECT_EQ(VerifyLink(F("ca.pem"), out) == 0, !critical) << section;
  }
}

}  // namespace
}  // namespace sedun::pki
