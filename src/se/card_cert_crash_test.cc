// Crash safety of key and certificate writes (DESIGN.md invariants: card state survives kill -9
// at any instant; JR/T 0093.6 5.4.3 c, e): a child process enrols a key again and again on a card
// kept by a real FileCardStore - VERIFY, GENERATE KEY PAIR, CERTIFICATION REQUEST, a certificate
// from the test CA for the request's key, VERIFY, IMPORT CERTIFICATE and, every other round,
// DELETE CERTIFICATE - and is killed with SIGKILL, half of the time at a random instant of its
// life and half of the time right at a random file-system event in the image's directory, which
// puts the kill inside a commit (create, write, close, rename of the temporary file). The child
// tells the parent through a pipe which command it is about to send and which ones the card
// acknowledged with 9000. After every kill the parent checks that the image loads, that the key
// slot is the state before or after the command in flight (the old pair or the new one, the
// certificate whole and matching the key or absent), that every acknowledged step is on disk,
// that nothing else changed, that the load removed the temporary file of a killed commit, and
// that the card still opens its channel and verifies the PIN.
// SIGKILL ends a process, not the machine: the page cache survives, so this proves atomicity
// against process death; durability against power loss rests on WriteFileAtomic's fsyncs.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/inotify.h>
#endif

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "apdu/tlv.h"
#include "base/file.h"
#include "crypto/sm2_key.h"
#include "pki/cert_builder.h"
#include "pki/csr.h"
#include "pki/name.h"
#include "pki/pkcs7.h"
#include "se/card.h"
#include "se/card_test_host.h"
#include "se/store/card_image.h"
#include "util/temp_dir.h"

#if defined(__SANITIZE_ADDRESS__)
#define SEDUN_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SEDUN_UNDER_ASAN 1
#endif
#endif

namespace sedun::se {
namespace {

using namespace sedun::se::testing;
using Clock = std::chrono::steady_clock;

// A kill costs about 0.1 s, mostly the fsyncs of the commits. ASan makes the computing part
// several times slower; fewer kills keep that run short without changing what is checked.
#if defined(SEDUN_UNDER_ASAN)
constexpr int kKills = 100;
#else
constexpr int kKills = 200;
#endif

constexpr std::string_view kImageName = "card.img";
constexpr std::string_view kContainer = "crash";
constexpr uint8_t kSignSlot = static_cast<uint8_t>(KeySlotId::kSign);
constexpr uint8_t kPinLimit = 6;

// The child's records: before each command the step it is about to send (with the certificate
// for IMPORT), after each 9000 the same step flagged acknowledged (with the public key for
// GENERATE). A record is one write(2) of at most PIPE_BUF bytes, so a kill never leaves half of
// one in the pipe: type (1) || payload length (2, big-endian) || payload.
enum class Step : uint8_t { kVerify = 1, kGenerate = 2, kRequest = 3, kImport = 4, kDelete = 5 };
constexpr uint8_t kAcked = 0x80;

struct Record {
  Step step;
  bool acked;
  Bytes payload;
};

apdu::CommandApdu GenerateCmd() {
  return Cmd(0x80, 0x46, 0x00, 0x00, Concat({Tlv(0x81, kContainer), Tlv(0x82, kSignSlot)}), 256);
}
apdu::CommandApdu RequestCmd(ByteView subject) {
  return Cmd(0x80, 0x4A, 0x00, 0x00, Concat({Tlv(0x81, kContainer), Tlv(0x82, kSignSlot), Tlv(0x89, subject)}),
             65536);
}
apdu::CommandApdu ImportCmd(ByteView chain) {
  return Cmd(0x80, 0xD0, 0x00, 0x00, Concat({Tlv(0x81, kContainer), Tlv(0x82, kSignSlot), Tlv(0x86, chain)}));
}
apdu::CommandApdu DeleteCmd() {
  return Cmd(0x80, 0xD6, 0x00, 0x00, Concat({Tlv(0x81, kContainer), Tlv(0x82, kSignSlot)}));
}

// ---- The child: no gtest here, only _exit codes (10 + step for a refused command). ----

class ChildHost {
 public:
  ChildHost(Card& card, int fd) : card_(card), fd_(fd) {}

