// The statement client of the invocation's target: the embedded engine for `local`, Confluent
// Cloud's REST API (or the emulator at `endpoint`) for `confluent`.
#ifndef FLINKDBT_SRC_RUN_TARGET_CLIENT_H_
#define FLINKDBT_SRC_RUN_TARGET_CLIENT_H_

#include <memory>

#include "absl/status/statusor.h"
#include "flinkdbt/client/confluent.h"
#include "flinkdbt/client/statement_client.h"
#include "flinkdbt/project/project.h"

namespace flinkdbt::run {

// The connection options of a `confluent` target.
client::ConfluentConnectionOptions ConfluentOptions(const project::Target& target);

// Opens the target's client. A `local` target keeps its engine's data in `target.path`, or
// <target-path>/local when it names none (relative paths against the project root).
absl::StatusOr<std::unique_ptr<client::StatementClient>> OpenTargetClient(const project::LoadedProject& project);

}  // namespace flinkdbt::run

#endif  // FLINKDBT_SRC_RUN_TARGET_CLIENT_H_
