// PIN consumption and in-card signing.
#include "se/applet/signing.h"

#include "crypto/sm2.h"
#include "se/applet/card_objects.h"

namespace sedun::se::applet {

Status ConsumePinVerification(SessionState& session) {
  if (!session.user_pin_verified) return PermissionDenied("user PIN not verified since the last signature");
  session.user_pin_verified = false;
  return Status::Ok();
}

Result<Bytes> SignWithSlot(const KeySlot& slot, ByteView message, ByteView id, crypto::Rng& rng) {
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm2PrivateKey key, LoadPrivateKey(slot));
  auto signature = crypto::Sm2Sign(key, message, id, rng);
  if (!signature.ok()) return CryptoError("signing failed");
  return signature;
}

}  // namespace sedun::se::applet
