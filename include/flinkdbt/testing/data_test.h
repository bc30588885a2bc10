// Data tests (not_null, unique, accepted_values, relationships, singular and custom generic tests):
// the query that counts a test's failures — dbt's default test SQL wrapped as Confluent's adapter
// wraps it, with the fallback row that makes an empty input count 0 failures in streaming mode — run
// as a bounded snapshot query, so a test never passes on a partial snapshot of a stream, and the
// result judged with severity, warn_if and error_if as dbt judges it. Thread-safe.
#ifndef FLINKDBT_TESTING_DATA_TEST_H_
#define FLINKDBT_TESTING_DATA_TEST_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "flinkdbt/client/statement_client.h"
#include "flinkdbt/materialize/materialization.h"

namespace flinkdbt::testing {

struct DataTestConfig {
  std::string fail_calc = "count(*)";
  std::string warn_if = "!= 0";
  std::string error_if = "!= 0";
  std::optional<int64_t> limit;
  std::string severity = "error";  // error | warn
  // store_failures / store_failures_as: "table" or "view" keeps the failing rows (all of them; `limit`
  // applies to the count) in the test's relation, dbt's `<test name>` in the audit schema; "" or
  // "ephemeral" stores nothing.
  std::string store_failures_as;
  std::string audit_catalog, audit_database, audit_identifier;
};

// select coalesce(sum(failures),0) as failures, ... as should_warn, ... as should_error
// from (select <fail_calc> as failures from (<main_sql> [limit n]) dbt_internal_test
//       union all select cast(0 as bigint) as failures) dbt_internal_test_with_fallback
// `!=` in warn_if/error_if is written `<>` for Flink.
std::string DataTestSql(std::string_view main_sql, const DataTestConfig& config);

struct DataTestOutcome {
  std::string status;  // "pass", "warn" or "fail" (run_results' statuses)
  int64_t failures = 0;
  std::string message;                                      // "Got 3 results, configured to fail if != 0"
  std::string stored_relation;                              // where the failing rows were stored, or ""
  std::vector<materialize::SubmittedStatement> statements;  // the storing statements, in order
};

// dbt's judgement: with severity error, should_error fails and should_warn warns; with severity warn,
// should_warn warns and nothing fails.
DataTestOutcome JudgeDataTest(int64_t failures, bool should_warn, bool should_error,
                              const DataTestConfig& config);

// Runs DataTestSql(main_sql) as a snapshot query and judges the result. With store_failures, first
// replaces the audit relation (as its kind on the target needs: `inspector`, when given, tells)
// with `CREATE TABLE … AS <main_sql>` (snapshot_ddl, so it completes) or `CREATE VIEW … AS`, and
// counts the failures from it, as dbt's test materialization does.
absl::StatusOr<DataTestOutcome> RunDataTest(client::StatementClient& client, std::string_view main_sql,
                                            const DataTestConfig& config,
                                            std::string statement_name_prefix = "dbt-",
                                            client::ExecuteOptions execute = {},
                                            materialize::RelationInspector* inspector = nullptr);

}  // namespace flinkdbt::testing

#endif  // FLINKDBT_TESTING_DATA_TEST_H_
