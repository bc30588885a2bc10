// Seeds: CSV parsing with positions, dbt's type inference, and the CREATE + batched INSERT statements.
#include "flinkdbt/materialize/seed.h"

#include <limits>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "flinkdbt/base/digest.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/naming.h"
#include "fmt/format.h"
#include "re2/re2.h"

namespace flinkdbt::materialize {
namespace {

std::string Lower(std::string_view s) { return absl::AsciiStrToLower(ToAbsl(s)); }

absl::Status CsvError(std::string_view text, size_t offset, std::string_view file, std::string message) {
  return InvalidInputError(LocationOfOffset(text, offset, std::string(file)), message);
}

bool IsInteger(const std::string& v, bool* big) {
  static const RE2 kInt(R"([+-]?[0-9]+)");
  if (!RE2::FullMatch(v, kInt)) return false;
  try {
    long long x = std::stoll(v);
    if (x > std::numeric_limits<int32_t>::max() || x < std::numeric_limits<int32_t>::min()) *big = true;
  } catch (...) {
    return false;  // beyond 64 bits: a Number
  }
  return true;
}

bool IsNumber(const std::string& v) {
  static const RE2 kNumber(R"([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)");
  return RE2::FullMatch(v, kNumber);
}

bool IsDate(const std::string& v) {
  static const RE2 kDate(R"([0-9]{4}-[0-9]{2}-[0-9]{2})");
  return RE2::FullMatch(v, kDate);
}

bool IsDateTime(const std::string& v) {
  static const RE2 kDateTime(R"([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2})");
  return RE2::FullMatch(v, kDateTime);
}

bool IsIsoDateTime(const std::string& v) {
  static const RE2 kIso(
      R"([0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)");
  return RE2::FullMatch(v, kIso);
}

bool IsBoolean(const std::string& v) {
  std::string l = Lower(v);
  return l == "true" || l == "false";
}

// A timestamp value as Flink's CAST accepts it: a space instead of 'T', no zone suffix.
std::string TimestampText(std::string v) {
  if (v.size() > 10 && v[10] == 'T') v[10] = ' ';
  static const RE2 kZone(R"((Z|[+-][0-9]{2}:?[0-9]{2})$)");
  if (v.size() > 19) RE2::Replace(&v, kZone, "");
  return v;
}

}  // namespace

absl::StatusOr<CsvTable> ParseCsv(std::string_view text, std::string_view file, char delimiter) {
  size_t start = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") start = 3;
  std::vector<std::vector<std::optional<std::string>>> records;
  std::vector<size_t> record_offsets;
  std::vector<std::optional<std::string>> record;
  std::string field;
  bool quoted = false, in_quotes = false, after_quote = false, any = false;
  size_t record_start = start, quote_start = 0;
  auto end_field = [&] {
    record.push_back(field.empty() && !quoted ? std::nullopt : std::optional<std::string>(field));
    field.clear();
    quoted = after_quote = false;
  };
  for (size_t i = start; i <= text.size(); ++i) {
    char c = i < text.size() ? text[i] : '\n';
    if (in_quotes) {
      if (i == text.size()) {
        return CsvError(text, quote_start, file, "this quoted field is never closed (a '\"' is missing)");
      }
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
        after_quote = true;
      } else {
        field += c;
      }
      continue;
    }
    if (c == delimiter) {
      end_field();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty() || quoted) {
        end_field();
        records.push_back(std::move(record));
        record_offsets.push_back(record_start);
      }
      record.clear();
      any = false;
      record_start = i + 1;
    } else if (after_quote) {
      return CsvError(text, i, file,
                      fmt::format("unexpected '{}' after a closing quote (expected the delimiter '{}' or the "
                                  "end of the line)",
                                  c, delimiter));
    } else if (c == '"') {
      if (!field.empty()) {
        return CsvError(text, i, file,
                        "a '\"' inside an unquoted field (quote the whole field and double it)");
      }
      in_quotes = quoted = any = true;
      quote_start = i;
    } else {
      field += c;
      any = true;
    }
  }
  CsvTable table;
  if (records.empty()) return CsvError(text, start, file, "the seed file is empty (it needs a header row)");
  std::set<std::string> seen;
  for (size_t c = 0; c < records[0].size(); ++c) {
    std::string name(ToStd(absl::StripAsciiWhitespace(ToAbsl(records[0][c].value_or("")))));
    if (name.empty()) {
      return CsvError(text, record_offsets[0], file, fmt::format("header column {} has no name", c + 1));
    }
    if (!seen.insert(Lower(name)).second) {
      return CsvError(text, record_offsets[0], file, fmt::format("the header names column '{}' twice", name));
    }
    table.header.push_back(std::move(name));
  }
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != table.header.size()) {
      return CsvError(text, record_offsets[r], file,
                      fmt::format("this row has {} field{}, the header has {}", records[r].size(),
                                  records[r].size() == 1 ? "" : "s", table.header.size()));
    }
    table.rows.push_back(std::move(records[r]));
  }
  return table;
}

