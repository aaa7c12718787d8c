// Drbg (SM3 Hash_DRBG chained to OpenSSL's primary DRBG): independent instances, reseeding,
// additional input, requests longer than one internal generate, and the input limits.
#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "base/bytes.h"
#include "crypto/drbg.h"

namespace sedun::crypto {
namespace {

Bytes Draw(Drbg& d, size_t n) {
  Bytes out(n);
  EXPECT_TRUE(d.Fill(out).ok());
  return out;
}

TEST(Drbg, InstancesAndCallsDiffer) {
  auto a = Drbg::Create();
  auto b = Drbg::Create();
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok());
  Bytes a1 = Draw(*a, 32), a2 = Draw(*a, 32), b1 = Draw(*b, 32);
  EXPECT_NE(a1, a2);
  EXPECT_NE(a1, b1);
  EXPECT_NE(a1, Bytes(32, 0));
}

TEST(Drbg, ReseedAndAdditionalInput) {
  DrbgOptions opts;
  Bytes pers = {'s', 'e', 'd', 'u', 'n', '-', 't', 'e', 's', 't'};
  opts.personalization = pers;
  auto d = Drbg::Create(opts);
  ASSERT_TRUE(d.ok());
  Bytes before = Draw(*d, 32);
  ASSERT_TRUE(d->Reseed().ok());
  Bytes addin = {1, 2, 3};
  ASSERT_TRUE(d->Reseed(addin).ok());
  Bytes after = Draw(*d, 32);
  EXPECT_NE(before, after);
  Bytes with_addin(48);
  ASSERT_TRUE(d->Generate(with_addin, addin).ok());
  EXPECT_NE(with_addin, Bytes(48, 0));
}

TEST(Drbg, AutomaticReseedEveryRequest) {
  DrbgOptions opts;
  opts.reseed_interval = 1;
  auto d = Drbg::Create(opts);
  ASSERT_TRUE(d.ok());
  std::set<Bytes> seen;
  for (int i = 0; i < 20; ++i) seen.insert(Draw(*d, 16));
  EXPECT_EQ(seen.size(), 20u);
}

TEST(Drbg, OutputOfAnyLength) {
  auto d = Drbg::Create();
  ASSERT_TRUE(d.ok());
  size_t max = d->max_request();
  ASSERT_GT(max, 0u);
  EXPECT_LE(max, size_t{1} << 16);  // SP 800-90A Table 2: 2^19 bits
  for (size_t n : {size_t{0}, size_t{1}, size_t{33}, max - 1, max, max + 1, 3 * max + 5}) {
    SCOPED_TRACE(n);
    Bytes out = Draw(*d, n);
    if (n >= max + 64) {
      // Every internal request produced fresh bytes: no chunk repeats its predecessor and the
      // tail past the first chunk is not left zero.
      EXPECT_NE(Bytes(out.begin(), out.begin() + 64),
                Bytes(out.begin() + static_cast<long>(max), out.begin() + static_cast<long>(max) + 64));
      EXPECT_NE(Bytes(out.end() - 64, out.end()), Bytes(64, 0));
    }
  }
}

TEST(Drbg, WorksAsAnRngAcrossThreads) {
  auto d = Drbg::Create();
  ASSERT_TRUE(d.ok());
  Rng& rng = *d;
  std::vector<Bytes> results(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&rng, &results, t] {
      auto r = RandomBytes(rng, 1000);
      if (r.ok()) results[t] = *r;
    });
  }
  for (auto& th : threads) th.join();
  std::set<Bytes> distinct(results.begin(), results.end());
  EXPECT_EQ(distinct.size(), results.size());
  for (const auto& r : results) EXPECT_EQ(r.size(), 1000u);
}

TEST(Drbg, RejectsOversizedInputs) {
  Bytes big(kDrbgMaxInputSize + 1, 1);
  DrbgOptions opts;
  opts.personalization = big;
  EXPECT_EQ(Drbg::Create(opts).status().code(), Code::kInvalidArgument);
  DrbgOptions zero;
  zero.reseed_interval = 0;
  EXPECT_EQ(Drbg::Create(zero).status().code(), Code::kInvalidArgument);
  auto d = Drbg::Create();
  ASSERT_TRUE(d.ok());
  Bytes out(16);
  EXPECT_EQ(d->Generate(out, big).code(), Code::kInvalidArgument);
  EXPECT_EQ(d->Reseed(big).code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace sedun::crypto
