// Tests of Certificate: accessors on a chain built by cert_builder, PEM/DER and bundle round
// trips, default-ID signature verification in process and with the openssl command line, the
// SM3withSM2 parameter forms, and rejection of malformed certificates.
#include "pki/certificate.h"

#include <gtest/gtest.h>

#include <functional>

#include "pki/asn1_util.h"
#include "pki/der_walk.h"
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
using testing::ReadBytes;
using testing::RunCommand;
using testing::TestChain;
using testing::WriteText;

Bytes H(std::string_view hex) { return HexDecode(hex).value(); }

class CertificateTest : public ::testing::Test {
 protected:
  TestChain chain_ = MakeChain();
};

TEST_F(CertificateTest, Accessors) {
  const Certificate& leaf = chain_.leaf;
  EXPECT_EQ(leaf.version(), 3);
  EXPECT_EQ(leaf.serial(), H("0123456789"));
  EXPECT_EQ(leaf.serial_hex(), "0123456789");
  EXPECT_EQ(leaf.subject_string(), "CN=leaf,O=sedun test,C=CN");
  EXPECT_EQ(leaf.issuer_string(), "CN=sedun ca,O=sedun test,C=CN");
  DistinguishedName expected = {{"C", "CN"}, {"O", "sedun test"}, {"CN", "leaf"}};
  EXPECT_EQ(leaf.subject(), expected);
  EXPECT_EQ(leaf.issuer_der(), chain_.ca.subject_der());
  EXPECT_EQ(leaf.signature_algorithm(), "1.2.156.10197.1.501");
  ASSERT_TRUE(leaf.public_key().ok());
  EXPECT_TRUE(*leaf.public_key() == chain_.leaf_key.public_key());
  EXPECT_EQ(leaf.not_after() - leaf.not_before(), std::chrono::hours(1) + std::chrono::days(30));

  ASSERT_TRUE(leaf.basic_constraints().has_value());
  EXPECT_FALSE(leaf.basic_constraints()->ca);
  EXPECT_FALSE(leaf.IsCa());
  EXPECT_EQ(leaf.key_usage(), key_usage::kDigitalSignature | key_usage::kNonRepudiation);
  EXPECT_EQ(leaf.extended_key_usage(), std::vector<std::string>{"1.3.6.1.5.5.7.3.2"});
  EXPECT_EQ(leaf.crl_distribution_urls(), std::vector<std::string>{"http://crl.example.test/ca.crl"});
  EXPECT_EQ(leaf.ocsp_urls(), std::vector<std::string>{"http://ocsp.example.test/"});
  EXPECT_TRUE(leaf.ca_issuer_urls().empty());
  EXPECT_TRUE(leaf.policy_oids().empty());
  ASSERT_TRUE(leaf.authority_key_id().has_value());
  EXPECT_EQ(*leaf.authority_key_id(), *chain_.ca.subject_key_id());
  EXPECT_EQ(leaf.sm3_fingerprint(), crypto::Sm3Hash(leaf.ToDer()).value());
  EXPECT_FALSE(leaf.IsSelfIssued());

  EXPECT_TRUE(chain_.root.IsSelfIssued());
  EXPECT_TRUE(chain_.root.IsCa());
  EXPECT_EQ(chain_.root.basic_constraints()->path_len, std::nullopt);
  EXPECT_EQ(chain_.ca.basic_constraints()->path_len, 0u);
  EXPECT_EQ(chain_.root.key_usage(), key_usage::kKeyCertSign | key_usage::kCrlSign);
  EXPECT_EQ(*chain_.root.authority_key_id(), *chain_.root.subject_key_id());

  // basicConstraints: critical, and cA FALSE written out (see cert_builder.h).
  bool found = false;
  for (const ExtensionInfo& e : leaf.extensions()) {
    if (e.oid != "2.5.29.19") continue;
    found = true;
    EXPECT_TRUE(e.critical);
    EXPECT_EQ(e.value, H("3003010100"));
  }
  EXPECT_TRUE(found);
}

