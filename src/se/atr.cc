// ATR bytes and their check byte.
#include "se/atr.h"

namespace sedun::se {

Bytes CardAtr() {
  Bytes atr = {0x3B, 0x8B, 0x81, 0x31, 0xFE, 0x45, 0x80, 0x73, 0x80, 0x01, 0xC0, 0x55, 0x73, 0x65, 0x64, 0x75, 0x6E};
  uint8_t tck = 0;
  for (size_t i = 1; i < atr.size(); ++i) tck ^= atr[i];
  atr.push_back(tck);
  return atr;
}

}  // namespace sedun::se
