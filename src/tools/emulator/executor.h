// StatementExecutor: what runs the SQL behind flinkdbt-emulator. The emulator owns the HTTP API,
// the statement lifecycle and paging; an executor only turns SQL into a schema plus changelog rows,
// or into a failure with a message.
//
// The real backing is the embedded Flink SQL engine (src/engine, a separate issue, not built yet);
// it plugs in by implementing this interface. Until then the emulator ships ScriptedExecutor, a
// test double: results scripted per SQL text, failures for SQL it was told is bad. It does not
// parse or run SQL and must not be mistaken for an engine.
//
// Implementations must be thread-safe: the emulator calls Execute from many server threads.
#ifndef FLINKDBT_TOOLS_EMULATOR_EXECUTOR_H_
#define FLINKDBT_TOOLS_EMULATOR_EXECUTOR_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "flinkdbt/client/types.h"

namespace flinkdbt::emulator {

struct ExecutionResult {
  std::string sql_kind = "SELECT";  // traits.sql_kind, e.g. SELECT, CREATE_TABLE, INSERT_INTO
  bool is_bounded = true;
  bool is_append_only = true;
  std::vector<int> upsert_columns;
  std::vector<client::Column> schema;  // empty for DDL
  std::vector<client::ResultRow> rows;
};

class StatementExecutor {
 public:
  virtual ~StatementExecutor() = default;
  // The result of `sql`, or an error whose message becomes status.detail of a FAILED statement.
  virtual absl::StatusOr<ExecutionResult> Execute(std::string_view sql,
                                                  const std::map<std::string, std::string>& properties) = 0;
};

// The test double. SQL is matched after collapsing whitespace, lower-casing and dropping a trailing
// ';'. `SELECT 1` (with or without `AS id`) is scripted by default so a connection check works.
class ScriptedExecutor final : public StatementExecutor {
 public:
  enum class Unscripted {
    kFail,          // unknown SQL fails ("the scripted executor has no result for ...")
    kSucceedAsDdl,  // unknown SQL completes with no results (rehearsing DDL-only deployments)
  };

  ScriptedExecutor();
  void Script(std::string_view sql, ExecutionResult result);
  void ScriptFailure(std::string_view sql, std::string message);
  void set_unscripted(Unscripted u);

  // Loads scripts from a JSON file: [{"sql": "...", "error": "..."} |
  //  {"sql": "...", "sql_kind": "SELECT", "bounded": true, "append_only": true, "upsert_columns": [0],
  //   "columns": [{"name": "id", "type": {"type": "INTEGER", "nullable": false}}],
  //   "rows": [["1"], {"op": 2, "row": ["2"]}]}]
  absl::Status LoadFile(const std::string& path);
  absl::Status LoadJson(std::string_view json);

  absl::StatusOr<ExecutionResult> Execute(std::string_view sql,
                                          const std::map<std::string, std::string>& properties) override;

  static std::string Normalize(std::string_view sql);

 private:
  std::mutex mu_;
  absl::flat_hash_map<std::string, absl::StatusOr<ExecutionResult>> scripts_;
  Unscripted unscripted_ = Unscripted::kFail;
};

// The emulator's real backing: the embedded Flink SQL engine, so queries return real rows and bad
// SQL really fails. `sql.current-catalog`/`sql.current-database` of each statement pick the catalog
// and database; statements run one at a time. SQL listed with Fail() fails on purpose (a fault).
class EngineExecutor final : public StatementExecutor {
 public:
  EngineExecutor();
  ~EngineExecutor() override;
  void Fail(std::string_view sql, std::string message);
  absl::StatusOr<ExecutionResult> Execute(std::string_view sql,
                                          const std::map<std::string, std::string>& properties) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flinkdbt::emulator

#endif  // FLINKDBT_TOOLS_EMULATOR_EXECUTOR_H_
