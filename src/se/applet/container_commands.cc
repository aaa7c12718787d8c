// CREATE CONTAINER, DELETE CONTAINER and LIST CONTAINERS (JR/T 0093.6 5.4.3 a: every key
// container has a unique name; 5.4.3 b, h: access is limited to the authorised client, which the
// card OS enforces through the channel and PIN conditions of the command table).
#include <algorithm>

#include "apdu/tlv.h"
#include "se/applet/card_objects.h"
#include "se/applet/data_objects.h"
#include "se/applet/handlers.h"
#include "se/applet/request_fields.h"
#include "se/applet/status_mapping.h"

namespace sedun::se::applet {

namespace {

// Data: 81 name. Errors: 6A89 name taken, 6A84 no room.
Result<Bytes> CreateContainerBody(CommandContext& ctx, ByteView data) {
  SEDUN_ASSIGN_OR_RETURN(Request req, Request::Parse(data, {tag::kContainerName}));
  SEDUN_ASSIGN_OR_RETURN(std::string name, ParseContainerName(req.Get(tag::kContainerName)));
  CardState& state = ctx.state;
  if (state.FindContainer(name) != nullptr) return AlreadyExists("container name is taken");
  if (state.containers.size() >= kMaxContainers) return ResourceExhausted("no more containers");
  state.containers.push_back(Container{std::move(name), std::nullopt, std::nullopt});
  Status room = CheckCapacity(state);
  if (!room.ok()) {
    state.containers.pop_back();
    return room;
  }
  return Bytes{};
}

// Data: 81 name. Destroys the container's key pairs (the scalars are wiped as the slots go away)
// and certificates, freeing their space (JR/T 5.4.1 b).
Result<Bytes> DeleteContainerBody(CommandContext& ctx, ByteView data) {
  SEDUN_ASSIGN_OR_RETURN(Request req, Request::Parse(data, {tag::kContainerName}));
  SEDUN_ASSIGN_OR_RETURN(std::string name, ParseContainerName(req.Get(tag::kContainerName)));
  std::vector<Container>& all = ctx.state.containers;
  auto it = std::find_if(all.begin(), all.end(), [&](const Container& c) { return c.name == name; });
  if (it == all.end()) return NotFound("no such container");
  all.erase(it);
  return Bytes{};
}

// No data. Answers A0 { 81 name, per slot present: 82 slot, 87 public key, 86 certificate when
// installed } per container, in creation order. Public keys and certificates are public; private
// keys never appear (JR/T 5.4.2 d).
Result<Bytes> ListContainersBody(CommandContext& ctx, ByteView data) {
  SEDUN_RETURN_IF_ERROR(Request::Parse(data, {}).status());
  apdu::TlvWriter out;
  for (const Container& c : ctx.state.containers) {
    out.Open(tag::kContainerEntry);
    out.Add(tag::kContainerName, AsBytes(c.name));
    for (KeySlotId id : {KeySlotId::kSign, KeySlotId::kEncrypt}) {
      const std::optional<KeySlot>& slot = c.slot(id);
      if (!slot) continue;
      out.AddU8(tag::kKeySlot, static_cast<uint8_t>(id));
      out.Add(tag::kPublicKey, slot->public_key);
      if (!slot->certificate.empty()) out.Add(tag::kCertificate, slot->certificate);
    }
    out.Close();
  }
  auto encoded = out.Finish();
  if (!encoded.ok()) return Internal("container list does not encode");
  return encoded;
}

}  // namespace

apdu::ResponseApdu CreateContainer(CommandContext& ctx, const apdu::CommandApdu& command) {
  return RunCommand(ctx, command, &CreateContainerBody);
}

apdu::ResponseApdu DeleteContainer(CommandContext& ctx, const apdu::CommandApdu& command) {
  return RunCommand(ctx, command, &DeleteContainerBody);
}

apdu::ResponseApdu ListContainers(CommandContext& ctx, const apdu::CommandApdu& command) {
  return RunCommand(ctx, command, &ListContainersBody);
}

}  // namespace sedun::se::applet
