// Status word -> Status mapping (see sw_status.h for the table).
#include "client/sw_status.h"

#include <string>

#include "apdu/status_words.h"

namespace sedun::client {

std::optional<unsigned> TriesLeftFromSw(uint16_t sw) {
  if ((sw & 0xFFF0) != apdu::kSwVerifyFailedTries) return std::nullopt;
  return static_cast<unsigned>(sw & 0x000F);
}

Status StatusFromSw(uint16_t sw, std::string_view command) {
  if (sw == apdu::kSwOk) return Status::Ok();
  std::string prefix = std::string(command) + ": " + apdu::SwToString(sw);
  if (auto tries = TriesLeftFromSw(sw)) {
    return PermissionDenied(std::string(command) + ": wrong PIN, " + std::to_string(*tries) +
                            (*tries == 1 ? " try" : " tries") + " left");
  }
  switch (sw) {
    case apdu::kSwVerifyFailed:
      return VerifyFailed(prefix + " (signature invalid)");
    case apdu::kSwSmDataIncorrect:
      return VerifyFailed(prefix + " (server signature invalid)");
    case apdu::kSwAuthMethodBlocked:
      return PermissionDenied(prefix + " (PIN blocked)");
    case apdu::kSwSecurityNotSatisfied:
      return PermissionDenied(prefix + " (secure channel, PIN or certificate trust missing)");
    case apdu::kSwReferencedDataNotFound:
    case apdu::kSwFileNotFound:
    case apdu::kSwRecordNotFound:
      return NotFound(prefix);
    case apdu::kSwFileExists:
      return AlreadyExists(prefix);
    case apdu::kSwNotEnoughMemory:
      return ResourceExhausted(prefix + " (card storage full)");
    case apdu::kSwMemoryFailure:
      return IoError(prefix + " (card storage failure; the command had no effect)");
    case apdu::kSwConditionsNotSatisfied:
      return FailedPrecondition(prefix + " (wrong card lifecycle state)");
    case apdu::kSwLastCommandExpected:
      return FailedPrecondition(prefix);
    case apdu::kSwIncorrectData:
    case apdu::kSwWrongLength:
    case apdu::kSwIncorrectP1P2:
    case apdu::kSwWrongP1P2:
      return InvalidArgument(prefix);
    case apdu::kSwInsNotSupported:
    case apdu::kSwClaNotSupported:
    case apdu::kSwChannelNotSupported:
    case apdu::kSwFunctionNotSupported:
      return Unsupported(prefix);
    default:
      return Internal(prefix);
  }
}

}  // namespace sedun::client
