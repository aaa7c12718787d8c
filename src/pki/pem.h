// PEM (RFC 7468) encoding and decoding.
//
// The decoder follows RFC 7468's lax rules where deployed files need them (explanatory text
// before, between and after blocks; CRLF; any line length) and is strict elsewhere: the END
// label must match BEGIN, base64 must be canonical with '=' padding, and RFC 1421 headers
// (legacy "Proc-Type: 4,ENCRYPTED" keys) are refused. Decoded bytes are held in SecretBytes so
// that private keys never sit in unwiped buffers; callers holding public data just view them.
// Thread-safety: free functions on values.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"

namespace sedun::pki {

struct PemBlock {
  std::string label;
  SecretBytes der;
};

// True when `input` looks like text holding a PEM block rather than DER (DER for every object
// pki/ reads starts with a SEQUENCE tag 0x30; PEM with "-----BEGIN").
bool LooksLikePem(ByteView input);

// Every block in `text`, at most `max_blocks` (ResourceExhausted beyond). Malformed if a block is
// broken or there is none.
Result<std::vector<PemBlock>> PemDecodeAll(std::string_view text, size_t max_blocks);
// The first block whose label is one of `labels`; blocks with other labels are skipped (a file
// may hold a key and its certificate). Malformed naming `what` when no block matches.
Result<PemBlock> PemDecodeFirst(std::string_view text, std::initializer_list<std::string_view> labels,
                                std::string_view what);

// "-----BEGIN label-----", base64 in 64-column lines, "-----END label-----", each line ending \n.
std::string PemEncode(std::string_view label, ByteView der);
// Same, into a wiping buffer, for private keys.
SecretBytes PemEncodeSecret(std::string_view label, ByteView der);

}  // namespace sedun::pki
