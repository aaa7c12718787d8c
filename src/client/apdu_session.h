// ApduSession: one command in, one complete answer out, over any Transport.
//
// It hides the three ways a command and its answer are cut into wire APDUs (docs/apdu.md
// "Transport"): command data over one short APDU goes as a chain (ISO 7816-4 5.3.3, the default,
// which every reader carries) or as one extended APDU (an option, for readers and cards that
// announce extended length); answers announced by 61xx are fetched with GET RESPONSE; and while
// the secure channel (scp::HostChannel) is open, every APDU on the wire - each part of a chain,
// each GET RESPONSE - is wrapped on its own and each answer unwrapped on its own, as the card
// unwraps before it joins a chain and wraps each piece it hands out.
//
// Buffers that held command data (PINs, keys) are wiped after use.
// Thread-safety: one session per thread; the session borrows its transport.
#pragma once

#include <cstddef>
#include <cstdint>

#include "apdu/apdu.h"
#include "apdu/transport.h"
#include "base/status.h"
#include "scp/scp.h"

namespace sedun::client {

enum class LongCommands {
  kChaining,  // parts of at most 255 bytes on the wire, chaining bit on all but the last
  kExtended,  // one extended APDU (Lc up to 65535), and Le asks for up to 65536 bytes at once
};

struct SessionOptions {
  LongCommands long_commands = LongCommands::kChaining;
};

class ApduSession {
 public:
  explicit ApduSession(apdu::Transport& transport, SessionOptions options = {});

  // Sends `plain` (CLA 00 or 80: basic channel, no chaining, no secure messaging bits) and returns
  // the card's complete answer: the data of every 61xx piece joined and the final status word. A
  // status word other than 9000 is an answer, not an error; errors are the link's (transport),
  // malformed or oversized answers, a failed R-MAC (the channel is closed then), and commands that
  // cannot be sent (InvalidArgument). A 6Cxx answer to an unchained command is retried once with
  // the Le the card asked for.
  Result<apdu::ResponseApdu> Send(const apdu::CommandApdu& plain);

  // INITIALIZE UPDATE and EXTERNAL AUTHENTICATE with `keys` under key version `kvn`
  // (docs/apdu.md "Secure channel"). Any open channel is closed first. The card's refusals come
  // back through StatusFromSw; a wrong card cryptogram is kVerifyFailed.
  Status OpenChannel(const scp::KeySet& keys, uint8_t kvn, uint8_t level = scp::kLevelFull);
  void CloseChannel() { channel_.Close(); }
  bool channel_open() const { return channel_.open(); }
  uint8_t channel_level() const { return channel_.level(); }

  // Warm-resets the card through the transport. The card forgets the channel and the PIN state,
  // so the host forgets the channel too.
  Status Reset();

  const SessionOptions& options() const { return options_; }

 private:
  // Encodes, transmits and parses one wire APDU; wraps and unwraps when `secure`.
  Result<apdu::ResponseApdu> Exchange(const apdu::CommandApdu& command, bool secure);
  // Sends `plain` without the 6Cxx retry.
  Result<apdu::ResponseApdu> SendOnce(const apdu::CommandApdu& plain, bool* out_chained);

  apdu::Transport& transport_;
  SessionOptions options_;
  scp::HostChannel channel_;
};

}  // namespace sedun::client
