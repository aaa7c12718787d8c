// The host end of the secure channel (docs/apdu.md "Secure channel"; GP SCP03 7.1, 6.2).
//
// The host walks three stages: INITIALIZE UPDATE sent (it holds its challenge), EXTERNAL
// AUTHENTICATE sent (it holds the session keys and the first chaining value), open. The card
// cryptogram is checked before the host proves anything, so a card without the keys learns
// nothing from the host cryptogram.
#include <algorithm>
#include <cstddef>
#include <limits>
#include <string>
#include <utility>

#include "base/byte_reader.h"
#include "crypto/ct.h"
#include "scp/scp.h"
#include "scp/scp_session.h"

namespace sedun::scp {

using apdu::CommandApdu;
using apdu::ResponseApdu;
using internal::Block;

struct HostChannel::Session {
  enum class Stage { kInitializeUpdateSent, kExternalAuthenticateSent, kOpen };
  Stage stage = Stage::kInitializeUpdateSent;
  uint8_t kvn = 0;  // as asked; 00 lets the card choose
  Bytes host_challenge;
  uint8_t pending_level = 0;
  internal::SessionKeys keys;
  Block chaining{};       // the last command's full C-MAC
  uint64_t counter = 0;   // the encryption counter of the next command
  bool response_due = false;
  uint64_t response_counter = 0;  // the counter of the command awaiting its response

