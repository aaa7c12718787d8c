// Transport: how command APDUs reach a card and responses come back, one exchange at a time.
//
// The one seam between the host side (src/client: ApduSession, SeClient) and whatever carries
// the bytes: PC/SC through pcscd (client::PcscTransport), or the virtual card called in process
// (tests, the C ABI). Implementations move bytes only: no GET RESPONSE handling, no chaining,
// no secure messaging; those belong to the session above, so every transport behaves alike.
// Thread-safety: an implementation is used by one thread at a time.
#pragma once

#include "base/bytes.h"
#include "base/status.h"

namespace sedun::apdu {

class Transport {
 public:
  virtual ~Transport();

  // Sends one encoded command APDU and returns the card's encoded response (data || SW1 SW2)
  // unchanged. Errors are for the link only (no reader, card removed, service gone); a status
  // word, good or bad, is a successful exchange.
  virtual Result<Bytes> Transmit(ByteView command_apdu) = 0;
  // Warm-resets the card: its RAM state (open secure channel, verified PIN, pending chains and
  // responses) is gone afterwards.
  virtual Status Reset() = 0;
};

}  // namespace sedun::apdu
