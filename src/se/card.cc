// Card: creation, power, and the transport layer of the dispatcher (parsing, class byte checks,
// GET RESPONSE, secure messaging). Command lookup and execution are in card_dispatch.cc.
#include "se/card.h"

#include <errno.h>
#include <sys/stat.h>

#include <ctime>

#include "apdu/class_byte.h"
#include "se/atr.h"
#include "se/store/card_image.h"

namespace sedun::se {
namespace {

using apdu::CommandApdu;
using apdu::ResponseApdu;

ResponseApdu Sw(uint16_t sw) { return ResponseApdu{{}, sw}; }

constexpr uint8_t kInsSelect = 0xA4;
constexpr uint8_t kInsExternalAuthenticate = 0x82;

}  // namespace

int64_t SystemClockSeconds() { return static_cast<int64_t>(std::time(nullptr)); }

Result<CardState> NewFactoryState(crypto::Rng& rng) {
  CardState s;
  SEDUN_ASSIGN_OR_RETURN(s.serial, crypto::RandomBytes(rng, kSerialSize));
  SEDUN_ASSIGN_OR_RETURN(s.pin_salt, crypto::RandomSecret(rng, kPinSaltSize));
  SEDUN_ASSIGN_OR_RETURN(s.issuer_keys, crypto::RandomSecret(rng, kKeySetSize));
  s.lifecycle = Lifecycle::kFactory;
  return s;
}

Result<CreatedCard> Card::Create(CardStore& store, crypto::Rng& rng) {
  SEDUN_ASSIGN_OR_RETURN(CardState state, NewFactoryState(rng));
  SEDUN_RETURN_IF_ERROR(CommitCardState(store, state));
  return CreatedCard{state.serial, state.issuer_keys.Clone()};
}

Result<CreatedCard> Card::Create(const std::string& image_path, crypto::Rng& rng) {
  struct stat st;
  if (stat(image_path.c_str(), &st) == 0) return AlreadyExists(image_path + " exists; refusing to overwrite a card");
  if (errno != ENOENT) return IoError("cannot check " + image_path);
  FileCardStore store(image_path);
  return Create(store, rng);
}

Result<std::unique_ptr<Card>> Card::Open(std::unique_ptr<CardStore> store, crypto::Rng& rng,
                                         std::function<int64_t()> clock) {
  if (store == nullptr) return InvalidArgument("no card store");
  SEDUN_ASSIGN_OR_RETURN(SecretBytes image, store->Load());
  Result<CardState> state = DecodeCardImage(image.view());
  if (!state.ok()) return state.status().Annotate(store->Name());
  if (!clock) clock = SystemClockSeconds;
  return std::unique_ptr<Card>(
      new Card(std::move(store), std::move(state).value(), std::move(image), rng, std::move(clock)));
}

Card::Card(std::unique_ptr<CardStore> store, CardState state, SecretBytes image, crypto::Rng& rng,
           std::function<int64_t()> clock)
    : store_(std::move(store)), rng_(rng), clock_(std::move(clock)), state_(std::move(state)), image_(std::move(image)) {}

Card::~Card() = default;

Bytes Card::Atr() const { return CardAtr(); }

void Card::EndSession() {
  selected_ = false;
  CloseChannel();
  splitter_.Reset();
  pending_wrapped_ = false;
}

void Card::CloseChannel() {
  channel_.Close();
  session_.Reset();
  chainer_.Reset();
  chain_wrapped_ = false;
  // A response kept for GET RESPONSE under the closed channel must not come out afterwards.
  if (pending_wrapped_) {
    splitter_.Reset();
    pending_wrapped_ = false;
  }
}

void Card::PowerOn() {
  EndSession();
  powered_ = true;
}

void Card::PowerOff() {
  EndSession();
  powered_ = false;
}

void Card::Reset() {
  EndSession();
  powered_ = true;
}

Bytes Card::Transmit(ByteView command_apdu) {
  if (!powered_) PowerOn();
  ResponseApdu response;
  try {
    response = Process(command_apdu);
  } catch (...) {
    // A handler bug or memory exhaustion: the committed state is whatever the store holds, and
    // the session is ended because its keys and counters may be half updated.
    EndSession();
    response = Sw(apdu::kSwUnknown);
  }
  Result<Bytes> out = response.Encode();
  if (!out.ok()) out = Sw(apdu::kSwUnknown).Encode();
  return out.ok() ? std::move(out).value() : Bytes{0x6F, 0x00};
}

ResponseApdu Card::Process(ByteView in) {
  // Shape, class and channel errors are answered before anything is touched: such an input
  // changes no state, not even the pending chain or response.
  Result<CommandApdu> parsed = CommandApdu::Parse(in);
  if (!parsed.ok()) return Sw(apdu::kSwWrongLength);
  CommandApdu command = std::move(parsed).value();
  if (!apdu::IsValidCla(command.cla)) return Sw(apdu::kSwClaNotSupported);
  if (apdu::LogicalChannel(command.cla) != 0) return Sw(apdu::kSwChannelNotSupported);
  const bool sm = apdu::IsSecureMessaging(command.cla);
  // Only GlobalPlatform's proprietary secure messaging (CLA bit 04) is spoken; the ISO/IEC
  // 7816-4 clause 6 formats (08, 0C) are not.
  if (sm && (command.cla & 0x0C) != apdu::kClaSecureMessaging) return Sw(apdu::kSwSmNotSupported);

  if (command.ins == apdu::kInsGetResponse) return GetResponse(command);
  // Any other command ends a GET RESPONSE sequence (ISO/IEC 7816-4 5.3.4).
  splitter_.Reset();
  pending_wrapped_ = false;

  if (!selected_ && command.ins != kInsSelect) return Sw(apdu::kSwConditionsNotSatisfied);
  if (sm && command.ins == kInsExternalAuthenticate) return ExternalAuthenticate(command);

  bool wrapped = false;
  if (sm) {
    if (!channel_.open()) {
      chainer_.Reset();
      return Sw(apdu::kSwSecurityNotSatisfied);
    }
    Result<CommandApdu> plain = channel_.Unwrap(command);
    if (!plain.ok()) {
      CloseChannel();  // docs/apdu.md: any MAC failure closes the channel
      return Sw(apdu::kSwSecurityNotSatisfied);
    }
    command = std::move(plain).value();
    wrapped = true;
  }

  ResponseApdu full = Dispatch(command, wrapped);
  // Ne counts plain bytes; wrapping adds the R-MAC and padding, which must still fit the largest
  // response, hence the cap under secure messaging.
  uint32_t ne = command.ne;
  if (wrapped && ne > scp::kMaxResponseData) ne = static_cast<uint32_t>(scp::kMaxResponseData);
  ResponseApdu piece = splitter_.Start(std::move(full), ne);
  // The channel may have closed while the command ran (SELECT, INITIALIZE UPDATE): its answer
  // then goes out plain.
  if (!wrapped || !channel_.open()) return piece;
  pending_wrapped_ = splitter_.pending();
  ResponseApdu out = Protect(piece);
  // The issuer key set serves the factory state only (docs/apdu.md "Lifecycle"): once FINISH
  // PERSONALISATION has answered under it, its channel ends.
  if (channel_.open() && channel_.kvn() == scp::kKvnIssuer && state_.lifecycle != Lifecycle::kFactory) {
    CloseChannel();
  }
  return out;
}

ResponseApdu Card::Protect(const ResponseApdu& response) {
  Result<ResponseApdu> wrapped = channel_.Wrap(response);
  if (!wrapped.ok()) {
    CloseChannel();
    return Sw(apdu::kSwUnknown);
  }
  return std::move(wrapped).value();
}

// GET RESPONSE (00 C0 00 00 Le). Under secure messaging it is wrapped like any other command and
// each piece is wrapped on its own (src/apdu/chaining.h). A plain GET RESPONSE must not fetch the
// answer to a wrapped command in clear: it closes the channel (docs/apdu.md "Secure channel").
ResponseApdu Card::GetResponse(const CommandApdu& command) {
  if (apdu::IsChained(command.cla)) return Sw(apdu::kSwChainingNotSupported);
  CommandApdu plain = command;
  const bool sm = apdu::IsSecureMessaging(command.cla);
  if (sm) {
    if (!channel_.open()) return Sw(apdu::kSwSecurityNotSatisfied);
    Result<CommandApdu> unwrapped = channel_.Unwrap(command);
    if (!unwrapped.ok()) {
      CloseChannel();
      return Sw(apdu::kSwSecurityNotSatisfied);
    }
    plain = std::move(unwrapped).value();
  } else if (pending_wrapped_ && splitter_.pending()) {
    CloseChannel();
    return Sw(apdu::kSwSecurityNotSatisfied);
  }
  ResponseApdu answer;
  if (plain.p1 != 0x00 || plain.p2 != 0x00) {
    answer = Sw(apdu::kSwIncorrectP1P2);
  } else if (!plain.data.empty() || plain.ne == 0) {
    answer = Sw(apdu::kSwWrongLength);
  } else if (!splitter_.pending()) {
    answer = Sw(apdu::kSwConditionsNotSatisfied);
  } else {
    Result<ResponseApdu> next = splitter_.GetResponse(plain);
    answer = next.ok() ? std::move(next).value() : Sw(apdu::kSwUnknown);
  }
  if (!sm) return answer;
  if (!splitter_.pending()) pending_wrapped_ = false;
  return Protect(answer);
}

// EXTERNAL AUTHENTICATE (84 82 level 00 10 cryptogram MAC): always MACed, never unwrapped as an
// ordinary command. The answer is a plain 9000 (docs/apdu.md "Secure channel").
ResponseApdu Card::ExternalAuthenticate(const CommandApdu& command) {
  if (apdu::IsChained(command.cla)) return Sw(apdu::kSwChainingNotSupported);
  if (command.cla != 0x84) return Sw(apdu::kSwClaNotSupported);
  if (chainer_.in_chain()) {
    chainer_.Reset();
    return Sw(apdu::kSwLastCommandExpected);
  }
  if (state_.lifecycle == Lifecycle::kTerminated) return Sw(apdu::kSwConditionsNotSatisfied);
  // A fresh channel starts with no PIN verified (the state resets when a channel closes).
  session_.Reset();
  Status s = channel_.ExternalAuthenticate(command);
  if (!s.ok()) {
    CloseChannel();
    return Sw(s.code() == Code::kInvalidArgument ? apdu::kSwIncorrectP1P2 : apdu::kSwSecurityNotSatisfied);
  }
  return Sw(apdu::kSwOk);
}

}  // namespace sedun::se