TEST_F(CertificateTest, PemDerRoundTrip) {
  for (const Certificate* c : {&chain_.root, &chain_.ca, &chain_.leaf}) {
    auto from_pem = Certificate::FromPem(c->ToPem());
    ASSERT_TRUE(from_pem.ok()) << from_pem.status().ToString();
    EXPECT_EQ(from_pem->ToDer(), c->ToDer());
    auto from_der = Certificate::FromDer(c->ToDer());
    ASSERT_TRUE(from_der.ok());
    EXPECT_EQ(from_der->ToPem(), c->ToPem());
    EXPECT_TRUE(Certificate::Load(AsBytes(c->ToPem())).ok());
    EXPECT_TRUE(Certificate::Load(c->ToDer()).ok());
  }
  Certificate copy = chain_.leaf;  // shares the decoded object
  EXPECT_EQ(copy.native(), chain_.leaf.native());
}

TEST_F(CertificateTest, Bundle) {
  std::string pem = CertificatesToPem({chain_.leaf, chain_.ca, chain_.root});
  // Explanatory text and a key block in between are tolerated.
  pem.insert(0, "subject=leaf\n");
  pem += AsChars(PrivateKeyToPem(chain_.leaf_key)->view());
  auto certs = LoadCertificates(AsBytes(pem));
  ASSERT_TRUE(certs.ok()) << certs.status().ToString();
  ASSERT_EQ(certs->size(), 3u);
  EXPECT_EQ((*certs)[0].ToDer(), chain_.leaf.ToDer());
  EXPECT_EQ((*certs)[2].ToDer(), chain_.root.ToDer());
  auto single = LoadCertificates(chain_.ca.ToDer());
  ASSERT_TRUE(single.ok());
  EXPECT_EQ(single->size(), 1u);
  EXPECT_EQ(LoadCertificates(AsBytes(AsChars(PrivateKeyToPem(chain_.leaf_key)->view()))).status().code(),
            Code::kMalformed);
  std::string broken = chain_.root.ToPem() + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  auto b = LoadCertificates(AsBytes(broken));
  EXPECT_EQ(b.status().code(), Code::kMalformed);
  EXPECT_NE(b.status().message().find("certificate 2 of the bundle"), std::string::npos)
      << b.status().ToString();
}

TEST_F(CertificateTest, VerifySignature) {
  EXPECT_TRUE(chain_.root.VerifySignature(chain_.root).ok());
  EXPECT_TRUE(chain_.ca.VerifySignature(chain_.root).ok());
  EXPECT_TRUE(chain_.leaf.VerifySignature(chain_.ca).ok());
  EXPECT_TRUE(chain_.leaf.VerifySignature(chain_.ca_key.public_key()).ok());
  // Wrong key.
  EXPECT_EQ(chain_.leaf.VerifySignature(chain_.root_key.public_key()).code(), Code::kVerifyFailed);
  // Wrong issuer certificate: caught by name before the signature.
  EXPECT_EQ(chain_.leaf.VerifySignature(chain_.root).code(), Code::kVerifyFailed);
  // A flipped bit in the signature.
  Bytes der = chain_.leaf.ToDer();
  der[der.size() - 3] ^= 0x01;
  auto tampered = Certificate::FromDer(der);
  ASSERT_TRUE(tampered.ok());
  EXPECT_EQ(tampered->VerifySignature(chain_.ca).code(), Code::kVerifyFailed);
}

// OpenSSL's own X509_verify agrees, but only once the default ID is attached to the object
// (reference §8): without it OpenSSL 3.0 verifies with an empty ID and fails.
TEST_F(CertificateTest, OpensslX509VerifyNeedsDistinguishingId) {
  const Bytes& der = chain_.leaf.ToDer();
  X509Ptr x = D2iExact<X509Ptr>(d2i_X509, der, "leaf").value();
  crypto::ossl::EvpPkeyPtr ca_key = ToEvpPkey(chain_.ca_key.public_key()).value();
  EXPECT_NE(X509_verify(x.get(), ca_key.get()), 1);
  ClearErrors();
  ASN1_OCTET_STRING* id = ASN1_OCTET_STRING_new();
  ASSERT_EQ(ASN1_OCTET_STRING_set(id, reinterpret_cast<const unsigned char*>(kSm2DefaultId.data()),
                                  static_cast<int>(kSm2DefaultId.size())),
            1);
  X509_set0_distinguishing_id(x.get(), id);
  EXPECT_EQ(X509_verify(x.get(), ca_key.get()), 1);
}

