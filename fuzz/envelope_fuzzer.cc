// Fuzz target for the digital-envelope parser and the Shamir share decoder. The envelope is opened
// with a fixed key: malformed, foreign or tampered input must fail with a status, never crash, and
// nothing but a well-formed envelope sealed to this key may open. Shares that decode must
// re-encode to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "crypto/envelope.h"
#include "crypto/shamir.h"

namespace {

using namespace sedun;
using namespace sedun::crypto;

void Check(bool ok) {
  if (!ok) abort();
}

const Sm2PrivateKey& Key() {
  static const Sm2PrivateKey key =
      *Sm2PrivateKey::FromScalar(*HexDecode("3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"));
  return key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView in(data, size);
  auto opened = OpenEnvelope(Key(), in);
  if (opened.ok()) {
    // Only possible for a genuine envelope; its recipient must then be this key.
    auto recipient = EnvelopeRecipient(in);
    auto own = EnvelopeKeyId(Key().public_key());
    Check(recipient.ok() && own.ok() && *recipient == *own);
  }
  auto share = DecodeShamirShare(in);
  if (share.ok()) {
    auto again = EncodeShamirShare(*share);
    Check(again.ok() && ToBytes(again->view()) == ToBytes(in));
  }
  return 0;
}
