// SQL text of the materializations: identifiers, relation names, WITH, DISTRIBUTED BY, START_MODE and
// column lists, rendered as the Python adapter's helpers.sql renders them.
#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/materialize/materialization.h"
#include "fmt/format.h"
#include "re2/re2.h"

namespace flinkdbt::materialize {
namespace {

std::string Quote(std::string_view s) { return fmt::format("`{}`", s); }

}  // namespace

std::string SqlStringLiteral(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  out += '\'';
  return out;
}

std::optional<Materialized> ParseMaterialized(std::string_view name) {
  if (name == "view") return Materialized::kView;
  if (name == "table") return Materialized::kTable;
  if (name == "materialized_view") return Materialized::kMaterializedView;
  if (name == "materialized_table") return Materialized::kMaterializedTable;
  if (name == "streaming_table") return Materialized::kStreamingTable;
  if (name == "streaming_source") return Materialized::kStreamingSource;
  if (name == "ephemeral") return Materialized::kEphemeral;
  return std::nullopt;
}

std::string_view MaterializedName(Materialized m) {
  switch (m) {
    case Materialized::kView:
      return "view";
    case Materialized::kTable:
      return "table";
    case Materialized::kMaterializedView:
      return "materialized_view";
    case Materialized::kMaterializedTable:
      return "materialized_table";
    case Materialized::kStreamingTable:
      return "streaming_table";
    case Materialized::kStreamingSource:
      return "streaming_source";
    case Materialized::kEphemeral:
      return "ephemeral";
  }
  return "view";
}

bool IsStateful(Materialized m) {
  return m == Materialized::kStreamingTable || m == Materialized::kStreamingSource ||
         m == Materialized::kMaterializedView || m == Materialized::kMaterializedTable;
}

absl::StatusOr<std::string> QuoteIdentifier(std::string_view identifier) {
  if (identifier.find('`') != std::string_view::npos) {
    return absl::InvalidArgumentError(fmt::format(
        "the identifier '{}' contains a backtick, which Flink SQL cannot quote; rename it", identifier));
  }
  if (identifier.empty()) return absl::InvalidArgumentError("an empty identifier");
  return Quote(identifier);
}

absl::StatusOr<std::string> RelationName(std::string_view catalog, std::string_view database,
                                         std::string_view identifier) {
  std::vector<std::string> parts;
  for (std::string_view part : {catalog, database, identifier}) {
    if (part.empty()) continue;
    absl::StatusOr<std::string> q = QuoteIdentifier(part);
    if (!q.ok()) return q.status();
    parts.push_back(*q);
  }
  return absl::StrJoin(parts, ".");
}

std::string RenderWith(const std::vector<std::pair<std::string, std::string>>& options) {
  if (options.empty()) return "";
  std::vector<std::string> pairs;
  for (const auto& [k, v] : options)
    pairs.push_back(fmt::format("{} = {}", SqlStringLiteral(k), SqlStringLiteral(v)));
  return fmt::format("WITH (\n  {}\n)", absl::StrJoin(pairs, ",\n  "));
}

std::string RenderDistribution(const Distribution& d) {
  std::vector<std::string> cols;
  for (const std::string& c : d.columns) cols.push_back(Quote(c));
  std::string out = fmt::format("DISTRIBUTED BY HASH({})", absl::StrJoin(cols, ", "));
  if (d.buckets.has_value()) out += fmt::format(" INTO {} BUCKETS", *d.buckets);
  return out;
}

absl::StatusOr<std::string> RenderStartMode(std::string_view start_mode) {
  std::string mode(absl::StripAsciiWhitespace(ToAbsl(start_mode)));
  static const RE2 kForms(
      R"((?i)(RESUME_OR_)?(FROM_BEGINNING|FROM_NOW|FROM_NOW\s*\(\s*INTERVAL\s+'[^']*'\s+[A-Za-z_ ]+\)|FROM_TIMESTAMP\s*\(\s*'[^']*'\s*\)))");
  if (!RE2::FullMatch(mode, kForms)) {
    return absl::InvalidArgumentError(fmt::format(
        "start_mode '{}' is not one of FROM_BEGINNING, FROM_NOW, FROM_NOW(INTERVAL '<n>' <unit>), "
        "FROM_TIMESTAMP('<timestamp>') or their RESUME_OR_ forms",
        start_mode));
  }
  // Keywords upper-case; literal text inside quotes kept as written.
  std::string out;
  bool in_quote = false;
  for (char c : mode) {
    if (c == '\'') in_quote = !in_quote;
    out += in_quote ? c : absl::ascii_toupper(static_cast<unsigned char>(c));
  }
  return out;
}

std::string RenderColumns(const std::vector<Column>& columns, const std::vector<std::string>& primary_key) {
  std::vector<std::string> items;
  for (const Column& c : columns) {
    items.push_back(fmt::format("{} {}{}", Quote(c.name), c.data_type, c.not_null ? " NOT NULL" : ""));
  }
  if (!primary_key.empty()) {
    std::vector<std::string> keys;
    for (const std::string& k : primary_key) keys.push_back(Quote(k));
    items.push_back(fmt::format("PRIMARY KEY ({}) NOT ENFORCED", absl::StrJoin(keys, ", ")));
  }
  return fmt::format("(\n  {}\n)", absl::StrJoin(items, ",\n  "));
}

}  // namespace flinkdbt::materialize
