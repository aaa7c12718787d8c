// The one place where the card's status words become sedun Status codes (docs/apdu.md "Status
// words"). Every typed call of SeClient and the channel set-up of ApduSession go through it, so a
// status word means the same thing to every caller.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/status.h"

namespace sedun::client {

// OK for 9000. Otherwise a Status whose message is "<command>: <SW> <meaning>":
//   63Cx kPermissionDenied "wrong PIN, x tries left"      6983 kPermissionDenied "PIN blocked"
//   6982 kPermissionDenied (no channel, PIN not verified, untrusted certificate)
//   6300 kVerifyFailed "signature invalid"                6988 kVerifyFailed "server signature invalid"
//   6A88 kNotFound       6A82 kNotFound (application)     6A89 kAlreadyExists
//   6A84 kResourceExhausted "card storage full"           6581 kIo (storage failure, no effect)
//   6985 kFailedPrecondition (lifecycle)                  6883 kFailedPrecondition (chain broken)
//   6A80 6700 6A86 6B00 kInvalidArgument                  6D00 6E00 6881 6A81 kUnsupported
//   6F00 and anything else kInternal.
Status StatusFromSw(uint16_t sw, std::string_view command);

// x of a 63Cx status word, else nullopt.
std::optional<unsigned> TriesLeftFromSw(uint16_t sw);

}  // namespace sedun::client
