// The data objects of the security service application's commands (docs/apdu.md "Data objects"):
// tag numbers and the size limits the card enforces on them.
// Thread-safety: constants.
#pragma once

#include <cstddef>
#include <cstdint>

#include "apdu/security_service.h"
#include "apdu/tlv.h"

namespace sedun::se::applet {

namespace tag = apdu::sss::tag;

// Container names: 1-32 bytes of UTF-8 (docs/apdu.md, tag 81).
inline constexpr size_t kMaxContainerNameSize = 32;
// Signer IDs: 1-255 bytes (tag 83); GM/T 0009 allows up to 8191, the card keeps APDU-sized IDs.
inline constexpr size_t kMaxUserIdSize = 255;
// Containers per card. Bounds LIST CONTAINERS (every entry must fit one response of at most
// 65536 bytes) and matches the handful of containers a user keeps (one per bank application).
inline constexpr size_t kMaxContainers = 16;
// Longest chain IMPORT CERTIFICATE, VERIFY SIGNATURE and ENCRYPT follow below the trust anchor.
inline constexpr size_t kMaxChainDepth = 6;

}  // namespace sedun::se::applet
