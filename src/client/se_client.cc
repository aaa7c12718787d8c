// SeClient: the shared call path, SELECT, GET DATA and the secure channel.
#include "client/se_client.h"

#include "client/se_codec.h"
#include "client/sw_status.h"

namespace sedun::client {

std::string_view LifecycleName(Lifecycle lifecycle) {
  switch (lifecycle) {
    case Lifecycle::kFactory:
      return "factory";
    case Lifecycle::kPersonalised:
      return "personalised";
    case Lifecycle::kInUse:
      return "in use";
    case Lifecycle::kLocked:
      return "locked";
    case Lifecycle::kTerminated:
      return "terminated";
  }
  return "unknown";
}

Result<Bytes> SeClient::Call(std::string_view name, uint8_t cla, uint8_t ins, uint8_t p1, uint8_t p2,
                             ByteView data, bool expect_data) {
  apdu::CommandApdu command;
  command.cla = cla;
  command.ins = ins;
  command.p1 = p1;
  command.p2 = p2;
  command.data = ToBytes(data);
  command.ne = expect_data ? apdu::kMaxShortNe : 0;
  auto response = session_.Send(command);
  SecureWipe(command.data.data(), command.data.size());
  if (!response.ok()) return response.status().Annotate(name);
  if (Status s = StatusFromSw(response->sw, name); !s.ok()) return s;
  if (!expect_data && !response->data.empty()) {
    SecureWipe(response->data.data(), response->data.size());
    return Malformed(std::string(name) + " answer: unexpected data");
  }
  return std::move(response->data);
}

Result<PinCheck> SeClient::CallPin(std::string_view name, uint8_t ins, uint8_t p2, ByteView data) {
  apdu::CommandApdu command;
  command.cla = 0x00;
  command.ins = ins;
  command.p2 = p2;
  command.data = ToBytes(data);
  auto response = session_.Send(command);
  SecureWipe(command.data.data(), command.data.size());
  if (!response.ok()) return response.status().Annotate(name);
  if (!response->data.empty()) return Malformed(std::string(name) + " answer: unexpected data");
  if (response->sw == apdu::kSwOk) return PinCheck{true, 0};
  if (auto tries = TriesLeftFromSw(response->sw)) return PinCheck{false, *tries};
  return StatusFromSw(response->sw, name);
}

// SELECT 00 A4 04 00 Lc AID 00: answers the FCI. Selecting starts a new session on the card,
// closing its channel (docs/apdu.md "Transport"), so it goes plain and the host end closes too.
Result<CardInfo> SeClient::Select() {
  session_.CloseChannel();
  SEDUN_ASSIGN_OR_RETURN(Bytes fci, Call("SELECT", 0x00, 0xA4, 0x04, 0x00, kSeAid, true));
  return codec::DecodeFci(fci);
}

// GET DATA 80 CA 00 01 00.
Result<CardInfo> SeClient::GetData() {
  SEDUN_ASSIGN_OR_RETURN(Bytes data, Call("GET DATA", 0x80, 0xCA, 0x00, 0x01, {}, true));
  return codec::DecodeCardData(data);
}

Status SeClient::OpenChannel(const scp::KeySet& keys, uint8_t kvn, uint8_t level) {
  return session_.OpenChannel(keys, kvn, level);
}

}  // namespace sedun::client
