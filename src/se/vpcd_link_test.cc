// vpcd link: framing over a socketpair, control codes, logging without APDU data, stop, and the
// reconnecting client against a local listener standing in for vpcd.
#include "se/vpcd_link.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "se/card_test_host.h"

namespace sedun::se {
namespace {

using namespace sedun::se::testing;

void SendFrame(int fd, ByteView payload) {
  Bytes frame = {static_cast<uint8_t>(payload.size() >> 8), static_cast<uint8_t>(payload.size())};
  frame.insert(frame.end(), payload.begin(), payload.end());
  ASSERT_EQ(send(fd, frame.data(), frame.size(), MSG_NOSIGNAL), static_cast<ssize_t>(frame.size()));
}

Bytes ReadFrame(int fd) {
  uint8_t h[2];
  if (recv(fd, h, 2, MSG_WAITALL) != 2) return {};
  Bytes payload(size_t{h[0]} << 8 | h[1]);
  if (!payload.empty() && recv(fd, payload.data(), payload.size(), MSG_WAITALL) != static_cast<ssize_t>(payload.size())) {
    return {};
  }
  return payload;
}

struct CapturedLog {
  std::mutex mu;
  std::vector<std::string> lines;
  LinkLogger logger() {
    return [this](LinkLogLevel, const std::string& m) {
      std::lock_guard<std::mutex> lock(mu);
      lines.push_back(m);
    };
  }
};

TEST(VpcdEndpoint, Parses) {
  auto a = ParseVpcdEndpoint("127.0.0.1:35963");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 35963);
  auto b = ParseVpcdEndpoint("[::1]:1234");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 1234);
  auto c = ParseVpcdEndpoint("localhost");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->port, kVpcdDefaultPort);
  EXPECT_FALSE(ParseVpcdEndpoint("host:").ok());
  EXPECT_FALSE(ParseVpcdEndpoint("host:0").ok());
  EXPECT_FALSE(ParseVpcdEndpoint("host:65536").ok());
  EXPECT_FALSE(ParseVpcdEndpoint("host:12x").ok());
  EXPECT_FALSE(ParseVpcdEndpoint(":12").ok());
  EXPECT_FALSE(ParseVpcdEndpoint("[::1").ok());
}

TEST(VpcdLink, ServesFramesOverASocketpair) {
  TestCard t = NewTestCard();
  Personalise(t);
  CapturedLog log;
  VpcdLink link(*t.card, log.logger());
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  std::atomic<bool> stop{false};
  Status served;
  std::thread card_side([&] { served = link.Serve(sv[1], stop); });

  SendFrame(sv[0], Bytes{kVpcdPowerOn});
  SendFrame(sv[0], Bytes{kVpcdGetAtr});
  EXPECT_EQ(ReadFrame(sv[0]), t.card->Atr());
  SendFrame(sv[0], Bytes{kVpcdReset});
  Bytes select = SelectCmd().Encode().value();
  SendFrame(sv[0], select);
  Bytes fci = ReadFrame(sv[0]);
  ASSERT_GE(fci.size(), 2u);
  EXPECT_EQ(fci[fci.size() - 2], 0x90);
  // A PIN travels in the APDU: it must not reach the log.
  Bytes verify = VerifyCmd("424242").Encode().value();
  SendFrame(sv[0], verify);
  Bytes answer = ReadFrame(sv[0]);
  EXPECT_EQ(answer, (Bytes{0x69, 0x82}));  // no channel
  // An empty frame and an unknown control code get no reply; the next frame still works.
  SendFrame(sv[0], Bytes{});
  SendFrame(sv[0], Bytes{0x07});
  SendFrame(sv[0], Bytes{kVpcdGetAtr});
  EXPECT_EQ(ReadFrame(sv[0]), t.card->Atr());
  SendFrame(sv[0], Bytes{kVpcdPowerOff});
  close(sv[0]);
  card_side.join();
  close(sv[1]);
  EXPECT_TRUE(served.ok()) << served.ToString();
  EXPECT_FALSE(t.card->powered());

  bool saw_verify = false;
  for (const std::string& line : log.lines) {
    EXPECT_EQ(line.find("424242"), std::string::npos) << line;
    EXPECT_EQ(line.find("343234323432"), std::string::npos) << line;
    if (line == "apdu ins=20 sw=6982") saw_verify = true;
  }
  EXPECT_TRUE(saw_verify);
}

TEST(VpcdLink, StopEndsServeAndTruncatedFramesAreErrors) {
  TestCard t = NewTestCard();
  VpcdLink link(*t.card);
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  std::atomic<bool> stop{false};
  Status served = Internal("not run");
  std::thread card_side([&] { served = link.Serve(sv[1], stop); });
  usleep(50000);
  stop = true;
  card_side.join();
  EXPECT_TRUE(served.ok());

  stop = false;
  std::thread again([&] { served = link.Serve(sv[1], stop); });
  const uint8_t partial[] = {0x00, 0x05, 0x00, 0xA4};
  ASSERT_EQ(send(sv[0], partial, sizeof partial, MSG_NOSIGNAL), 4);
  close(sv[0]);
  again.join();
  close(sv[1]);
  EXPECT_EQ(served.code(), Code::kIo);
}

// A listener on an ephemeral port plays vpcd: the card connects, is served, is dropped, and
// connects again.
TEST(VpcdLink, ClientReconnectsAfterTheConnectionDrops) {
  TestCard t = NewTestCard();
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  VpcdEndpoint endpoint{"127.0.0.1", ntohs(addr.sin_port)};

  VpcdLink link(*t.card);
  std::atomic<bool> stop{false};
  std::thread client([&] { link.RunClient(endpoint, stop, BackoffPolicy{10, 40}); });
  for (int round = 0; round < 2; ++round) {
    int conn = accept(listener, nullptr, nullptr);
    ASSERT_GE(conn, 0);
    SendFrame(conn, Bytes{kVpcdPowerOn});
    SendFrame(conn, Bytes{kVpcdGetAtr});
    EXPECT_EQ(ReadFrame(conn), t.card->Atr());
    close(conn);  // vpcd goes away (pcscd restarted)
  }
  stop = true;
  client.join();
  close(listener);
  EXPECT_FALSE(t.card->powered());
}

TEST(VpcdLink, ClientRetriesWhileNobodyListensAndStops) {
  TestCard t = NewTestCard();
  // A port that was just free: bind, read it, close.
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  close(s);
  CapturedLog log;
  VpcdLink link(*t.card, log.logger());
  std::atomic<bool> stop{false};
  std::thread client([&] { link.RunClient(VpcdEndpoint{"127.0.0.1", ntohs(addr.sin_port)}, stop, BackoffPolicy{5, 20}); });
  usleep(200000);
  stop = true;
  client.join();
  std::lock_guard<std::mutex> lock(log.mu);
  EXPECT_GE(log.lines.size(), 2u);
}

}  // namespace
}  // namespace sedun::se
