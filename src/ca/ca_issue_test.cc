// Registration and issuance on both engines: the registration's subject and profile win over the
// CSR's, profiles, serials, extensions, the PKCS#7 chain, single-use expiring codes, refused
// requests that change nothing, renewal and direct issuance.
#include <set>

#include "ca/ca_test_util.h"
#include "pki/pkcs7.h"

namespace sedun::ca {
namespace {

using sedun::testing::RunCommand;
using sedun::testing::ShellQuote;
using testing::CaTest;
using testing::MakeCsr;
using testing::NewKey;

class CaIssueTest : public CaTest {};

const pki::ExtensionInfo* FindExtension(const pki::Certificate& c, const std::string& oid) {
  for (const auto& e : c.extensions()) {
    if (e.oid == oid) return &e;
  }
  return nullptr;
}

TEST_P(CaIssueTest, IssuesWithTheRegistrationsSubjectNotTheCsrs) {
  auto reg = ca().Register(UserData("acct-7", "phone-7"));
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  EXPECT_EQ(reg->registration_id.size(), 32u);
  EXPECT_EQ(reg->auth_code.size(), 23u);  // XXXXX-XXXXX-XXXXX-XXXXX
  EXPECT_NEAR_TIME(reg->expires_at, clock_.Now() + std::chrono::hours(24));

  crypto::Sm2PrivateKey key = NewKey();
  Bytes csr = MakeCsr(key, {{"C", "CN"}, {"O", "attacker"}, {"CN", "Administrator"}});
  auto issued = ca().Issue({reg->registration_id, reg->auth_code.Clone(), csr});
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  const pki::Certificate& cert = issued->certificate;
  EXPECT_EQ(cert.subject_string(), "CN=user acct-7,OU=mobile,O=sedun bank,C=CN");
  EXPECT_EQ(cert.issuer_der(), ca().issuing_certificate().subject_der());
  EXPECT_TRUE(cert.VerifySignature(ca().issuing_certificate()).ok());
  EXPECT_EQ(*cert.public_key(), key.public_key());
  EXPECT_EQ(issued->serial_hex, cert.serial_hex());
  EXPECT_EQ(issued->not_after, cert.not_after());
  EXPECT_FALSE(issued->superseded_serial.has_value());

  // Serial: 16 octets, positive, at least 4 octets.
  ASSERT_EQ(cert.serial().size(), 16u);
  EXPECT_GE(cert.serial()[0], 0x40);
  EXPECT_LE(cert.serial()[0], 0x7f);
  // Validity: the sign profile's default, backdated a little.
  EXPECT_NEAR_TIME(cert.not_after(), clock_.Now() + std::chrono::days(730));
  EXPECT_EQ(cert.not_after() - cert.not_before(), std::chrono::days(730) + std::chrono::minutes(5));

  // Extensions every certificate carries.
  const pki::ExtensionInfo* bc = FindExtension(cert, "2.5.29.19");
  ASSERT_NE(bc, nullptr);
  EXPECT_EQ(bc->value, (Bytes{0x30, 0x03, 0x01, 0x01, 0x00}));  // cA FALSE written explicitly
  EXPECT_EQ(cert.policy_oids(), std::vector<std::string>{kDefaultPolicyOid});
  EXPECT_EQ(cert.crl_distribution_urls(), std::vector<std::string>{std::string(testing::kTestBaseUrl) + "/v1/ca/crl"});
  EXPECT_EQ(cert.ocsp_urls(), std::vector<std::string>{std::string(testing::kTestBaseUrl) + "/v1/ca/ocsp"});
  EXPECT_EQ(cert.key_usage(), std::optional<uint16_t>(pki::key_usage::kDigitalSignature |
                                                      pki::key_usage::kNonRepudiation));
  EXPECT_TRUE(cert.authority_key_id().has_value());

  // PKCS#7 certs-only: the certificate, the issuing CA and the root.
  auto p7 = pki::ParsePkcs7CertsOnly(issued->pkcs7_der);
  ASSERT_TRUE(p7.ok()) << p7.status().ToString();
  std::set<std::string> serials;
  for (const auto& c : p7->certificates) serials.insert(c.serial_hex());
  EXPECT_EQ(serials, (std::set<std::string>{cert.serial_hex(), ca().issuing_certificate().serial_hex(),
                                            ca().root_certificate().serial_hex()}));

  // The registry links the certificate to account and client (JR/T 0093.6 7.3.1.2).
  auto record = ca().FindCertificate(issued->serial_hex);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->account_id, "acct-7");
  EXPECT_EQ(record->client_id, "phone-7");
  EXPECT_EQ(record->registration_id, std::optional<std::string>(reg->registration_id));
  EXPECT_EQ(record->profile, Profile::kSign);
  EXPECT_EQ(record->der, cert.ToDer());
  EXPECT_EQ(record->state, CertState::kValid);
  EXPECT_EQ(Count("ca_certificates", "csr_subject = 'CN=Administrator,O=attacker,C=CN'"), 1);
}

TEST_P(CaIssueTest, ProfilesSetKeyUsage) {
  namespace ku = pki::key_usage;
  IssuedCertificate enc = Enrol("acct-1", "phone-1", Profile::kEnc);
  EXPECT_EQ(enc.certificate.key_usage(), std::optional<uint16_t>(ku::kKeyEncipherment | ku::kDataEncipherment));
  EXPECT_TRUE(enc.certificate.extended_key_usage().empty());
  IssuedCertificate server = Enrol("acct-1", "phone-1", Profile::kServer);
  EXPECT_EQ(server.certificate.key_usage(), std::optional<uint16_t>(ku::kDigitalSignature | ku::kKeyEncipherment));
  EXPECT_EQ(server.certificate.extended_key_usage(), std::vector<std::string>{"1.3.6.1.5.5.7.3.1"});
  EXPECT_NEAR_TIME(server.certificate.not_after(), clock_.Now() + std::chrono::days(365));
  auto list = ca().ListCertificates("acct-1");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);
}

