// Card: the virtual secure element's operating system (JR/T 0093.6 5.3, 7.1-7.2; docs/apdu.md).
//
// It owns the persistent state (through a CardStore), the RAM-only session (selection, secure
// channel, PIN state, pending chain and response) and the dispatcher that turns command APDUs
// into response APDUs:
//
//   parse (6700) -> class byte (6E00) -> logical channel (6881) -> SM format (6882)
//   -> GET RESPONSE | SELECT | (nothing else before SELECT: 6985) | EXTERNAL AUTHENTICATE
//   -> secure messaging: SM CLA with the channel open -> Unwrap (failure: close, 6982);
//      SM CLA with the channel closed -> 6982
//   -> INITIALIZE UPDATE | command table (OS commands, then ApplicationCommands(); 6D00 / 6E00)
//   -> plain command other than condition "none" while the channel is open -> close, 6982
//   -> lifecycle (6985) -> security condition (6982) -> chaining -> handler on a working copy
//   -> commit when the answer is 9000 and the state changed (failure: 6581, nothing changed)
//   -> response split for GET RESPONSE -> Wrap while the channel is open.
//
// Transmit never fails and never throws: every input gets a status word, and an input that is
// refused before a handler runs changes nothing at all (see docs/apdu.md "Status words"). The
// card answers only while powered; Transmit on a card that is off powers it on first, as a
// reader does before it sends a command.
// Thread-safety: not thread-safe; one thread drives a card (the daemon's link or a test).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "apdu/apdu.h"
#include "apdu/chaining.h"
#include "apdu/security_service.h"
#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "crypto/rng.h"
#include "scp/scp.h"
#include "se/card_state.h"
#include "se/command.h"
#include "se/store/card_store.h"

namespace sedun::se {

// The application's AID (docs/apdu.md "The security service application").
inline constexpr const auto& kApplicationAid = apdu::sss::kAid;

// What Card::Create hands back: the new card's serial and its issuer key set (KVN 01), which the
// personalisation terminal needs to open the first channel. The card keeps its own copy.
struct CreatedCard {
  Bytes serial;
  SecretBytes issuer_keys;  // 48 bytes K-ENC || K-MAC || K-DEK
};

// Seconds since the epoch from the system clock: the card's default clock.
int64_t SystemClockSeconds();

// A factory-state CardState: random serial, PIN salt and issuer key set from `rng`.
Result<CardState> NewFactoryState(crypto::Rng& rng);

class Card {
 public:
  // Loads the image from `store`. Errors: the store's (NotFound, IoError) and Malformed for an
  // image that does not decode.
  static Result<std::unique_ptr<Card>> Open(std::unique_ptr<CardStore> store,
                                            crypto::Rng& rng = crypto::SystemRng(),
                                            std::function<int64_t()> clock = SystemClockSeconds);
  // Writes a new factory-state image at `image_path` (mode 0600). AlreadyExists if a file is
  // there: an image is a card, and overwriting it would destroy the card's keys.
  static Result<CreatedCard> Create(const std::string& image_path, crypto::Rng& rng = crypto::SystemRng());
  // Same into any store (an in-memory card for tests and in-process transports).
  static Result<CreatedCard> Create(CardStore& store, crypto::Rng& rng = crypto::SystemRng());

  ~Card();
  Card(const Card&) = delete;
  Card& operator=(const Card&) = delete;

  Bytes Atr() const;
  // Cold start, power off and warm reset all end the session: no application selected, secure
  // channel closed, PIN state cleared, pending chain and response dropped (JR/T 7.2: the state
  // machine resets). Persistent state is untouched.
  void PowerOn();
  void PowerOff();
  void Reset();
  bool powered() const { return powered_; }

  // One command APDU in, one response APDU (data || SW1 SW2) out.
  Bytes Transmit(ByteView command_apdu);

  // The committed state, for diagnostics and tests.
  const CardState& state() const { return state_; }

 private:
  Card(std::unique_ptr<CardStore> store, CardState state, SecretBytes image, crypto::Rng& rng,
       std::function<int64_t()> clock);

  // card.cc: the transport layer.
  apdu::ResponseApdu Process(ByteView in);
  apdu::ResponseApdu GetResponse(const apdu::CommandApdu& command);
  apdu::ResponseApdu ExternalAuthenticate(const apdu::CommandApdu& command);
  apdu::ResponseApdu Protect(const apdu::ResponseApdu& response);
  void EndSession();
  void CloseChannel();

  // card_dispatch.cc: command lookup, checks, execution and commit.
  apdu::ResponseApdu Dispatch(const apdu::CommandApdu& command, bool wrapped);
  apdu::ResponseApdu Select(const apdu::CommandApdu& command);
  apdu::ResponseApdu InitializeUpdate(const apdu::CommandApdu& command);
  apdu::ResponseApdu Execute(const CommandSpec& spec, const apdu::CommandApdu& command);
  uint16_t CheckCondition(Condition condition, bool wrapped) const;
  // Encodes `next`, commits it and makes it the current state. InvalidArgument for a state that
  // breaks an image invariant (a handler bug: 6F00), else the store's error (6581).
  Status Commit(const CardState& next);

  std::unique_ptr<CardStore> store_;
  crypto::Rng& rng_;
  std::function<int64_t()> clock_;
  CardState state_;            // as committed
  SecretBytes image_;          // the encoding of state_, to tell whether a command changed it

  // Session (RAM only).
  bool powered_ = false;
  bool selected_ = false;
  SessionState session_;
  scp::CardChannel channel_;
  apdu::CommandChainer chainer_;
  bool chain_wrapped_ = false;    // the pending chain arrived under secure messaging
  apdu::ResponseSplitter splitter_;
  bool pending_wrapped_ = false;  // the pending response answers a wrapped command
};

}  // namespace sedun::se