  bool Begin(ByteView client_keys) {
    std::optional<apdu::ResponseApdu> r = Wire(SelectCmd());
    if (!r || r->sw != apdu::kSwOk) return false;
    Result<scp::KeySet> keys = scp::KeySet::FromBytes(client_keys);
    Result<apdu::CommandApdu> iu = channel_.BeginInitializeUpdate(scp::kKvnClient);
    if (!keys.ok() || !iu.ok()) return false;
    r = Wire(*iu);
    if (!r || r->sw != apdu::kSwOk) return false;
    Result<apdu::CommandApdu> ea = channel_.FinishInitializeUpdate(*keys, *r);
    if (!ea.ok()) return false;
    r = Wire(*ea);
    return r && r->sw == apdu::kSwOk && channel_.Confirm(*r).ok();
  }

  // Reports the intent, sends the command and returns the answer; any status but 9000 ends
  // the child, since from a known state every command of the loop must succeed.
  apdu::ResponseApdu Run(Step step, const apdu::CommandApdu& command, ByteView intent = {}) {
    Report(step, false, intent);
    std::optional<apdu::ResponseApdu> r = Send(command);
    if (!r || r->sw != apdu::kSwOk) _exit(10 + static_cast<int>(step));
    return *r;
  }

  void Report(Step step, bool acked, ByteView payload = {}) {
    if (payload.size() + 3 > PIPE_BUF) _exit(8);
    Bytes record = {static_cast<uint8_t>(static_cast<uint8_t>(step) | (acked ? kAcked : 0)),
                    static_cast<uint8_t>(payload.size() >> 8), static_cast<uint8_t>(payload.size())};
    record.insert(record.end(), payload.begin(), payload.end());
    if (write(fd_, record.data(), record.size()) != static_cast<ssize_t>(record.size())) _exit(7);
  }

 private:
  std::optional<apdu::ResponseApdu> Wire(const apdu::CommandApdu& c) {
    Result<Bytes> wire = c.Encode();
    if (!wire.ok()) return std::nullopt;
    Result<apdu::ResponseApdu> r = apdu::ResponseApdu::Parse(card_.Transmit(*wire));
    if (!r.ok()) return std::nullopt;
    return *r;
  }
  std::optional<apdu::ResponseApdu> Exchange(const apdu::CommandApdu& plain) {
    Result<apdu::CommandApdu> wrapped = channel_.Wrap(plain);
    if (!wrapped.ok()) return std::nullopt;
    std::optional<apdu::ResponseApdu> answer = Wire(*wrapped);
    if (!answer) return std::nullopt;
    Result<apdu::ResponseApdu> r = channel_.Unwrap(*answer);
    if (!r.ok()) return std::nullopt;
    return *r;
  }
  // Chained in parts that stay short once wrapped, the answer gathered with GET RESPONSE.
  std::optional<apdu::ResponseApdu> Send(const apdu::CommandApdu& plain) {
    Result<std::vector<apdu::CommandApdu>> parts = apdu::SplitIntoChain(plain, 200);
    if (!parts.ok()) return std::nullopt;
    std::optional<apdu::ResponseApdu> answer;
    for (const apdu::CommandApdu& part : *parts) {
      answer = Exchange(part);
      if (!answer || answer->sw != apdu::kSwOk) break;
    }
    if (!answer) return std::nullopt;
    apdu::ResponseCollector collector(plain.cla);
    for (;;) {
      Result<std::optional<apdu::CommandApdu>> next = collector.Add(*answer);
      if (!next.ok()) return std::nullopt;
      if (!next->has_value()) break;
      answer = Exchange(**next);
      if (!answer) return std::nullopt;
    }
    return collector.Take();
  }

