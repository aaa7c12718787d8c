// ApduSession: chaining or extended length, GET RESPONSE, and secure messaging per wire APDU.
#include "client/apdu_session.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "apdu/chaining.h"
#include "base/secret.h"
#include "client/sw_status.h"

namespace sedun::client {
namespace {

void Wipe(Bytes& b) { SecureWipe(b.data(), b.size()); }

// Wipes the data of every command it holds when it goes out of scope, however the exchange ends.
class WipedCommands {
 public:
  ~WipedCommands() {
    for (apdu::CommandApdu& c : commands_) Wipe(c.data);
  }
  std::vector<apdu::CommandApdu>& get() { return commands_; }

 private:
  std::vector<apdu::CommandApdu> commands_;
};

}  // namespace

ApduSession::ApduSession(apdu::Transport& transport, SessionOptions options)
    : transport_(transport), options_(options) {}

Result<apdu::ResponseApdu> ApduSession::Exchange(const apdu::CommandApdu& command, bool secure) {
  std::optional<apdu::CommandApdu> wrapped;
  if (secure) {
    auto w = channel_.Wrap(command);
    if (!w.ok()) return w.status().Annotate("secure channel");
    wrapped = std::move(*w);
  }
  const apdu::CommandApdu& out = wrapped ? *wrapped : command;
  auto encoded = out.Encode();
  if (wrapped) Wipe(wrapped->data);
  if (!encoded.ok()) return encoded.status();
  auto raw = transport_.Transmit(*encoded);
  Wipe(*encoded);
  if (!raw.ok()) return raw.status();
  auto response = apdu::ResponseApdu::Parse(*raw);
  Wipe(*raw);
  if (!response.ok()) return response.status().Annotate("card response");
  if (!secure) return response;
  auto plain = channel_.Unwrap(*response);
  Wipe(response->data);
  if (!plain.ok()) return plain.status().Annotate("secure channel");
  return plain;
}

Result<apdu::ResponseApdu> ApduSession::SendOnce(const apdu::CommandApdu& plain, bool* out_chained) {
  *out_chained = false;
  if (apdu::IsChained(plain.cla) || apdu::IsSecureMessaging(plain.cla) || apdu::IsFurtherCla(plain.cla) ||
      apdu::LogicalChannel(plain.cla) != 0) {
    return InvalidArgument("APDU session: CLA must be a plain basic-channel class (00 or 80)");
  }
  // The card joins at most 65535 bytes of chain (docs/apdu.md "Transport"), the most one extended
  // APDU holds; one wrapped extended APDU holds less. Refuse more before anything goes out, rather
  // than have the card drop the chain or the channel close on a failed wrap.
  const bool secure = channel_.open();
  const size_t max_data = secure && options_.long_commands == LongCommands::kExtended ? scp::kMaxCommandData
                                                                                      : apdu::kMaxExtendedLc;
  if (plain.data.size() > max_data) {
    return InvalidArgument("APDU session: command data over " + std::to_string(max_data) + " bytes");
  }
  WipedCommands parts;
  apdu::CommandApdu command = plain;
  if (options_.long_commands == LongCommands::kExtended) {
    // Le 00 ("as much as a short answer holds") becomes Le 0000: all of it in one answer.
    if (command.ne == apdu::kMaxShortNe) command.ne = apdu::kMaxExtendedNe;
    parts.get().push_back(std::move(command));
  } else {
    const size_t max_part = secure ? scp::kMaxShortCommandData : apdu::kMaxShortLc;
    auto split = apdu::SplitIntoChain(command, max_part);
    Wipe(command.data);
    if (!split.ok()) return split.status();
    parts.get() = std::move(*split);
  }
  *out_chained = parts.get().size() > 1;

  for (size_t i = 0; i + 1 < parts.get().size(); ++i) {
    SEDUN_ASSIGN_OR_RETURN(apdu::ResponseApdu r, Exchange(parts.get()[i], secure));
    // Every part but the last is acknowledged with a bare 9000; anything else ends the chain.
    if (r.sw != apdu::kSwOk) return apdu::ResponseApdu{{}, r.sw};
    if (!r.data.empty()) return Malformed("card answered a chained part with data");
  }

  apdu::ResponseCollector collector(plain.cla);
  SEDUN_ASSIGN_OR_RETURN(apdu::ResponseApdu r, Exchange(parts.get().back(), secure));
  for (;;) {
    auto next = collector.Add(r);
    Wipe(r.data);
    if (!next.ok()) return next.status();
    if (!next->has_value()) break;
    SEDUN_ASSIGN_OR_RETURN(r, Exchange(**next, secure));
  }
  return collector.Take();
}

Result<apdu::ResponseApdu> ApduSession::Send(const apdu::CommandApdu& plain) {
  bool chained = false;
  SEDUN_ASSIGN_OR_RETURN(apdu::ResponseApdu r, SendOnce(plain, &chained));
  if (chained || apdu::Sw1(r.sw) != apdu::Sw1(apdu::kSwWrongLe)) return r;
  // 6Cxx: the card wants the same command with Le = xx (00 meaning 256).
  apdu::CommandApdu again = plain;
  again.ne = apdu::Sw2(r.sw) == 0 ? apdu::kMaxShortNe : apdu::Sw2(r.sw);
  auto retried = SendOnce(again, &chained);
  Wipe(again.data);
  return retried;
}

Status ApduSession::OpenChannel(const scp::KeySet& keys, uint8_t kvn, uint8_t level) {
  channel_.Close();
  SEDUN_ASSIGN_OR_RETURN(apdu::CommandApdu init, channel_.BeginInitializeUpdate(kvn));
  bool chained = false;
  SEDUN_ASSIGN_OR_RETURN(apdu::ResponseApdu init_response, SendOnce(init, &chained));
  SEDUN_RETURN_IF_ERROR(StatusFromSw(init_response.sw, "INITIALIZE UPDATE"));
  SEDUN_ASSIGN_OR_RETURN(apdu::CommandApdu authenticate,
                         channel_.FinishInitializeUpdate(keys, init_response, level));
  // EXTERNAL AUTHENTICATE comes out of the channel already MACed: it goes on the wire as it is.
  auto answer = Exchange(authenticate, /*secure=*/false);
  if (!answer.ok()) {
    channel_.Close();
    return answer.status();
  }
  if (Status s = StatusFromSw(answer->sw, "EXTERNAL AUTHENTICATE"); !s.ok()) {
    channel_.Close();
    return s;
  }
  return channel_.Confirm(*answer);
}

Status ApduSession::Reset() {
  channel_.Close();
  return transport_.Reset();
}

}  // namespace sedun::client
