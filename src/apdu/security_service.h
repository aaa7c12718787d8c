// The wire constants of the SE security service application shared by the card (src/se) and its
// client (src/client): the AID and the data-object tags of docs/apdu.md "Data objects". One
// definition, so that the two ends cannot drift apart.
// Thread-safety: constants.
#pragma once

#include <array>
#include <cstdint>

#include "apdu/tlv.h"

namespace sedun::apdu::sss {

// The application identifier: F0 53 45 44 55 4E 01 ("SEDUN" under a proprietary F0 RID, version 01).
inline constexpr std::array<uint8_t, 7> kAid = {0xF0, 0x53, 0x45, 0x44, 0x55, 0x4E, 0x01};

namespace tag {
inline constexpr Tag kContainerName = 0x81;
inline constexpr Tag kKeySlot = 0x82;
inline constexpr Tag kUserId = 0x83;
inline constexpr Tag kData = 0x84;
inline constexpr Tag kSignature = 0x85;
inline constexpr Tag kCertificate = 0x86;
inline constexpr Tag kPublicKey = 0x87;
inline constexpr Tag kCiphertext = 0x88;
inline constexpr Tag kSubject = 0x89;
inline constexpr Tag kSerialNumber = 0x8A;
inline constexpr Tag kTime = 0x8B;
inline constexpr Tag kEnvelope = 0x8C;
inline constexpr Tag kServerSignature = 0x8D;
inline constexpr Tag kPin = 0x91;
inline constexpr Tag kNewPin = 0x92;
inline constexpr Tag kRetryLimit = 0x93;
inline constexpr Tag kKeySet = 0x94;
inline constexpr Tag kLifecycle = 0x95;
inline constexpr Tag kCardSerial = 0x96;
inline constexpr Tag kTriesLeft = 0x97;
inline constexpr Tag kFreeSpace = 0x98;
inline constexpr Tag kAdminTriesLeft = 0x99;
inline constexpr Tag kContainerEntry = 0xA0;
// SELECT's FCI template (ISO 7816-4): 6F { 84 DF name, A5 proprietary }.
inline constexpr Tag kFci = 0x6F;
inline constexpr Tag kDfName = 0x84;
inline constexpr Tag kFciProprietary = 0xA5;
}  // namespace tag

}  // namespace sedun::apdu::sss
