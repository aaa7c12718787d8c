// Wire encodings of SM2 signatures (GM/T 0009 §7.3, raw r || s) and ciphertexts (GM/T 0009
// §7.2 DER, C1C3C2, C1C2C3).
#include <algorithm>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "crypto/der.h"
#include "crypto/sm2.h"

namespace sedun::crypto {

Bytes Sm2EncodeSignature(const Sm2Signature& sig) {
  ByteWriter body;
  der::WriteUnsignedInteger(&body, sig.r);
  der::WriteUnsignedInteger(&body, sig.s);
  ByteWriter out;
  der::WriteElement(&out, der::kTagSequence, body.bytes());
  return out.bytes();
}

// SM2Signature ::= SEQUENCE {
//   R INTEGER,   -- 1 <= r <= n-1, at most 32 magnitude bytes
//   S INTEGER }  -- 1 <= s <= n-1, at most 32 magnitude bytes
Result<Sm2Signature> Sm2DecodeSignature(ByteView der) {
  ByteReader in(der);
  ByteReader seq;
  Sm2Signature sig;
  SEDUN_RETURN_IF_ERROR(der::ReadSequence(&in, &seq).Annotate("SM2Signature"));
  SEDUN_RETURN_IF_ERROR(der::ReadUnsignedFixed(&seq, sig.r).Annotate("SM2Signature r"));
  SEDUN_RETURN_IF_ERROR(der::ReadUnsignedFixed(&seq, sig.s).Annotate("SM2Signature s"));
  SEDUN_RETURN_IF_ERROR(seq.ExpectEnd("SM2Signature"));
  SEDUN_RETURN_IF_ERROR(in.ExpectEnd("SM2Signature"));
  return sig;
}

Result<Bytes> Sm2SignatureDerToRaw(ByteView der) {
  SEDUN_ASSIGN_OR_RETURN(Sm2Signature sig, Sm2DecodeSignature(der));
  return Concat({sig.r, sig.s});
}

// r (32 bytes) || s (32 bytes), the SKF ECCSIGNATUREBLOB / SDF ECCSignature payload.
Result<Bytes> Sm2SignatureRawToDer(ByteView raw) {
  ByteReader in(raw);
  ByteView r;
  ByteView s;
  if (!in.ReadBytes(kSm2ScalarSize, &r) || !in.ReadBytes(kSm2ScalarSize, &s)) {
    return Malformed("raw SM2 signature must be 64 bytes (r || s)");
  }
  SEDUN_RETURN_IF_ERROR(in.ExpectEnd("raw SM2 signature"));
  Sm2Signature sig;
  std::copy(r.begin(), r.end(), sig.r.begin());
  std::copy(s.begin(), s.end(), sig.s.begin());
  return Sm2EncodeSignature(sig);
}

Bytes Sm2EncodeCiphertext(const Sm2CipherParts& parts, Sm2CipherFormat format) {
  const ByteView c1(parts.c1);
  switch (format) {
    case Sm2CipherFormat::kC1C3C2:
      return Concat({c1, parts.c3, parts.c2});
    case Sm2CipherFormat::kC1C2C3:
      return Concat({c1, parts.c2, parts.c3});
    case Sm2CipherFormat::kDer:
      break;
  }
  ByteWriter body;
  der::WriteUnsignedInteger(&body, c1.subspan(1, 32));
  der::WriteUnsignedInteger(&body, c1.subspan(33, 32));
  der::WriteOctetString(&body, parts.c3);
  der::WriteOctetString(&body, parts.c2);
  ByteWriter out;
  der::WriteElement(&out, der::kTagSequence, body.bytes());
  return out.bytes();
}

namespace {

// C1 must be a point of sm2p256v1 (GB/T 32918.4 §7.1 B1); Sm2PublicKey performs exactly that
// check and reports kMalformed.
Status SetC1(ByteView point, Sm2CipherParts* parts) {
  SEDUN_ASSIGN_OR_RETURN(Sm2PublicKey c1, Sm2PublicKey::FromUncompressed(point));
  parts->c1 = c1.point();
  return Status::Ok();
}

Status ReadC3(ByteReader* in, Sm2CipherParts* parts) {
  ByteView c3;
  if (!in->ReadBytes(kSm3DigestSize, &c3)) return Malformed("SM2 ciphertext too short");
  std::copy(c3.begin(), c3.end(), parts->c3.begin());
  return Status::Ok();
}

// SM2Cipher ::= SEQUENCE {
//   XCoordinate INTEGER,                -- x1 of C1, at most 32 magnitude bytes
//   YCoordinate INTEGER,                -- y1 of C1, at most 32 magnitude bytes
//   HASH        OCTET STRING (SIZE(32)),  -- C3
//   CipherText  OCTET STRING }            -- C2, not empty
Result<Sm2CipherParts> DecodeDer(ByteView der) {
  ByteReader in(der);
  ByteReader seq;
  uint8_t point[kSm2PointSize] = {0x04};
  ByteView c3;
  ByteView c2;
  SEDUN_RETURN_IF_ERROR(der::ReadSequence(&in, &seq).Annotate("SM2Cipher"));
  const std::span<uint8_t> x = std::span<uint8_t>(point).subspan(1, 32);
  const std::span<uint8_t> y = std::span<uint8_t>(point).subspan(33, 32);
  SEDUN_RETURN_IF_ERROR(der::ReadUnsignedFixed(&seq, x).Annotate("SM2Cipher x"));
  SEDUN_RETURN_IF_ERROR(der::ReadUnsignedFixed(&seq, y).Annotate("SM2Cipher y"));
  SEDUN_RETURN_IF_ERROR(der::ReadOctetString(&seq, &c3).Annotate("SM2Cipher hash"));
  SEDUN_RETURN_IF_ERROR(der::ReadOctetString(&seq, &c2).Annotate("SM2Cipher ciphertext"));
  SEDUN_RETURN_IF_ERROR(seq.ExpectEnd("SM2Cipher"));
  SEDUN_RETURN_IF_ERROR(in.ExpectEnd("SM2Cipher"));
  if (c3.size() != kSm3DigestSize) return Malformed("SM2Cipher: hash must be 32 bytes");
  if (c2.empty()) return Malformed("SM2Cipher: ciphertext is empty");
  Sm2CipherParts parts;
  SEDUN_RETURN_IF_ERROR(SetC1(ByteView(point, sizeof point), &parts));
  std::copy(c3.begin(), c3.end(), parts.c3.begin());
  parts.c2 = ToBytes(c2);
  return parts;
}

}  // namespace

// C1C3C2: C1 (65) || C3 (32) || C2 (rest, >= 1); C1C2C3: C1 (65) || C2 (>= 1) || C3 (32).
// C2 has no length field in either layout: it is whatever C1 and C3 leave.
Result<Sm2CipherParts> Sm2DecodeCiphertext(ByteView ciphertext, Sm2CipherFormat format) {
  switch (format) {
    case Sm2CipherFormat::kDer:
      return DecodeDer(ciphertext);
    case Sm2CipherFormat::kC1C3C2:
    case Sm2CipherFormat::kC1C2C3:
      break;
    default:
      return InvalidArgument("unknown SM2 ciphertext format");
  }
  if (ciphertext.size() < kSm2MinRawCiphertextSize) return Malformed("SM2 ciphertext too short");
  ByteReader in(ciphertext);
  ByteView c1;
  ByteView c2;
  Sm2CipherParts parts;
  if (!in.ReadBytes(kSm2PointSize, &c1)) return Malformed("SM2 ciphertext too short");
  SEDUN_RETURN_IF_ERROR(SetC1(c1, &parts));
  if (format == Sm2CipherFormat::kC1C3C2) {
    SEDUN_RETURN_IF_ERROR(ReadC3(&in, &parts));
    c2 = in.ReadRest();
  } else {
    if (!in.ReadBytes(in.remaining() - kSm3DigestSize, &c2)) return Malformed("SM2 ciphertext too short");
    SEDUN_RETURN_IF_ERROR(ReadC3(&in, &parts));
  }
  SEDUN_RETURN_IF_ERROR(in.ExpectEnd("SM2 ciphertext"));
  parts.c2 = ToBytes(c2);
  return parts;
}

}  // namespace sedun::crypto
