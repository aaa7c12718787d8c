// Tests of command chaining and GET RESPONSE sequencing, card and host side.
#include "apdu/chaining.h"

#include <gtest/gtest.h>

#include <numeric>

namespace sedun::apdu {
namespace {

Bytes Counting(size_t n) {
  Bytes b(n);
  std::iota(b.begin(), b.end(), uint8_t{0});
  return b;
}

CommandApdu Cmd(uint8_t cla, uint8_t ins, Bytes data, uint32_t ne = 0) {
  return CommandApdu{cla, ins, 0x00, 0x80, std::move(data), ne, false};
}

TEST(CommandChainer, UnchainedPassesThrough) {
  CommandChainer chainer;
  CommandApdu c = Cmd(0x00, 0xA4, {1, 2}, 256);
  Result<std::optional<CommandApdu>> r = chainer.Add(c);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(**r, c);
  EXPECT_FALSE(chainer.in_chain());
}

TEST(CommandChainer, JoinsChain) {
  CommandChainer chainer;
  auto r = chainer.Add(Cmd(0x94, 0x2A, {1, 2, 3}, 256));  // Le of a non-last part is ignored
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  EXPECT_TRUE(chainer.in_chain());
  r = chainer.Add(Cmd(0x94, 0x2A, {}));  // an empty middle part adds nothing
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  r = chainer.Add(Cmd(0x94, 0x2A, {4, 5}));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->has_value());
  r = chainer.Add(Cmd(0x84, 0x2A, {6}, 32));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(**r, Cmd(0x84, 0x2A, {1, 2, 3, 4, 5, 6}, 32));
  EXPECT_FALSE(chainer.in_chain());
  // The next command starts afresh.
  r = chainer.Add(Cmd(0x00, 0xB0, {}, 16));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(**r, Cmd(0x00, 0xB0, {}, 16));
}

TEST(CommandChainer, RejectsHeaderChange) {
  const CommandApdu breakers[] = {
      Cmd(0x80, 0x2A, {9}),                                // CLA lost SM
      Cmd(0x11, 0x2A, {9}),                                // other channel
      Cmd(0x94, 0x2B, {9}),                                // INS
      CommandApdu{0x94, 0x2A, 0x01, 0x80, {9}, 0, false},  // P1
      CommandApdu{0x84, 0x2A, 0x00, 0x81, {9}, 0, false},  // P2, last
      Cmd(0x00, 0xA4, {1}),                                // unrelated command mid-chain
  };
  for (const CommandApdu& b : breakers) {
    CommandChainer chainer;
    ASSERT_TRUE(chainer.Add(Cmd(0x94, 0x2A, {1})).ok());
    Result<std::optional<CommandApdu>> r = chainer.Add(b);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kFailedPrecondition);
    EXPECT_FALSE(chainer.in_chain());
  }
  CommandChainer chainer;
  ASSERT_TRUE(chainer.Add(Cmd(0x94, 0x2A, {1})).ok());
  EXPECT_EQ(chainer.Add(Cmd(0x94, 0x2B, {1})).status().message(),
            "chain: command 942b0080 does not continue the chain of 842a0080");
}

TEST(CommandChainer, SizeLimit) {
  CommandChainer chainer(10);
  ASSERT_TRUE(chainer.Add(Cmd(0x10, 0xDA, Counting(6))).ok());
  Result<std::optional<CommandApdu>> r = chainer.Add(Cmd(0x00, 0xDA, Counting(4)));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->data.size(), 10u);

  ASSERT_TRUE(chainer.Add(Cmd(0x10, 0xDA, Counting(6))).ok());
  r = chainer.Add(Cmd(0x10, 0xDA, Counting(5)));
  EXPECT_EQ(r.status().code(), Code::kResourceExhausted);
  EXPECT_FALSE(chainer.in_chain());
  EXPECT_EQ(chainer.Add(Cmd(0x10, 0xDA, Counting(11))).status().code(), Code::kResourceExhausted);
  EXPECT_FALSE(chainer.in_chain());
  // An unchained command is not the chainer's business, whatever its size.
  EXPECT_TRUE(chainer.Add(Cmd(0x00, 0xDA, Counting(11))).ok());
}

TEST(CommandChainer, ResetDropsChain) {
  CommandChainer chainer;
  ASSERT_TRUE(chainer.Add(Cmd(0x10, 0xDA, {1})).ok());
  chainer.Reset();
  auto r = chainer.Add(Cmd(0x00, 0xDA, {2}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->data, Bytes{2});
}

TEST(SplitIntoChain, SplitsAndRejoins) {
  CommandApdu big = Cmd(0x84, 0xE8, Counting(600), 256);
  Result<std::vector<CommandApdu>> parts = SplitIntoChain(big);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].cla, 0x94);
  EXPECT_EQ((*parts)[0].data.size(), 255u);
  EXPECT_EQ((*parts)[0].ne, 0u);
  EXPECT_EQ((*parts)[1].cla, 0x94);
  EXPECT_EQ((*parts)[2].cla, 0x84);
  EXPECT_EQ((*parts)[2].data.size(), 90u);
  EXPECT_EQ((*parts)[2].ne, 256u);
  CommandChainer chainer;
  std::optional<CommandApdu> joined;
  for (const CommandApdu& p : *parts) {
    Result<Bytes> wire = p.Encode();
    ASSERT_TRUE(wire.ok());
    EXPECT_LE(wire->size(), 4u + 1 + 255 + 1);  // all short
    Result<CommandApdu> back = CommandApdu::Parse(*wire);
    ASSERT_TRUE(back.ok());
    auto r = chainer.Add(*back);
    ASSERT_TRUE(r.ok());
    joined = *r;
  }
  ASSERT_TRUE(joined.has_value());
  EXPECT_EQ(*joined, big);
}