  Card& card_;
  int fd_;
  scp::HostChannel channel_;
};

// The certificate the CA issues for a request: a signing certificate for the request's key, as
// the CA of a bank would after checking the request's signature.
Result<pki::Certificate> IssueFor(const pki::CertificateRequest& request, uint32_t round) {
  const TestPki& pki = TestPki::Get();
  SEDUN_RETURN_IF_ERROR(request.VerifySelfSignature());
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PublicKey key, request.public_key());
  pki::CertificateSpec spec;
  const uint32_t pid = static_cast<uint32_t>(getpid());
  spec.serial = {0x01,
                 static_cast<uint8_t>(pid >> 24),
                 static_cast<uint8_t>(pid >> 16),
                 static_cast<uint8_t>(pid >> 8),
                 static_cast<uint8_t>(pid),
                 static_cast<uint8_t>(round >> 8),
                 static_cast<uint8_t>(round)};
  spec.subject = request.subject();
  spec.not_before = At(kNow - 30 * kDay);
  spec.not_after = At(kNow + 30 * kDay);
  spec.basic_constraints = pki::BasicConstraints{false, std::nullopt};
  spec.key_usage = pki::key_usage::kDigitalSignature | pki::key_usage::kNonRepudiation;
  return pki::IssueCertificate(spec, key, pki.ca, pki.ca_key);
}

[[noreturn]] void RunChild(const std::string& path, ByteView client_keys, int fd) {
  auto card = Card::Open(std::make_unique<FileCardStore>(path), crypto::SystemRng(), FixedClock);
  if (!card.ok()) _exit(2);
  ChildHost host(**card, fd);
  if (!host.Begin(client_keys)) _exit(3);
  const TestPki& pki = TestPki::Get();
  Result<Bytes> subject = pki::NameToDer({{"C", "CN"}, {"O", "sedun test"}, {"CN", "crash test"}});
  if (!subject.ok()) _exit(4);
  for (uint32_t round = 0;; ++round) {
    host.Run(Step::kVerify, VerifyCmd(kUserPin));
    host.Report(Step::kVerify, true);

    apdu::ResponseApdu generated = host.Run(Step::kGenerate, GenerateCmd());
    Result<std::vector<apdu::Tlv>> fields = apdu::ParseTlvs(generated.data);
    if (!fields.ok()) _exit(5);
    Result<ByteView> public_key = apdu::FindTlvValue(*fields, 0x87);
    if (!public_key.ok()) _exit(5);
    host.Report(Step::kGenerate, true, *public_key);

    // The request consumes the PIN verification (JR/T 7.2) and changes nothing on the card.
    apdu::ResponseApdu request = host.Run(Step::kRequest, RequestCmd(*subject));
    host.Report(Step::kRequest, true);
    Result<pki::CertificateRequest> csr = pki::CertificateRequest::FromDer(request.data);
    if (!csr.ok() || ToBytes(csr->public_key()->point()) != ToBytes(*public_key)) _exit(6);
    Result<pki::Certificate> cert = IssueFor(*csr, round);
    if (!cert.ok()) _exit(6);
    Result<Bytes> chain = pki::Pkcs7CertsOnlyToDer(pki::Pkcs7CertsOnly{{*cert, pki.ca}, {}});
    if (!chain.ok()) _exit(6);

    host.Run(Step::kVerify, VerifyCmd(kUserPin));
    host.Report(Step::kVerify, true);
    host.Run(Step::kImport, ImportCmd(*chain), cert->ToDer());
    host.Report(Step::kImport, true);
    // Every other round the slot is emptied; in the others the next GENERATE replaces a pair that
    // has a certificate.
    if (round % 2 == 0) {
      host.Run(Step::kDelete, DeleteCmd());
      host.Report(Step::kDelete, true);
    }
  }
}

// ---- The parent. ----

// The test container's signature slot.
struct SlotView {
  bool present = false;
  Bytes public_key;
  Bytes certificate;
  friend bool operator==(const SlotView&, const SlotView&) = default;
};

SlotView ViewOf(const CardState& s) {
  const Container* c = s.FindContainer(std::string(kContainer));
  if (c == nullptr || !c->sign) return {};
  return {true, c->sign->public_key, c->sign->certificate};
}

// Everything the loop must not touch: the image with the slot emptied, the user PIN's counter
// full and the generation zeroed.
Bytes Frozen(const CardState& s) {
  CardState copy = s.Clone();
  copy.generation = 0;
  copy.user_pin.tries_left = copy.user_pin.retry_limit;
  if (Container* c = copy.FindContainer(std::string(kContainer))) c->sign.reset();
  Result<SecretBytes> image = EncodeCardImage(copy);
  return image.ok() ? ToBytes(image->view()) : Bytes{};
}

// The records as sent, or an empty optional for bytes that are not whole records.
std::optional<std::vector<Record>> ParseRecords(const Bytes& bytes) {
  std::vector<Record> out;
  size_t at = 0;
  while (at < bytes.size()) {
    if (bytes.size() - at < 3) return std::nullopt;
    const uint8_t type = bytes[at];
    const size_t length = (size_t{bytes[at + 1]} << 8) | bytes[at + 2];
    if (bytes.size() - at - 3 < length) return std::nullopt;
    const uint8_t step = type & 0x7F;
    if (step < 1 || step > 5) return std::nullopt;
    out.push_back({static_cast<Step>(step), (type & kAcked) != 0,
                   Bytes(bytes.begin() + static_cast<ptrdiff_t>(at + 3),
                         bytes.begin() + static_cast<ptrdiff_t>(at + 3 + length))});
    at += 3 + length;
  }
  return out;
}

// What the records say: the slot after every acknowledged step, and the command in flight when
// the child died (an intent without its acknowledgement), if any.
struct Timeline {
  SlotView acked;
  std::optional<Record> in_flight;
  int acks = 0;
};

::testing::AssertionResult Replay(const std::vector<Record>& records, SlotView start, Timeline* out) {
  Timeline t{std::move(start), std::nullopt, 0};
  for (const Record& r : records) {
    if (!r.acked) {
      if (t.in_flight) return ::testing::AssertionFailure() << "two intents without an acknowledgement";
      t.in_flight = r;
      continue;
    }
    if (!t.in_flight || t.in_flight->step != r.step) return ::testing::AssertionFailure() << "unexpected ack";
    switch (r.step) {
      case Step::kGenerate:
        t.acked = {true, r.payload, {}};
        break;
      case Step::kImport:
        if (!t.acked.present) return ::testing::AssertionFailure() << "import into an empty slot";
        t.acked.certificate = t.in_flight->payload;
        break;
      case Step::kDelete:
        t.acked = {};
        break;
      case Step::kVerify:
      case Step::kRequest:
        break;
    }
    t.in_flight.reset();
    ++t.acks;
  }
  *out = std::move(t);
  return ::testing::AssertionSuccess();
}

// A slot on its own: the private key is the public key's, and a certificate is one whole DER
// certificate from the test CA for that key.
::testing::AssertionResult SlotIsWhole(const CardState& s) {
  const Container* c = s.FindContainer(std::string(kContainer));
  if (c == nullptr) return ::testing::AssertionFailure() << "the container is gone";
  if (c->encrypt) return ::testing::AssertionFailure() << "the encryption slot filled";
  if (!c->sign) return ::testing::AssertionSuccess();
  Result<crypto::Sm2PrivateKey> key = crypto::Sm2PrivateKey::FromScalar(c->sign->private_key.view());
  if (!key.ok()) return ::testing::AssertionFailure() << "private key: " << key.status().ToString();
  if (ToBytes(key->public_key().point()) != c->sign->public_key) {
    return ::testing::AssertionFailure() << "the public key is not the private key's";
  }
  if (c->sign->certificate.empty()) return ::testing::AssertionSuccess();
  Result<pki::Certificate> cert = pki::Certificate::FromDer(c->sign->certificate);
  if (!cert.ok()) return ::testing::AssertionFailure() << "certificate: " << cert.status().ToString();
  if (ToBytes(cert->public_key()->point()) != c->sign->public_key) {
    return ::testing::AssertionFailure() << "the certificate is for another key";
  }
  if (cert->issuer_der() != TestPki::Get().ca.subject_der()) {
    return ::testing::AssertionFailure() << "the certificate is not the test CA's";
  }
  return ::testing::AssertionSuccess();
}

// The slot on disk is the acknowledged one or the one the command in flight makes of it.
::testing::AssertionResult SlotIsBeforeOrAfter(const SlotView& disk, const Timeline& t, bool* after) {
  *after = false;
  if (disk == t.acked) return ::testing::AssertionSuccess();
  *after = true;
  const Step step = t.in_flight ? t.in_flight->step : Step::kVerify;
  if (step == Step::kGenerate && disk.present && disk.certificate.empty() &&
      (!t.acked.present || disk.public_key != t.acked.public_key)) {
    return ::testing::AssertionSuccess();
  }
  if (step == Step::kImport && t.acked.present && disk.present && disk.public_key == t.acked.public_key &&
      disk.certificate == t.in_flight->payload) {
    return ::testing::AssertionSuccess();
  }
  if (step == Step::kDelete && !disk.present) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "the slot is neither before nor after "
                                       << (t.in_flight ? static_cast<int>(step) : 0) << " (acks " << t.acks
                                       << "; disk present " << disk.present << " cert " << disk.certificate.size()
                                       << " bytes; acked present " << t.acked.present << " cert "
                                       << t.acked.certificate.size() << " bytes)";
}

std::vector<std::string> Leftovers(const std::string& dir) {
  std::vector<std::string> out;
  const std::string prefix = std::string(kImageName) + ".tmp.";
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (const dirent* e = readdir(d)) {
    if (std::string_view(e->d_name).starts_with(prefix)) out.emplace_back(e->d_name);
  }
  closedir(d);
  return out;
}

// Reads whatever the pipe holds without blocking; false at end of file (the child is gone).
bool Drain(int fd, Bytes* out) {
  uint8_t buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      out->insert(out->end(), buf, buf + n);
      continue;
    }
    if (n == 0) return false;
    return errno == EINTR || errno == EAGAIN;
  }
}

