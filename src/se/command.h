// The interface between the card OS (dispatch, secure channel, chaining, storage) and the
// application's commands. Each command is a function `Handler` in its own file under
// src/se/applet/, registered in the command table (src/se/applet/command_table.cc) with its
// security condition; the OS checks the condition, unwraps secure messaging and chaining, calls
// the handler with a working copy of the state, and commits that copy atomically when the handler
// answers 9000. Handlers never do I/O themselves; the only persistence they ask for is
// CommandContext::PersistNow (the PIN counter rule).
// Thread-safety: called on the card's single command thread.
#pragma once

#include <cstdint>
#include <functional>

#include "apdu/apdu.h"
#include "base/status.h"
#include "crypto/rng.h"
#include "se/card_state.h"

namespace sedun::se {

// RAM-only security state of the card: reset by power-off, card reset and channel closure.
struct SessionState {
  bool user_pin_verified = false;   // consumed by each signature (JR/T 7.2)
  bool admin_pin_verified = false;  // consumed by the admin operation it authorises
  void Reset() { *this = SessionState(); }
};

// What a handler sees.
struct CommandContext {
  CardState& state;          // working copy: committed only if the handler answers 9000
  SessionState& session;
  crypto::Rng& rng;
  int64_t now = 0;           // the card's clock, seconds since the epoch (UTC)
  // Writes `state` to storage immediately (before the handler returns). Used by VERIFY, CHANGE
  // REFERENCE DATA and RESET RETRY COUNTER to persist the decremented retry counter before the
  // comparison. A failure must be answered 6581 with the PIN not compared.
  std::function<Status()> persist_now;
};

// The plain command (secure messaging removed, chain joined) -> response (data + SW).
using Handler = apdu::ResponseApdu (*)(CommandContext& ctx, const apdu::CommandApdu& command);

enum class Condition : uint8_t {
  kNone,     // allowed in any state without a channel
  kChannel,  // client key set channel, level >= 13
  kPin,      // channel + user PIN verified in this session
  kIssuer,   // channel opened with the issuer key set, factory state
};

struct CommandSpec {
  uint8_t cla;  // 00 (ISO) or 80 (proprietary), as sent plain
  uint8_t ins;
  Condition condition;
  Handler handler;
  const char* name;
};

}  // namespace sedun::se
