// Base64 (RFC 4648 section 4, standard alphabet with '=' padding), canonical form only.
//
// The decoder refuses anything a strict peer would not have produced: characters outside the
// alphabet, a length that is not a multiple of 4, data after padding and non-zero unused bits in
// the last quantum, so one byte string has exactly one accepted text (no malleable encodings in
// JSON API fields or PEM). Whitespace is skipped only when the caller asks (PEM bodies).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/secret.h"
#include "base/status.h"

namespace sedun {

std::string Base64Encode(ByteView data);

enum class Base64Whitespace { kRefuse, kSkip };

// Decodes into SecretBytes so that decoded key material is wiped; `what` names the field in
// errors ("PEM", "signature").
Status Base64DecodeInto(std::string_view text, Base64Whitespace whitespace, std::string_view what,
                        SecretBytes* out);
// Decodes a JSON-style field: no whitespace accepted.
Result<Bytes> Base64Decode(std::string_view text, std::string_view what = "base64");

}  // namespace sedun