std::string InferSeedType(const std::vector<std::optional<std::string>>& values) {
  bool integer = true, big = false, number = true, date = true, datetime = true, iso = true, boolean = true;
  for (const std::optional<std::string>& v : values) {
    if (!v.has_value() || v->empty()) continue;
    if (integer && !IsInteger(*v, &big)) integer = false;
    if (number && !IsNumber(*v)) number = false;
    if (date && !IsDate(*v)) date = false;
    if (datetime && !IsDateTime(*v)) datetime = false;
    if (iso && !IsIsoDateTime(*v)) iso = false;
    if (boolean && !IsBoolean(*v)) boolean = false;
  }
  if (integer) return big ? "BIGINT" : "INT";
  if (number) return "DOUBLE";
  if (date) return "DATE";
  if (datetime || iso) return "TIMESTAMP";
  if (boolean) return "BOOLEAN";
  return "STRING";
}

std::vector<Column> SeedColumns(const SeedSpec& seed) {
  std::map<std::string, std::string> configured;
  for (const auto& [k, v] : seed.column_types) configured[Lower(k)] = v;
  std::vector<Column> columns;
  for (size_t c = 0; c < seed.table.header.size(); ++c) {
    auto it = configured.find(Lower(seed.table.header[c]));
    std::string type;
    if (it != configured.end()) {
      type = it->second;
    } else {
      std::vector<std::optional<std::string>> values;
      values.reserve(seed.table.rows.size());
      for (const auto& row : seed.table.rows) values.push_back(row[c]);
      type = InferSeedType(values);
    }
    columns.push_back({seed.table.header[c], type, false});
  }
  return columns;
}

namespace {

std::string ColumnName(const SeedSpec& seed, const std::string& name) {
  return seed.quote_columns ? fmt::format("`{}`", name) : name;
}

// One value as typed SQL: text stays a string literal, other types are cast from their text (as the
// Python adapter casts its %s parameters), an empty cell is a typed NULL.
std::string Literal(const std::optional<std::string>& v, const std::string& type, bool inferred) {
  std::string upper = absl::AsciiStrToUpper(ToAbsl(type));
  bool text = upper == "STRING" || upper.rfind("VARCHAR", 0) == 0 || upper.rfind("CHAR", 0) == 0;
  // dbt's Text type treats "null" as NULL too; the other inferred types only the empty cell.
  if (!v.has_value() || (v->empty() && !text) || (inferred && text && Lower(*v) == "null")) {
    return fmt::format("CAST(NULL AS {})", type);
  }
  if (upper == "STRING") return SqlStringLiteral(*v);
  std::string value = *v;
  if (upper.rfind("TIMESTAMP", 0) == 0) value = TimestampText(value);
  if (upper == "BOOLEAN") value = Lower(value);
  return fmt::format("CAST({} AS {})", SqlStringLiteral(value), type);
}

}  // namespace

