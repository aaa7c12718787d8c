// Status word names.
#include "apdu/status_words.h"

#include "base/bytes.h"

namespace sedun::apdu {
namespace {

struct SwEntry {
  uint16_t sw;
  std::string_view name;
};

constexpr SwEntry kNames[] = {
    {kSwOk, "success"},
    {kSwEndOfFile, "end of file or record reached before reading Le bytes"},
    {kSwVerifyFailed, "verification failed"},
    {kSwMemoryFailure, "memory failure"},
    {kSwWrongLength, "wrong length"},
    {kSwChannelNotSupported, "logical channel not supported"},
    {kSwSmNotSupported, "secure messaging not supported"},
    {kSwLastCommandExpected, "last command of the chain expected"},
    {kSwChainingNotSupported, "command chaining not supported"},
    {kSwSecurityNotSatisfied, "security status not satisfied"},
    {kSwAuthMethodBlocked, "authentication method blocked"},
    {kSwReferenceDataNotUsable, "reference data not usable"},
    {kSwConditionsNotSatisfied, "conditions of use not satisfied"},
    {kSwCommandNotAllowed, "command not allowed (no current EF)"},
    {kSwSmDataMissing, "expected secure messaging data objects missing"},
    {kSwSmDataIncorrect, "incorrect secure messaging data objects"},
    {kSwIncorrectData, "incorrect parameters in the command data field"},
    {kSwFunctionNotSupported, "function not supported"},
    {kSwFileNotFound, "file or application not found"},
    {kSwRecordNotFound, "record not found"},
    {kSwNotEnoughMemory, "not enough memory space in the file"},
    {kSwIncorrectP1P2, "incorrect parameters P1-P2"},
    {kSwReferencedDataNotFound, "referenced data or reference data not found"},
    {kSwFileExists, "file already exists"},
    {kSwWrongP1P2, "wrong parameters P1-P2"},
    {kSwInsNotSupported, "instruction code not supported or invalid"},
    {kSwClaNotSupported, "class not supported"},
    {kSwUnknown, "no precise diagnosis"},
};

}  // namespace

std::string_view SwName(uint16_t sw) {
  for (const SwEntry& e : kNames) {
    if (e.sw == sw) return e.name;
  }
  if (Sw1(sw) == 0x61) return "bytes available, count in SW2";
  if ((sw & 0xFFF0) == kSwVerifyFailedTries) return "verification failed, tries left in SW2";
  if (Sw1(sw) == 0x6C) return "wrong Le, exact length in SW2";
  return "unknown status";
}

std::string SwToString(uint16_t sw) {
  const uint8_t bytes[2] = {Sw1(sw), Sw2(sw)};
  std::string out = HexEncode(ByteView(bytes, 2));
  for (char& c : out) {
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  }
  out += ' ';
  if (Sw1(sw) == 0x61) {
    unsigned n = Sw2(sw) == 0 ? 256 : Sw2(sw);
    return out + (n == 256 ? "256 or more" : std::to_string(n)) + " bytes available";
  }
  if ((sw & 0xFFF0) == kSwVerifyFailedTries) {
    unsigned n = sw & 0x0Fu;
    return out + "verification failed, " + std::to_string(n) + (n == 1 ? " try" : " tries") +
           " left";
  }
  if (Sw1(sw) == 0x6C) {
    unsigned n = Sw2(sw) == 0 ? 256 : Sw2(sw);
    return out + "wrong Le, exact length " + std::to_string(n);
  }
  return out + std::string(SwName(sw));
}

}  // namespace sedun::apdu
