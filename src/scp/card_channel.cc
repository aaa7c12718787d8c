// The card end of the secure channel (docs/apdu.md "Secure channel"; GP SCP03 7.1, 6.2).
//
// State: after INITIALIZE UPDATE the session holds the keys and the host cryptogram it expects;
// after EXTERNAL AUTHENTICATE it holds the MAC chaining value and the encryption counter. Every
// failure closes the channel, which is also what makes a replayed or reordered command fatal:
// its C-MAC was computed over an older chaining value.
#include <limits>
#include <utility>

#include "base/byte_writer.h"
#include "crypto/ct.h"
#include "scp/scp.h"
#include "scp/scp_session.h"

namespace sedun::scp {

using apdu::CommandApdu;
using apdu::ResponseApdu;
using internal::Block;

struct CardChannel::Session {
  internal::SessionKeys keys;
  uint8_t kvn = 0;
  SecretBytes expected_host_cryptogram;  // until EXTERNAL AUTHENTICATE
  bool authenticated = false;
  Block chaining{};       // the last command's full C-MAC
  uint64_t counter = 0;   // the encryption counter of the next command
  bool response_due = false;
  uint64_t response_counter = 0;  // the counter of the command being answered

  ~Session() { SecureWipe(chaining.data(), chaining.size()); }
};

CardChannel::CardChannel() = default;
CardChannel::~CardChannel() = default;
CardChannel::CardChannel(CardChannel&&) noexcept = default;
CardChannel& CardChannel::operator=(CardChannel&&) noexcept = default;

void CardChannel::Close() {
  session_.reset();
  level_ = 0;
  kvn_ = 0;
}

Result<Bytes> CardChannel::InitializeUpdate(const KeySet& keys, uint8_t kvn, ByteView kdd10,
                                            ByteView host_challenge, crypto::Rng& rng) {
  // GP SCP03 7.1.1: a new INITIALIZE UPDATE ends any session, whether it succeeds or not.
  Close();
  if (host_challenge.size() != kChallengeSize) return InvalidArgument("SCP: host challenge must be 8 bytes");
  if (kdd10.size() != kKddSize) return InvalidArgument("SCP: key diversification data must be 10 bytes");
  SEDUN_ASSIGN_OR_RETURN(Bytes card_challenge, crypto::RandomBytes(rng, kChallengeSize));
  const Bytes context = Concat({host_challenge, card_challenge});

  auto session = std::make_unique<Session>();
  SEDUN_ASSIGN_OR_RETURN(session->keys, internal::DeriveSessionKeys(keys, context));
  SEDUN_ASSIGN_OR_RETURN(SecretBytes card_cryptogram,
                         internal::Cryptogram(session->keys, internal::kDeriveCardCryptogram, context));
  SEDUN_ASSIGN_OR_RETURN(session->expected_host_cryptogram,
                         internal::Cryptogram(session->keys, internal::kDeriveHostCryptogram, context));
  session->kvn = kvn;

  ByteWriter w;
  w.PutBytes(kdd10);
  w.PutU8(kvn);
  w.PutU8(kScpId);
  w.PutU8(0x00);  // "i": random card challenge (docs/apdu.md fixes it at 00)
  w.PutBytes(card_challenge);
  w.PutBytes(card_cryptogram.view());
  SEDUN_ASSIGN_OR_RETURN(Bytes response, w.Finish());
  session_ = std::move(session);
  return response;
}

// EXTERNAL AUTHENTICATE: 84 82 level 00 10 || host cryptogram (8) || C-MAC (8).
Status CardChannel::ExternalAuthenticate(const CommandApdu& command) {
  if (session_ == nullptr || session_->authenticated) {
    Close();
    return PermissionDenied("SCP: EXTERNAL AUTHENTICATE without INITIALIZE UPDATE");
  }
  if (command.p1 != kLevelStandard && command.p1 != kLevelFull) {
    Close();
    return InvalidArgument("SCP: security level must be 13 or 33");
  }
  if (command.cla != 0x84 || command.ins != 0x82 || command.p2 != 0x00 ||
      command.data.size() != kCryptogramSize + kMacSize) {
    Close();
    return PermissionDenied("SCP: malformed EXTERNAL AUTHENTICATE");
  }
  Session& s = *session_;
  const ByteView data(command.data);
  const ByteView cryptogram = data.first(kCryptogramSize);
  const ByteView mac = data.subspan(kCryptogramSize);
  // The MAC chaining value of EXTERNAL AUTHENTICATE is 16 zero bytes (GP SCP03 6.2.4).
  Result<Block> tag = internal::CommandMac(s.keys.mac.view(), Block{}, command, command.UsesExtended(), cryptogram);
  if (!tag.ok()) {
    Close();
    return PermissionDenied("SCP: EXTERNAL AUTHENTICATE MAC: " + tag.status().message());
  }
  // Both checks run to the end so the time taken does not say which one failed.
  const bool cryptogram_ok = crypto::ConstantTimeEqual(cryptogram, s.expected_host_cryptogram.view());
  const bool mac_ok = crypto::ConstantTimeEqual(mac, ByteView(*tag).first(kMacSize));
  if (!(cryptogram_ok & mac_ok)) {
    Close();
    return PermissionDenied("SCP: host cryptogram or MAC mismatch");
  }
  s.expected_host_cryptogram.Wipe();
  s.authenticated = true;
  s.chaining = *tag;
  s.counter = 1;
  s.response_due = false;
  level_ = command.p1;
  kvn_ = s.kvn;
  return Status::Ok();
}

Result<CommandApdu> CardChannel::Unwrap(const CommandApdu& wrapped) {
  auto fail = [this](std::string message) -> Status {
    Close();
    return PermissionDenied("SCP: " + message);
  };
  if (!open()) return fail("no secure channel open");
  Session& s = *session_;
  // docs/apdu.md: a command without secure messaging while the channel is open closes it. Only
  // the basic channel's first-layout CLAs 04 / 84 (and their chained 14 / 94) are wrapped.
  const uint8_t base_cla = apdu::WithoutChaining(wrapped.cla);
  if (base_cla != 0x84 && base_cla != 0x04) return fail("command without secure messaging");
  if (wrapped.data.size() < kMacSize) return fail("wrapped command too short for its C-MAC");
  const ByteView data(wrapped.data);
  const ByteView body = data.first(data.size() - kMacSize);
  const ByteView mac = data.last(kMacSize);

  Result<Block> tag = internal::CommandMac(s.keys.mac.view(), s.chaining, wrapped, wrapped.UsesExtended(), body);
  if (!tag.ok()) return fail(tag.status().message());
  if (!crypto::ConstantTimeEqual(mac, ByteView(*tag).first(kMacSize))) return fail("C-MAC mismatch");
  if (s.counter == std::numeric_limits<uint64_t>::max()) return fail("encryption counter exhausted");

  CommandApdu plain;
  plain.cla = static_cast<uint8_t>(wrapped.cla & ~apdu::kClaSecureMessaging);
  plain.ins = wrapped.ins;
  plain.p1 = wrapped.p1;
  plain.p2 = wrapped.p2;
  plain.ne = wrapped.ne;
  plain.extended = wrapped.extended;
  // Commands without data carry none, unpadded (docs/apdu.md), yet still use up a counter value.
  if (!body.empty()) {
    Result<SecretBytes> decrypted =
        internal::DecryptData(s.keys.enc.view(), internal::CommandCounterBlock(s.counter), body);
    if (!decrypted.ok()) return fail(decrypted.status().message());
    plain.data.assign(decrypted->view().begin(), decrypted->view().end());
  }
  s.chaining = *tag;
  s.response_counter = s.counter;
  ++s.counter;
  s.response_due = true;
  return plain;
}

Result<ResponseApdu> CardChannel::Wrap(const ResponseApdu& plain) {
  if (!open()) return FailedPrecondition("SCP: no secure channel open");
  Session& s = *session_;
  if (!s.response_due) {
    Close();
    return FailedPrecondition("SCP: no unwrapped command to answer");
  }
  s.response_due = false;
  if (!apdu::IsValidSw(plain.sw)) {
    Close();
    return InvalidArgument("SCP: invalid status word");
  }
  // GP SCP03 6.2.5 / docs/apdu.md: error statuses carry neither data nor R-MAC.
  if (apdu::IsSwError(plain.sw)) return ResponseApdu{{}, plain.sw};

  const bool encrypt = (level_ & kLevelREnc) != 0 && !plain.data.empty();
  const size_t limit = (encrypt ? kMaxResponseData : apdu::kMaxResponseData - kMacSize);
  if (plain.data.size() > limit) {
    Close();
    return InvalidArgument("SCP: response data too long to wrap");
  }
  ResponseApdu out;
  out.sw = plain.sw;
  if (encrypt) {
    Result<Bytes> encrypted =
        internal::EncryptData(s.keys.enc.view(), internal::ResponseCounterBlock(s.response_counter), plain.data);
    if (!encrypted.ok()) {
      Close();
      return encrypted.status();
    }
    out.data = std::move(encrypted).value();
  } else {
    out.data = plain.data;
  }
  Result<Block> tag = internal::ResponseMac(s.keys.rmac.view(), s.chaining, out.data, out.sw);
  if (!tag.ok()) {
    Close();
    return tag.status();
  }
  out.data.insert(out.data.end(), tag->begin(), tag->begin() + kMacSize);
  return out;
}

}  // namespace sedun::scp