absl::StatusOr<std::string> SeedCreateSql(const SeedSpec& seed) {
  FLINKDBT_ASSIGN_OR_RETURN(std::string relation, RelationName(seed.catalog, seed.database, seed.identifier));
  std::vector<std::string> defs;
  for (const Column& c : SeedColumns(seed))
    defs.push_back(fmt::format("{} {}", ColumnName(seed, c.name), c.data_type));
  return fmt::format("CREATE TABLE {} (\n  {}\n)", relation, absl::StrJoin(defs, ",\n  "));
}

absl::StatusOr<std::vector<std::string>> SeedInsertSql(const SeedSpec& seed) {
  FLINKDBT_ASSIGN_OR_RETURN(std::string relation, RelationName(seed.catalog, seed.database, seed.identifier));
  std::vector<Column> columns = SeedColumns(seed);
  std::map<std::string, bool> configured;
  for (const auto& [k, v] : seed.column_types) configured[Lower(k)] = true;
  std::vector<std::string> names;
  for (const Column& c : columns) names.push_back(ColumnName(seed, c.name));
  std::string head = fmt::format("INSERT INTO {} ({})\nVALUES\n  ", relation, absl::StrJoin(names, ", "));
  std::vector<std::string> out;
  std::vector<std::string> tuples;
  size_t bytes = head.size();
  auto flush = [&] {
    if (tuples.empty()) return;
    out.push_back(head + absl::StrJoin(tuples, ",\n  "));
    tuples.clear();
    bytes = head.size();
  };
  for (const auto& row : seed.table.rows) {
    std::vector<std::string> values;
    for (size_t c = 0; c < columns.size(); ++c) {
      values.push_back(Literal(row[c], columns[c].data_type, !configured.count(Lower(columns[c].name))));
    }
    std::string tuple = "(" + absl::StrJoin(values, ", ") + ")";
    if (!tuples.empty() && (tuples.size() >= std::max<size_t>(seed.batch_rows, 1) ||
                            bytes + tuple.size() + 4 > seed.batch_bytes)) {
      flush();
    }
    bytes += tuple.size() + 4;
    tuples.push_back(std::move(tuple));
  }
  flush();
  return out;
}

absl::Status WaitUntilCompleted(client::StatementClient& client, std::string_view name,
                                absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  absl::Duration delay = absl::Milliseconds(1);
  while (true) {
    absl::StatusOr<client::Statement> st = client.Get(name);
    if (!st.ok()) {
      // Reaped after it finished: ExecuteStatement deletes terminal statements.
      if (st.status().code() == absl::StatusCode::kNotFound) return absl::OkStatus();
      return st.status();
    }
    if (st->phase == client::Phase::kCompleted) return absl::OkStatus();
    if (st->phase == client::Phase::kFailed || st->phase == client::Phase::kStopped) {
      return absl::FailedPreconditionError(
          fmt::format("statement {} ended {}: {}", name, client::PhaseName(st->phase), st->detail));
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(fmt::format("statement {} did not complete in time", name));
    }
    std::this_thread::sleep_for(absl::ToChronoNanoseconds(delay));
    delay = std::min(delay * 2, absl::Milliseconds(500));
  }
}

