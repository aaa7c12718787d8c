// PIN verifier derivation.
#include "se/os_commands/pin_verifier.h"

#include "crypto/pbkdf2.h"

namespace sedun::se {

Result<SecretBytes> DerivePinVerifier(ByteView salt, PinRef ref, ByteView pin) {
  SecretBytes full_salt(salt);
  const uint8_t reference = static_cast<uint8_t>(ref);
  full_salt.Append(ByteView(&reference, 1));
  return crypto::Pbkdf2HmacSm3(pin, full_salt.view(), kPinIterations, 32);
}

}  // namespace sedun::se
