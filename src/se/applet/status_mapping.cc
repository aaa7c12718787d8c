// Status -> status word, in one place (docs/apdu.md "Status words").
#include "se/applet/status_mapping.h"

#include "se/applet/request_fields.h"

namespace sedun::se::applet {

uint16_t StatusToSw(const Status& status, const SwChoices& choices) {
  switch (status.code()) {
    case Code::kOk:
      return apdu::kSwOk;
    case Code::kInvalidArgument:
    case Code::kMalformed:
    case Code::kUnsupported:
      return apdu::kSwIncorrectData;
    case Code::kVerifyFailed:
      return choices.verify_failed;
    case Code::kNotFound:
      return apdu::kSwReferencedDataNotFound;
    case Code::kAlreadyExists:
      return apdu::kSwFileExists;
    case Code::kPermissionDenied:
      return apdu::kSwSecurityNotSatisfied;
    case Code::kFailedPrecondition:
      return apdu::kSwConditionsNotSatisfied;
    case Code::kResourceExhausted:
      return apdu::kSwNotEnoughMemory;
    case Code::kIo:
      return apdu::kSwMemoryFailure;
    case Code::kAborted:
    case Code::kUnavailable:
    case Code::kCrypto:
    case Code::kInternal:
      return apdu::kSwUnknown;
  }
  return apdu::kSwUnknown;
}

apdu::ResponseApdu RunCommand(CommandContext& ctx, const apdu::CommandApdu& command, CommandBody body,
                              const SwChoices& choices) {
  if (!CheckP1P2Zero(command).ok()) return apdu::ResponseApdu{{}, apdu::kSwIncorrectP1P2};
  Result<Bytes> result = body(ctx, command.data);
  if (!result.ok()) return apdu::ResponseApdu{{}, StatusToSw(result.status(), choices)};
  // A response is at most 65536 bytes (ISO/IEC 7816-4 extended Ne); the commands are sized so
  // that this cannot happen, and answering 6F00 beats sending a truncated object.
  if (result->size() > apdu::kMaxResponseData) return apdu::ResponseApdu{{}, apdu::kSwUnknown};
  return apdu::ResponseApdu{std::move(result).value(), apdu::kSwOk};
}

}  // namespace sedun::se::applet
