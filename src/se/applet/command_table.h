// The application commands of the SE security service application (JR/T 0093.6 5.4), as the card
// OS dispatches them: CLA and INS as sent plain, the security condition the OS checks before the
// handler runs, and the handler (docs/apdu.md "Commands"). The OS's own commands (SELECT, GET
// DATA, the secure channel, personalisation, PIN management) are not in this table.
// Thread-safety: an immutable static table.
#pragma once

#include <span>

#include "se/command.h"

namespace sedun::se::applet {

std::span<const CommandSpec> ApplicationCommands();

}  // namespace sedun::se::applet
