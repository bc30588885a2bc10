// run_results.json (dbt's run-results v6 shape): one entry per executed node with its status,
// timing, message, failures and compiled code, the run's elapsed time and its arguments. Written
// atomically (a temporary file renamed into place) after every run, failed and interrupted ones too,
// with every secret scrubbed.
#ifndef FLINKDBT_SRC_RUN_RUN_RESULTS_H_
#define FLINKDBT_SRC_RUN_RUN_RESULTS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "flinkdbt/base/secrets.h"

namespace flinkdbt::run {

struct NodeResult {
  std::string unique_id;
  // run: success | error | skipped | no-op; test: pass | fail | warn | error | skipped.
  std::string status;
  std::string message;
  std::optional<int64_t> failures;
  double execution_time = 0;
  std::string thread_id = "Thread-1";
  std::string compile_started_at, compile_completed_at;  // ISO-8601 UTC; "" when the phase did not run
  std::string execute_started_at, execute_completed_at;
  std::string adapter_message;  // adapter_response._message, e.g. "CREATE streaming_table"
  std::optional<int64_t> rows_affected;
  std::string query_id;  // the statement name
  bool compiled = false;
  std::string compiled_code;
  std::string relation_name;
};

struct RunResultsDocument {
  std::string invocation_id;
  std::string generated_at;  // ISO-8601 UTC
  std::string dbt_version;
  double elapsed_time = 0;
  // args: lower-cased flag names to their values (as JSON text), including "which" and
  // "invocation_command".
  std::map<std::string, std::string> args_json;
  std::vector<NodeResult> results;
};

// The JSON text of the document, secrets replaced by "*****".
std::string RunResultsJson(const RunResultsDocument& doc, const SecretScrubber* scrubber);

// Writes RunResultsJson to `path` atomically, creating the folder.
absl::Status WriteRunResults(const std::string& path, const RunResultsDocument& doc, const SecretScrubber* scrubber);

// The current time as dbt writes it: "2024-01-15T10:00:00.123456Z".
std::string UtcNowIso();

}  // namespace flinkdbt::run

#endif  // FLINKDBT_SRC_RUN_RUN_RESULTS_H_
