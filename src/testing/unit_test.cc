// RunUnitTest: fixtures as real tables (CTEs cannot carry watermarks), a bounded query, a multiset
// comparison, and cleanup that always runs.
#include "flinkdbt/testing/unit_test.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "flinkdbt/base/digest.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/naming.h"
#include "flinkdbt/materialize/seed.h"
#include "fmt/format.h"

namespace flinkdbt::testing {
namespace {

std::string Lower(std::string_view s) { return absl::AsciiStrToLower(ToAbsl(s)); }

class UnitTestRun {
 public:
  UnitTestRun(client::StatementClient& client, materialize::RelationInspector& inspector,
              const UnitTestCase& test)
      : client_(client), inspector_(inspector), test_(test), expect_(test.expect) {}

  ~UnitTestRun() { Cleanup(); }

  absl::StatusOr<UnitTestResult> Execute() {
    std::map<std::string, std::string> replacements;
    for (const FixtureInput& input : test_.given) {
      FLINKDBT_ASSIGN_OR_RETURN(std::string fixture, CreateFixture(input));
      FLINKDBT_ASSIGN_OR_RETURN(std::string original,
                                materialize::RelationName(input.catalog, input.database, input.identifier));
      replacements[original] = fixture;
    }
    if (test_.expect_sql.has_value()) {
      FLINKDBT_ASSIGN_OR_RETURN(expect_, RowsOfQuery(*test_.expect_sql));
    }
    std::string sql = ReplaceRelations(test_.model_sql, replacements);
    FLINKDBT_ASSIGN_OR_RETURN(client::QueryResult query, Query(sql));
    for (const client::Column& c : query.schema) result_.columns.push_back(c.name);
    result_.actual = query.rows;
    Compare();
    Cleanup();
    return std::move(result_);
  }

 private:
  absl::StatusOr<client::QueryResult> Submit(const std::string& sql, client::ExecutionMode mode, bool fetch) {
    client::SubmitRequest request;
    request.name = client::AdHocStatementName(test_.statement_name_prefix);
    request.sql = sql;
    request.mode = mode;
    client::ExecuteOptions options = test_.execute;
    options.fetch_results = fetch;
    options.delete_when_terminal = true;
    result_.statements.push_back({request.name, sql, mode});
    absl::StatusOr<client::QueryResult> r = client::ExecuteStatement(client_, request, options);
    if (!r.ok()) {
      return absl::Status(r.status().code(), fmt::format("unit test {}: {}\n  in: {}", test_.name,
                                                         ToStd(r.status().message()), sql));
    }
    return r;
  }

  absl::StatusOr<client::QueryResult> Query(const std::string& sql) {
    return Submit(sql, client::ExecutionMode::kSnapshot, /*fetch=*/true);
  }