// Watches the image's directory for the child's file-system activity (Linux only; elsewhere
// every kill is a timed one).
class DirectoryWatch {
 public:
  explicit DirectoryWatch(const std::string& dir) {
#if defined(__linux__)
    fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ >= 0 &&
        inotify_add_watch(fd_, dir.c_str(), IN_CREATE | IN_OPEN | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
      close(fd_);
      fd_ = -1;
    }
#else
    (void)dir;
#endif
  }
  ~DirectoryWatch() {
    if (fd_ >= 0) close(fd_);
  }
  DirectoryWatch(const DirectoryWatch&) = delete;
  DirectoryWatch& operator=(const DirectoryWatch&) = delete;

  bool available() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  // Events queued so far (discarded).
  int Take() {
    int events = 0;
#if defined(__linux__)
    alignas(inotify_event) char buf[8192];
    for (;;) {
      ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      for (ssize_t at = 0; at < n;) {
        const auto* e = reinterpret_cast<const inotify_event*>(buf + at);
        at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
        ++events;
      }
    }
#endif
    return events;
  }

 private:
  int fd_ = -1;
};

// How the parent picks the instant of a kill.
enum class Aim {
  kCalibrate,  // after the child's second IMPORT acknowledgement: measures a life of two rounds
  kTimed,      // a uniform instant of a life of two rounds
  kEvent,      // the n-th file-system event of the child, then at most 200 us more
};

