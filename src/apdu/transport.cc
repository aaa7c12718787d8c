// The Transport interface's out-of-line destructor, which anchors its vtable in this library.
#include "apdu/transport.h"

namespace sedun::apdu {

Transport::~Transport() = default;

}  // namespace sedun::apdu