  // format: sql — the query's rows (run bounded), loaded as typed VALUES like any other fixture.
  absl::StatusOr<std::vector<FixtureRow>> RowsOfQuery(const std::string& sql) {
    FLINKDBT_ASSIGN_OR_RETURN(client::QueryResult result, Query(sql));
    std::vector<FixtureRow> rows;
    for (const auto& values : result.rows) {
      FixtureRow row;
      for (size_t c = 0; c < result.schema.size() && c < values.size(); ++c) {
        row[result.schema[c].name] = Cells(values, {static_cast<int>(c)})[0];
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  absl::StatusOr<std::string> CreateFixture(const FixtureInput& given) {
    FixtureInput from_sql;
    if (given.sql.has_value()) {
      from_sql = given;
      FLINKDBT_ASSIGN_OR_RETURN(from_sql.rows, RowsOfQuery(*given.sql));
    }
    const FixtureInput& input = given.sql.has_value() ? from_sql : given;
    FLINKDBT_ASSIGN_OR_RETURN(std::string original,
                              materialize::RelationName(input.catalog, input.database, input.identifier));
    FLINKDBT_ASSIGN_OR_RETURN(std::optional<materialize::RelationInfo> info,
                              inspector_.Describe(input.catalog, input.database, input.identifier));
    if (!info.has_value()) {
      return absl::FailedPreconditionError(fmt::format(
          "unit test {}: the input {} ({}) does not exist on the target; run `flinkdbt run` (or `flinkdbt "
          "build`) "
          "for it first",
          test_.name, input.description.empty() ? input.identifier : input.description, original));
    }
    std::string identifier = FixtureIdentifier(test_.name, input.identifier);
    FLINKDBT_ASSIGN_OR_RETURN(
        std::string fixture,
        materialize::RelationName(input.fixture_catalog, input.fixture_database, identifier));
    // Types come from the upstream relation; fixture columns it does not have are an error.
    std::map<std::string, const materialize::Column*> by_name;
    for (const materialize::Column& c : info->columns) by_name[Lower(c.name)] = &c;
    for (const FixtureRow& row : input.rows) {
      for (const auto& [name, value] : row) {
        if (!by_name.count(Lower(name))) {
          std::vector<std::string> known;
          for (const materialize::Column& c : info->columns) known.push_back(c.name);
          return absl::InvalidArgumentError(fmt::format(
              "unit test {}: the fixture for {} has a column '{}' that {} does not have (its columns: {})",
              test_.name, input.description.empty() ? input.identifier : input.description, name, original,
              absl::StrJoin(known, ", ")));
        }
      }
    }
    FLINKDBT_RETURN_IF_ERROR(
        Submit(fmt::format("DROP TABLE IF EXISTS {}", fixture), client::ExecutionMode::kStreamingDdl, false)
            .status());
    created_.push_back(fixture);
    FLINKDBT_RETURN_IF_ERROR(
        Submit(fmt::format("CREATE TABLE {} LIKE {} (EXCLUDING OPTIONS)", fixture, original),
               client::ExecutionMode::kStreamingDdl, false)
            .status());
    std::vector<std::string> column_names, tuples;
    for (const materialize::Column& c : info->columns) column_names.push_back(fmt::format("`{}`", c.name));
    if (input.rows.empty()) return fixture;
    for (const FixtureRow& row : input.rows) {
      std::map<std::string, std::optional<std::string>> lowered;
      for (const auto& [k, v] : row) lowered[Lower(k)] = v;
      std::vector<std::string> values;
      for (const materialize::Column& c : info->columns) {
        auto it = lowered.find(Lower(c.name));
        bool null = it == lowered.end() || !it->second.has_value();
        values.push_back(fmt::format(
            "CAST({} AS {})", null ? "NULL" : materialize::SqlStringLiteral(*it->second), c.data_type));
      }
      tuples.push_back("(" + absl::StrJoin(values, ", ") + ")");
    }
    FLINKDBT_ASSIGN_OR_RETURN(
        client::QueryResult inserted,
        Submit(fmt::format("INSERT INTO {} ({})\nVALUES\n  {}", fixture, absl::StrJoin(column_names, ", "),
                           absl::StrJoin(tuples, ",\n  ")),
               client::ExecutionMode::kStreamingQuery, false));
    FLINKDBT_RETURN_IF_ERROR(WaitForCompletion(inserted.statement.name));
    return fixture;
  }

  // A bounded INSERT is "ready" once RUNNING; the fixture is complete only when it is COMPLETED.
  absl::Status WaitForCompletion(const std::string& name) {
    absl::Status done = materialize::WaitUntilCompleted(client_, name, test_.execute.timeout);
    if (done.ok()) return done;
    return absl::Status(done.code(), fmt::format("unit test {}: loading a fixture failed: {}", test_.name,
                                                 ToStd(done.message())));
  }

  void Compare() {
    // The expected rows name a subset of the columns; compare on those, in the result's order.
    std::vector<std::string> columns;
    std::vector<int> index;
    std::map<std::string, bool> named;
    for (const FixtureRow& row : expect_) {
      for (const auto& [k, v] : row) named[Lower(k)] = true;
    }
    for (size_t i = 0; i < result_.columns.size(); ++i) {
      if (named.empty() || named.count(Lower(result_.columns[i]))) {
        columns.push_back(result_.columns[i]);
        index.push_back(static_cast<int>(i));
      }
    }
    for (const auto& [name, unused] : named) {
      bool found = false;
      for (const std::string& c : columns) found = found || Lower(c) == name;
      if (!found) missing_columns_.push_back(name);
    }
    auto expected_cell = [&](const FixtureRow& row, const std::string& column) -> std::optional<std::string> {
      for (const auto& [k, v] : row) {
        if (Lower(k) == Lower(column)) return v;
      }
      return std::nullopt;
    };
    std::vector<bool> used(result_.actual.size(), false);
    std::vector<std::vector<std::optional<std::string>>> both, actual_only, expected_only;
    for (const FixtureRow& row : expect_) {
      bool matched = false;
      for (size_t a = 0; a < result_.actual.size() && !matched; ++a) {
        if (used[a]) continue;
        bool all = true;
        for (size_t c = 0; c < columns.size() && all; ++c) {
          all =
              ValueMatches(result_.actual[a][static_cast<size_t>(index[c])], expected_cell(row, columns[c]));
        }
        if (all) {
          used[a] = true;
          matched = true;
          both.push_back(Cells(result_.actual[a], index));
        }
      }
      if (!matched) {
        std::vector<std::optional<std::string>> cells;
        for (const std::string& c : columns) cells.push_back(expected_cell(row, c));
        expected_only.push_back(std::move(cells));
      }
    }
    for (size_t a = 0; a < result_.actual.size(); ++a) {
      if (!used[a]) actual_only.push_back(Cells(result_.actual[a], index));
    }
    result_.passed = actual_only.empty() && expected_only.empty() && missing_columns_.empty();
    if (!result_.passed) {
      result_.diff = RenderDiff(columns, both, actual_only, expected_only);
      if (!missing_columns_.empty()) {
        result_.diff += fmt::format("\n\nexpected columns missing from the model's result: {}",
                                    absl::StrJoin(missing_columns_, ", "));
      }
    }
  }

  static std::vector<std::optional<std::string>> Cells(const std::vector<client::Value>& row,
                                                       const std::vector<int>& index) {
    std::vector<std::optional<std::string>> cells;
    for (int i : index) {
      const client::Value& v = row[static_cast<size_t>(i)];
      if (v.is_null()) {
        cells.push_back(std::nullopt);
      } else {
        cells.push_back(v.kind == client::Value::Kind::kString ? v.text : v.ToString());
      }
    }
    return cells;
  }

  // Drops every fixture table created so far; failures become warnings.
  void Cleanup() {
    for (const std::string& fixture : created_) {
      client::SubmitRequest request;
      request.name = client::AdHocStatementName(test_.statement_name_prefix);
      request.sql = fmt::format("DROP TABLE IF EXISTS {}", fixture);
      request.mode = client::ExecutionMode::kStreamingDdl;
      client::ExecuteOptions options = test_.execute;
      options.fetch_results = false;
      result_.statements.push_back({request.name, request.sql, request.mode});
      absl::StatusOr<client::QueryResult> r = client::ExecuteStatement(client_, request, options);
      if (!r.ok()) {
        result_.warnings.push_back(
            fmt::format("could not drop the fixture table {}: {}", fixture, ToStd(r.status().message())));
      }
    }
    created_.clear();
  }

  client::StatementClient& client_;
  materialize::RelationInspector& inspector_;
  const UnitTestCase& test_;
  UnitTestResult result_;
  std::vector<std::string> created_;
  std::vector<std::string> missing_columns_;
  std::vector<FixtureRow> expect_;  // test_.expect, or the rows of test_.expect_sql
};

}  // namespace

std::string FixtureIdentifier(std::string_view unit_test, std::string_view identifier) {
  // dbt-core's CTE name, plus a short hash of the unit test so concurrent tests never share a table.
  return fmt::format("__dbt__cte__{}_{}", identifier, flinkdbt::Md5Hex(unit_test).substr(0, 8));
}

absl::StatusOr<UnitTestResult> RunUnitTest(client::StatementClient& client,
                                           materialize::RelationInspector& inspector,
                                           const UnitTestCase& test) {
  UnitTestRun run(client, inspector, test);
  return run.Execute();
}

}  // namespace flinkdbt::testing
