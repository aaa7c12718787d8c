// Digital envelope: SM4-CBC content, SM2-wrapped key, HMAC-SM3 integrity (format in envelope.h).
#include "crypto/envelope.h"

#include <algorithm>
#include <limits>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "crypto/ct.h"
#include "crypto/hmac_sm3.h"
#include "crypto/kdf.h"
#include "crypto/sm2.h"
#include "crypto/sm4.h"

namespace sedun::crypto {
namespace {

constexpr uint8_t kMagic[4] = {'S', 'D', 'E', 'V'};
constexpr char kMacLabel[] = "sedun envelope v1 mac";

enum Tag : uint8_t {
  kTagKeyId = 0x01,
  kTagWrappedKey = 0x02,
  kTagIv = 0x03,
  kTagCiphertext = 0x04,
  kTagMac = 0x05,
};

// A DER SM2Cipher of a 16-byte key is about 125 bytes; anything far larger is not one.
constexpr size_t kMaxWrappedKeySize = 256;

struct ParsedEnvelope {
  ByteView key_id;
  ByteView wrapped_key;
  ByteView iv;
  ByteView ciphertext;
  ByteView mac;
  ByteView authenticated;  // magic .. end of the ciphertext record
};

Status PutRecord(ByteWriter* out, uint8_t tag, ByteView value) {
  if (value.size() > std::numeric_limits<uint32_t>::max()) return InvalidArgument("envelope field too large");
  out->PutU8(tag);
  out->OpenPrefixed(4);
  out->PutBytes(value);
  return out->ClosePrefixed();
}

Status ReadRecord(ByteReader* in, uint8_t tag, ByteView* out) {
  uint8_t got = 0;
  if (!in->ReadU8(&got)) return Malformed("envelope truncated");
  if (got != tag) return Malformed("envelope record out of order or unknown");
  if (!in->ReadU32Prefixed(out)) return Malformed("envelope record truncated");
  return Status::Ok();
}

Result<ParsedEnvelope> Parse(ByteView envelope) {
  ByteReader in(envelope);
  ByteView magic;
  uint8_t version = 0;
  if (!in.ReadBytes(sizeof kMagic, &magic) || !std::equal(magic.begin(), magic.end(), kMagic)) {
    return Malformed("not a sedun envelope");
  }
  if (!in.ReadU8(&version)) return Malformed("envelope truncated");
  if (version != kEnvelopeVersion) return Malformed("unsupported envelope version");
  ParsedEnvelope p;
  SEDUN_RETURN_IF_ERROR(ReadRecord(&in, kTagKeyId, &p.key_id));
  SEDUN_RETURN_IF_ERROR(ReadRecord(&in, kTagWrappedKey, &p.wrapped_key));
  SEDUN_RETURN_IF_ERROR(ReadRecord(&in, kTagIv, &p.iv));
  SEDUN_RETURN_IF_ERROR(ReadRecord(&in, kTagCiphertext, &p.ciphertext));
  p.authenticated = envelope.first(envelope.size() - in.remaining());
  SEDUN_RETURN_IF_ERROR(ReadRecord(&in, kTagMac, &p.mac));
  SEDUN_RETURN_IF_ERROR(in.ExpectEnd("envelope"));
  if (p.key_id.size() != kSm3DigestSize || p.iv.size() != kSm4BlockSize || p.mac.size() != kHmacSm3Size ||
      p.wrapped_key.empty() || p.wrapped_key.size() > kMaxWrappedKeySize || p.ciphertext.empty() ||
      p.ciphertext.size() % kSm4BlockSize != 0) {
    return Malformed("envelope field has the wrong length");
  }
  return p;
}

Result<SecretBytes> MacKey(ByteView content_key) {
  SecretBytes z(content_key);
  z.Append(AsBytes(std::string_view(kMacLabel, sizeof kMacLabel - 1)));
  return Sm2Kdf(z.view(), kHmacSm3Size);
}

}  // namespace

Result<Sm3Digest> EnvelopeKeyId(const Sm2PublicKey& key) { return Sm3Hash(key.point()); }

Result<Bytes> SealEnvelope(const Sm2PublicKey& recipient, ByteView plaintext, Rng& rng) {
  SEDUN_ASSIGN_OR_RETURN(SecretBytes content_key, RandomSecret(rng, kSm4KeySize));
  SEDUN_ASSIGN_OR_RETURN(Bytes iv, RandomBytes(rng, kSm4BlockSize));
  SEDUN_ASSIGN_OR_RETURN(Bytes wrapped, Sm2Encrypt(recipient, content_key.view(), Sm2CipherFormat::kDer, rng));
  SEDUN_ASSIGN_OR_RETURN(Bytes ciphertext,
                         Sm4Encrypt(Sm4Mode::kCbc, content_key.view(), iv, plaintext, Sm4Padding::kPkcs7));
  SEDUN_ASSIGN_OR_RETURN(Sm3Digest key_id, EnvelopeKeyId(recipient));
  SEDUN_ASSIGN_OR_RETURN(SecretBytes mac_key, MacKey(content_key.view()));

  ByteWriter out;
  out.PutBytes(kMagic);
  out.PutU8(kEnvelopeVersion);
  SEDUN_RETURN_IF_ERROR(PutRecord(&out, kTagKeyId, key_id));
  SEDUN_RETURN_IF_ERROR(PutRecord(&out, kTagWrappedKey, wrapped));
  SEDUN_RETURN_IF_ERROR(PutRecord(&out, kTagIv, iv));
  SEDUN_RETURN_IF_ERROR(PutRecord(&out, kTagCiphertext, ciphertext));
  SEDUN_ASSIGN_OR_RETURN(Sm3Digest mac, HmacSm3Compute(mac_key.view(), out.bytes()));
  SEDUN_RETURN_IF_ERROR(PutRecord(&out, kTagMac, mac));
  return out.Finish();
}

Result<Sm3Digest> EnvelopeRecipient(ByteView envelope) {
  SEDUN_ASSIGN_OR_RETURN(ParsedEnvelope p, Parse(envelope));
  Sm3Digest id;
  std::copy(p.key_id.begin(), p.key_id.end(), id.begin());
  return id;
}

Result<SecretBytes> OpenEnvelope(const Sm2PrivateKey& key, ByteView envelope) {
  SEDUN_ASSIGN_OR_RETURN(ParsedEnvelope p, Parse(envelope));
  SEDUN_ASSIGN_OR_RETURN(Sm3Digest own_id, EnvelopeKeyId(key.public_key()));
  if (!std::equal(own_id.begin(), own_id.end(), p.key_id.begin(), p.key_id.end())) {
    return NotFound("envelope is addressed to another key");
  }
  // The SM2 C3 check authenticates the content key (GB/T 32918.4 §7.1 B6).
  auto content_key = Sm2Decrypt(key, p.wrapped_key, Sm2CipherFormat::kDer);
  if (!content_key.ok()) {
    if (content_key.status().code() == Code::kVerifyFailed) return VerifyFailed("envelope key cannot be unwrapped");
    return content_key.status().Annotate("envelope wrapped key");
  }
  if (content_key->size() != kSm4KeySize) return VerifyFailed("envelope key has the wrong length");
  // Verify the MAC before the CBC padding is looked at.
  SEDUN_ASSIGN_OR_RETURN(SecretBytes mac_key, MacKey(content_key->view()));
  SEDUN_ASSIGN_OR_RETURN(Sm3Digest mac, HmacSm3Compute(mac_key.view(), p.authenticated));
  if (!ConstantTimeEqual(mac, p.mac)) return VerifyFailed("envelope integrity check failed");
  auto plaintext = Sm4Decrypt(Sm4Mode::kCbc, content_key->view(), p.iv, p.ciphertext, Sm4Padding::kPkcs7);
  // The MAC matched, so a padding error means the sender built a bad envelope.
  if (!plaintext.ok()) return Malformed("envelope content does not decrypt");
  return std::move(plaintext).value();
}

}  // namespace sedun::crypto
