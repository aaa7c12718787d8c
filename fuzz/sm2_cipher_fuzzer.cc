// Fuzz target for the SM2 ciphertext decoders (GM/T 0009 DER, C1C3C2, C1C2C3) and the DER
// SM2Signature decoder. Whatever parses must re-encode to the same bytes (each layout has one
// encoding per value) and decode again to the same parts; any mismatch aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "crypto/sm2.h"

namespace {

using namespace sedun;
using namespace sedun::crypto;

void Check(bool ok) {
  if (!ok) abort();
}

bool SameParts(const Sm2CipherParts& a, const Sm2CipherParts& b) {
  return Sm2EncodeCiphertext(a, Sm2CipherFormat::kC1C3C2) == Sm2EncodeCiphertext(b, Sm2CipherFormat::kC1C3C2);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ByteView in(data, size);
  for (auto format : {Sm2CipherFormat::kDer, Sm2CipherFormat::kC1C3C2, Sm2CipherFormat::kC1C2C3}) {
    auto parts = Sm2DecodeCiphertext(in, format);
    if (!parts.ok()) continue;
    Bytes again = Sm2EncodeCiphertext(*parts, format);
    Check(again == ToBytes(in));
    auto reparsed = Sm2DecodeCiphertext(again, format);
    Check(reparsed.ok() && SameParts(*parts, *reparsed));
  }
  auto sig = Sm2DecodeSignature(in);
  if (sig.ok()) {
    Bytes again = Sm2EncodeSignature(*sig);
    Check(again == ToBytes(in));
    auto raw = Sm2SignatureDerToRaw(in);
    Check(raw.ok() && raw->size() == kSm2RawSignatureSize);
    auto der = Sm2SignatureRawToDer(*raw);
    Check(der.ok() && *der == again);
  }
  return 0;
}
