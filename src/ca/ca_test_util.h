// Test support for ca/: a CA directory made by InitCa in a temporary directory, a
// CertificationAuthority over a fresh database of each engine (store/testing), a movable clock,
// CSR helpers and row counts for "changes nothing" checks. Test-only, header-only.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "base/file.h"
#include "ca/ca_init.h"
#include "ca/ca_schema.h"
#include "ca/certification_authority.h"
#include "crypto/sm2_key.h"
#include "pki/csr.h"
#include "store/testing/engine_test.h"
#include "util/run.h"
#include "util/temp_dir.h"

namespace sedun::ca::testing {

inline constexpr char kTestPassphrase[] = "correct horse battery staple";
inline constexpr char kTestBaseUrl[] = "http://ca.sedun.test:8443";

inline SecretBytes Secret(std::string_view s) { return SecretBytes(AsBytes(s)); }

inline std::chrono::sys_seconds SystemNow() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// `actual` is `expected` give or take a few seconds: the CA read the clock a moment before the
// test does, and a second may tick in between on a loaded machine.
#define EXPECT_NEAR_TIME(actual, expected)                                               \
  do {                                                                                   \
    const auto sedun_diff_ = (actual) - (expected);                                      \
    EXPECT_LE(std::chrono::abs(sedun_diff_), std::chrono::seconds(5)) << #actual " vs " #expected; \
  } while (0)

// The system clock shifted by an offset the test moves (shared by every CA instance of a test).
class ShiftedClock {
 public:
  std::chrono::sys_seconds Now() const { return SystemNow() + std::chrono::seconds(offset_.load()); }
  void Advance(std::chrono::seconds d) { offset_ += d.count(); }
  Clock AsClock() {
    return [this] { return Now(); };
  }

 private:
  std::atomic<int64_t> offset_{0};
};

// InitCa with fast key encryption (the default iteration count is tested in ca_init_test).
inline CaInitOptions FastInitOptions(const std::string& dir) {
  CaInitOptions o;
  o.dir = dir;
  o.passphrase = Secret(kTestPassphrase);
  o.pbkdf2_iterations = pki::kMinPbkdf2Iterations;
  o.policy_oid = kDefaultPolicyOid;
  o.public_base_url = kTestBaseUrl;
  return o;
}

inline crypto::Sm2PrivateKey NewKey() {
  auto k = crypto::Sm2PrivateKey::Generate();
  EXPECT_TRUE(k.ok());
  return std::move(k).value();
}

inline Bytes MakeCsr(const crypto::Sm2PrivateKey& key, pki::DistinguishedName subject = {{"CN", "from the csr"}}) {
  auto csr = pki::CreateCsr(subject, key);
  EXPECT_TRUE(csr.ok()) << csr.status().ToString();
  return csr.ok() ? csr->ToDer() : Bytes{};
}

inline pki::DistinguishedName UserSubject(const std::string& name) {
  return {{"C", "CN"}, {"O", "sedun bank"}, {"OU", "mobile"}, {"CN", name}};
}

// A CA over db() of the engine under test.
class CaTest : public store::testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ca_dir_ = temp_dir() + "/ca";
    auto init = InitCa(FastInitOptions(ca_dir_));
    ASSERT_TRUE(init.ok()) << init.status().ToString();
    ASSERT_TRUE(MigrateCaSchema(db()).ok());
    ca_ = NewCa(db());
    ASSERT_NE(ca_, nullptr);
  }

  CaConfig Config() {
    CaConfig c;
    c.public_base_url = kTestBaseUrl;
    c.clock = clock_.AsClock();
    return c;
  }

  std::unique_ptr<CertificationAuthority> NewCa(store::Database& database) { return NewCa(database, Config()); }
  std::unique_ptr<CertificationAuthority> NewCa(store::Database& database, CaConfig config) {
    auto keys = LoadCaKeys(ca_dir_, Secret(kTestPassphrase));
    EXPECT_TRUE(keys.ok()) << keys.status().ToString();
    if (!keys.ok()) return nullptr;
    auto ca = CertificationAuthority::Create(std::move(config), std::move(keys).value(), database);
    EXPECT_TRUE(ca.ok()) << ca.status().ToString();
    return ca.ok() ? std::move(ca).value() : nullptr;
  }

  CertificationAuthority& ca() { return *ca_; }

  RegistrationData UserData(const std::string& account = "acct-1", const std::string& client = "phone-1",
                            Profile profile = Profile::kSign) {
    RegistrationData d;
    d.account_id = account;
    d.client_id = client;
    d.subject = UserSubject("user " + account);
    d.profile = profile;
    return d;
  }

  // Register + Issue for a fresh key; fails the test on error.
  IssuedCertificate Enrol(const std::string& account = "acct-1", const std::string& client = "phone-1",
                          Profile profile = Profile::kSign) {
    auto reg = ca().Register(UserData(account, client, profile));
    EXPECT_TRUE(reg.ok()) << reg.status().ToString();
    crypto::Sm2PrivateKey key = NewKey();
    IssueRequest req{reg->registration_id, reg->auth_code.Clone(), MakeCsr(key)};
    auto issued = ca().Issue(req);
    EXPECT_TRUE(issued.ok()) << issued.status().ToString();
    return std::move(issued).value();
  }

  int64_t Count(const std::string& table, const std::string& where = "") {
    auto tx = db().Begin(store::TxMode::kRead);
    EXPECT_TRUE(tx.ok());
    auto rows = (*tx)->Query("SELECT COUNT(*) FROM " + table + (where.empty() ? "" : " WHERE " + where));
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    if (!rows.ok() || rows->empty()) return -1;
    auto n = (*rows)[0].Int(0);
    return n.ok() ? *n : -1;
  }

  // Counts of every ca table, for "bad input changes nothing".
  std::vector<int64_t> Snapshot() {
    return {Count("ca_registrations"), Count("ca_registrations", "used_at IS NOT NULL"), Count("ca_certificates"),
            Count("ca_certificates", "revoked_at IS NOT NULL"), Count("ca_crls")};
  }

  std::string File(const std::string& name) const { return ca_dir_ + "/" + name; }

  ShiftedClock clock_;
  std::string ca_dir_;
  std::unique_ptr<CertificationAuthority> ca_;
};

inline void WriteBytesFile(const std::string& path, ByteView data) {
  ASSERT_TRUE(WriteFileAtomic(path, data).ok()) << path;
}
inline Bytes ReadBytesFile(const std::string& path) {
  auto r = ReadFile(path);
  EXPECT_TRUE(r.ok()) << path << ": " << r.status().ToString();
  return r.ok() ? *r : Bytes{};
}

}  // namespace sedun::ca::testing