TEST(SplitIntoChain, EdgeCases) {
  CommandApdu fits = Cmd(0x00, 0xDA, Counting(255));
  auto parts = SplitIntoChain(fits);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0], fits);
  CommandApdu exact = Cmd(0x00, 0xDA, Counting(20));
  parts = SplitIntoChain(exact, 10);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->size(), 2u);
  parts = SplitIntoChain(exact, 1);
  ASSERT_TRUE(parts.ok());
  EXPECT_EQ(parts->size(), 20u);
  EXPECT_EQ(SplitIntoChain(exact, 0).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(SplitIntoChain(exact, 65536).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(SplitIntoChain(Cmd(0x10, 0xDA, {1})).status().code(), Code::kInvalidArgument);
}

TEST(MakeGetResponse, KeepsChannel) {
  CommandApdu g = MakeGetResponse(0x84, 0x6110);
  EXPECT_EQ(g.cla, 0x00);
  EXPECT_EQ(g.ins, 0xC0);
  EXPECT_EQ(g.p1, 0x00);
  EXPECT_EQ(g.p2, 0x00);
  EXPECT_TRUE(g.data.empty());
  EXPECT_EQ(g.ne, 16u);
  EXPECT_EQ(HexEncode(*g.Encode()), "00c0000010");
  EXPECT_EQ(MakeGetResponse(0x96, 0x6100).cla, 0x02);
  EXPECT_EQ(MakeGetResponse(0x96, 0x6100).ne, 256u);
  EXPECT_EQ(MakeGetResponse(0xE5, 0x6101).cla, 0x45);
}

TEST(ResponseSplitter, FitsInOne) {
  ResponseSplitter s;
  ResponseApdu r = s.Start(ResponseApdu{Counting(10), kSwOk}, 256);
  EXPECT_EQ(r, (ResponseApdu{Counting(10), kSwOk}));
  EXPECT_FALSE(s.pending());
  r = s.Start(ResponseApdu{Counting(10), 0x6282}, 10);
  EXPECT_EQ(r, (ResponseApdu{Counting(10), 0x6282}));
  EXPECT_FALSE(s.pending());
  r = s.Start(ResponseApdu{{}, kSwOk}, 0);
  EXPECT_EQ(r, (ResponseApdu{{}, kSwOk}));
  EXPECT_FALSE(s.pending());
}

TEST(ResponseSplitter, SplitsWithGetResponse) {
  ResponseSplitter s;
  Bytes full = Counting(600);
  ResponseApdu r = s.Start(ResponseApdu{full, 0x63C2}, 256);
  EXPECT_EQ(r.data.size(), 256u);
  EXPECT_EQ(r.sw, 0x6100);  // 344 left: 256 or more
  EXPECT_TRUE(s.pending());
  EXPECT_EQ(s.remaining(), 344u);
  Bytes joined = r.data;

  Result<ResponseApdu> next = s.GetResponse(MakeGetResponse(0x00, r.sw));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->data.size(), 256u);
  EXPECT_EQ(next->sw, 0x6158);  // 88 left
  joined.insert(joined.end(), next->data.begin(), next->data.end());

  // A short Le gets that many bytes and another 61xx.
  next = s.GetResponse(CommandApdu{0x00, 0xC0, 0x00, 0x00, {}, 8, false});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->data.size(), 8u);
  EXPECT_EQ(next->sw, 0x6150);
  joined.insert(joined.end(), next->data.begin(), next->data.end());

  // A longer Le gets the rest and the command's own status.
  next = s.GetResponse(CommandApdu{0x00, 0xC0, 0x00, 0x00, {}, 256, false});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->data.size(), 80u);
  EXPECT_EQ(next->sw, 0x63C2);
  joined.insert(joined.end(), next->data.begin(), next->data.end());
  EXPECT_EQ(joined, full);
  EXPECT_FALSE(s.pending());
  EXPECT_EQ(s.GetResponse(MakeGetResponse(0x00, 0x6100)).status().code(),
            Code::kFailedPrecondition);
}

TEST(ResponseSplitter, NoLeSendsOnly61xx) {
  ResponseSplitter s;
  ResponseApdu r = s.Start(ResponseApdu{Counting(20), kSwOk}, 0);
  EXPECT_TRUE(r.data.empty());
  EXPECT_EQ(r.sw, 0x6114);
  Result<ResponseApdu> next = s.GetResponse(MakeGetResponse(0x00, r.sw));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, (ResponseApdu{Counting(20), kSwOk}));
}

