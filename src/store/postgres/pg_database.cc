// PostgreSQL engine (placeholder until the libpq engine lands).
#include "store/engine_internal.h"

namespace sedun::store::internal {

Result<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string&,
                                                       const DatabaseOptions&) {
  return Unsupported("postgres: engine not built yet");
}

}  // namespace sedun::store::internal