TEST_F(CertificateTest, OpensslCliParsesAndVerifies) {
  TempDir dir;
  WriteText(dir.File("root.pem"), chain_.root.ToPem());
  WriteText(dir.File("ca.pem"), chain_.ca.ToPem());
  WriteText(dir.File("leaf.pem"), chain_.leaf.ToPem());
  auto r = RunCommand("openssl x509 -in " + dir.File("leaf.pem") + " -text -noout");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* expect :
       {"SM2-with-SM3", "CA:FALSE", "Digital Signature, Non Repudiation", "TLS Web Client Authentication",
        "URI:http://crl.example.test/ca.crl", "OCSP - URI:http://ocsp.example.test/", "ASN1 OID: SM2"}) {
    EXPECT_NE(r.output.find(expect), std::string::npos) << expect << "\n" << r.output;
  }
  r = RunCommand("openssl x509 -in " + dir.File("ca.pem") + " -text -noout");
  EXPECT_NE(r.output.find("CA:TRUE, pathlen:0"), std::string::npos) << r.output;

  // OpenSSL 3.0.19 `openssl verify -vfyopt distid:...` attaches the ID only to the certificates
  // named on the command line, not to -untrusted or -CAfile ones, so each link is checked with
  // the link's child as the target and -partial_chain to trust its parent.
  const std::string distid = " -vfyopt distid:1234567812345678";
  r = RunCommand("openssl verify" + distid + " -CAfile " + dir.File("root.pem") + " " + dir.File("ca.pem"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = RunCommand("openssl verify" + distid + " -partial_chain -CAfile " + dir.File("ca.pem") + " " +
                 dir.File("leaf.pem"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  r = RunCommand("openssl verify" + distid + " -check_ss_sig -partial_chain -CAfile " + dir.File("root.pem") +
                 " " + dir.File("root.pem"));
  // The trust anchor is the -CAfile copy (no ID), so even -check_ss_sig on the root fails in
  // 3.0.19; the root's self-signature is checked in process above.
  (void)r;
  // Whole chain in one command: fails at depth 1 in 3.0.19 for the reason above. Accept success
  // too, so that a fixed OpenSSL does not break the test.
  r = RunCommand("openssl verify" + distid + " -CAfile " + dir.File("root.pem") + " -untrusted " +
                 dir.File("ca.pem") + " " + dir.File("leaf.pem"));
  if (r.exit_code != 0) {
    EXPECT_NE(r.output.find("error 7 at 1 depth lookup: certificate signature failure"), std::string::npos)
        << r.output;
  }
  // Without the ID openssl fails the leaf itself (empty-ID verification).
  r = RunCommand("openssl verify -partial_chain -CAfile " + dir.File("ca.pem") + " " + dir.File("leaf.pem"));
  EXPECT_NE(r.exit_code, 0) << r.output;
}

// The whole chain verifies in OpenSSL's path validation once every certificate carries the ID.
TEST_F(CertificateTest, OpensslPathValidationInProcess) {
  auto with_id = [](const Certificate& c) {
    X509Ptr x = D2iExact<X509Ptr>(d2i_X509, c.ToDer(), "cert").value();
    ASN1_OCTET_STRING* id = ASN1_OCTET_STRING_new();
    EXPECT_EQ(ASN1_OCTET_STRING_set(id, reinterpret_cast<const unsigned char*>(kSm2DefaultId.data()), 16), 1);
    X509_set0_distinguishing_id(x.get(), id);
    return x;
  };
  X509Ptr root = with_id(chain_.root), ca = with_id(chain_.ca), leaf = with_id(chain_.leaf);
  std::unique_ptr<X509_STORE, OsslFree<X509_STORE_free>> store(X509_STORE_new());
  ASSERT_EQ(X509_STORE_add_cert(store.get(), root.get()), 1);
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  ASSERT_GT(sk_X509_push(untrusted, ca.get()), 0);
  std::unique_ptr<X509_STORE_CTX, OsslFree<X509_STORE_CTX_free>> ctx(X509_STORE_CTX_new());
  ASSERT_EQ(X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), untrusted), 1);
  X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_CHECK_SS_SIGNATURE | X509_V_FLAG_X509_STRICT);
  EXPECT_EQ(X509_verify_cert(ctx.get()), 1)
      << X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
  sk_X509_free(untrusted);
}

