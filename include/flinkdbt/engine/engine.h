// The embedded Flink SQL engine behind the `local` target.
//
//   flinkdbt::engine::Engine engine;
//   auto r = engine.Execute("SELECT name, COUNT(*) AS c FROM (VALUES ('a'), ('b')) AS t(name) GROUP BY
//   name");
//   // r->schema, r->changelog (+I/-U/+U/-D rows as Flink emits them), r->rows (the final table)
//
// Execute() parses one statement with the sql layer, binds it against the catalog and runs it to
// completion over the bounded data the catalog holds: DDL changes the catalog, INSERT INTO runs its
// query and applies the changes to the sink according to its changelog.mode, a query returns its
// changelog and the final table it converges to once the watermark has passed the end of input.
// Errors come back as absl::Status with a SourceLocation (line, column of the statement text).
//
// An Engine is not thread-safe: one statement at a time. A persistent engine (Open) keeps catalog
// and data in a folder, saved atomically after every statement that changed them.
#ifndef FLINKDBT_ENGINE_ENGINE_H_
#define FLINKDBT_ENGINE_ENGINE_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "flinkdbt/engine/catalog.h"
#include "flinkdbt/engine/value.h"
#include "flinkdbt/sql/types.h"

namespace flinkdbt::engine {

struct ResultColumn {
  std::string name;
  sql::DataType type;
};

struct StatementResult {
  enum class Kind { kDdl, kQuery, kInsert, kSet };
  Kind kind = Kind::kDdl;
  std::vector<ResultColumn> schema;
  std::vector<Change> changelog;  // as emitted, in order
  std::vector<Row> rows;          // the final table (changelog applied), in emission order
  bool insert_only = true;        // the changelog has only +I
  bool ordered = false;           // the query has a top-level ORDER BY
  std::string message;            // DDL: what happened ("Table 'x' created.")
  int64_t affected_rows = 0;      // INSERT: changes written

  // Values formatted as Flink's SQL client prints them (TIMESTAMP_LTZ in the session zone).
  std::vector<std::string> FormatRow(const Row& row) const;
  std::string time_zone = "UTC";
};

struct EngineOptions {
  // The session time zone ('table.local-time-zone'); SET changes it.
  std::string time_zone = "UTC";
  // Wall clock in epoch milliseconds for CURRENT_TIMESTAMP, NOW() and `$rowtime` of inserted rows
  // without an event time; defaults to the system clock.
  std::function<int64_t()> now;
  // A persistent engine (Open) writes its folder after every changing statement; false leaves that
  // to the caller's Save() (the local statement client batches writes).
  bool save_each_statement = true;
};

class Engine {
 public:
  explicit Engine(EngineOptions options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Opens (or initializes) a persistent engine over `folder`: refuses a folder another process
  // holds (lock file), reports a corrupt or foreign folder, never resets it.
  static absl::StatusOr<std::unique_ptr<Engine>> Open(const std::string& folder, EngineOptions options = {});

  // Executes one statement (a trailing ';' is fine).
  absl::StatusOr<StatementResult> Execute(std::string_view sql);
  // Executes `;`-separated statements, stopping at the first error.
  absl::StatusOr<std::vector<StatementResult>> ExecuteScript(std::string_view sql);

  Catalog& catalog();
  const EngineOptions& options() const;
  // Session properties set with SET (e.g. 'table.local-time-zone').
  const std::map<std::string, std::string>& session_properties() const;

  // Saves a persistent engine now (Execute saves after each change on its own).
  absl::Status Save();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flinkdbt::engine

#endif  // FLINKDBT_ENGINE_ENGINE_H_
