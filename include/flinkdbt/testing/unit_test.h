// The unit-test fixture engine, as the walkthrough's "Under the hood" describes it, made definitive:
// for each `given` input, `CREATE TABLE <fixture> LIKE <original> (EXCLUDING OPTIONS)` and the
// fixture rows inserted with the upstream relation's types; the model's SQL run against those
// tables as a bounded (snapshot) query; the result compared with the expected rows as multisets with
// Flink-type-aware equality; dbt's diff printed on failure; the fixture tables always dropped, after
// failures too.
//
// Everything goes through a client::StatementClient, so unit tests run the same on the local engine,
// the emulator and Confluent Cloud. RunUnitTest is thread-safe when the client is; tests of different
// models may run at once (fixture names are per test).
#ifndef FLINKDBT_TESTING_UNIT_TEST_H_
#define FLINKDBT_TESTING_UNIT_TEST_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "flinkdbt/client/statement_client.h"
#include "flinkdbt/materialize/materialization.h"

namespace flinkdbt::testing {

// One fixture row: column name -> value as text (as written in YAML/CSV), nullopt for NULL.
using FixtureRow = std::map<std::string, std::optional<std::string>>;

struct FixtureInput {
  // The upstream relation the model reads, as it appears in the model's compiled SQL and as LIKE's
  // source: catalog, database and identifier.
  std::string catalog, database, identifier;
  // Where the fixture table is created (the target's catalog and database).
  std::string fixture_catalog, fixture_database;
  std::vector<FixtureRow> rows;
  // format: sql — a query whose rows (run bounded first) are the fixture's rows, columns matched by
  // name and loaded with the input's types like dict rows; replaces `rows`.
  std::optional<std::string> sql;
  std::string description;  // "source('marketplace', 'orders')", for messages
};

struct UnitTestCase {
  std::string name;        // the unit test's name
  std::string model_name;  // the tested model
  std::string model_sql;   // the model's compiled SQL, naming the original input relations
  std::vector<FixtureInput> given;
  std::vector<FixtureRow> expect;
  // format: sql for `expect`: a query whose rows (run as a bounded query) are the expected rows.
  std::optional<std::string> expect_sql;
  std::string statement_name_prefix = "dbt-";
  client::ExecuteOptions execute;
};

struct UnitTestResult {
  bool passed = false;
  std::string diff;  // dbt's "actual differs from expected" table when it failed
  std::vector<std::string> columns;
  std::vector<std::vector<client::Value>> actual;
  std::vector<std::string> warnings;  // e.g. a fixture table that could not be dropped
  std::vector<materialize::SubmittedStatement> statements;
};

// The fixture table's name for an input: __dbt__cte__<identifier>, as dbt-core names its CTEs,
// made unique per unit test so tests may run concurrently.
std::string FixtureIdentifier(std::string_view unit_test, std::string_view identifier);

// Runs one unit test. An error (not a failed comparison) means the test could not run: a missing
// upstream relation, an unknown fixture column, a failed statement. Fixture tables are dropped
// whatever happens.
absl::StatusOr<UnitTestResult> RunUnitTest(client::StatementClient& client,
                                           materialize::RelationInspector& inspector,
                                           const UnitTestCase& test);

// ---- comparison (exposed for tests and for data-test result checks) ----
// Whether an actual value equals an expected one written as text: exact DECIMAL comparison,
// floating values compared as numbers, timestamps at any precision ('2024-01-15 10:00:00' equals
// 2024-01-15 10:00:00.000), booleans case-insensitive, NULL only with NULL.
bool ValueMatches(const client::Value& actual, const std::optional<std::string>& expected);

// dbt's table of differences: a header line "@@ ,col,...", matching rows prefixed "   ", rows only in
// the actual result "+++", rows only expected "---", columns padded to line up.
std::string RenderDiff(const std::vector<std::string>& columns,
                       const std::vector<std::vector<std::optional<std::string>>>& both,
                       const std::vector<std::vector<std::optional<std::string>>>& actual_only,
                       const std::vector<std::vector<std::optional<std::string>>>& expected_only);

// Replaces every occurrence of each relation name (e.g. `env`.`db`.`orders`) in `sql`.
std::string ReplaceRelations(std::string sql, const std::map<std::string, std::string>& replacements);

}  // namespace flinkdbt::testing

#endif  // FLINKDBT_TESTING_UNIT_TEST_H_
