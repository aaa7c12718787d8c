// The card's Answer To Reset (ISO/IEC 7816-3 8.2; historical bytes ISO/IEC 7816-4 8.1.1).
//
//   3B          TS  direct convention
//   8B          T0  TD1 follows; 11 historical bytes
//   81          TD1 TD2 follows; protocol T=1
//   31          TD2 TA3 and TB3 follow; protocol T=1
//   FE          TA3 IFSC 254
//   45          TB3 BWI 4, CWI 5
//   80          category indicator: COMPACT-TLV objects follow, no status indicator
//   73 80 01 C0 card capabilities (tag 7, 3 bytes): DF selection by full name; data coding 01;
//               third software function table C0 = command chaining and extended Lc/Le
//               (ISO/IEC 7816-4 8.1.1.2.7), which docs/apdu.md "Transport" promises
//   55 73 65 64 75 6E   card issuer's data (tag 5): "sedun"
//   TCK         exclusive-or of T0 .. the last historical byte (T=1 makes it mandatory)
// Thread-safety: pure function.
#pragma once

#include "base/bytes.h"

namespace sedun::se {

Bytes CardAtr();

}  // namespace sedun::se
