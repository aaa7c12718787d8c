// The shared secure-channel computations; see scp_session.h.
#include "scp/scp_session.h"

#include <utility>

#include "base/byte_writer.h"
#include "crypto/sm4.h"
#include "crypto/sm4_block.h"

namespace sedun::scp::internal {
namespace {

constexpr uint16_t kSessionKeyBits = 128;
constexpr uint16_t kCryptogramBits = 64;
constexpr uint8_t kPadByte = 0x80;  // ISO/IEC 9797-1 padding method 2

Result<Block> Icv(ByteView s_enc, const Block& counter_block) {
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm4Block cipher, crypto::Sm4Block::Create(s_enc));
  Block icv{};
  SEDUN_RETURN_IF_ERROR(cipher.EncryptBlock(counter_block, icv));
  return icv;
}

}  // namespace

Result<SessionKeys> DeriveSessionKeys(const KeySet& keys, ByteView context) {
  SessionKeys out;
  SEDUN_ASSIGN_OR_RETURN(out.enc, DeriveData(keys.enc.view(), kDeriveSEnc, context, kSessionKeyBits));
  SEDUN_ASSIGN_OR_RETURN(out.mac, DeriveData(keys.mac.view(), kDeriveSMac, context, kSessionKeyBits));
  SEDUN_ASSIGN_OR_RETURN(out.rmac, DeriveData(keys.mac.view(), kDeriveSRmac, context, kSessionKeyBits));
  return out;
}

Result<SecretBytes> Cryptogram(const SessionKeys& keys, uint8_t constant, ByteView context) {
  return DeriveData(keys.mac.view(), constant, context, kCryptogramBits);
}

Block CommandCounterBlock(uint64_t counter) {
  Block b{};
  for (size_t i = 0; i < 8; ++i) b[15 - i] = static_cast<uint8_t>(counter >> (8 * i));
  return b;
}

Block ResponseCounterBlock(uint64_t counter) {
  Block b = CommandCounterBlock(counter);
  b[0] = kPadByte;
  return b;
}

Result<Bytes> EncryptData(ByteView s_enc, const Block& counter_block, ByteView plain) {
  if (plain.empty()) return InvalidArgument("SCP: empty data is not encrypted");
  SEDUN_ASSIGN_OR_RETURN(Block icv, Icv(s_enc, counter_block));
  SecretBytes padded(plain);
  const std::array<uint8_t, 1> pad = {kPadByte};
  padded.Append(pad);
  padded.Resize((padded.size() + crypto::kSm4BlockSize - 1) / crypto::kSm4BlockSize * crypto::kSm4BlockSize);
  Result<Bytes> out =
      crypto::Sm4Encrypt(crypto::Sm4Mode::kCbc, s_enc, icv, padded.view(), crypto::Sm4Padding::kNone);
  SecureWipe(icv.data(), icv.size());
  return out;
}

Result<SecretBytes> DecryptData(ByteView s_enc, const Block& counter_block, ByteView cipher) {
  if (cipher.empty() || cipher.size() % crypto::kSm4BlockSize != 0) {
    return VerifyFailed("SCP: encrypted data is not whole SM4 blocks");
  }
  SEDUN_ASSIGN_OR_RETURN(Block icv, Icv(s_enc, counter_block));
  Result<SecretBytes> decrypted =
      crypto::Sm4Decrypt(crypto::Sm4Mode::kCbc, s_enc, icv, cipher, crypto::Sm4Padding::kNone);
  SecureWipe(icv.data(), icv.size());
  if (!decrypted.ok()) return decrypted.status();
  SecretBytes plain = std::move(decrypted).value();
  // Method 2 padding is 80 then 00s, 1..16 bytes, all in the last block. The MAC was checked
  // before decryption, so a padding error here is a sender bug, not an oracle.
  size_t end = plain.size();
  const size_t floor = plain.size() - crypto::kSm4BlockSize;
  while (end > floor && plain[end - 1] == 0x00) --end;
  if (end == floor || plain[end - 1] != kPadByte) return VerifyFailed("SCP: bad padding in decrypted data");
  plain.Resize(end - 1);
  return plain;
}

Result<Block> CommandMac(ByteView s_mac, const Block& chaining, const apdu::CommandApdu& header,
                         bool extended, ByteView body) {
  const size_t lc = body.size() + kMacSize;
  if (lc > (extended ? apdu::kMaxExtendedLc : apdu::kMaxShortLc)) {
    return InvalidArgument("SCP: wrapped data does not fit the Lc field");
  }
  ByteWriter w;
  w.PutU8(header.cla);
  w.PutU8(header.ins);
  w.PutU8(header.p1);
  w.PutU8(header.p2);
  if (extended) {
    w.PutU8(0x00);
    w.PutU16(static_cast<uint16_t>(lc));
  } else {
    w.PutU8(static_cast<uint8_t>(lc));
  }
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm4Cmac mac, crypto::Sm4Cmac::Create(s_mac));
  SEDUN_RETURN_IF_ERROR(mac.Update(chaining));
  SEDUN_RETURN_IF_ERROR(mac.Update(w.bytes()));
  SEDUN_RETURN_IF_ERROR(mac.Update(body));
  return mac.Final();
}

Result<Block> ResponseMac(ByteView s_rmac, const Block& chaining, ByteView data, uint16_t sw) {
  const std::array<uint8_t, 2> sw_bytes = {apdu::Sw1(sw), apdu::Sw2(sw)};
  SEDUN_ASSIGN_OR_RETURN(crypto::Sm4Cmac mac, crypto::Sm4Cmac::Create(s_rmac));
  SEDUN_RETURN_IF_ERROR(mac.Update(chaining));
  SEDUN_RETURN_IF_ERROR(mac.Update(data));
  SEDUN_RETURN_IF_ERROR(mac.Update(sw_bytes));
  return mac.Final();
}

}  // namespace sedun::scp::internal
