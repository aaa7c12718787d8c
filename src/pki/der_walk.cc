// DER walker and writer.
#include "pki/der_walk.h"

#include <algorithm>
#include <array>
#include <string>

namespace sedun::pki {

namespace {

// 1.2.156.10197.1.501
constexpr std::array<uint8_t, 12> kSm3WithSm2Absent = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x81,
                                                       0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75};
constexpr std::array<uint8_t, 14> kSm3WithSm2Null = {0x30, 0x0c, 0x06, 0x08, 0x2a, 0x81, 0x1c,
                                                     0xcf, 0x55, 0x01, 0x83, 0x75, 0x05, 0x00};

std::string Str(std::string_view s) { return std::string(s); }

}  // namespace

Status CheckSize(size_t size, size_t max, std::string_view what) {
  if (size > max) {
    return ResourceExhausted(Str(what) + " is larger than " + std::to_string(max) + " bytes");
  }
  return Status::Ok();
}

bool DerRead(ByteReader& in, DerElement* out) {
  ByteReader r = in;
  const ByteView start = r.rest();
  uint8_t tag = 0;
  uint8_t first = 0;
  if (!r.ReadU8(&tag) || (tag & 0x1f) == 0x1f) return false;
  if (!r.ReadU8(&first)) return false;
  size_t len = 0;
  if (first < 0x80) {
    len = first;
  } else {
    // X.690 10.1: definite form, minimal number of length octets; 0x80 (indefinite) rejected.
    size_t n = first & 0x7f;
    if (n == 0 || n > 4) return false;
    for (size_t i = 0; i < n; ++i) {
      uint8_t b = 0;
      if (!r.ReadU8(&b)) return false;
      if (i == 0 && b == 0) return false;
      len = (len << 8) | b;
    }
    if (len < 0x80) return false;
  }
  ByteView contents;
  if (!r.ReadBytes(len, &contents)) return false;
  out->tag = tag;
  out->contents = contents;
  out->whole = start.first(start.size() - r.remaining());
  in = r;
  return true;
}

bool DerReadTagged(ByteReader& in, uint8_t tag, DerElement* out) {
  ByteReader r = in;
  DerElement e;
  if (!DerRead(r, &e) || e.tag != tag) return false;
  *out = e;
  in = r;
  return true;
}

Result<DerElement> DerParseSingle(ByteView der, uint8_t tag, std::string_view what) {
  ByteReader r(der);
  DerElement e;
  if (!DerReadTagged(r, tag, &e)) return Malformed(Str(what) + ": not a DER element of the expected type");
  SEDUN_RETURN_IF_ERROR(r.ExpectEnd(what));
  return e;
}

void DerWrite(ByteWriter& out, uint8_t tag, ByteView contents) {
  out.PutU8(tag);
  const size_t len = contents.size();
  if (len < 0x80) {
    out.PutU8(static_cast<uint8_t>(len));
  } else {
    size_t n = 0;
    for (size_t v = len; v != 0; v >>= 8) ++n;
    out.PutU8(static_cast<uint8_t>(0x80 | n));
    for (size_t i = n; i > 0; --i) out.PutU8(static_cast<uint8_t>(len >> (8 * (i - 1))));
  }
  out.PutBytes(contents);
}

Bytes DerEncode(uint8_t tag, ByteView contents) {
  ByteWriter w;
  DerWrite(w, tag, contents);
  return w.bytes();
}

Bytes DerUnsignedContents(uint64_t value) {
  Bytes out;
  for (int shift = 56; shift >= 0; shift -= 8) {
    uint8_t b = static_cast<uint8_t>(value >> shift);
    if (out.empty() && b == 0) continue;
    if (out.empty() && (b & 0x80) != 0) out.push_back(0);  // keep it positive
    out.push_back(b);
  }
  if (out.empty()) out.push_back(0);
  return out;
}

Result<SignedParts> SplitSigned(ByteView der, std::string_view what, bool allow_trailing_fields) {
  SEDUN_ASSIGN_OR_RETURN(DerElement outer, DerParseSingle(der, der_tag::kSequence, what));
  ByteReader r(outer.contents);
  DerElement tbs, alg, sig;
  if (!DerReadTagged(r, der_tag::kSequence, &tbs) || !DerReadTagged(r, der_tag::kSequence, &alg) ||
      !DerReadTagged(r, der_tag::kBitString, &sig)) {
    return Malformed(Str(what) + ": not a signed structure (tbs, algorithm, signature)");
  }
  if (!allow_trailing_fields) SEDUN_RETURN_IF_ERROR(r.ExpectEnd(what));
  ByteReader bits(sig.contents);
  uint8_t unused = 0;
  if (!bits.ReadU8(&unused) || unused != 0) {
    return Malformed(Str(what) + ": signature BIT STRING is not whole octets");
  }
  return SignedParts{tbs.whole, alg.whole, bits.rest()};
}

Bytes AssembleSigned(ByteView tbs, ByteView algorithm, ByteView signature) {
  ByteWriter bits;
  bits.PutU8(0);
  bits.PutBytes(signature);
  ByteWriter body;
  body.PutBytes(tbs);
  body.PutBytes(algorithm);
  DerWrite(body, der_tag::kBitString, bits.bytes());
  return DerEncode(der_tag::kSequence, body.bytes());
}

Result<ByteView> CertificateTbsAlgorithm(ByteView tbs) {
  // TBSCertificate ::= SEQUENCE { version [0] EXPLICIT OPTIONAL, serialNumber INTEGER,
  //                               signature AlgorithmIdentifier, ... }
  SEDUN_ASSIGN_OR_RETURN(DerElement seq, DerParseSingle(tbs, der_tag::kSequence, "TBSCertificate"));
  ByteReader r(seq.contents);
  DerElement e;
  (void)DerReadTagged(r, der_tag::ContextConstructed(0), &e);
  if (!DerReadTagged(r, der_tag::kInteger, &e) || !DerReadTagged(r, der_tag::kSequence, &e)) {
    return Malformed("TBSCertificate: no signature algorithm");
  }
  return e.whole;
}

Result<ByteView> CrlTbsAlgorithm(ByteView tbs) {
  // TBSCertList ::= SEQUENCE { version INTEGER OPTIONAL, signature AlgorithmIdentifier, ... }
  SEDUN_ASSIGN_OR_RETURN(DerElement seq, DerParseSingle(tbs, der_tag::kSequence, "TBSCertList"));
  ByteReader r(seq.contents);
  DerElement e;
  (void)DerReadTagged(r, der_tag::kInteger, &e);
  if (!DerReadTagged(r, der_tag::kSequence, &e)) return Malformed("TBSCertList: no signature algorithm");
  return e.whole;
}

ByteView Sm3WithSm2AlgorithmId() { return ByteView(kSm3WithSm2Absent); }

bool IsSm3WithSm2AlgorithmId(ByteView algorithm) {
  return std::ranges::equal(algorithm, kSm3WithSm2Absent) || std::ranges::equal(algorithm, kSm3WithSm2Null);
}

}  // namespace sedun::pki
