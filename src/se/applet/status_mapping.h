// The one place where the application maps its results to ISO/IEC 7816-4 status words
// (docs/apdu.md "Status words"), and the frame every command handler runs in.
//
// Commands are written as `Result<Bytes> Body(CommandContext&, ByteView data)`: they return the
// response data or a Status whose code says what went wrong. The mapping is fixed per code, with
// one per-command choice: what a failed verification means (kVerifyFailed is 6300 "signature
// invalid" for VERIFY SIGNATURE, 6988 for the server signature of SIGN WITH SERVER CHECK, 6A80
// "bad data" for a ciphertext or envelope that does not decrypt).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "apdu/apdu.h"
#include "base/bytes.h"
#include "base/status.h"
#include "se/command.h"

namespace sedun::se::applet {

struct SwChoices {
  uint16_t verify_failed = apdu::kSwVerifyFailed;
};

// Status code -> status word:
//   kOk 9000; kMalformed, kInvalidArgument, kUnsupported 6A80; kVerifyFailed per SwChoices;
//   kNotFound 6A88; kAlreadyExists 6A89; kPermissionDenied 6982; kFailedPrecondition 6985;
//   kResourceExhausted 6A84; kIo 6581; kAborted, kUnavailable, kCrypto, kInternal 6F00.
uint16_t StatusToSw(const Status& status, const SwChoices& choices = {});

using CommandBody = Result<Bytes> (*)(CommandContext& ctx, ByteView data);

// Checks P1-P2 = 00 00 (6A86 otherwise), runs `body` on the command data and builds the response:
// the data with 9000, or the mapped status word with no data (ISO/IEC 7816-4: error responses
// carry no data field).
apdu::ResponseApdu RunCommand(CommandContext& ctx, const apdu::CommandApdu& command, CommandBody body,
                              const SwChoices& choices = {});

}  // namespace sedun::se::applet
