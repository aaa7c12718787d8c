// Certificate work the server does per request, measured through sedun and, in the same run,
// through OpenSSL directly:
//   ValidateChain  root -> issuing CA -> leaf: sedun's JR/T 0093.6 7.3.2.2 validation (names,
//                  signatures, CA rules, validity, key usage, policy; revocation off) against
//                  OpenSSL's X509_verify_cert with the GM/T 0009 default ID set on each
//                  certificate it checks.
//   IssueLeaf      build and sign one end-entity certificate with the profile the CA uses
//                  (sedun's builder against X509 built and signed with the EVP API).
//   CaIssue        the whole CA issuance (registration, PKCS#10 check, certificate, PKCS#7,
//                  registry commit on SQLite with synchronous=FULL): sedun only, a throughput.
#include <benchmark/benchmark.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "ca/ca_init.h"
#include "ca/ca_schema.h"
#include "ca/certification_authority.h"
#include "pki/cert_builder.h"
#include "pki/csr.h"
#include "pki/name.h"
#include "pki/ossl_key.h"
#include "pki/validation.h"
#include "store/database.h"

namespace {

using namespace sedun;
using std::chrono::days;
using std::chrono::floor;
using std::chrono::seconds;
using std::chrono::system_clock;

constexpr char kPolicy[] = "2.25.224435484310513889758244092215720962287";

struct Chain {
  crypto::Sm2PrivateKey root_key = *crypto::Sm2PrivateKey::Generate();
  crypto::Sm2PrivateKey ca_key = *crypto::Sm2PrivateKey::Generate();
  crypto::Sm2PrivateKey leaf_key = *crypto::Sm2PrivateKey::Generate();
  pki::Certificate root = *pki::SelfSignCertificate(Spec("root", true, 1), root_key);
  pki::Certificate ca = *pki::IssueCertificate(Spec("issuing", true, 2), ca_key.public_key(), root, root_key);
  pki::Certificate leaf = *pki::IssueCertificate(Spec("leaf", false, 3), leaf_key.public_key(), ca, ca_key);

  static pki::CertificateSpec Spec(const std::string& name, bool is_ca, uint8_t serial) {
    pki::CertificateSpec spec;
    spec.serial = {0x40, 0x01, 0x02, serial};
    spec.subject = *pki::ParseSlashName("/C=CN/O=bench/CN=" + name);
    auto now = floor<seconds>(system_clock::now());
    spec.not_before = now - days(1);
    spec.not_after = now + days(365);
    spec.basic_constraints = pki::BasicConstraints{is_ca, std::nullopt};
    spec.key_usage = is_ca ? uint16_t(pki::key_usage::kKeyCertSign | pki::key_usage::kCrlSign)
                           : uint16_t(pki::key_usage::kDigitalSignature | pki::key_usage::kNonRepudiation);
    spec.policy_oids = {kPolicy};
    if (!is_ca) {
      spec.crl_distribution_urls = {"http://127.0.0.1:8080/v1/ca/crl"};
      spec.ocsp_urls = {"http://127.0.0.1:8080/v1/ca/ocsp"};
    }
    return spec;
  }
};

const Chain& TheChain() {
  static const Chain chain;
  return chain;
}

void BM_ValidateChain_Sedun(benchmark::State& state) {
  const Chain& c = TheChain();
  pki::ValidationOptions options;
  options.trusted_roots = {c.root};
  options.intermediates = {c.ca};
  options.required_policies = {kPolicy};
  options.check_revocation = false;
  for (auto _ : state) {
    pki::ValidationResult r = pki::ValidateCertificate(c.leaf, options);
    if (!r.ok()) state.SkipWithError(r.message.c_str());
    benchmark::DoNotOptimize(r);
  }
}

// OpenSSL 3.0 verifies SM2 signatures with an empty ID unless the certificate object carries
// one; the default ID is set on each certificate whose signature it checks.
void SetDefaultId(X509* cert) {
  ASN1_OCTET_STRING* id = ASN1_OCTET_STRING_new();
  ASN1_OCTET_STRING_set(id, reinterpret_cast<const unsigned char*>("1234567812345678"), 16);
  X509_set0_distinguishing_id(cert, id);
}

X509* Dup(const pki::Certificate& cert) {
  const unsigned char* p = cert.ToDer().data();
  return d2i_X509(nullptr, &p, static_cast<long>(cert.ToDer().size()));
}

void BM_ValidateChain_OpenSSL(benchmark::State& state) {
  const Chain& c = TheChain();
  X509* root = Dup(c.root);
  X509* ca = Dup(c.ca);
  X509* leaf = Dup(c.leaf);
  SetDefaultId(ca);
  SetDefaultId(leaf);
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, root);
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  sk_X509_push(untrusted, ca);
  for (auto _ : state) {
    X509_STORE_CTX* ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, store, leaf, untrusted);
    int ok = X509_verify_cert(ctx);
    if (ok != 1) state.SkipWithError(X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
    X509_STORE_CTX_free(ctx);
  }
  sk_X509_free(untrusted);
  X509_STORE_free(store);
  X509_free(root);
  X509_free(ca);
  X509_free(leaf);
}