TEST_P(CaIssueTest, ValidityFromRegistration) {
  RegistrationData d = UserData();
  d.validity_days = 3;
  auto reg = ca().Register(d);
  ASSERT_TRUE(reg.ok());
  crypto::Sm2PrivateKey key = NewKey();
  auto issued = ca().Issue({reg->registration_id, reg->auth_code.Clone(), MakeCsr(key)});
  ASSERT_TRUE(issued.ok());
  EXPECT_NEAR_TIME(issued->not_after, clock_.Now() + std::chrono::days(3));
}

TEST_P(CaIssueTest, AuthCodeIsNormalisedAndSingleUse) {
  auto reg = ca().Register(UserData());
  ASSERT_TRUE(reg.ok());
  // Lower case, no dashes: the same code.
  std::string typed;
  for (uint8_t c : reg->auth_code.view()) {
    if (c != '-') typed.push_back(static_cast<char>(std::tolower(c)));
  }
  crypto::Sm2PrivateKey key = NewKey();
  auto first = ca().Issue({reg->registration_id, testing::Secret(typed), MakeCsr(key)});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const auto before = Snapshot();
  auto second = ca().Issue({reg->registration_id, reg->auth_code.Clone(), MakeCsr(key)});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(CaIssueTest, WrongUnknownAndExpiredCodesAreRefused) {
  auto reg = ca().Register(UserData());
  ASSERT_TRUE(reg.ok());
  crypto::Sm2PrivateKey key = NewKey();
  const Bytes csr = MakeCsr(key);
  const auto before = Snapshot();

  SecretBytes wrong = reg->auth_code.Clone();
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  auto r = ca().Issue({reg->registration_id, std::move(wrong), csr});
  EXPECT_EQ(r.status().code(), Code::kPermissionDenied);
  const std::string wrong_message = r.status().message();

  auto other = ca().Register(UserData("acct-2"));
  ASSERT_TRUE(other.ok());
  r = ca().Issue({reg->registration_id, other->auth_code.Clone(), csr});  // a code of another registration
  EXPECT_EQ(r.status().code(), Code::kPermissionDenied);
  r = ca().Issue({std::string(32, 'a'), reg->auth_code.Clone(), csr});  // unknown registration
  EXPECT_EQ(r.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(r.status().message(), wrong_message);  // indistinguishable
  r = ca().Issue({reg->registration_id, testing::Secret("not a code"), csr});
  EXPECT_EQ(r.status().code(), Code::kPermissionDenied);
  r = ca().Issue({reg->registration_id, SecretBytes(), csr});
  EXPECT_EQ(r.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(Snapshot()[1], before[1]);
  EXPECT_EQ(Snapshot()[2], before[2]);

  clock_.Advance(std::chrono::hours(24));  // expires_at reached
  r = ca().Issue({reg->registration_id, reg->auth_code.Clone(), csr});
  EXPECT_EQ(r.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(Count("ca_certificates"), before[2]);
  EXPECT_EQ(Count("ca_registrations", "used_at IS NOT NULL"), 0);
  EXPECT_GE(ca().counters().issue_refused.load(), 6u);
}

TEST_P(CaIssueTest, BadRequestsAreRefusedAndChangeNothing) {
  auto reg = ca().Register(UserData());
  ASSERT_TRUE(reg.ok());
  crypto::Sm2PrivateKey key = NewKey();
  Bytes csr = MakeCsr(key);
  const auto before = Snapshot();
  auto issue = [&](std::string id, Bytes body) {
    return ca().Issue({std::move(id), reg->auth_code.Clone(), std::move(body)}).status().code();
  };

  Bytes broken = csr;
  broken[broken.size() - 1] ^= 0x01;  // last octet of the signature's s
  EXPECT_EQ(issue(reg->registration_id, broken), Code::kVerifyFailed);
  EXPECT_EQ(issue(reg->registration_id, Bytes{0x30, 0x03, 0x02, 0x01, 0x00}), Code::kMalformed);
  EXPECT_EQ(issue(reg->registration_id, Bytes{}), Code::kInvalidArgument);
  EXPECT_EQ(issue(reg->registration_id, Bytes(kMaxCsrSize + 1, 0x30)), Code::kInvalidArgument);
  Bytes trailing = csr;
  trailing.push_back(0);
  EXPECT_EQ(issue(reg->registration_id, trailing), Code::kMalformed);
  EXPECT_EQ(issue("not-an-id", csr), Code::kInvalidArgument);
  EXPECT_EQ(issue(std::string(32, 'A'), csr), Code::kInvalidArgument);

  // A P-256 key is not certified.
  sedun::testing::TempDir tmp;
  const std::string der = tmp.File("p256.der");
  auto gen = RunCommand("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=p256 "
                        "-keyout " +
                        ShellQuote(tmp.File("p256.key")) + " -outform DER -out " + ShellQuote(der) + " 2>/dev/null");
  ASSERT_EQ(gen.exit_code, 0);
  EXPECT_EQ(issue(reg->registration_id, testing::ReadBytesFile(der)), Code::kUnsupported);

  EXPECT_EQ(Snapshot(), before);
  // The registration is still usable after all that.
  auto ok = ca().Issue({reg->registration_id, reg->auth_code.Clone(), csr});
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
}

TEST_P(CaIssueTest, BadRegistrationsChangeNothing) {
  const auto before = Snapshot();
  auto refused = [&](auto mutate) {
    RegistrationData d = UserData();
    mutate(d);
    auto r = ca().Register(d);
    EXPECT_FALSE(r.ok());
    return r.status().code();
  };
  EXPECT_EQ(refused([](RegistrationData& d) { d.account_id.clear(); }), Code::kInvalidArgument);
  EXPECT_EQ(refused([](RegistrationData& d) { d.account_id = "a b"; }), Code::kInvalidArgument);
  EXPECT_EQ(refused([](RegistrationData& d) { d.account_id = "acct'; DROP TABLE ca_certificates;--"; }),
            Code::kInvalidArgument);
  EXPECT_EQ(refused([](RegistrationData& d) { d.client_id = std::string(65, 'c'); }), Code::kInvalidArgument);
  EXPECT_EQ(refused([](RegistrationData& d) { d.subject.clear(); }), Code::kInvalidArgument);
  EXPECT_EQ(refused([](RegistrationData& d) { d.subject = {{"NOTATYPE", "x"}}; }), Code::kInvalidArgument);
  EXPECT_EQ(refused([](RegistrationData& d) { d.subject = {{"CN", ""}}; }), Code::kInvalidArgument);
  EXPECT_EQ(refused([](RegistrationData& d) { d.validity_days = 0; }), Code::kInvalidArgument);
  EXPECT_EQ(refused([](RegistrationData& d) { d.validity_days = 3651; }), Code::kInvalidArgument);
  EXPECT_EQ(refused([](RegistrationData& d) { d.renews_serial = "zz"; }), Code::kInvalidArgument);
  EXPECT_EQ(refused([](RegistrationData& d) { d.renews_serial = "0102030405"; }), Code::kNotFound);
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(CaIssueTest, RenewalSupersedesTheOldCertificate) {
  IssuedCertificate old = Enrol("acct-r", "phone-r");
  auto crl_before = ca().CurrentCrl();
  ASSERT_TRUE(crl_before.ok());
  auto before_number = pki::Crl::FromDer(*crl_before)->crl_number();

  // Only the same account and client may renew it.
  RegistrationData other = UserData("acct-x", "phone-r");
  other.renews_serial = old.serial_hex;
  EXPECT_EQ(ca().Register(other).status().code(), Code::kFailedPrecondition);

  RegistrationData d = UserData("acct-r", "phone-r");
  d.renews_serial = old.serial_hex;
  auto reg = ca().Register(d);
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  crypto::Sm2PrivateKey key = NewKey();
  auto renewed = ca().Issue({reg->registration_id, reg->auth_code.Clone(), MakeCsr(key)});
  ASSERT_TRUE(renewed.ok()) << renewed.status().ToString();
  EXPECT_EQ(renewed->superseded_serial, std::optional<std::string>(old.serial_hex));

  auto status = ca().CertificateStatus(old.serial_hex);
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->state, CertState::kRevoked);
  EXPECT_EQ(status->reason, std::optional<pki::RevocationReason>(pki::RevocationReason::kSuperseded));
  auto old_record = ca().FindCertificate(old.serial_hex);
  ASSERT_TRUE(old_record.ok());
  EXPECT_EQ(old_record->replaced_by, std::optional<std::string>(renewed->serial_hex));
  auto new_record = ca().FindCertificate(renewed->serial_hex);
  ASSERT_TRUE(new_record.ok());
  EXPECT_EQ(new_record->renews, std::optional<std::string>(old.serial_hex));

  // The CRL was regenerated in the same transaction and lists the old serial as superseded.
  auto crl = pki::Crl::FromDer(*ca().CurrentCrl());
  ASSERT_TRUE(crl.ok());
  EXPECT_GT(crl->crl_number(), before_number);
  const pki::RevokedCertificate* entry = crl->Find(old.certificate.serial());
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->reason, std::optional<pki::RevocationReason>(pki::RevocationReason::kSuperseded));

  // A second renewal of the same (now revoked) certificate is refused.
  EXPECT_EQ(ca().Register(d).status().code(), Code::kFailedPrecondition);
}

TEST_P(CaIssueTest, RenewalOfACertificateRevokedMeanwhileIsRefused) {
  IssuedCertificate old = Enrol("acct-r", "phone-r");
  RegistrationData d = UserData("acct-r", "phone-r");
  d.renews_serial = old.serial_hex;
  auto reg = ca().Register(d);
  ASSERT_TRUE(reg.ok());
  ASSERT_TRUE(ca().Revoke(old.serial_hex, pki::RevocationReason::kKeyCompromise).ok());
  const auto before = Snapshot();
  crypto::Sm2PrivateKey key = NewKey();
  auto r = ca().Issue({reg->registration_id, reg->auth_code.Clone(), MakeCsr(key)});
  EXPECT_EQ(r.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(Snapshot(), before);  // registration not consumed, nothing issued
}

TEST_P(CaIssueTest, IssueDirect) {
  crypto::Sm2PrivateKey key = NewKey();
  DirectIssueRequest req{{{"C", "CN"}, {"O", "sedun"}, {"CN", "api.sedun.test"}}, key.public_key(), Profile::kServer,
                         30};
  auto issued = ca().IssueDirect(req);
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->certificate.subject_string(), "CN=api.sedun.test,O=sedun,C=CN");
  EXPECT_NEAR_TIME(issued->not_after, clock_.Now() + std::chrono::days(30));
  auto record = ca().FindCertificate(issued->serial_hex);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->account_id, "");
  EXPECT_EQ(record->client_id, "");
  EXPECT_FALSE(record->registration_id.has_value());
  req.validity_days = 3651;
  const auto before = Snapshot();
  EXPECT_EQ(ca().IssueDirect(req).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(Snapshot(), before);
}

TEST_P(CaIssueTest, ServiceCertificateIsInTheRegistry) {
  auto status = ca().CertificateStatus(ca().service_certificate().serial_hex());
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->state, CertState::kValid);
  // A second instance on the same database does not record it twice.
  auto again = NewCa(db());
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(Count("ca_certificates"), 1);
}

TEST_P(CaIssueTest, CreateChecksConfigurationAndSchema) {
  auto keys = [&] { return std::move(LoadCaKeys(ca_dir_, testing::Secret(testing::kTestPassphrase))).value(); };
  CaConfig c = Config();
  c.public_base_url = "ftp://x";
  EXPECT_EQ(CertificationAuthority::Create(c, keys(), db()).status().code(), Code::kInvalidArgument);
  c = Config();
  c.policy_oid = "1.2.x";
  EXPECT_EQ(CertificationAuthority::Create(c, keys(), db()).status().code(), Code::kInvalidArgument);
  c = Config();
  c.sign_validity_days = 4000;
  EXPECT_EQ(CertificationAuthority::Create(c, keys(), db()).status().code(), Code::kInvalidArgument);
  c = Config();
  c.public_base_url += "/";  // a trailing slash is dropped
  auto ok = CertificationAuthority::Create(c, keys(), db());
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ((*ok)->crl_url(), std::string(testing::kTestBaseUrl) + "/v1/ca/crl");
  // A database without the schema.
  auto empty = OpenAnother();
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(CertificationAuthority::Create(Config(), keys(), *empty).status().code(), Code::kFailedPrecondition);
}

INSTANTIATE_TEST_SUITE_P(Engines, CaIssueTest, ::testing::ValuesIn(store::testing::TestEngines()),
                         store::testing::EngineParamName);

}  // namespace
}  // namespace sedun::ca
