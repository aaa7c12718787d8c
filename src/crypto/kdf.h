// The SM2 key derivation function (GB/T 32918.4-2016 §5.4.3 = GM/T 0003.4-2012 §5.4.3), used by
// SM2 encryption (t = KDF(x2 || y2, klen)) and SM2 key exchange (K = KDF(x || y || ZA || ZB, klen)).
//
// KDF(Z, klen): Ha_i = SM3(Z || ct_i) with a 32-bit big-endian counter ct starting at 1, output
// the leftmost klen bits of Ha_1 || Ha_2 || ...; this is byte-for-byte ANSI X9.63 KDF with SM3
// and empty SharedInfo, which is how it runs here (OpenSSL EVP_KDF "X963KDF").
// Thread-safety: a pure function.
#pragma once

#include <cstddef>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"

namespace sedun::crypto {

// §5.4.3 bounds klen by (2^32 - 1) SM3 blocks; sedun derives keys and SM2 keystreams of at most
// message size, so a far lower ceiling stops a hostile length from exhausting memory.
inline constexpr size_t kSm2KdfMaxBytes = size_t{64} << 20;

// klen_bytes = 0 yields an empty result (an SM2 encryption of an empty message); longer than
// kSm2KdfMaxBytes is kInvalidArgument. The caller checks for an all-zero output where the
// standard requires it (SM2 encryption step A5).
Result<SecretBytes> Sm2Kdf(ByteView z, size_t klen_bytes);

}  // namespace sedun::crypto
