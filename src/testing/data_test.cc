#include "flinkdbt/testing/data_test.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/naming.h"
#include "fmt/format.h"

namespace flinkdbt::testing {
namespace {

std::string FlinkCondition(std::string_view condition) {
  return absl::StrReplaceAll(ToAbsl(condition), {{"!=", "<>"}});
}

bool Truthy(const client::Value& v) {
  switch (v.kind) {
    case client::Value::Kind::kBool:
      return v.bool_value;
    case client::Value::Kind::kInt:
      return v.int_value != 0;
    case client::Value::Kind::kString:
      return absl::AsciiStrToLower(ToAbsl(v.text)) == "true";
    default:
      return false;
  }
}

}  // namespace

std::string DataTestSql(std::string_view main_sql, const DataTestConfig& config) {
  std::string limit = config.limit.has_value() ? fmt::format("\n  limit {}", *config.limit) : "";
  return fmt::format(
      "select\n"
      "  coalesce(sum(failures), 0) as failures,\n"
      "  coalesce(sum(failures), 0) {} as should_warn,\n"
      "  coalesce(sum(failures), 0) {} as should_error\n"
      "from (\n"
      "  select {} as failures\n"
      "  from (\n{}{}\n  ) dbt_internal_test\n"
      "  union all\n"
      "  select cast(0 as bigint) as failures\n"
      ") dbt_internal_test_with_fallback",
      FlinkCondition(config.warn_if), FlinkCondition(config.error_if), config.fail_calc, main_sql, limit);
}

DataTestOutcome JudgeDataTest(int64_t failures, bool should_warn, bool should_error,
                              const DataTestConfig& config) {
  DataTestOutcome out;
  out.failures = failures;
  bool severity_error = absl::AsciiStrToLower(ToAbsl(config.severity)) != "warn";
  if (severity_error && should_error) {
    out.status = "fail";
    out.message = fmt::format("Got {} result{}, configured to fail if {}", failures, failures == 1 ? "" : "s",
                              config.error_if);
  } else if (should_warn) {
    out.status = "warn";
    out.message = fmt::format("Got {} result{}, configured to warn if {}", failures, failures == 1 ? "" : "s",
                              config.warn_if);
  } else {
    out.status = "pass";
  }
  return out;
}

absl::StatusOr<DataTestOutcome> RunDataTest(client::StatementClient& client, std::string_view main_sql,
                                            const DataTestConfig& config, std::string statement_name_prefix,
                                            client::ExecuteOptions execute,
                                            materialize::RelationInspector* inspector) {
  std::vector<materialize::SubmittedStatement> stored;
  std::string stored_relation;
  std::string counted(main_sql);
  if (config.store_failures_as == "table" || config.store_failures_as == "view") {
    FLINKDBT_ASSIGN_OR_RETURN(
        stored_relation,
        materialize::RelationName(config.audit_catalog, config.audit_database, config.audit_identifier));
    std::optional<materialize::RelationInfo> existing;
    if (inspector != nullptr) {
      FLINKDBT_ASSIGN_OR_RETURN(existing, inspector->Describe(config.audit_catalog, config.audit_database,
                                                              config.audit_identifier));
    }
    std::vector<std::pair<std::string, client::ExecutionMode>> statements;
    bool was_view = existing.has_value() && existing->kind == materialize::RelationInfo::Kind::kView;
    if (inspector == nullptr || existing.has_value()) {
      statements.emplace_back(
          fmt::format("DROP {} IF EXISTS {}", was_view ? "VIEW" : "TABLE", stored_relation),
          client::ExecutionMode::kStreamingDdl);
    }
    if (config.store_failures_as == "table") {
      statements.emplace_back(fmt::format("CREATE TABLE {} AS\n{}", stored_relation, main_sql),
                              client::ExecutionMode::kSnapshotDdl);
    } else {
      statements.emplace_back(fmt::format("CREATE VIEW {} AS\n{}", stored_relation, main_sql),
                              client::ExecutionMode::kStreamingDdl);
    }
    for (const auto& [sql, mode] : statements) {
      client::SubmitRequest store;
      store.name = client::AdHocStatementName(statement_name_prefix);
      store.sql = sql;
      store.mode = mode;
      client::ExecuteOptions options = execute;
      options.fetch_results = false;
      stored.push_back({store.name, sql, mode});
      absl::StatusOr<client::QueryResult> r = client::ExecuteStatement(client, store, options);
      if (!r.ok()) {
        return absl::Status(r.status().code(), fmt::format("storing the failing rows in {} failed: {}",
                                                           stored_relation, ToStd(r.status().message())));
      }
    }
    counted = fmt::format("select * from {}", stored_relation);
  }
  client::SubmitRequest request;
  request.name = client::AdHocStatementName(statement_name_prefix);
  request.sql = DataTestSql(counted, config);
  request.mode = client::ExecutionMode::kSnapshot;
  execute.fetch_results = true;
  absl::StatusOr<client::QueryResult> result = client::ExecuteStatement(client, request, execute);
  if (!result.ok()) return result.status();
  if (result->rows.size() != 1 || result->rows[0].size() < 3) {
    return absl::DataLossError(
        fmt::format("a data test query returned {} rows instead of one", result->rows.size()));
  }
  const auto& row = result->rows[0];
  int64_t failures = row[0].kind == client::Value::Kind::kInt ? row[0].int_value : 0;
  if (row[0].kind == client::Value::Kind::kDecimal) failures = std::stoll(row[0].text);
  DataTestOutcome outcome = JudgeDataTest(failures, Truthy(row[1]), Truthy(row[2]), config);
  outcome.stored_relation = std::move(stored_relation);
  outcome.statements = std::move(stored);
  return outcome;
}

}  // namespace flinkdbt::testing
