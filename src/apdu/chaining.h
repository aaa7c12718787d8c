// Command chaining and GET RESPONSE: how data longer than one APDU crosses the interface.
//
// Card side: CommandChainer joins a chain of commands into one; ResponseSplitter hands out a long
// response in pieces announced by 61xx. Host side: SplitIntoChain cuts a long command into a chain;
// ResponseCollector gathers the pieces by sending GET RESPONSE. Pure logic, no I/O: the card OS and
// the PC/SC client move the bytes. Secure messaging wraps each APDU of a chain or of a GET RESPONSE
// sequence on its own, so these run inside it (after unwrapping on the card).
//
// One chainer and one splitter per logical channel. Thread-safety: values, not synchronised.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "apdu/apdu.h"
#include "base/bytes.h"
#include "base/status.h"

namespace sedun::apdu {

inline constexpr uint8_t kInsGetResponse = 0xC0;
// A joined command must still be expressible as one extended APDU.
inline constexpr size_t kDefaultMaxChainedData = kMaxExtendedLc;
inline constexpr size_t kDefaultMaxCollectedData = size_t{1} << 20;

// ISO 7816-4 5.3.3. Every command of a chain but the last has CLA b5 (0x10) set; all carry the
// same INS, P1, P2 and CLA apart from that bit. The joined command has the last command's CLA
// (chaining bit clear), the concatenated data, and the last command's Ne: Le fields of earlier
// commands are ignored, as their responses carry no data.
class CommandChainer {
 public:
  explicit CommandChainer(size_t max_data = kDefaultMaxChainedData) : max_data_(max_data) {}

  // Takes the next command received. Returns the complete command when `part` ends a chain or is
  // not chained at all, and std::nullopt when more parts must follow (the card answers 9000).
  // Errors discard the chain so far, and `part` is not executed:
  //   FailedPrecondition  `part` does not continue the pending chain (different CLA, INS, P1, P2);
  //                       the card answers 6883 (last command of the chain expected)
  //   ResourceExhausted   the joined data would exceed max_data (the card answers 6700 or 6A84).
  Result<std::optional<CommandApdu>> Add(CommandApdu part);

  bool in_chain() const { return pending_.has_value(); }
  // Drops a pending chain, e.g. on reset, channel close or when secure messaging fails.
  void Reset() { pending_.reset(); }

 private:
  size_t max_data_;
  std::optional<CommandApdu> pending_;  // CLA without the chaining bit, data so far
};

// Host side of chaining: cuts `cmd` into commands of at most `max_part` data bytes, the chaining
// bit set on all but the last and Le only on the last. A command that fits is returned alone and
// unchanged. InvalidArgument if `max_part` is 0 or above 65535, or if `cmd` already has the
// chaining bit. Parts use the short form when they fit (max_part <= 255) unless `cmd` is extended.
Result<std::vector<CommandApdu>> SplitIntoChain(const CommandApdu& cmd,
                                                size_t max_part = kMaxShortLc);

// 00 C0 00 00 Le on the channel of `command_cla`, asking for `sw` = 61xx's announced bytes.
CommandApdu MakeGetResponse(uint8_t command_cla, uint16_t sw);

// Card side of GET RESPONSE (ISO 7816-4, 61xx "bytes available"). Start takes the full response of
// a command and its Ne and returns what to send now: the whole response if it fits in Ne, otherwise
// Ne bytes with 61xx (xx = bytes left, 00 for 256 or more). Each GET RESPONSE returns the next Ne
// bytes the same way; the last piece carries the command's own status word.
//
// An Ne of 0 (no Le field) with data pending sends no data and 61xx at once, which is how a T=0
// card answers a case 4 command and lets the host fetch the data. A GET RESPONSE whose Le is
// shorter than what is left gets that many bytes and another 61xx; this splitter never answers
// 6Cxx (wrong Le), which both T=0 and T=1 hosts handle, and which keeps one code path.
// Error status words (64xx..6Fxx) go out without data, as ISO 7816-4 requires.
//
// Any command other than GET RESPONSE ends the sequence: the card OS calls Reset (or Start) then.
class ResponseSplitter {
 public:
  ResponseApdu Start(ResponseApdu full, uint32_t ne);
  // Checks `cmd` is GET RESPONSE (INS C0, P1-P2 0000, no data, Le present) and returns the next
  // piece. InvalidArgument for a malformed GET RESPONSE (the message names the field),
  // FailedPrecondition when nothing is pending. Errors leave a pending response in place.
  Result<ResponseApdu> GetResponse(const CommandApdu& cmd);

  bool pending() const { return pending_; }
  size_t remaining() const { return data_.size() - offset_; }
  void Reset();

 private:
  ResponseApdu Next(uint32_t ne);

  bool pending_ = false;
  Bytes data_;
  size_t offset_ = 0;
  uint16_t final_sw_ = kSwOk;
};

// Host side of GET RESPONSE: feed it each R-APDU the card returns for one command; while it
// returns a GET RESPONSE command, send that and feed the answer. When it returns std::nullopt,
// Take() holds the joined data and the final status word. 6Cxx is passed through as a final
// status: resending with the corrected Le needs the original command, which the caller holds.
class ResponseCollector {
 public:
  explicit ResponseCollector(uint8_t command_cla, size_t max_data = kDefaultMaxCollectedData)
      : command_cla_(command_cla), max_data_(max_data) {}

  // ResourceExhausted past max_data; Malformed when a GET RESPONSE answer carries no data, which
  // would otherwise loop forever.
  Result<std::optional<CommandApdu>> Add(const ResponseApdu& part);
  ResponseApdu Take();

 private:
  uint8_t command_cla_;
  size_t max_data_;
  size_t rounds_ = 0;
  ResponseApdu joined_;
};

}  // namespace sedun::apdu
