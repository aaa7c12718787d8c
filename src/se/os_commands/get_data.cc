// GET DATA (80 CA 00 01): the card's public status, readable in every state and without a
// channel (docs/apdu.md "Commands"), so that a client can tell a blocked or terminated card
// from a broken one before it tries anything else.
#include "base/byte_writer.h"
#include "se/os_commands/os_commands.h"

namespace sedun::se {

Bytes CardStatusObjects(const CardState& state, bool with_admin_and_space) {
  apdu::TlvWriter w;
  w.AddU8(os_tag::kLifecycle, static_cast<uint8_t>(state.lifecycle));
  w.Add(os_tag::kCardSerial, state.serial);
  // A PIN that is not set yet reports 00 tries left: nothing can be verified against it.
  w.AddU8(os_tag::kTriesLeft, state.user_pin.set ? state.user_pin.tries_left : 0);
  if (with_admin_and_space) {
    w.AddU8(os_tag::kAdminTriesLeft, state.admin_pin.set ? state.admin_pin.tries_left : 0);
    uint32_t used = state.UsedBytes();
    ByteWriter free_space;
    free_space.PutU32(used >= state.capacity ? 0 : state.capacity - used);
    w.Add(os_tag::kFreeSpace, free_space.bytes());
  }
  Result<Bytes> out = w.Finish();
  return out.ok() ? std::move(out).value() : Bytes{};
}

apdu::ResponseApdu GetData(CommandContext& ctx, const apdu::CommandApdu& command) {
  if (command.p1 != 0x00 || command.p2 != 0x01) return SwOnly(apdu::kSwIncorrectP1P2);
  if (!command.data.empty()) return SwOnly(apdu::kSwWrongLength);
  Bytes body = CardStatusObjects(ctx.state, true);
  if (body.empty()) return SwOnly(apdu::kSwUnknown);
  return apdu::ResponseApdu{std::move(body), apdu::kSwOk};
}

}  // namespace sedun::se
