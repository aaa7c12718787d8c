// Concurrency on both engines, with two CertificationAuthority instances on two connection pools
// of one database (as two sedun-server processes would be): issuance from 8 threads yields unique
// serials and a complete registry; one registration raced by 8 threads issues once; concurrent
// revocations get distinct CRL numbers and the newest CRL lists every revocation.
#include <mutex>
#include <set>
#include <thread>

#include "ca/ca_test_util.h"
#include "pki/crl.h"

namespace sedun::ca {
namespace {

using testing::CaTest;

constexpr int kThreads = 8;
constexpr int kPerThread = 5;

class CaConcurrencyTest : public CaTest {
 protected:
  void SetUp() override {
    CaTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto again = store::testing::OpenTestDatabaseAgain(db());
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    second_db_ = std::move(*again);
    second_ = NewCa(*second_db_);
    ASSERT_NE(second_, nullptr);
  }

  CertificationAuthority& Instance(int i) { return i % 2 == 0 ? ca() : *second_; }

  std::unique_ptr<store::Database> second_db_;
  std::unique_ptr<CertificationAuthority> second_;
};

TEST_P(CaConcurrencyTest, ParallelIssuanceFromTwoInstances) {
  std::mutex mu;
  std::vector<std::string> serials;
  std::vector<std::string> errors;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      CertificationAuthority& ca = Instance(t);
      for (int i = 0; i < kPerThread; ++i) {
        RegistrationData d = UserData("acct-" + std::to_string(t), "phone-" + std::to_string(i));
        auto reg = ca.Register(d);
        if (!reg.ok()) {
          std::lock_guard lock(mu);
          errors.push_back(reg.status().ToString());
          continue;
        }
        crypto::Sm2PrivateKey key = testing::NewKey();
        // Issue through the other instance than the one that registered.
        auto issued = Instance(t + 1).Issue({reg->registration_id, reg->auth_code.Clone(), testing::MakeCsr(key)});
        std::lock_guard lock(mu);
        if (issued.ok()) {
          serials.push_back(issued->serial_hex);
        } else {
          errors.push_back(issued.status().ToString());
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_TRUE(errors.empty()) << errors.front();
  ASSERT_EQ(serials.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(std::set<std::string>(serials.begin(), serials.end()).size(), serials.size());
  // The registry holds every certificate (plus the service certificate), each linked.
  EXPECT_EQ(Count("ca_certificates"), kThreads * kPerThread + 1);
  EXPECT_EQ(Count("ca_registrations", "used_at IS NOT NULL"), kThreads * kPerThread);
  for (int t = 0; t < kThreads; ++t) {
    auto list = ca().ListCertificates("acct-" + std::to_string(t));
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(list->size(), static_cast<size_t>(kPerThread));
  }
  for (const std::string& s : serials) {
    EXPECT_EQ(second_->CertificateStatus(s)->state, CertState::kValid) << s;
  }
}

TEST_P(CaConcurrencyTest, OneRegistrationRacedIssuesOnce) {
  auto reg = ca().Register(UserData());
  ASSERT_TRUE(reg.ok());
  std::atomic<int> ok{0};
  std::atomic<int> denied{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      crypto::Sm2PrivateKey key = testing::NewKey();
      auto r = Instance(t).Issue({reg->registration_id, reg->auth_code.Clone(), testing::MakeCsr(key)});
      if (r.ok()) {
        ++ok;
      } else if (r.status().code() == Code::kPermissionDenied) {
        ++denied;
      } else {
        ++other;
        ADD_FAILURE() << r.status().ToString();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(denied.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(Count("ca_certificates", "registration_id IS NOT NULL"), 1);
}

TEST_P(CaConcurrencyTest, ParallelRevocationsPublishEveryone) {
  std::vector<IssuedCertificate> certs;
  for (int i = 0; i < kThreads * 2; ++i) certs.push_back(Enrol("acct-" + std::to_string(i)));
  std::mutex mu;
  std::vector<int64_t> numbers;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t * 2; i < t * 2 + 2; ++i) {
        auto r = Instance(t).Revoke(certs[static_cast<size_t>(i)].serial_hex, pki::RevocationReason::kKeyCompromise);
        std::lock_guard lock(mu);
        if (r.ok()) {
          numbers.push_back(r->crl_number);
        } else {
          ADD_FAILURE() << r.status().ToString();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(numbers.size(), certs.size());
  std::set<int64_t> distinct(numbers.begin(), numbers.end());
  EXPECT_EQ(distinct.size(), numbers.size());
  // The newest CRL, as either instance serves it, lists every revoked certificate.
  for (CertificationAuthority* instance : {&ca(), second_.get()}) {
    auto crl = pki::Crl::FromDer(*instance->CurrentCrl());
    ASSERT_TRUE(crl.ok());
    EXPECT_EQ(crl->crl_number(), std::optional<Bytes>(Bytes{static_cast<uint8_t>(*distinct.rbegin())}));
    EXPECT_EQ(crl->revoked().size(), certs.size());
    for (const auto& c : certs) EXPECT_NE(crl->Find(c.certificate.serial()), nullptr);
  }
}

TEST_P(CaConcurrencyTest, ParallelCrlRefreshStaysConsistent) {
  ASSERT_TRUE(ca().CurrentCrl().ok());
  clock_.Advance(std::chrono::hours(13));  // stale for every instance at once
  std::mutex mu;
  std::set<Bytes> served;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto der = Instance(t).CurrentCrl();
      std::lock_guard lock(mu);
      if (der.ok()) {
        served.insert(*der);
      } else {
        ADD_FAILURE() << der.status().ToString();
      }
    });
  }
  for (auto& th : threads) th.join();
  // The lock on the counter row lets one refresher generate; the others see its CRL.
  EXPECT_EQ(served.size(), 1u);
  EXPECT_EQ(Count("ca_crls"), 2);
}

INSTANTIATE_TEST_SUITE_P(Engines, CaConcurrencyTest, ::testing::ValuesIn(store::testing::TestEngines()),
                         store::testing::EngineParamName);

}  // namespace
}  // namespace sedun::ca
