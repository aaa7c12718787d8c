// Fuzz target for the card end of the secure channel (src/scp, docs/apdu.md "Secure channel").
//
// For each input two card channels are opened with fixed keys and challenges, one at level 13 and
// one at level 33, and the input is handed to each as a wrapped command APDU. Whatever happens,
// nothing may crash and the channel must end up either open with the command unwrapped, or closed
// with kPermissionDenied. A command that does unwrap (the seeds, which are valid first commands
// for these fixed sessions) must re-wrap to the input bytes exactly on a host channel in the same
// state, and its response must make the round trip card -> host. The input is also fed to an
// open host channel as the response to a command, which must be refused or accepted without
// crashing, and must close the channel when refused.
//
// Keys, challenges and KDD are those of src/scp/scp_test_util.h, so the tests and the fuzzer
// share one fixed session (and scp_fuzz_seeds_test.cc keeps the seed corpus valid for it).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <utility>

#include "apdu/apdu.h"
#include "scp/scp.h"

namespace {

using sedun::ByteView;
using sedun::Bytes;
using sedun::Code;
using sedun::Result;
using sedun::Status;
using sedun::apdu::CommandApdu;
using sedun::apdu::ResponseApdu;
using namespace sedun::scp;

void Check(bool ok) {
  if (!ok) abort();
}

class FixedRng : public sedun::crypto::Rng {
 public:
  explicit FixedRng(ByteView bytes) : bytes_(bytes) {}
  Status Fill(std::span<uint8_t> out) override {
    if (out.size() > bytes_.size()) return sedun::Internal("FixedRng exhausted");
    std::copy_n(bytes_.begin(), out.size(), out.begin());
    bytes_ = bytes_.subspan(out.size());
    return Status::Ok();
  }

 private:
  ByteView bytes_;
};

constexpr uint8_t kHostChallenge[] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
constexpr uint8_t kCardChallenge[] = {0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8};
constexpr uint8_t kKdd[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x00, 0x00};

KeySet Keys() {
  Bytes b(kKeySetSize);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(i);
  Result<KeySet> k = KeySet::FromBytes(b);
  Check(k.ok());
  return std::move(k).value();
}

// Opens both ends at `level` with the fixed challenges.
void OpenPair(uint8_t level, HostChannel& host, CardChannel& card) {
  static const KeySet keys = Keys();
  FixedRng host_rng(kHostChallenge);
  FixedRng card_rng(kCardChallenge);
  Result<CommandApdu> iu = host.BeginInitializeUpdate(kKvnClient, host_rng);
  Check(iu.ok());
  Result<Bytes> data = card.InitializeUpdate(keys, kKvnClient, kKdd, iu->data, card_rng);
  Check(data.ok());
  Result<CommandApdu> ea = host.FinishInitializeUpdate(keys, ResponseApdu{*data, sedun::apdu::kSwOk}, level);
  Check(ea.ok());
  Check(card.ExternalAuthenticate(*ea).ok());
  Check(host.Confirm(ResponseApdu{}).ok());
}

void UnwrapAtLevel(uint8_t level, const CommandApdu& wrapped, ByteView input) {
  HostChannel host;
  CardChannel card;
  OpenPair(level, host, card);
  Result<CommandApdu> plain = card.Unwrap(wrapped);
  if (!plain.ok()) {
    Check(plain.status().code() == Code::kPermissionDenied);
    Check(!card.open() && card.kvn() == 0);
    Check(card.Wrap(ResponseApdu{}).status().code() == Code::kFailedPrecondition);
    return;
  }
  Check(card.open());
  Check(plain->cla == (wrapped.cla & ~0x04) && plain->ins == wrapped.ins && plain->p1 == wrapped.p1 &&
        plain->p2 == wrapped.p2 && plain->ne == wrapped.ne);
  Check(plain->data.size() + kMacSize <= wrapped.data.size());

  // Re-wrapping gives back the input byte for byte.
  Result<CommandApdu> again = host.Wrap(*plain);
  Check(again.ok());
  Result<Bytes> bytes = again->Encode();
  Check(bytes.ok() && std::equal(bytes->begin(), bytes->end(), input.begin(), input.end()));

  // The response round trip, with data taken from the command so that it varies.
  const ResponseApdu answer{plain->data, sedun::apdu::kSwOk};
  // Unwrapped data is at most 65519 bytes (kMaxCommandData), which fits a wrapped response.
  Result<ResponseApdu> protected_answer = card.Wrap(answer);
  Check(protected_answer.ok());
  Result<ResponseApdu> got = host.Unwrap(*protected_answer);
  Check(got.ok() && *got == answer);
}

void HostReceives(const ResponseApdu& response) {
  HostChannel host;
  CardChannel card;
  OpenPair(kLevelFull, host, card);
  Check(host.Wrap(CommandApdu{0x80, 0xCA, 0x00, 0x01, {}, 256, false}).ok());
  Result<ResponseApdu> got = host.Unwrap(response);
  if (!got.ok()) {
    Check(!host.open());
    return;
  }
  Check(host.open());
  // Only a bare error status can be accepted without the keys.
  Check(sedun::apdu::IsSwError(response.sw) && got->data.empty() && got->sw == response.sw);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView in(data, size);
  Result<CommandApdu> wrapped = CommandApdu::Parse(in);
  if (wrapped.ok()) {
    UnwrapAtLevel(kLevelStandard, *wrapped, in);
    UnwrapAtLevel(kLevelFull, *wrapped, in);
  }
  Result<ResponseApdu> response = ResponseApdu::Parse(in);
  if (response.ok()) HostReceives(*response);
  return 0;
}
