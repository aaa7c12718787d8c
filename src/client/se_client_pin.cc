// SeClient: VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER (docs/apdu.md; JR/T 0093.6 7.2).
// PIN lengths are checked before sending, so that a malformed PIN never costs a try.
#include "client/se_client.h"
#include "client/se_codec.h"

namespace sedun::client {

namespace tag = codec::tag;

// VERIFY 00 20 00 P2 { 91 PIN }
Result<PinCheck> SeClient::VerifyPin(PinRef pin, const SecretBytes& value) {
  SEDUN_RETURN_IF_ERROR(codec::CheckPin(value, "PIN"));
  SEDUN_ASSIGN_OR_RETURN(SecretBytes data, codec::EncodeSecretObjects({{tag::kPin, value.view()}}));
  return CallPin("VERIFY", 0x20, static_cast<uint8_t>(pin), data.view());
}

// VERIFY 00 20 00 P2 with no data: the card compares nothing and reports the state.
Result<PinCheck> SeClient::PinStatus(PinRef pin) { return CallPin("VERIFY", 0x20, static_cast<uint8_t>(pin), {}); }

// CHANGE REFERENCE DATA 00 24 00 P2 { 91 old, 92 new }
Result<PinCheck> SeClient::ChangePin(PinRef pin, const SecretBytes& old_value, const SecretBytes& new_value) {
  SEDUN_RETURN_IF_ERROR(codec::CheckPin(old_value, "current PIN"));
  SEDUN_RETURN_IF_ERROR(codec::CheckPin(new_value, "new PIN"));
  SEDUN_ASSIGN_OR_RETURN(SecretBytes data,
                         codec::EncodeSecretObjects({{tag::kPin, old_value.view()}, {tag::kNewPin, new_value.view()}}));
  return CallPin("CHANGE REFERENCE DATA", 0x24, static_cast<uint8_t>(pin), data.view());
}

// RESET RETRY COUNTER 00 2C 00 01 { 91 admin PIN, 92 new user PIN }
Result<PinCheck> SeClient::UnblockPin(const SecretBytes& admin_pin, const SecretBytes& new_user_pin) {
  SEDUN_RETURN_IF_ERROR(codec::CheckPin(admin_pin, "administrator PIN"));
  SEDUN_RETURN_IF_ERROR(codec::CheckPin(new_user_pin, "new user PIN"));
  SEDUN_ASSIGN_OR_RETURN(SecretBytes data, codec::EncodeSecretObjects(
                                               {{tag::kPin, admin_pin.view()}, {tag::kNewPin, new_user_pin.view()}}));
  return CallPin("RESET RETRY COUNTER", 0x2C, static_cast<uint8_t>(PinRef::kUser), data.view());
}

}  // namespace sedun::client
