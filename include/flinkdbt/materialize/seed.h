// Seeds: a CSV file of the project loaded into a table of the target — `CREATE TABLE` with the
// column types dbt infers (agate's type tester as dbt configures it, `column_types` overriding), then
// typed `INSERT INTO … VALUES` in batches. Flink has no TRUNCATE, so where dbt truncates and
// reloads an existing seed, flinkdbt drops and recreates it; a seed whose CSV and types are unchanged
// since it was loaded (an MD5 of its statements kept as a label on its `-ddl` statement) is skipped
// instead of being dropped under the streaming jobs that read it. `--full-refresh` (unless the seed
// sets `full_refresh: false`) always reloads.
//
// Everything goes through a client::StatementClient and a RelationInspector, so seeds load the same
// on the local engine, the emulator and Confluent Cloud. Pure functions are thread-safe; LoadSeed is
// thread-safe when its client and inspector are.
#ifndef FLINKDBT_MATERIALIZE_SEED_H_
#define FLINKDBT_MATERIALIZE_SEED_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "flinkdbt/client/statement_client.h"
#include "flinkdbt/materialize/materialization.h"

namespace flinkdbt::materialize {

// A parsed CSV file: the header and the records; an empty unquoted cell is nullopt.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// RFC 4180 with `delimiter`: a header row, quoted fields with "" escapes, CRLF or LF line ends, a
// UTF-8 BOM ignored. Errors (an unterminated quote, text after a closing quote, a record with the
// wrong number of fields, an empty or duplicate header) are InvalidArgument with `file`:line:col.
absl::StatusOr<CsvTable> ParseCsv(std::string_view text, std::string_view file, char delimiter = ',');

// The Flink type dbt's type tester gives a column of seed values: Integer -> INT (BIGINT beyond 32
// bits), Number -> DOUBLE, Date (%Y-%m-%d) -> DATE, DateTime (%Y-%m-%d %H:%M:%S) and ISO-8601 ->
// TIMESTAMP, Boolean (true/false) -> BOOLEAN, else STRING; the first of those every non-empty value
// fits (so an all-empty column is INT, as in dbt).
std::string InferSeedType(const std::vector<std::optional<std::string>>& values);

struct SeedSpec {
  std::string project, name;  // statement naming
  std::string catalog, database, identifier;
  CsvTable table;
  // config column_types: column -> Flink type (names matched case-insensitively).
  std::map<std::string, std::string> column_types;
  bool quote_columns = true;        // config quote_columns (dbt's default: quoted)
  bool full_refresh = false;        // --full-refresh, unless config full_refresh: false (or config true)
  size_t batch_rows = 1000;         // rows per INSERT statement
  size_t batch_bytes = 512 * 1024;  // and at most about this much SQL per statement
  std::string compute_pool_id;
};

// The columns of the seed's table: inferred or configured types, in file order.
std::vector<Column> SeedColumns(const SeedSpec& seed);
// CREATE TABLE `c`.`d`.`t` ( `a` INT, ... )
absl::StatusOr<std::string> SeedCreateSql(const SeedSpec& seed);
// INSERT INTO `c`.`d`.`t` (`a`, ...) VALUES (CAST('1' AS INT), 'x', ...), ... — one per batch.
absl::StatusOr<std::vector<std::string>> SeedInsertSql(const SeedSpec& seed);

// Loads the seed: create (drop first when it exists), insert every batch and wait until each has
// completed; or skip an unchanged seed. Outcome.action is kCreate or kSkip; the message is dbt's
// "INSERT <rows>" for a load.
absl::StatusOr<Outcome> LoadSeed(client::StatementClient& client, RelationInspector& inspector,
                                 const Settings& settings, const SeedSpec& seed);

// Polls statement `name` until it is COMPLETED (a reaped, missing statement counts as completed);
// FAILED or STOPPED is kFailedPrecondition with the statement's detail.
absl::Status WaitUntilCompleted(client::StatementClient& client, std::string_view name,
                                absl::Duration timeout);

}  // namespace flinkdbt::materialize

#endif  // FLINKDBT_MATERIALIZE_SEED_H_