  ~Session() { SecureWipe(chaining.data(), chaining.size()); }
};

HostChannel::HostChannel() = default;
HostChannel::~HostChannel() = default;
HostChannel::HostChannel(HostChannel&&) noexcept = default;
HostChannel& HostChannel::operator=(HostChannel&&) noexcept = default;

void HostChannel::Close() {
  session_.reset();
  level_ = 0;
}

Result<CommandApdu> HostChannel::BeginInitializeUpdate(uint8_t kvn, crypto::Rng& rng) {
  Close();
  auto session = std::make_unique<Session>();
  SEDUN_ASSIGN_OR_RETURN(session->host_challenge, crypto::RandomBytes(rng, kChallengeSize));
  session->kvn = kvn;
  CommandApdu command;
  command.cla = 0x80;
  command.ins = 0x50;
  command.p1 = kvn;
  command.p2 = 0x00;
  command.data = session->host_challenge;
  command.ne = apdu::kMaxShortNe;  // Le 00
  session_ = std::move(session);
  return command;
}

// INITIALIZE UPDATE response data:
//   key diversification data (10) || KVN (1) || SCP id 03 (1) || i 00 (1) ||
//   card challenge (8) || card cryptogram (8)
Result<CommandApdu> HostChannel::FinishInitializeUpdate(const KeySet& keys, const ResponseApdu& response,
                                                        uint8_t level) {
  auto fail = [this](Status status) -> Status {
    Close();
    return status;
  };
  if (session_ == nullptr || session_->stage != Session::Stage::kInitializeUpdateSent) {
    return fail(FailedPrecondition("SCP: no INITIALIZE UPDATE outstanding"));
  }
  if (level != kLevelStandard && level != kLevelFull) {
    return fail(InvalidArgument("SCP: security level must be 13 or 33"));
  }
  if (response.sw != apdu::kSwOk) {
    return fail(PermissionDenied("SCP: card refused INITIALIZE UPDATE: " + apdu::SwToString(response.sw)));
  }
  Session& s = *session_;
  ByteReader r(response.data);
  ByteView kdd, card_challenge, card_cryptogram;
  uint8_t kvn = 0, scp_id = 0, i_param = 0;
  if (!r.ReadBytes(kKddSize, &kdd) || !r.ReadU8(&kvn) || !r.ReadU8(&scp_id) || !r.ReadU8(&i_param) ||
      !r.ReadBytes(kChallengeSize, &card_challenge) || !r.ReadBytes(kCryptogramSize, &card_cryptogram)) {
    return fail(Malformed("SCP: INITIALIZE UPDATE response too short"));
  }
  if (Status end = r.ExpectEnd("SCP INITIALIZE UPDATE response"); !end.ok()) return fail(end);
  if (scp_id != kScpId || i_param != 0x00) return fail(Malformed("SCP: card offers another protocol"));
  if (s.kvn != 0x00 && kvn != s.kvn) return fail(Malformed("SCP: card answered with another key version"));

  const Bytes context = Concat({s.host_challenge, card_challenge});
  Result<internal::SessionKeys> session_keys = internal::DeriveSessionKeys(keys, context);
  if (!session_keys.ok()) return fail(session_keys.status());
  s.keys = std::move(session_keys).value();
  Result<SecretBytes> expected = internal::Cryptogram(s.keys, internal::kDeriveCardCryptogram, context);
  if (!expected.ok()) return fail(expected.status());
  if (!crypto::ConstantTimeEqual(card_cryptogram, expected->view())) {
    return fail(VerifyFailed("SCP: card cryptogram mismatch (wrong keys or not this card)"));
  }
  Result<SecretBytes> host_cryptogram = internal::Cryptogram(s.keys, internal::kDeriveHostCryptogram, context);
  if (!host_cryptogram.ok()) return fail(host_cryptogram.status());

  CommandApdu command;
  command.cla = 0x84;
  command.ins = 0x82;
  command.p1 = level;
  command.p2 = 0x00;
  command.data.assign(host_cryptogram->view().begin(), host_cryptogram->view().end());
  // GP SCP03 6.2.4: the first C-MAC chains from 16 zero bytes.
  Result<Block> tag = internal::CommandMac(s.keys.mac.view(), Block{}, command, false, command.data);
  if (!tag.ok()) return fail(tag.status());
  command.data.insert(command.data.end(), tag->begin(), tag->begin() + kMacSize);
  s.chaining = *tag;
  s.pending_level = level;
  s.stage = Session::Stage::kExternalAuthenticateSent;
  return command;
}

Status HostChannel::Confirm(const ResponseApdu& response) {
  if (session_ == nullptr || session_->stage != Session::Stage::kExternalAuthenticateSent) {
    Close();
    return FailedPrecondition("SCP: no EXTERNAL AUTHENTICATE outstanding");
  }
  if (response.sw != apdu::kSwOk || !response.data.empty()) {
    const uint16_t sw = response.sw;
    Close();
    return PermissionDenied("SCP: card refused EXTERNAL AUTHENTICATE: " + apdu::SwToString(sw));
  }
  Session& s = *session_;
  s.stage = Session::Stage::kOpen;
  s.counter = 1;
  s.response_due = false;
  level_ = s.pending_level;
  return Status::Ok();
}

Result<CommandApdu> HostChannel::Wrap(const CommandApdu& plain) {
  auto fail = [this](Status status) -> Status {
    Close();
    return status;
  };
  if (!open()) return FailedPrecondition("SCP: no secure channel open");
  Session& s = *session_;
  const uint8_t base_cla = apdu::WithoutChaining(plain.cla);
  if (base_cla != 0x00 && base_cla != 0x80) {
    return fail(InvalidArgument("SCP: only CLA 00 and 80 (basic channel, no SM) can be wrapped"));
  }
  if (plain.data.size() > kMaxCommandData) return fail(InvalidArgument("SCP: command data too long to wrap"));
  if (plain.ne > apdu::kMaxExtendedNe) return fail(InvalidArgument("SCP: Ne above 65536"));
  if (s.counter == std::numeric_limits<uint64_t>::max()) return fail(FailedPrecondition("SCP: counter exhausted"));

  CommandApdu wrapped;
  wrapped.cla = static_cast<uint8_t>(plain.cla | apdu::kClaSecureMessaging);
  wrapped.ins = plain.ins;
  wrapped.p1 = plain.p1;
  wrapped.p2 = plain.p2;
  wrapped.ne = plain.ne;
  wrapped.extended = plain.extended;
  if (!plain.data.empty()) {
    Result<Bytes> encrypted =
        internal::EncryptData(s.keys.enc.view(), internal::CommandCounterBlock(s.counter), plain.data);
    if (!encrypted.ok()) return fail(encrypted.status());
    wrapped.data = std::move(encrypted).value();
  }
  const size_t body_size = wrapped.data.size();
  // The MAC covers Lc as it goes on the wire, so the form is fixed first with the MAC's room
  // reserved.
  wrapped.data.resize(body_size + kMacSize);
  const bool extended = wrapped.UsesExtended();
  Result<Block> tag = internal::CommandMac(s.keys.mac.view(), s.chaining, wrapped, extended,
                                           ByteView(wrapped.data).first(body_size));
  if (!tag.ok()) return fail(tag.status());
  std::copy(tag->begin(), tag->begin() + kMacSize, wrapped.data.begin() + static_cast<std::ptrdiff_t>(body_size));
  s.chaining = *tag;
  s.response_counter = s.counter;
  ++s.counter;
  s.response_due = true;
  return wrapped;
}

Result<ResponseApdu> HostChannel::Unwrap(const ResponseApdu& wrapped) {
  auto fail = [this](Status status) -> Status {
    Close();
    return status;
  };
  if (!open()) return FailedPrecondition("SCP: no secure channel open");
  Session& s = *session_;
  if (!s.response_due) return fail(FailedPrecondition("SCP: no wrapped command awaiting a response"));
  s.response_due = false;
  // GP SCP03 6.2.5 / docs/apdu.md: error statuses come bare. The card never sends data with one.
  if (apdu::IsSwError(wrapped.sw)) {
    if (!wrapped.data.empty()) return fail(VerifyFailed("SCP: data on an error status"));
    return wrapped;
  }
  if (wrapped.data.size() < kMacSize) return fail(VerifyFailed("SCP: response too short for its R-MAC"));
  const ByteView data(wrapped.data);
  const ByteView body = data.first(data.size() - kMacSize);
  Result<Block> tag = internal::ResponseMac(s.keys.rmac.view(), s.chaining, body, wrapped.sw);
  if (!tag.ok()) return fail(tag.status());
  if (!crypto::ConstantTimeEqual(data.last(kMacSize), ByteView(*tag).first(kMacSize))) {
    return fail(VerifyFailed("SCP: R-MAC mismatch"));
  }
  ResponseApdu plain;
  plain.sw = wrapped.sw;
  if ((level_ & kLevelREnc) != 0 && !body.empty()) {
    Result<SecretBytes> decrypted =
        internal::DecryptData(s.keys.enc.view(), internal::ResponseCounterBlock(s.response_counter), body);
    if (!decrypted.ok()) return fail(VerifyFailed(decrypted.status().message()));
    plain.data.assign(decrypted->view().begin(), decrypted->view().end());
  } else {
    plain.data.assign(body.begin(), body.end());
  }
  return plain;
}

}  // namespace sedun::scp