void BM_IssueLeaf_Sedun(benchmark::State& state) {
  const Chain& c = TheChain();
  pki::CertificateSpec spec = Chain::Spec("leaf", false, 9);
  for (auto _ : state) {
    auto cert = pki::IssueCertificate(spec, c.leaf_key.public_key(), c.ca, c.ca_key);
    if (!cert.ok()) state.SkipWithError(cert.status().ToString().c_str());
    benchmark::DoNotOptimize(cert);
  }
}

void BM_IssueLeaf_OpenSSL(benchmark::State& state) {
  const Chain& c = TheChain();
  X509* issuer = Dup(c.ca);
  auto ca_key_owner = pki::ToEvpPkey(c.ca_key);
  auto subject_key_owner = pki::ToEvpPkey(c.leaf_key.public_key());
  if (!ca_key_owner.ok() || !subject_key_owner.ok()) return state.SkipWithError("ToEvpPkey");
  EVP_PKEY* ca_key = ca_key_owner->get();
  EVP_PKEY* subject_key = subject_key_owner->get();
  for (auto _ : state) {
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set_uint64(X509_get_serialNumber(x), 0x4001020309ULL);
    X509_NAME* name = X509_NAME_new();
    X509_NAME_add_entry_by_txt(name, "C", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("CN"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("bench"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("leaf"), -1, -1, 0);
    X509_set_subject_name(x, name);
    X509_NAME_free(name);
    X509_set_issuer_name(x, X509_get_subject_name(issuer));
    X509_gmtime_adj(X509_getm_notBefore(x), -86400);
    X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400);
    X509_set_pubkey(x, subject_key);
    X509V3_CTX v3;
    X509V3_set_ctx(&v3, issuer, x, nullptr, nullptr, 0);
    const char* exts[][2] = {
        {"basicConstraints", "critical,CA:FALSE"},
        {"keyUsage", "critical,digitalSignature,nonRepudiation"},
        {"subjectKeyIdentifier", "hash"},
        {"authorityKeyIdentifier", "keyid"},
        {"certificatePolicies", kPolicy},
        {"crlDistributionPoints", "URI:http://127.0.0.1:8080/v1/ca/crl"},
        {"authorityInfoAccess", "OCSP;URI:http://127.0.0.1:8080/v1/ca/ocsp"},
    };
    for (const auto& e : exts) {
      X509_EXTENSION* ext = X509V3_EXT_conf(nullptr, &v3, e[0], e[1]);
      X509_add_ext(x, ext, -1);
      X509_EXTENSION_free(ext);
    }
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    EVP_DigestSignInit(md, &pctx, EVP_sm3(), nullptr, ca_key);
    EVP_PKEY_CTX_set1_id(pctx, "1234567812345678", 16);
    if (X509_sign_ctx(x, md) <= 0) state.SkipWithError("X509_sign_ctx");
    EVP_MD_CTX_free(md);
    X509_free(x);
  }
  X509_free(issuer);
}

void BM_CaIssue_Sedun(benchmark::State& state) {
  std::string dir = (std::filesystem::temp_directory_path() / "sedun-bench.XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) return state.SkipWithError("mkdtemp");
  {
    ca::CaInitOptions init;
    init.dir = dir + "/ca";
    init.passphrase = SecretBytes(AsBytes(std::string_view("bench passphrase")));
    init.pbkdf2_iterations = 1000;
    if (!ca::InitCa(init).ok()) return state.SkipWithError("InitCa");
    auto keys = ca::LoadCaKeys(init.dir, init.passphrase);
    auto db = store::OpenDatabase({.url = "sqlite:" + dir + "/ca.db"});
    if (!keys.ok() || !db.ok() || !ca::MigrateCaSchema(**db).ok()) return state.SkipWithError("setup");
    ca::CaConfig config;
    config.public_base_url = "http://127.0.0.1:8080";
    auto authority = ca::CertificationAuthority::Create(config, std::move(*keys), **db);
    if (!authority.ok()) return state.SkipWithError("CertificationAuthority::Create");
    const Chain& c = TheChain();
    Bytes csr = pki::CreateCsr(*pki::ParseSlashName("/CN=bench"), c.leaf_key)->ToDer();
    ca::RegistrationData data;
    data.account_id = "bench";
    data.client_id = "bench-phone";
    data.subject = *pki::ParseSlashName("/C=CN/O=bench/CN=user");
    for (auto _ : state) {
      auto reg = (*authority)->Register(data);
      auto issued = (*authority)->Issue({reg->registration_id, std::move(reg->auth_code), csr});
      if (!issued.ok()) state.SkipWithError(issued.status().ToString().c_str());
    }
  }
  std::filesystem::remove_all(dir);
}

BENCHMARK(BM_ValidateChain_Sedun)->Name("ValidateChain/Sedun");
BENCHMARK(BM_ValidateChain_OpenSSL)->Name("ValidateChain/OpenSSL");
BENCHMARK(BM_IssueLeaf_Sedun)->Name("IssueLeaf/Sedun");
BENCHMARK(BM_IssueLeaf_OpenSSL)->Name("IssueLeaf/OpenSSL");
BENCHMARK(BM_CaIssue_Sedun)->Name("CaIssueSqlite/Sedun")->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
