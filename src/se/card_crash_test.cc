// Crash safety (DESIGN.md invariants: card state survives kill -9 at any instant; JR/T 0093.6
// 7.2 retry counters): a child process runs a loop of wrong-PIN VERIFYs against a card on a real
// FileCardStore and is killed with SIGKILL at random instants. After every kill the parent checks
// that the image loads, that the retry counter never went back up, and that every 63Cx the child
// was told is on disk (the counter is written before the answer).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <random>

#include "base/file.h"
#include "se/card.h"
#include "se/card_test_host.h"
#include "se/store/card_image.h"
#include "util/temp_dir.h"

namespace sedun::se {
namespace {

using namespace sedun::se::testing;

// Sends `plain` wrapped and returns the unwrapped status word, 0 on any host-side failure.
uint16_t ChildExchange(Card& card, scp::HostChannel& channel, const apdu::CommandApdu& plain) {
  Result<apdu::CommandApdu> wrapped = channel.Wrap(plain);
  if (!wrapped.ok()) return 0;
  Result<Bytes> wire = wrapped->Encode();
  if (!wire.ok()) return 0;
  Result<apdu::ResponseApdu> answer = apdu::ResponseApdu::Parse(card.Transmit(*wire));
  if (!answer.ok()) return 0;
  Result<apdu::ResponseApdu> plain_answer = channel.Unwrap(*answer);
  return plain_answer.ok() ? plain_answer->sw : 0;
}

uint16_t ChildWire(Card& card, const apdu::CommandApdu& c, apdu::ResponseApdu* out) {
  Result<Bytes> wire = c.Encode();
  if (!wire.ok()) return 0;
  Result<apdu::ResponseApdu> r = apdu::ResponseApdu::Parse(card.Transmit(*wire));
  if (!r.ok()) return 0;
  *out = *r;
  return r->sw;
}

// The child: no gtest here, only _exit codes. Writes each 63Cx's x to `fd` once received.
[[noreturn]] void RunChild(const std::string& path, ByteView client_keys, int fd) {
  auto card = Card::Open(std::make_unique<FileCardStore>(path));
  if (!card.ok()) _exit(2);
  apdu::ResponseApdu r;
  if (ChildWire(**card, SelectCmd(), &r) != apdu::kSwOk) _exit(3);
  scp::HostChannel channel;
  auto keys = scp::KeySet::FromBytes(client_keys);
  auto iu = channel.BeginInitializeUpdate(scp::kKvnClient);
  if (!keys.ok() || !iu.ok() || ChildWire(**card, *iu, &r) != apdu::kSwOk) _exit(4);
  auto ea = channel.FinishInitializeUpdate(*keys, r);
  if (!ea.ok() || ChildWire(**card, *ea, &r) != apdu::kSwOk || !channel.Confirm(r).ok()) _exit(5);
  for (;;) {
    uint16_t sw = ChildExchange(**card, channel, VerifyCmd(kWrongPin));
    if (sw == apdu::kSwAuthMethodBlocked) _exit(0);
    if ((sw & 0xFFF0) != apdu::kSwVerifyFailedTries) _exit(6);
    uint8_t tries = static_cast<uint8_t>(sw & 0x0F);
    if (write(fd, &tries, 1) != 1) _exit(7);
  }
}

TEST(CardCrash, RetryCounterSurvivesKillNine) {
  sedun::testing::TempDir dir;
  const std::string path = dir.File("card.img");
  SecretBytes client_keys;
  {
    CreatedCard created = Card::Create(path).value();
    auto card = Card::Open(std::make_unique<FileCardStore>(path), crypto::SystemRng(), FixedClock).value();
    TestHost host(*card);
    client_keys = crypto::RandomSecret(crypto::SystemRng(), 48).value();
    PersonaliseWith(host, created.issuer_keys.view(), client_keys.view(), /*user_limit=*/6, /*admin_limit=*/6);
    ASSERT_FALSE(HasFatalFailure());
  }
  const Bytes fresh = ReadFile(path).value();
  std::mt19937 gen(0x5ED0C4);
  constexpr int kKills = 150;
  int kills = 0;
  int lifetimes = 0;
  int completed = 0;  // children that ran until the PIN blocked
  while (kills < kKills) {
    ASSERT_TRUE(WriteFileAtomic(path, fresh, 0600).ok());
    ++lifetimes;
    int last_tries = 6;
    uint64_t last_generation = DecodeCardImage(fresh)->generation;
    for (;;) {
      int fds[2];
      ASSERT_EQ(pipe(fds), 0);
      pid_t pid = fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) {
        close(fds[0]);
        RunChild(path, client_keys.view(), fds[1]);
      }
      close(fds[1]);
      usleep(static_cast<useconds_t>(gen() % 12000));
      kill(pid, SIGKILL);
      int status = 0;
      ASSERT_EQ(waitpid(pid, &status, 0), pid);
      if (WIFSIGNALED(status)) {
        ++kills;
      } else {
        ASSERT_TRUE(WIFEXITED(status));
        ASSERT_EQ(WEXITSTATUS(status), 0) << "child failed before the kill";
        ++completed;
      }
      int acknowledged = last_tries;
      uint8_t b;
      while (read(fds[0], &b, 1) == 1) acknowledged = std::min(acknowledged, int{b});
      close(fds[0]);

      Result<Bytes> image = ReadFile(path);
      ASSERT_TRUE(image.ok());
      Result<CardState> state = DecodeCardImage(*image);
      ASSERT_TRUE(state.ok()) << "kill " << kills << ": " << state.status().ToString();
      const int tries = state->user_pin.tries_left;
      EXPECT_LE(tries, last_tries) << "retry counter went up at kill " << kills;
      EXPECT_LE(tries, acknowledged) << "an answered try is not on disk at kill " << kills;
      EXPECT_GE(state->generation, last_generation);
      last_tries = tries;
      last_generation = state->generation;
      if (tries == 0) {
        EXPECT_EQ(state->lifecycle, Lifecycle::kLocked);
        break;
      }
      if (::testing::Test::HasFailure()) return;
    }
  }
  RecordProperty("kills", kills);
  RecordProperty("lifetimes", lifetimes);
  EXPECT_GT(lifetimes, 1);
  (void)completed;
}

}  // namespace
}  // namespace sedun::se
