// A minimal, strict DER (ITU-T X.690 §10) reader and writer for the GM/T 0009-2012 structures:
// SM2Signature (§7.3), SM2Cipher (§7.2) and the BIT STRING / OCTET STRING fields of
// SM2EnvelopedKey (§7.4).
//
// Why not OpenSSL's ASN.1: OpenSSL declares SM2Cipher (SM2_Ciphertext) only inside its SM2
// provider and does not export the type or its d2i/i2d functions, and its permissive BER decoder
// would need extra checks to reject non-DER input anyway. These structures are four primitive
// types inside one SEQUENCE, so a small strict codec on ByteReader/ByteWriter is simpler to
// audit than wiring OpenSSL's templates.
//
// Strictness (X.690 §10.1, §8.3.2): only definite lengths in the shortest form (long form only
// for lengths >= 128, no leading zero length octets, at most 4 length octets); INTEGERs must be
// minimally encoded and are accepted only when non-negative (every GM/T 0009 INTEGER is a
// coordinate or scalar); BIT STRINGs must have 0 unused bits (GM/T 0009 only carries whole
// octets). Single-byte tags only: the types here never use high tag numbers.
// Thread-safety: stateless free functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/byte_reader.h"
#include "base/byte_writer.h"
#include "base/bytes.h"
#include "base/status.h"

namespace sedun::crypto::der {

inline constexpr uint8_t kTagInteger = 0x02;
inline constexpr uint8_t kTagBitString = 0x03;
inline constexpr uint8_t kTagOctetString = 0x04;
inline constexpr uint8_t kTagSequence = 0x30;  // constructed, universal 16

// ReadElement reads one TLV with tag `tag` from `in` and sets `*out_contents` to its value
// octets. Fails with kMalformed (cursor position then unspecified) on another tag, an indefinite
// or non-minimal length, or a length running past the input.
Status ReadElement(ByteReader* in, uint8_t tag, ByteView* out_contents);

// ReadSequence reads a SEQUENCE and hands back a reader over its contents; the caller reads the
// fields and must finish with ExpectEnd on that reader.
Status ReadSequence(ByteReader* in, ByteReader* out_contents);

// ReadUnsignedInteger reads a non-negative INTEGER and sets `*out_magnitude` to its big-endian
// magnitude with the sign octet removed (empty for zero). Fails when the encoding is not minimal,
// the value is negative, or the magnitude exceeds `max_magnitude_bytes` (a 256-bit value is at
// most 32 magnitude bytes, i.e. 33 encoded bytes with its 00 sign octet).
Status ReadUnsignedInteger(ByteReader* in, size_t max_magnitude_bytes, ByteView* out_magnitude);

// ReadUnsignedFixed reads a non-negative INTEGER into `out`, left-padded with zeros (GM/T 0009 §6
// fixed-length integer to octet string conversion). Fails when the value needs more bytes.
Status ReadUnsignedFixed(ByteReader* in, std::span<uint8_t> out);

Status ReadOctetString(ByteReader* in, ByteView* out_contents);

// ReadBitString accepts only 0 unused bits and returns the octets after the unused-bits octet.
Status ReadBitString(ByteReader* in, ByteView* out_contents);

// WriteElement writes tag, minimal definite length and `contents`.
void WriteElement(ByteWriter* out, uint8_t tag, ByteView contents);

// WriteUnsignedInteger writes the big-endian unsigned `magnitude` as a minimal INTEGER: leading
// zero bytes are dropped and a 00 octet is prepended when the top bit is set (X.690 §8.3.2).
// An empty or all-zero magnitude encodes the value 0 as 02 01 00.
void WriteUnsignedInteger(ByteWriter* out, ByteView magnitude);

void WriteOctetString(ByteWriter* out, ByteView contents);

// WriteBitString writes whole octets (unused-bits octet 0).
void WriteBitString(ByteWriter* out, ByteView contents);

}  // namespace sedun::crypto::der
