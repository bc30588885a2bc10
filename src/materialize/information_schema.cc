// RelationInspector over INFORMATION_SCHEMA, the way Confluent's Python adapter learns what exists:
// one snapshot query per view (TABLES, COLUMNS, TABLE_OPTIONS), each filtered by catalog, database and
// name, and joined here because INFORMATION_SCHEMA allows no joins.
#include <algorithm>

#include "absl/strings/numbers.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/naming.h"
#include "flinkdbt/materialize/materialization.h"
#include "fmt/format.h"

namespace flinkdbt::materialize {
namespace {

std::string Text(const client::Value& v) {
  switch (v.kind) {
    case client::Value::Kind::kNull:
      return "";
    case client::Value::Kind::kString:
    case client::Value::Kind::kDecimal:
    case client::Value::Kind::kRaw:
      return v.text;
    default:
      return v.ToString();
  }
}

int ColumnIndex(const std::vector<client::Column>& schema, std::string_view name) {
  for (size_t i = 0; i < schema.size(); ++i) {
    if (schema[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

class InformationSchemaInspector : public RelationInspector {
 public:
  InformationSchemaInspector(client::StatementClient& client, std::string label, std::string prefix,
                             client::ExecuteOptions options)
      : client_(client), label_(std::move(label)), prefix_(std::move(prefix)), options_(options) {
    options_.fetch_results = true;
    options_.delete_when_terminal = true;
  }

  absl::StatusOr<std::optional<RelationInfo>> Describe(std::string_view catalog, std::string_view database,
                                                       std::string_view identifier) override {
    std::string where =
        fmt::format("`TABLE_CATALOG_ID` = {} AND `TABLE_SCHEMA` = {} AND `TABLE_NAME` = {}",
                    SqlStringLiteral(catalog), SqlStringLiteral(database), SqlStringLiteral(identifier));
    std::string schema = fmt::format("`{}`.`INFORMATION_SCHEMA`", catalog);
    FLINKDBT_ASSIGN_OR_RETURN(
        client::QueryResult tables,
        Query(fmt::format("SELECT `TABLE_TYPE`, `IS_MATERIALIZED`, `IS_DISTRIBUTED`, `DISTRIBUTION_BUCKETS` "
                          "FROM {}.`TABLES` WHERE {}",
                          schema, where)));
    if (tables.rows.empty()) return std::nullopt;
    RelationInfo info;
    const auto& row = tables.rows.front();
    std::string type = Text(Cell(tables, row, "TABLE_TYPE"));
    bool materialized = Text(Cell(tables, row, "IS_MATERIALIZED")) == "YES";
    if (type == "VIEW") {
      info.kind = materialized ? RelationInfo::Kind::kMaterializedView : RelationInfo::Kind::kView;
    } else if (type == "MATERIALIZED VIEW") {
      info.kind = RelationInfo::Kind::kMaterializedView;
    } else if (type == "BASE TABLE") {
      info.kind = materialized ? RelationInfo::Kind::kMaterializedTable : RelationInfo::Kind::kTable;
    } else {
      info.kind = RelationInfo::Kind::kOther;
    }
    bool distributed = Text(Cell(tables, row, "IS_DISTRIBUTED")) == "YES";

    FLINKDBT_ASSIGN_OR_RETURN(
        client::QueryResult columns,
        Query(fmt::format("SELECT `COLUMN_NAME`, `FULL_DATA_TYPE`, `ORDINAL_POSITION`, "
                          "`DISTRIBUTION_ORDINAL_POSITION` FROM {}.`COLUMNS` WHERE {} AND `IS_HIDDEN` = 'NO'",
                          schema, where)));
    struct Found {
      int64_t position;
      Column column;
      int64_t distribution_position;
    };
    std::vector<Found> found;
    for (const auto& r : columns.rows) {
      Found f;
      f.column.name = Text(Cell(columns, r, "COLUMN_NAME"));
      f.column.data_type = Text(Cell(columns, r, "FULL_DATA_TYPE"));
      if (!absl::SimpleAtoi(ToAbsl(Text(Cell(columns, r, "ORDINAL_POSITION"))), &f.position)) f.position = 0;
      if (!absl::SimpleAtoi(ToAbsl(Text(Cell(columns, r, "DISTRIBUTION_ORDINAL_POSITION"))),
                            &f.distribution_position)) {
        f.distribution_position = 0;
      }
      found.push_back(std::move(f));
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const Found& a, const Found& b) { return a.position < b.position; });
    std::vector<std::pair<int64_t, std::string>> distribution;
    for (const Found& f : found) {
      info.columns.push_back(f.column);
      if (f.distribution_position > 0) distribution.emplace_back(f.distribution_position, f.column.name);
    }
    if (distributed) {
      Distribution d;
      std::sort(distribution.begin(), distribution.end());
      for (const auto& [pos, name] : distribution) d.columns.push_back(name);
      int buckets = 0;
      if (absl::SimpleAtoi(ToAbsl(Text(Cell(tables, row, "DISTRIBUTION_BUCKETS"))), &buckets) &&
          buckets > 0) {
        d.buckets = buckets;
      }
      info.distribution = std::move(d);
    }

    FLINKDBT_ASSIGN_OR_RETURN(
        client::QueryResult options,
        Query(fmt::format("SELECT `OPTION_KEY`, `OPTION_VALUE` FROM {}.`TABLE_OPTIONS` WHERE {}", schema,
                          where)));
    for (const auto& r : options.rows) {
      info.options[Text(Cell(options, r, "OPTION_KEY"))] = Text(Cell(options, r, "OPTION_VALUE"));
    }
    return info;
  }

 private:
  absl::StatusOr<client::QueryResult> Query(std::string sql) {
    client::SubmitRequest request;
    request.name = client::AdHocStatementName(prefix_);
    request.sql = std::move(sql);
    request.mode = client::ExecutionMode::kSnapshot;
    request.hidden = true;
    return client::ExecuteStatement(client_, request, options_);
  }

  static const client::Value& Cell(const client::QueryResult& result, const std::vector<client::Value>& row,
                                   std::string_view column) {
    static const client::Value kNull;
    int i = ColumnIndex(result.schema, column);
    return i < 0 || static_cast<size_t>(i) >= row.size() ? kNull : row[static_cast<size_t>(i)];
  }

  client::StatementClient& client_;
  std::string label_;
  std::string prefix_;
  client::ExecuteOptions options_;
};

}  // namespace

std::unique_ptr<RelationInspector> MakeInformationSchemaInspector(client::StatementClient& client,
                                                                  std::string statement_label,
                                                                  std::string statement_name_prefix,
                                                                  client::ExecuteOptions execute_options) {
  return std::make_unique<InformationSchemaInspector>(client, std::move(statement_label),
                                                      std::move(statement_name_prefix), execute_options);
}

}  // namespace flinkdbt::materialize