// Kills and reaps the child when a failed assertion leaves the test while it still runs.
class ChildGuard {
 public:
  explicit ChildGuard(pid_t pid) : pid_(pid) {}
  ~ChildGuard() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  ChildGuard(const ChildGuard&) = delete;
  ChildGuard& operator=(const ChildGuard&) = delete;
  // Kills the child and returns its wait status.
  int KillAndReap() {
    kill(pid_, SIGKILL);
    int status = 0;
    const pid_t reaped = waitpid(pid_, &status, 0);
    pid_ = 0;
    return reaped > 0 ? status : -1;
  }

 private:
  pid_t pid_;
};

void BusyWait(std::chrono::microseconds d) {
  const Clock::time_point until = Clock::now() + d;
  while (Clock::now() < until) {
  }
}

TEST(CardCrash, CertificateWritesSurviveKillNine) {
  sedun::testing::TempDir dir;
  const std::string path = dir.File(std::string(kImageName));
  SecretBytes client_keys = crypto::RandomSecret(crypto::SystemRng(), 48).value();
  {
    CreatedCard created = Card::Create(path).value();
    auto card = Card::Open(std::make_unique<FileCardStore>(path), crypto::SystemRng(), FixedClock).value();
    TestHost host(*card);
    PersonaliseWith(host, created.issuer_keys.view(), client_keys.view(), kPinLimit, kPinLimit);
    ASSERT_FALSE(HasFatalFailure());
    ASSERT_EQ(host.OpenChannel(client_keys.view(), scp::kKvnClient), apdu::kSwOk);
    ASSERT_EQ(host.Send(VerifyCmd(kUserPin)).sw, apdu::kSwOk);
    ASSERT_EQ(host.Send(Cmd(0x80, 0xE0, 0x00, 0x00, Tlv(0x81, kContainer))).sw, apdu::kSwOk);
  }
  const CardState personalised = DecodeCardImage(ReadFile(path).value()).value();
  const Bytes frozen = Frozen(personalised);
  ASSERT_FALSE(frozen.empty());

  DirectoryWatch watch(dir.path());
  std::mt19937 gen(0x5ED0CE57);
  SlotView start = ViewOf(personalised);
  uint64_t generation = personalised.generation;
  Clock::duration life = {};  // two rounds, measured by the calibration
  int events_per_life = 0;
  int kills = 0, timed = 0, aimed = 0, after = 0, mid_commit = 0, acks = 0;
  const Clock::time_point began = Clock::now();

  for (int lifetime = 0; kills < kKills; ++lifetime) {
    Aim aim = Aim::kTimed;
    if (lifetime == 0) {
      aim = Aim::kCalibrate;
    } else if (watch.available() && events_per_life > 0 && gen() % 2 == 0) {
      aim = Aim::kEvent;
    }
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    watch.Take();
    const Clock::time_point born = Clock::now();
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      RunChild(path, client_keys.view(), fds[1]);
    }
    ChildGuard child(pid);
    close(fds[1]);
    ASSERT_EQ(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);

    Bytes bytes;
    bool alive = true;
    if (aim == Aim::kTimed) {
      const auto span = std::chrono::duration_cast<std::chrono::microseconds>(life).count();
      usleep(static_cast<useconds_t>(std::uniform_int_distribution<int64_t>(0, span)(gen)));
    } else {
      const int target = aim == Aim::kEvent ? std::uniform_int_distribution<int>(1, events_per_life)(gen) : 0;
      // Half of the event kills land as soon as the parent sees the event, the others a little
      // later, so that both the instant after a step of the commit and the time up to the next
      // one are hit.
      const std::chrono::microseconds extra(gen() % 2 == 0 ? std::uniform_int_distribution<int>(0, 200)(gen) : 0);
      int events = 0;
      for (;;) {
        pollfd p[2] = {{fds[0], POLLIN, 0}, {watch.fd(), POLLIN, 0}};
        const int ready = poll(p, watch.available() ? 2 : 1, 10000);
        ASSERT_GT(ready, 0) << "the child hung";
        if (watch.available() && (p[1].revents & POLLIN)) {
          events += watch.Take();
          if (aim == Aim::kEvent && events >= target) {
            BusyWait(extra);
            break;
          }
        }
        if (p[0].revents & (POLLIN | POLLHUP)) {
          alive = Drain(fds[0], &bytes);
          if (!alive) break;
          if (aim == Aim::kCalibrate) {
            std::optional<std::vector<Record>> so_far = ParseRecords(bytes);
            int imports = 0;
            for (const Record& r : so_far.value_or(std::vector<Record>{})) {
              imports += r.acked && r.step == Step::kImport;
            }
            if (imports == 2) break;
          }
        }
      }
      if (aim == Aim::kCalibrate) {
        life = Clock::now() - born;
        events_per_life = events + watch.Take();
      }
    }
    const int status = child.KillAndReap();
    ASSERT_NE(status, -1);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the child exited with " << WEXITSTATUS(status) << " before the kill";
    ++kills;
    ++(aim == Aim::kEvent ? aimed : timed);
    while (Drain(fds[0], &bytes)) {
    }
    close(fds[0]);

    std::optional<std::vector<Record>> records = ParseRecords(bytes);
    ASSERT_TRUE(records.has_value()) << "a torn record in the pipe";
    Timeline timeline;
    ASSERT_TRUE(Replay(*records, start, &timeline));
    acks += timeline.acks;
    if (!Leftovers(dir.path()).empty()) ++mid_commit;

    // The image as the killed child left it.
    Result<Bytes> image = ReadFile(path);
    ASSERT_TRUE(image.ok()) << image.status().ToString();
    Result<CardState> state = DecodeCardImage(*image);
    ASSERT_TRUE(state.ok()) << "kill " << kills << ": " << state.status().ToString();
    ASSERT_EQ(Frozen(*state), frozen) << "kill " << kills << " changed more than the slot";
    ASSERT_TRUE(SlotIsWhole(*state)) << "kill " << kills;
    bool changed = false;
    ASSERT_TRUE(SlotIsBeforeOrAfter(ViewOf(*state), timeline, &changed)) << "kill " << kills;
    after += changed;
    // The counter is full but while a VERIFY is in flight: it is written down before the PIN is
    // compared and restored after a match (docs/apdu.md, notes on PINs).
    const bool verifying = timeline.in_flight && timeline.in_flight->step == Step::kVerify;
    if (state->user_pin.tries_left != kPinLimit) {
      ASSERT_TRUE(verifying && state->user_pin.tries_left == kPinLimit - 1)
          << "kill " << kills << ": " << int{state->user_pin.tries_left} << " tries left";
    }
    ASSERT_GE(state->generation, generation);

    // The card still works, and loading it removed the temporary file of a killed commit. Its
    // PIN verification restores the counter a killed VERIFY may have left one short.
    {
      Result<std::unique_ptr<Card>> card =
          Card::Open(std::make_unique<FileCardStore>(path), crypto::SystemRng(), FixedClock);
      ASSERT_TRUE(card.ok()) << card.status().ToString();
      EXPECT_TRUE(Leftovers(dir.path()).empty()) << "kill " << kills;
      TestHost host(**card);
      ASSERT_EQ(host.Select(), apdu::kSwOk);
      ASSERT_EQ(host.OpenChannel(client_keys.view(), scp::kKvnClient), apdu::kSwOk);
      ASSERT_EQ(host.Send(VerifyCmd(kUserPin)).sw, apdu::kSwOk);
    }
    const CardState checked = DecodeCardImage(ReadFile(path).value()).value();
    ASSERT_EQ(checked.user_pin.tries_left, kPinLimit);
    start = ViewOf(checked);
    generation = checked.generation;
  }

  const double seconds = std::chrono::duration<double>(Clock::now() - began).count();
  RecordProperty("kills", kills);
  RecordProperty("kills_at_events", aimed);
  RecordProperty("kills_mid_commit", mid_commit);
  RecordProperty("kills_after_the_command_in_flight", after);
  RecordProperty("acknowledged_steps", acks);
  std::printf("%d kills (%d timed, %d at file-system events) in %.1f s: %d inside a commit, %d after the command "
              "in flight took effect, %d acknowledged steps\n",
              kills, timed, aimed, seconds, mid_commit, after, acks);
  // The kills must reach inside commits, or the checks above proved little. (Kills after a commit
  // but before its acknowledgement are rarer, a few in a hundred: counted, not required.)
  EXPECT_GT(mid_commit, 0);
  EXPECT_GT(acks, kills);
}

