// ISO/IEC 7816-4 status words (SW1-SW2), as the card sends them and the host reads them.
//
// Names follow the wording of the standard's status byte tables. Families whose SW2 carries a
// value (61xx bytes available, 63Cx tries left, 6Cxx exact Le) have builders.
// Thread-safety: constants and pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sedun::apdu {

inline constexpr uint16_t kSwOk = 0x9000;
inline constexpr uint16_t kSwBytesAvailable = 0x6100;     // 61xx: xx more bytes via GET RESPONSE
inline constexpr uint16_t kSwEndOfFile = 0x6282;          // end of file or record before Le bytes
inline constexpr uint16_t kSwVerifyFailed = 0x6300;       // verification failed, no counter given
inline constexpr uint16_t kSwVerifyFailedTries = 0x63C0;  // 63Cx: x tries left
inline constexpr uint16_t kSwMemoryFailure = 0x6581;
inline constexpr uint16_t kSwWrongLength = 0x6700;
inline constexpr uint16_t kSwChannelNotSupported = 0x6881;
inline constexpr uint16_t kSwSmNotSupported = 0x6882;
inline constexpr uint16_t kSwLastCommandExpected = 0x6883;  // a chain was broken off
inline constexpr uint16_t kSwChainingNotSupported = 0x6884;
inline constexpr uint16_t kSwSecurityNotSatisfied = 0x6982;
inline constexpr uint16_t kSwAuthMethodBlocked = 0x6983;
inline constexpr uint16_t kSwReferenceDataNotUsable = 0x6984;
inline constexpr uint16_t kSwConditionsNotSatisfied = 0x6985;
inline constexpr uint16_t kSwCommandNotAllowed = 0x6986;  // no current EF
inline constexpr uint16_t kSwSmDataMissing = 0x6987;
inline constexpr uint16_t kSwSmDataIncorrect = 0x6988;
inline constexpr uint16_t kSwIncorrectData = 0x6A80;
inline constexpr uint16_t kSwFunctionNotSupported = 0x6A81;
inline constexpr uint16_t kSwFileNotFound = 0x6A82;
inline constexpr uint16_t kSwRecordNotFound = 0x6A83;
inline constexpr uint16_t kSwNotEnoughMemory = 0x6A84;
inline constexpr uint16_t kSwIncorrectP1P2 = 0x6A86;
inline constexpr uint16_t kSwReferencedDataNotFound = 0x6A88;
inline constexpr uint16_t kSwFileExists = 0x6A89;
inline constexpr uint16_t kSwWrongP1P2 = 0x6B00;
inline constexpr uint16_t kSwWrongLe = 0x6C00;  // 6Cxx: resend with Le = xx
inline constexpr uint16_t kSwInsNotSupported = 0x6D00;
inline constexpr uint16_t kSwClaNotSupported = 0x6E00;
inline constexpr uint16_t kSwUnknown = 0x6F00;  // no precise diagnosis

constexpr uint8_t Sw1(uint16_t sw) { return static_cast<uint8_t>(sw >> 8); }
constexpr uint8_t Sw2(uint16_t sw) { return static_cast<uint8_t>(sw); }

// 61xx for `available` bytes; 256 or more is sent as 6100 (ISO 7816-4: SW2 00 means 256 or more).
constexpr uint16_t SwBytesAvailable(size_t available) {
  return static_cast<uint16_t>(kSwBytesAvailable | (available >= 256 ? 0 : available));
}
// 63Cx with the retry counter, clamped to the 4 bits x can hold.
constexpr uint16_t SwTriesLeft(unsigned tries) {
  return static_cast<uint16_t>(kSwVerifyFailedTries | (tries > 15 ? 15 : tries));
}
// 6Cxx with the exact length; 256 is sent as 6C00.
constexpr uint16_t SwWrongLe(size_t exact) {
  return static_cast<uint16_t>(kSwWrongLe | (exact >= 256 ? 0 : exact));
}

// ISO 7816-4 status byte classes: SW1 61..6F or 90..9F; 60 is a T=0 procedure byte, not a status.
constexpr bool IsValidSw(uint16_t sw) {
  uint8_t sw1 = Sw1(sw);
  return (sw1 >= 0x61 && sw1 <= 0x6F) || (sw1 >= 0x90 && sw1 <= 0x9F);
}
// Normal processing: 9000 and 61xx.
constexpr bool IsSwSuccess(uint16_t sw) { return sw == kSwOk || Sw1(sw) == 0x61; }
// Warnings (62xx, 63xx): the command completed and may return data.
constexpr bool IsSwWarning(uint16_t sw) { return Sw1(sw) == 0x62 || Sw1(sw) == 0x63; }
// Execution and checking errors (64xx..6Fxx): ISO 7816-4 says such a response has no data field.
constexpr bool IsSwError(uint16_t sw) { return Sw1(sw) >= 0x64 && Sw1(sw) <= 0x6F; }

// The standard's meaning of `sw` ("file or application not found"); families are named without
// their value ("verification failed, tries left in SW2"), unknown values give "unknown status".
std::string_view SwName(uint16_t sw);
// "6A82 file or application not found", "63C2 verification failed, 2 tries left" for logs.
std::string SwToString(uint16_t sw);

}  // namespace sedun::apdu
