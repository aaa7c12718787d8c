// KeySet: the 48-byte static key set record (docs/apdu.md tag 94: K-ENC || K-MAC || K-DEK).
#include "scp/scp.h"

#include "base/byte_reader.h"

namespace sedun::scp {

Result<KeySet> KeySet::FromBytes(ByteView bytes) {
  if (bytes.size() != kKeySetSize) return InvalidArgument("SCP key set must be 48 bytes");
  ByteReader r(bytes);
  ByteView enc, mac, dek;
  if (!r.ReadBytes(kKeySize, &enc) || !r.ReadBytes(kKeySize, &mac) || !r.ReadBytes(kKeySize, &dek)) {
    return InvalidArgument("SCP key set must be 48 bytes");
  }
  SEDUN_RETURN_IF_ERROR(r.ExpectEnd("SCP key set"));
  return KeySet{SecretBytes(enc), SecretBytes(mac), SecretBytes(dek)};
}

SecretBytes KeySet::ToBytes() const {
  SecretBytes out;
  out.Append(enc.view());
  out.Append(mac.view());
  out.Append(dek.view());
  return out;
}

KeySet KeySet::Clone() const { return KeySet{enc.Clone(), mac.Clone(), dek.Clone()}; }

}  // namespace sedun::scp
