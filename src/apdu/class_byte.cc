// Class byte construction.
#include "apdu/class_byte.h"

#include <string>

namespace sedun::apdu {

Result<uint8_t> InterindustryCla(uint8_t channel) {
  if (channel > kMaxLogicalChannel) {
    return InvalidArgument("logical channel " + std::to_string(channel) + " is above 19");
  }
  if (channel < 4) return channel;
  return static_cast<uint8_t>(0x40 | (channel - 4));
}

}  // namespace sedun::apdu
