// Internal: bounded, deterministic sources for connector-backed tables (`faker`, `datagen`) and
// the built-in `examples`.`marketplace` tables.
#ifndef FLINKDBT_ENGINE_CONNECTORS_H_
#define FLINKDBT_ENGINE_CONNECTORS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "engine/plan.h"
#include "flinkdbt/engine/catalog.h"

namespace flinkdbt::engine {

// Generates the rows of `table` (physical columns) as +I changes with their `$rowtime`.
absl::Status GenerateConnectorRows(const CatalogObject& table, const SessionInfo* session,
                                   std::vector<Change>* out, std::vector<int64_t>* rowtimes);

// Checks a connector table's options when it is created (unknown connector, unsupported faker
// expression, bad datagen kind) so errors surface at CREATE TABLE.
absl::Status ValidateConnectorOptions(const CatalogObject& table);

// The read-only `examples` catalog's tables (schemas from the sql layer's shared definition).
std::vector<std::shared_ptr<CatalogObject>> ExampleTables();

}  // namespace flinkdbt::engine

#endif  // FLINKDBT_ENGINE_CONNECTORS_H_