// A commit killed before its rename leaves "<image>.tmp.<pid>"; loading the image removes those
// whose process is gone and keeps the rest: a live writer's file and names that only look alike.
TEST(CardCrash, LoadRemovesTemporaryFilesOfKilledCommits) {
  sedun::testing::TempDir dir;
  const std::string path = dir.File(std::string(kImageName));
  ASSERT_TRUE(Card::Create(path).ok());
  const Bytes image = ReadFile(path).value();
  pid_t dead = fork();
  ASSERT_GE(dead, 0);
  if (dead == 0) _exit(0);
  ASSERT_EQ(waitpid(dead, nullptr, 0), dead);
  const std::string stale = path + ".tmp." + std::to_string(dead);
  const std::string live = path + ".tmp." + std::to_string(getpid());
  // ".tmp.0" would name the process group to kill(2): it must not be taken for a process.
  const std::vector<std::string> unrelated = {path + ".tmp.",  path + ".tmp.12x",         path + ".tmp.0",
                                              path + ".tmp.99999999999", dir.File("other.img.tmp.1")};
  ASSERT_TRUE(WriteFileAtomic(stale, AsBytes("half an image"), 0600).ok());
  ASSERT_TRUE(WriteFileAtomic(live, AsBytes("being written"), 0600).ok());
  for (const std::string& name : unrelated) ASSERT_TRUE(WriteFileAtomic(name, AsBytes("x"), 0600).ok());

  Result<std::unique_ptr<Card>> card = Card::Open(std::make_unique<FileCardStore>(path));
  ASSERT_TRUE(card.ok()) << card.status().ToString();
  EXPECT_NE(access(stale.c_str(), F_OK), 0);
  EXPECT_EQ(access(live.c_str(), F_OK), 0);
  for (const std::string& name : unrelated) EXPECT_EQ(access(name.c_str(), F_OK), 0) << name;
  EXPECT_EQ(ReadFile(path).value(), image);
}

}  // namespace
}  // namespace sedun::se
