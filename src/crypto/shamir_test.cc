// Shamir sharing over GF(2^8): field arithmetic against FIPS 197 §4.2 and a plain reference,
// a known-answer split worked by hand, recovery from every t-subset, the t-1 case, bad shares
// and the wire format.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "base/bytes.h"
#include "crypto/rng.h"
#include "crypto/shamir.h"

namespace sedun::crypto {
namespace {

using shamir_internal::GfInv;
using shamir_internal::GfMul;

// Hands out fixed bytes, so a split is reproducible.
class FixedRng final : public Rng {
 public:
  explicit FixedRng(Bytes bytes) : bytes_(std::move(bytes)) {}
  Status Fill(std::span<uint8_t> out) override {
    if (out.size() > bytes_.size() - used_) return ResourceExhausted("fixed RNG exhausted");
    for (auto& b : out) b = bytes_[used_++];
    return Status::Ok();
  }

 private:
  Bytes bytes_;
  size_t used_ = 0;
};

// A branching textbook multiply (fine in a test: nothing is secret here).
uint8_t SlowMul(uint8_t a, uint8_t b) {
  uint8_t r = 0;
  for (int i = 0; i < 8; ++i) {
    if (b & 1) r ^= a;
    bool hi = (a & 0x80) != 0;
    a = static_cast<uint8_t>(a << 1);
    if (hi) a ^= 0x1b;
    b = static_cast<uint8_t>(b >> 1);
  }
  return r;
}

TEST(ShamirField, MatchesFips197AndReference) {
  EXPECT_EQ(GfMul(0x57, 0x83), 0xc1);  // FIPS 197 §4.2
  EXPECT_EQ(GfMul(0x57, 0x13), 0xfe);  // FIPS 197 §4.2.1
  for (unsigned a = 0; a < 256; ++a) {
    for (unsigned b = 0; b < 256; ++b) {
      ASSERT_EQ(GfMul(static_cast<uint8_t>(a), static_cast<uint8_t>(b)),
                SlowMul(static_cast<uint8_t>(a), static_cast<uint8_t>(b)));
    }
  }
  EXPECT_EQ(GfInv(0), 0);
  for (unsigned a = 1; a < 256; ++a) {
    EXPECT_EQ(GfMul(static_cast<uint8_t>(a), GfInv(static_cast<uint8_t>(a))), 1) << a;
  }
}

TEST(Shamir, KnownAnswerSplitByHand) {
  // K = 0x42, t = 3, a_1 = 0x80, a_2 = 0x05; in GF(2^8) mod 0x11B:
  //   f(1) = 42 ^ 80 ^ 05                       = c7
  //   f(2) = 42 ^ 80·02 (=1b) ^ 05·04 (=14)     = 4d
  //   f(3) = 42 ^ 80·03 (=9b) ^ 05·05 (=11)     = c8   (3·3 = 05)
  //   f(4) = 42 ^ 80·04 (=36) ^ 05·10 (=50)     = 24   (4·4 = 10)
  FixedRng rng({0x80, 0x05});
  Bytes secret = {0x42};
  auto shares = ShamirSplit(secret, 3, 4, rng);
  ASSERT_TRUE(shares.ok()) << shares.status().ToString();
  ASSERT_EQ(shares->size(), 4u);
  const uint8_t want[] = {0xc7, 0x4d, 0xc8, 0x24};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ((*shares)[i].x, i + 1);
    EXPECT_EQ((*shares)[i].threshold, 3);
    ASSERT_EQ((*shares)[i].y.size(), 1u);
    EXPECT_EQ((*shares)[i].y[0], want[i]) << i;
  }
  auto wire = EncodeShamirShare((*shares)[1]);
  ASSERT_TRUE(wire.ok());
  EXPECT_EQ(HexEncode(wire->view()), "0103024d");
  auto back = ShamirCombine(std::span<const ShamirShare>(*shares).subspan(1, 3));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(HexEncode(back->view()), "42");
}

// Every subset of `size` indices out of n, as bit masks.
std::vector<unsigned> Subsets(size_t n, size_t size) {
  std::vector<unsigned> out;
  for (unsigned m = 0; m < (1u << n); ++m) {
    if (static_cast<size_t>(__builtin_popcount(m)) == size) out.push_back(m);
  }
  return out;
}

std::vector<ShamirShare> Pick(const std::vector<ShamirShare>& all, unsigned mask) {
  std::vector<ShamirShare> out;
  for (size_t i = 0; i < all.size(); ++i) {
    if (mask & (1u << i)) out.push_back({all[i].threshold, all[i].x, all[i].y.Clone()});
  }
  return out;
}

TEST(Shamir, AnyThresholdSubsetRecovers) {
  const std::pair<size_t, size_t> params[] = {{2, 2}, {2, 3}, {3, 5}, {5, 5}, {4, 10}};
  for (auto [t, n] : params) {
    SCOPED_TRACE(testing::Message() << t << " of " << n);
    auto secret = RandomSecret(SystemRng(), 32);
    ASSERT_TRUE(secret.ok());
    auto shares = ShamirSplit(secret->view(), t, n, SystemRng());
    ASSERT_TRUE(shares.ok());
    for (size_t k = t; k <= n; ++k) {
      for (unsigned mask : Subsets(n, k)) {
        auto picked = Pick(*shares, mask);
        std::reverse(picked.begin(), picked.end());  // order must not matter
        auto got = ShamirCombine(picked);
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        ASSERT_EQ(HexEncode(got->view()), HexEncode(secret->view())) << mask;
      }
    }
  }
}

TEST(Shamir, FewerThanThresholdDoNotRecover) {
  auto secret = RandomSecret(SystemRng(), 32);
  ASSERT_TRUE(secret.ok());
  auto shares = ShamirSplit(secret->view(), 3, 5, SystemRng());
  ASSERT_TRUE(shares.ok());
  // Honest shares say t = 3: two of them are refused outright.
  auto two = Pick(*shares, 0b00101);
  EXPECT_EQ(ShamirCombine(two).status().code(), Code::kInvalidArgument);
  // Shares that lie about t interpolate a line through two points of a quadratic: the result
  // is unrelated to the secret.
  for (unsigned mask : Subsets(5, 2)) {
    auto lying = Pick(*shares, mask);
    for (auto& s : lying) s.threshold = 2;
    auto got = ShamirCombine(lying);
    ASSERT_TRUE(got.ok());
    EXPECT_NE(HexEncode(got->view()), HexEncode(secret->view()));
  }
  // Statistically, for a one-byte secret: t-1 shares hit the secret about 1 time in 256.
  Bytes one = {0x5a};
  int hits = 0;
  const int kTrials = 2000;
  for (int i = 0; i < kTrials; ++i) {
    auto s = ShamirSplit(one, 3, 3, SystemRng());
    ASSERT_TRUE(s.ok());
    auto lying = Pick(*s, 0b011);
    for (auto& share : lying) share.threshold = 2;
    auto got = ShamirCombine(lying);
    ASSERT_TRUE(got.ok());
    if ((*got)[0] == one[0]) ++hits;
  }
  EXPECT_LT(hits, 40);  // expected about 8
}

TEST(Shamir, BadSharesAreRejected) {
  Bytes secret(16, 0x11);
  auto shares = ShamirSplit(secret, 2, 3, SystemRng());
  ASSERT_TRUE(shares.ok());
  auto base = [&] { return Pick(*shares, 0b111); };

  EXPECT_EQ(ShamirCombine({}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ShamirCombine(Pick(*shares, 0b001)).status().code(), Code::kInvalidArgument);
  auto dup = base();
  dup[1].x = dup[0].x;
  EXPECT_EQ(ShamirCombine(dup).status().code(), Code::kInvalidArgument);
  auto zero = base();
  zero[2].x = 0;
  EXPECT_EQ(ShamirCombine(zero).status().code(), Code::kInvalidArgument);
  auto short_y = base();
  short_y[1].y.Resize(15);
  EXPECT_EQ(ShamirCombine(short_y).status().code(), Code::kInvalidArgument);
  auto mixed_t = base();
  mixed_t[2].threshold = 3;
  EXPECT_EQ(ShamirCombine(mixed_t).status().code(), Code::kInvalidArgument);
  auto t_one = base();
  for (auto& s : t_one) s.threshold = 1;
  EXPECT_EQ(ShamirCombine(t_one).status().code(), Code::kInvalidArgument);
}

TEST(Shamir, SplitRejectsBadParameters) {
  Bytes secret(16, 1);
  Rng& rng = SystemRng();
  EXPECT_EQ(ShamirSplit({}, 2, 3, rng).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ShamirSplit(Bytes(kShamirMaxSecretSize + 1, 0), 2, 3, rng).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ShamirSplit(secret, 1, 3, rng).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ShamirSplit(secret, 4, 3, rng).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ShamirSplit(secret, 2, 256, rng).status().code(), Code::kInvalidArgument);
  auto max = ShamirSplit(secret, 255, 255, rng);
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max->back().x, 255);
  auto back = ShamirCombine(*max);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(HexEncode(back->view()), HexEncode(secret));
  FixedRng empty({});
  EXPECT_EQ(ShamirSplit(secret, 2, 3, empty).status().code(), Code::kResourceExhausted);
}

TEST(Shamir, WireFormat) {
  Bytes secret = {1, 2, 3, 4};
  auto shares = ShamirSplit(secret, 2, 3, SystemRng());
  ASSERT_TRUE(shares.ok());
  std::vector<ShamirShare> decoded;
  for (const auto& s : *shares) {
    auto wire = EncodeShamirShare(s);
    ASSERT_TRUE(wire.ok());
    ASSERT_EQ(wire->size(), 3 + secret.size());
    auto d = DecodeShamirShare(wire->view());
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(d->threshold, s.threshold);
    EXPECT_EQ(d->x, s.x);
    EXPECT_EQ(HexEncode(d->y.view()), HexEncode(s.y.view()));
    decoded.push_back(std::move(*d));
  }
  auto back = ShamirCombine(decoded);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(HexEncode(back->view()), "01020304");

  auto bad = [](const char* hex) { return DecodeShamirShare(*HexDecode(hex)).status().code(); };
  EXPECT_EQ(bad(""), Code::kMalformed);
  EXPECT_EQ(bad("01"), Code::kMalformed);
  EXPECT_EQ(bad("0102"), Code::kMalformed);
  EXPECT_EQ(bad("010201"), Code::kMalformed);    // no data
  EXPECT_EQ(bad("02020101"), Code::kUnsupported);  // version 2
  EXPECT_EQ(bad("01010101"), Code::kMalformed);  // threshold 1
  EXPECT_EQ(bad("01000101"), Code::kMalformed);  // threshold 0
  EXPECT_EQ(bad("01020001"), Code::kMalformed);  // x = 0

  // A share with a trailing byte decodes (its data runs to the end) but no longer matches its
  // siblings' length, so it cannot enter a combination.
  auto wire = EncodeShamirShare((*shares)[0]);
  ASSERT_TRUE(wire.ok());
  wire->Append(Bytes{0});
  auto longer = DecodeShamirShare(wire->view());
  ASSERT_TRUE(longer.ok());
  std::vector<ShamirShare> mix;
  mix.push_back(std::move(*longer));
  mix.push_back({decoded[1].threshold, decoded[1].x, decoded[1].y.Clone()});
  EXPECT_EQ(ShamirCombine(mix).status().code(), Code::kInvalidArgument);

  ShamirShare empty;
  EXPECT_EQ(EncodeShamirShare(empty).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace sedun::crypto
