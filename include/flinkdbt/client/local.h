// The StatementClient backend of the `local` target: the embedded Flink SQL engine in process.
// Statements execute synchronously at Submit over the bounded data the engine holds: DDL and bounded
// queries end COMPLETED; a streaming INSERT (a continuous job on Confluent Cloud) has run over all
// current data and stays RUNNING until deleted or stopped, so redeploy rules see what they would see
// in the cloud; bad SQL ends FAILED with the engine's message and position. With a folder, the
// engine's catalog and data and the statement registry persist there, so commands run as separate
// processes (a `run`, then a `test`) see the same target. Thread-safe: statements are serialized on
// the engine.
#ifndef FLINKDBT_CLIENT_LOCAL_H_
#define FLINKDBT_CLIENT_LOCAL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "flinkdbt/client/statement_client.h"

namespace flinkdbt::client {

struct LocalClientOptions {
  std::string folder;  // "" keeps everything in memory
  std::string catalog = "default_catalog";
  std::string database = "default_database";
  std::string organization_id = "local";
  int page_size = 1000;  // rows per results page
  // With a folder: changes are written (atomically, fsync'ed) at most this often and when the client
  // closes; 0 writes after every statement. A crash loses at most this interval's changes.
  int flush_interval_ms = 1000;
};

absl::StatusOr<std::unique_ptr<StatementClient>> OpenLocalStatementClient(const LocalClientOptions& options);

// What one statement does on an engine, in the statement API's terms: the result schema typed as the
// wire types it, the changelog rows, and whether the statement is a continuous job (a streaming
// INSERT ... SELECT) or has finished. Shared by the local backend and the emulator's engine executor.
struct EngineOutcome {
  StatementTraits traits;
  std::vector<ResultRow> rows;
  bool continuous = false;
  std::string message;  // DDL: what happened
};
// Runs `sql` on `engine` (which must be a flinkdbt::engine::Engine*; declared opaquely so this header
// needs no engine header) with `catalog`/`database` current. Errors carry the engine's position.
absl::StatusOr<EngineOutcome> ExecuteOnEngine(void* engine, std::string_view sql, const std::string& catalog,
                                              const std::string& database, ExecutionMode mode);

}  // namespace flinkdbt::client

#endif  // FLINKDBT_CLIENT_LOCAL_H_