absl::StatusOr<Outcome> LoadSeed(client::StatementClient& client, RelationInspector& inspector,
                                 const Settings& settings, const SeedSpec& seed) {
  Outcome outcome;
  FLINKDBT_ASSIGN_OR_RETURN(std::string relation, RelationName(seed.catalog, seed.database, seed.identifier));
  FLINKDBT_ASSIGN_OR_RETURN(std::string create, SeedCreateSql(seed));
  FLINKDBT_ASSIGN_OR_RETURN(std::vector<std::string> inserts, SeedInsertSql(seed));
  FLINKDBT_ASSIGN_OR_RETURN(
      std::string ddl_name,
      client::ModelStatementName(settings.statement_name_prefix, seed.project, seed.name, "-ddl"));
  std::string hash = Md5Hex(create + "\n" + absl::StrJoin(inserts, "\n"));
  FLINKDBT_ASSIGN_OR_RETURN(std::optional<RelationInfo> existing,
                            inspector.Describe(seed.catalog, seed.database, seed.identifier));

  auto run = [&](const std::string& name, const std::string& sql, client::ExecutionMode mode,
                 bool keep) -> absl::StatusOr<client::QueryResult> {
    client::SubmitRequest request;
    request.name = name;
    request.sql = sql;
    request.mode = mode;
    request.compute_pool_id = seed.compute_pool_id;
    if (keep) request.labels[std::string(kSqlHashLabel)] = hash;
    client::ExecuteOptions options = settings.execute;
    options.fetch_results = false;
    options.delete_when_terminal = !keep;
    outcome.statements.push_back({name, sql, mode});
    absl::StatusOr<client::QueryResult> r = client::ExecuteStatement(client, request, options);
    if (!r.ok()) {
      return absl::Status(r.status().code(), fmt::format("seed {}: statement {} failed: {}", seed.name, name,
                                                         ToStd(r.status().message())));
    }
    return r;
  };

  if (existing.has_value() && !seed.full_refresh) {
    absl::StatusOr<client::Statement> ddl = client.Get(ddl_name);
    if (ddl.ok()) {
      auto it = ddl->labels.find(std::string(kSqlHashLabel));
      if (it != ddl->labels.end() && it->second == hash) {
        outcome.action = Outcome::Action::kSkip;
        outcome.message = fmt::format("{} is unchanged since it was loaded. Skipping", relation);
        return outcome;
      }
    }
  }
  if (existing.has_value()) {
    if (existing->kind == RelationInfo::Kind::kView) {
      return absl::FailedPreconditionError(
          fmt::format("seed {}: {} exists as a view; drop it or rename the seed", seed.name, relation));
    }
    if (!seed.full_refresh) {
      outcome.warnings.push_back(fmt::format(
          "seed {} changed since it was loaded: {} is dropped and reloaded (Flink has no TRUNCATE); "
          "streaming statements that read it need a restart",
          seed.name, relation));
    }
    std::string drop = existing->kind == RelationInfo::Kind::kMaterializedTable
                           ? fmt::format("DROP MATERIALIZED TABLE IF EXISTS {}", relation)
                           : fmt::format("DROP TABLE IF EXISTS {}", relation);
    FLINKDBT_RETURN_IF_ERROR(run(client::AdHocStatementName(settings.statement_name_prefix), drop,
                                 client::ExecutionMode::kStreamingDdl, false)
                                 .status());
  }
  // The previous load's DDL statement (kept for its label) would clash with the new SQL.
  FLINKDBT_RETURN_IF_ERROR(client.Delete(ddl_name));
  FLINKDBT_RETURN_IF_ERROR(run(ddl_name, create, client::ExecutionMode::kStreamingDdl, true).status());
  for (const std::string& insert : inserts) {
    std::string name = client::AdHocStatementName(settings.statement_name_prefix);
    FLINKDBT_ASSIGN_OR_RETURN(client::QueryResult r,
                              run(name, insert, client::ExecutionMode::kStreamingQuery, false));
    absl::Status done = WaitUntilCompleted(client, r.statement.name, settings.execute.timeout);
    if (!done.ok()) {
      return absl::Status(
          done.code(), fmt::format("seed {}: loading a batch failed: {}", seed.name, ToStd(done.message())));
    }
    // A bounded INSERT ends COMPLETED; reap it.
    (void)client.Delete(r.statement.name);
  }
  outcome.action = Outcome::Action::kCreate;
  outcome.message = fmt::format("INSERT {}", seed.table.rows.size());
  return outcome;
}

}  // namespace flinkdbt::materialize
