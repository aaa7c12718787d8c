// Constant-time comparison of secret-dependent bytes (MACs, tags, PIN hashes, key checks).
//
// Every comparison whose outcome an attacker may time (a MAC or tag check, a PIN verifier)
// goes through here instead of memcmp or operator==, which stop at the first differing byte.
// Thread-safety: a pure function.
#pragma once

#include "base/bytes.h"

namespace sedun::crypto {

// ConstantTimeEqual returns whether `a` and `b` hold the same bytes. The time taken depends only
// on the lengths, never on the contents: inputs of different lengths are unequal without their
// contents being read (lengths are public in every protocol sedun speaks).
bool ConstantTimeEqual(ByteView a, ByteView b);

}  // namespace sedun::crypto
