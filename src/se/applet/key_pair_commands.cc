// GENERATE KEY PAIR and READ PUBLIC KEY (JR/T 0093.6 5.4.2 a: the key pair is generated and kept
// in the card; the public key may be read freely, the private key never leaves it, 5.4.2 d).
#include <utility>

#include "apdu/tlv.h"
#include "crypto/sm2_key.h"
#include "se/applet/card_objects.h"
#include "se/applet/data_objects.h"
#include "se/applet/handlers.h"
#include "se/applet/request_fields.h"
#include "se/applet/status_mapping.h"

namespace sedun::se::applet {

namespace {

Result<Bytes> PublicKeyResponse(ByteView point) {
  apdu::TlvWriter out;
  out.Add(tag::kPublicKey, point);
  auto encoded = out.Finish();
  if (!encoded.ok()) return Internal("public key does not encode");
  return encoded;
}

// Data: 81 name, 82 slot. Draws d from the card's DRBG (JR/T 7.1: generated inside, never
// preset) and replaces the slot's key pair and certificate. Answers 87.
Result<Bytes> GenerateKeyPairBody(CommandContext& ctx, ByteView data) {
  SEDUN_ASSIGN_OR_RETURN(Request req, Request::Parse(data, {tag::kContainerName, tag::kKeySlot}));
  SEDUN_ASSIGN_OR_RETURN(std::string name, ParseContainerName(req.Get(tag::kContainerName)));
  SEDUN_ASSIGN_OR_RETURN(KeySlotId id, ParseKeySlot(req.Get(tag::kKeySlot)));
  SEDUN_ASSIGN_OR_RETURN(Container * container, FindContainer(ctx.state, name));

  auto key = crypto::Sm2PrivateKey::Generate(ctx.rng);
  if (!key.ok()) return CryptoError("key generation failed");
  KeySlot fresh;
  fresh.private_key = key->scalar().Clone();
  fresh.public_key = ToBytes(key->public_key().point());

  std::optional<KeySlot> previous = std::exchange(container->slot(id), std::move(fresh));
  Status room = CheckCapacity(ctx.state);
  if (!room.ok()) {
    container->slot(id) = std::move(previous);
    return room;
  }
  // `previous` (the replaced pair) is wiped when it goes out of scope.
  return PublicKeyResponse(key->public_key().point());
}

// Data: 81 name, 82 slot. Answers 87; 6A88 when the slot is empty.
Result<Bytes> ReadPublicKeyBody(CommandContext& ctx, ByteView data) {
  SEDUN_ASSIGN_OR_RETURN(Request req, Request::Parse(data, {tag::kContainerName, tag::kKeySlot}));
  SEDUN_ASSIGN_OR_RETURN(std::string name, ParseContainerName(req.Get(tag::kContainerName)));
  SEDUN_ASSIGN_OR_RETURN(KeySlotId id, ParseKeySlot(req.Get(tag::kKeySlot)));
  const CardState& state = ctx.state;
  SEDUN_ASSIGN_OR_RETURN(const Container* container, FindContainer(state, name));
  SEDUN_ASSIGN_OR_RETURN(const KeySlot* slot, FindKeySlot(*container, id));
  return PublicKeyResponse(slot->public_key);
}

}  // namespace

apdu::ResponseApdu GenerateKeyPair(CommandContext& ctx, const apdu::CommandApdu& command) {
  return RunCommand(ctx, command, &GenerateKeyPairBody);
}

apdu::ResponseApdu ReadPublicKey(CommandContext& ctx, const apdu::CommandApdu& command) {
  return RunCommand(ctx, command, &ReadPublicKeyBody);
}

}  // namespace sedun::se::applet
