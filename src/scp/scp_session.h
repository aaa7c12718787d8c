// The byte-level rules of the secure channel that both ends apply (docs/apdu.md "Secure
// channel"): session key and cryptogram derivation, the ICV counter blocks, C-DECRYPTION /
// R-ENCRYPTION with ISO/IEC 9797-1 padding method 2, and the C-MAC and R-MAC inputs. Keeping one
// copy here means the card and the host cannot disagree on a layout; the tests recompute each
// value from the SM4 primitives to check this copy against the text of the spec.
// Internal to src/scp. Thread-safety: pure functions.
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"
#include "crypto/sm4_cmac.h"
#include "scp/scp.h"

namespace sedun::scp::internal {

// Derivation constants (GP SCP03 Amendment D 4.1.5, table 4-1).
inline constexpr uint8_t kDeriveCardCryptogram = 0x00;
inline constexpr uint8_t kDeriveHostCryptogram = 0x01;
inline constexpr uint8_t kDeriveSEnc = 0x04;
inline constexpr uint8_t kDeriveSMac = 0x06;
inline constexpr uint8_t kDeriveSRmac = 0x07;

// A 16-byte block: a full CMAC (the MAC chaining value) or a counter block.
using Block = crypto::Sm4CmacTag;

struct SessionKeys {
  SecretBytes enc, mac, rmac;
};

// S-ENC from K-ENC; S-MAC and S-RMAC from K-MAC (GP SCP03 6.2.1); 128 bits each, context =
// host challenge || card challenge.
Result<SessionKeys> DeriveSessionKeys(const KeySet& keys, ByteView context);
// The 8-byte card (constant 00) or host (01) cryptogram under S-MAC.
Result<SecretBytes> Cryptogram(const SessionKeys& keys, uint8_t constant, ByteView context);

// The block encrypted under S-ENC to give the ICV: the counter as 16 bytes big-endian for a
// command, 80 || the counter as 15 bytes for its response (GP SCP03 6.2.6, 6.2.7).
Block CommandCounterBlock(uint64_t counter);
Block ResponseCounterBlock(uint64_t counter);

// Pads `plain` (80 00.., at least one byte) and encrypts it with SM4-CBC, ICV = SM4(S-ENC,
// counter_block). `plain` must not be empty: empty data is sent as it is, unpadded.
Result<Bytes> EncryptData(ByteView s_enc, const Block& counter_block, ByteView plain);
// The inverse. kVerifyFailed for an empty input, one that is not whole blocks, or bad padding.
Result<SecretBytes> DecryptData(ByteView s_enc, const Block& counter_block, ByteView cipher);

// SM4-CMAC(S-MAC, chaining || CLA INS P1 P2 || Lc' || body): Lc' = body + the 8 MAC bytes,
// written as one byte, or as 00 and two bytes when the wrapped command uses the extended form.
// Returns the full 16 bytes; the first 8 are the C-MAC and all 16 the next chaining value.
Result<Block> CommandMac(ByteView s_mac, const Block& chaining, const apdu::CommandApdu& header,
                         bool extended, ByteView body);
// SM4-CMAC(S-RMAC, chaining || data || SW1 SW2); the first 8 bytes are the R-MAC.
Result<Block> ResponseMac(ByteView s_rmac, const Block& chaining, ByteView data, uint16_t sw);

}  // namespace sedun::scp::internal