TEST(ResponseSplitter, ExtendedNe) {
  ResponseSplitter s;
  ResponseApdu r = s.Start(ResponseApdu{Counting(70000), kSwOk}, 65536);
  EXPECT_EQ(r.data.size(), 65536u);
  EXPECT_EQ(r.sw, 0x6100);
  Result<ResponseApdu> next = s.GetResponse(CommandApdu{0x00, 0xC0, 0x00, 0x00, {}, 65536, true});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->data.size(), 70000u - 65536u);
  EXPECT_EQ(next->sw, kSwOk);
  // Ne beyond what one APDU can carry is capped.
  r = s.Start(ResponseApdu{Counting(70000), kSwOk}, 100000);
  EXPECT_EQ(r.data.size(), 65536u);
}

TEST(ResponseSplitter, ErrorDropsData) {
  ResponseSplitter s;
  ResponseApdu r = s.Start(ResponseApdu{Counting(20), kSwConditionsNotSatisfied}, 256);
  EXPECT_EQ(r, (ResponseApdu{{}, kSwConditionsNotSatisfied}));
  EXPECT_FALSE(s.pending());
}

TEST(ResponseSplitter, RejectsBadGetResponse) {
  ResponseSplitter s;
  (void)s.Start(ResponseApdu{Counting(300), kSwOk}, 256);
  ASSERT_TRUE(s.pending());
  const CommandApdu bad[] = {
      CommandApdu{0x00, 0xB0, 0x00, 0x00, {}, 16, false},
      CommandApdu{0x00, 0xC0, 0x01, 0x00, {}, 16, false},
      CommandApdu{0x00, 0xC0, 0x00, 0x01, {}, 16, false},
      CommandApdu{0x00, 0xC0, 0x00, 0x00, {1}, 16, false},
      CommandApdu{0x00, 0xC0, 0x00, 0x00, {}, 0, false},
  };
  for (const CommandApdu& c : bad) {
    EXPECT_EQ(s.GetResponse(c).status().code(), Code::kInvalidArgument);
    EXPECT_EQ(s.remaining(), 44u);  // still pending
  }
  s.Reset();
  EXPECT_FALSE(s.pending());
}

// Card splitter and host collector talking to each other over encoded bytes.
TEST(ResponseCollector, AgainstSplitter) {
  for (size_t size : {0u, 1u, 255u, 256u, 257u, 1000u}) {
    for (uint32_t ne : {0u, 1u, 16u, 256u}) {
      ResponseSplitter card;
      ResponseCollector host(0x84);
      ResponseApdu answer = card.Start(ResponseApdu{Counting(size), 0x6282}, ne);
      int rounds = 0;
      for (;;) {
        Result<ResponseApdu> wire = ResponseApdu::Parse(*answer.Encode());
        ASSERT_TRUE(wire.ok());
        Result<std::optional<CommandApdu>> next = host.Add(*wire);
        ASSERT_TRUE(next.ok()) << next.status().ToString();
        if (!next->has_value()) break;
        ASSERT_LT(++rounds, 2000);
        Result<CommandApdu> cmd = CommandApdu::Parse(*(*next)->Encode());
        ASSERT_TRUE(cmd.ok());
        Result<ResponseApdu> a = card.GetResponse(*cmd);
        ASSERT_TRUE(a.ok()) << a.status().ToString();
        answer = *a;
      }
      EXPECT_EQ(host.Take(), (ResponseApdu{Counting(size), 0x6282})) << size << " " << ne;
      EXPECT_FALSE(card.pending());
    }
  }
}

TEST(ResponseCollector, Limits) {
  {
    ResponseCollector host(0x00, 10);
    auto r = host.Add(ResponseApdu{Counting(8), 0x6108});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(host.Add(ResponseApdu{Counting(8), kSwOk}).status().code(), Code::kResourceExhausted);
  }
  {
    // A first answer without data is the T=0 pattern; later empty 61xx answers would loop.
    ResponseCollector host(0x00);
    auto r = host.Add(ResponseApdu{{}, 0x6110});
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->has_value());
    EXPECT_EQ(host.Add(ResponseApdu{{}, 0x6110}).status().code(), Code::kMalformed);
  }
  {
    // An error in the middle voids the data.
    ResponseCollector host(0x00);
    ASSERT_TRUE(host.Add(ResponseApdu{Counting(8), 0x6108}).ok());
    auto r = host.Add(ResponseApdu{{}, kSwUnknown});
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->has_value());
    EXPECT_EQ(host.Take(), (ResponseApdu{{}, kSwUnknown}));
  }
  {
    // 6Cxx is final for the collector.
    ResponseCollector host(0x00);
    auto r = host.Add(ResponseApdu{{}, 0x6C10});
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->has_value());
    EXPECT_EQ(host.Take().sw, 0x6C10);
  }
}

}  // namespace
}  // namespace sedun::apdu
