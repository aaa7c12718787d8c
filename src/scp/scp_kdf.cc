// NIST SP 800-108 (rev. 1) KDF in counter mode with SM4-CMAC as the PRF, laid out as
// GlobalPlatform SCP03 (Card Spec 2.2 Amendment D 4.1.5) lays it out for AES-CMAC:
//
//   K(i) = CMAC(key, label || 00 || L || [i]_8 || context),  label = 00 x 11 || constant
//
// with L the output length in bits (2 bytes, big-endian) and the counter i one byte from 01.
// The output is K(1) || K(2) || ... cut to L bits.
#include "scp/scp.h"

#include <array>

#include "base/byte_writer.h"
#include "crypto/sm4_cmac.h"

namespace sedun::scp {

Result<SecretBytes> DeriveData(ByteView key, uint8_t constant, ByteView context, uint16_t out_bits) {
  // The counter is one byte, so at most 255 PRF blocks can be produced (SP 800-108 4.1: n <= 2^r - 1).
  constexpr size_t kMaxBlocks = 255;
  if (out_bits == 0 || out_bits % 8 != 0) {
    return InvalidArgument("SCP KDF output must be a positive whole number of bytes");
  }
  const size_t out_bytes = out_bits / 8u;
  const size_t blocks = (out_bytes + crypto::kSm4CmacSize - 1) / crypto::kSm4CmacSize;
  if (blocks > kMaxBlocks) return InvalidArgument("SCP KDF output longer than 255 blocks");
  if (key.size() != kKeySize) return InvalidArgument("SCP KDF key must be 16 bytes");

  SEDUN_ASSIGN_OR_RETURN(crypto::Sm4Cmac prf, crypto::Sm4Cmac::Create(key));
  ByteWriter fixed;  // the derivation data up to the counter
  for (int i = 0; i < 11; ++i) fixed.PutU8(0x00);
  fixed.PutU8(constant);
  fixed.PutU8(0x00);  // separation indicator
  fixed.PutU16(out_bits);

  SecretBytes out;
  for (size_t i = 1; i <= blocks; ++i) {
    const std::array<uint8_t, 1> counter = {static_cast<uint8_t>(i)};
    SEDUN_RETURN_IF_ERROR(prf.Update(fixed.bytes()));
    SEDUN_RETURN_IF_ERROR(prf.Update(counter));
    SEDUN_RETURN_IF_ERROR(prf.Update(context));
    SEDUN_ASSIGN_OR_RETURN(crypto::Sm4CmacTag block, prf.Final());
    out.Append(block);
    SecureWipe(block.data(), block.size());
  }
  out.Resize(out_bytes);
  return out;
}

}  // namespace sedun::scp