TEST(CertificateInterop, CertificateMadeByOpenssl) {
  TempDir dir;
  const std::string key = dir.File("k.pem");
  ASSERT_EQ(RunCommand("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out " + key).exit_code,
            0);
  auto r = RunCommand("openssl req -x509 -new -key " + key +
                      " -subj /C=CN/O=ossl/CN=root -sm3 -days 30 -sigopt "
                      "distid:1234567812345678 -addext basicConstraints=critical,CA:TRUE -out " +
                      dir.File("id.pem"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunCommand("openssl req -x509 -new -key " + key + " -subj /CN=noid -sm3 -days 30 -out " +
                 dir.File("noid.pem"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto k = LoadPrivateKey(ReadBytes(key));
  ASSERT_TRUE(k.ok());

  auto cert = Certificate::Load(ReadBytes(dir.File("id.pem")));
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_EQ(cert->subject_string(), "CN=root,O=ossl,C=CN");
  EXPECT_TRUE(cert->IsCa());
  EXPECT_TRUE(*cert->public_key() == k->public_key());
  EXPECT_TRUE(cert->VerifySignature(*cert).ok());
  // Signed with OpenSSL's default empty ID: not GM/T-conformant, and it does not verify.
  auto noid = Certificate::Load(ReadBytes(dir.File("noid.pem")));
  ASSERT_TRUE(noid.ok());
  EXPECT_EQ(noid->VerifySignature(*noid).code(), Code::kVerifyFailed);
}

TEST(CertificateInterop, NonSm2CertificateLoadsButIsNotUsable) {
  TempDir dir;
  auto r = RunCommand("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
                      dir.File("k.pem") + " -subj /CN=p256 -days 1 -out " + dir.File("c.pem"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto cert = Certificate::Load(ReadBytes(dir.File("c.pem")));
  ASSERT_TRUE(cert.ok()) << cert.status().ToString();
  EXPECT_EQ(cert->public_key().status().code(), Code::kUnsupported);
  EXPECT_EQ(cert->signature_algorithm(), "1.2.840.10045.4.3.2");
  EXPECT_EQ(cert->VerifySignature(NewKey().public_key()).code(), Code::kUnsupported);
}

// Rebuilds `tbs` with its signature AlgorithmIdentifier replaced.
Bytes ReplaceTbsAlgorithm(ByteView tbs, ByteView alg) {
  DerElement seq = DerParseSingle(tbs, der_tag::kSequence, "tbs").value();
  ByteReader r(seq.contents);
  ByteWriter w;
  DerElement e;
  bool replaced = false;
  while (!r.empty()) {
    EXPECT_TRUE(DerRead(r, &e));
    if (!replaced && e.tag == der_tag::kSequence) {
      w.PutBytes(alg);
      replaced = true;
    } else {
      w.PutBytes(e.whole);
    }
  }
  return DerEncode(der_tag::kSequence, w.bytes());
}

TEST_F(CertificateTest, SignatureAlgorithmParameters) {
  const Bytes null_alg = H("300c06082a811ccf550183750500");
  SignedParts parts = SplitSigned(chain_.leaf.ToDer(), "leaf").value();
  // NULL parameters in both places (as some deployed CA certificates have): accepted.
  Bytes tbs = ReplaceTbsAlgorithm(parts.tbs, null_alg);
  Bytes sig = Sm2SignWithDefaultId(chain_.ca_key, tbs).value();
  auto with_null = Certificate::FromDer(AssembleSigned(tbs, null_alg, sig));
  ASSERT_TRUE(with_null.ok()) << with_null.status().ToString();
  EXPECT_TRUE(with_null->VerifySignature(chain_.ca).ok());
  // Inner and outer differ: refused (RFC 5280 4.1.1.2).
  auto mixed = Certificate::FromDer(AssembleSigned(tbs, Sm3WithSm2AlgorithmId(), sig));
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(mixed->VerifySignature(chain_.ca).code(), Code::kMalformed);
}

TEST_F(CertificateTest, RejectsMalformed) {
  const Bytes& der = chain_.leaf.ToDer();
  Bytes trailing = der;
  trailing.push_back(0);
  auto t = Certificate::FromDer(trailing);
  EXPECT_EQ(t.status().code(), Code::kMalformed);
  EXPECT_NE(t.status().message().find("certificate"), std::string::npos);
  for (size_t cut : {size_t{1}, size_t{10}, der.size() / 2, der.size() - 1}) {
    EXPECT_EQ(Certificate::FromDer(ByteView(der).first(cut)).status().code(), Code::kMalformed) << cut;
  }
  EXPECT_EQ(Certificate::FromDer({}).status().code(), Code::kMalformed);
  EXPECT_EQ(
      Certificate::FromPem("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").status().code(),
      Code::kMalformed);
  EXPECT_EQ(Certificate::FromPem("not a certificate").status().code(), Code::kMalformed);
  EXPECT_EQ(Certificate::Load(AsBytes("garbage")).status().code(), Code::kMalformed);
  // A well-formed SEQUENCE that is not a certificate.
  EXPECT_EQ(Certificate::FromDer(H("3003020101")).status().code(), Code::kMalformed);
}

// Certificates built field by field through OpenSSL, to get encodings cert_builder refuses.
Result<Certificate> BuildRaw(const crypto::Sm2PrivateKey& key, const std::function<void(X509*)>& tweak) {
  X509Ptr x(X509_new());
  X509_set_version(x.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 7);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(x.get()), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>("raw"), -1, -1, 0);
  X509_set_issuer_name(x.get(), X509_get_subject_name(x.get()));
  X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600);
  crypto::ossl::EvpPkeyPtr pkey = ToEvpPkey(key).value();
  X509_set_pubkey(x.get(), pkey.get());
  tweak(x.get());
  crypto::ossl::EvpMdCtxPtr md = NewSm2SignContext(pkey.get()).value();
  EXPECT_GT(X509_sign_ctx(x.get(), md.get()), 0);
  return Certificate::FromDer(I2d(i2d_X509, x.get(), "raw").value());
}

TEST(CertificateStrictness, RawBuilderBaseline) {
  auto key = NewKey();
  auto c = BuildRaw(key, [](X509*) {});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->VerifySignature(key.public_key()).ok());
}

TEST(CertificateStrictness, DuplicateExtension) {
  auto key = NewKey();
  auto c = BuildRaw(key, [](X509* x) {
    for (int i = 0; i < 2; ++i) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, nullptr, NID_basic_constraints, "critical,CA:TRUE");
      X509_add_ext(x, ext, -1);
      X509_EXTENSION_free(ext);
    }
  });
  EXPECT_EQ(c.status().code(), Code::kMalformed) << c.status().ToString();
}

TEST(CertificateStrictness, NegativeSerial) {
  auto key = NewKey();
  auto c = BuildRaw(key, [](X509* x) { ASN1_INTEGER_set(X509_get_serialNumber(x), -5); });
  EXPECT_EQ(c.status().code(), Code::kMalformed) << c.status().ToString();
}

TEST(CertificateStrictness, UndecodableKnownExtension) {
  auto key = NewKey();
  auto c = BuildRaw(key, [](X509* x) {
    Asn1OctetStringPtr os(ASN1_OCTET_STRING_new());
    const unsigned char junk[] = {0x04, 0x01};  // keyUsage must be a BIT STRING
    ASN1_OCTET_STRING_set(os.get(), junk, 2);
    X509ExtensionPtr ext(X509_EXTENSION_create_by_NID(nullptr, NID_key_usage, 1, os.get()));
    X509_add_ext(x, ext.get(), -1);
  });
  EXPECT_EQ(c.status().code(), Code::kMalformed) << c.status().ToString();
}

}  // namespace
}  // namespace sedun::pki
