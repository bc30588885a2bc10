// Flink-type-aware equality of result values with expected text, and dbt's diff table.
#include <cmath>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/testing/unit_test.h"
#include "fmt/format.h"

namespace flinkdbt::testing {
namespace {

// A decimal number's canonical text: no sign for zero, no leading zeros, no trailing fractional
// zeros ("029.9900" -> "29.99", "-0.0" -> "0"). nullopt when `s` is not a plain decimal.
std::optional<std::string> CanonicalDecimal(std::string_view s) {
  std::string t(absl::StripAsciiWhitespace(ToAbsl(s)));
  bool negative = false;
  size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) negative = t[i++] == '-';
  std::string int_part, frac_part;
  bool dot = false, digits = false;
  for (; i < t.size(); ++i) {
    char c = t[i];
    if (c == '.' && !dot) {
      dot = true;
    } else if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      (dot ? frac_part : int_part) += c;
      digits = true;
    } else {
      return std::nullopt;
    }
  }
  if (!digits) return std::nullopt;
  size_t nz = int_part.find_first_not_of('0');
  int_part = nz == std::string::npos ? "0" : int_part.substr(nz);
  while (!frac_part.empty() && frac_part.back() == '0') frac_part.pop_back();
  std::string out = int_part + (frac_part.empty() ? "" : "." + frac_part);
  if (negative && out != "0") out = "-" + out;
  return out;
}

// "2024-01-15T10:00" / "2024-01-15 10:00:00.000" -> "2024-01-15 10:00:00" (+ ".fff" without trailing
// zeros when there is a fraction). Dates and times alone pass through the same shape rules.
std::string CanonicalTemporal(std::string_view s) {
  std::string t(absl::StripAsciiWhitespace(ToAbsl(s)));
  for (char& c : t) {
    if (c == 'T') c = ' ';
  }
  if (!t.empty() && t.back() == 'Z') t.pop_back();
  std::string fraction;
  size_t dot = t.find('.');
  if (dot != std::string::npos) {
    fraction = t.substr(dot + 1);
    t.resize(dot);
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  }
  // A time part with minutes only gets ":00" seconds.
  size_t space = t.find(' ');
  std::string_view time =
      space == std::string::npos ? std::string_view(t) : std::string_view(t).substr(space + 1);
  if (std::count(time.begin(), time.end(), ':') == 1) t += ":00";
  return fraction.empty() ? t : t + "." + fraction;
}

}  // namespace

bool ValueMatches(const client::Value& actual, const std::optional<std::string>& expected) {
  using K = client::Value::Kind;
  if (actual.kind == K::kNull || !expected.has_value()) {
    if (!expected.has_value()) return actual.kind == K::kNull;
    return absl::AsciiStrToLower(ToAbsl(*expected)) == "null" && actual.kind == K::kNull;
  }
  const std::string& e = *expected;
  switch (actual.kind) {
    case K::kBool: {
      std::string v = absl::AsciiStrToLower(ToAbsl(e));
      return (v == "true" || v == "1") == actual.bool_value &&
             (v == "true" || v == "false" || v == "1" || v == "0");
    }
    case K::kInt: {
      int64_t v = 0;
      if (absl::SimpleAtoi(ToAbsl(e), &v)) return v == actual.int_value;
      std::optional<std::string> d = CanonicalDecimal(e);
      return d.has_value() && *d == std::to_string(actual.int_value);
    }
    case K::kDouble: {
      double v = 0;
      if (!absl::SimpleAtod(ToAbsl(e), &v)) return false;
      if (v == actual.double_value) return true;
      return std::fabs(v - actual.double_value) <= 1e-9 * std::max(1.0, std::fabs(v));
    }
    case K::kDecimal: {
      std::optional<std::string> a = CanonicalDecimal(actual.text), x = CanonicalDecimal(e);
      return a.has_value() && x.has_value() && *a == *x;
    }
    case K::kString:
    case K::kBytes:
    case K::kRaw:
      return actual.text == e;
    case K::kDate:
    case K::kTime:
    case K::kTimestamp:
    case K::kTimestampLtz:
      return CanonicalTemporal(actual.ToString()) == CanonicalTemporal(e);
    default:
      return actual.ToString() == e;
  }
}

std::string RenderDiff(const std::vector<std::string>& columns,
                       const std::vector<std::vector<std::optional<std::string>>>& both,
                       const std::vector<std::vector<std::optional<std::string>>>& actual_only,
                       const std::vector<std::vector<std::optional<std::string>>>& expected_only) {
  std::vector<size_t> width(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) width[c] = columns[c].size();
  auto text = [](const std::optional<std::string>& v) { return v.has_value() ? *v : std::string("NULL"); };
  for (const auto* rows : {&both, &actual_only, &expected_only}) {
    for (const auto& row : *rows) {
      for (size_t c = 0; c < columns.size() && c < row.size(); ++c)
        width[c] = std::max(width[c], text(row[c]).size());
    }
  }
  auto line = [&](std::string_view marker, const std::vector<std::string>& cells) {
    std::string out = fmt::format("{:<3}", marker);
    for (size_t c = 0; c < cells.size(); ++c) {
      out +=
          c + 1 == cells.size() ? fmt::format(",{}", cells[c]) : fmt::format(",{:<{}}", cells[c], width[c]);
    }
    return out;
  };
  std::vector<std::string> lines{line("@@", columns)};
  auto add = [&](std::string_view marker, const std::vector<std::vector<std::optional<std::string>>>& rows) {
    for (const auto& row : rows) {
      std::vector<std::string> cells;
      for (size_t c = 0; c < columns.size(); ++c) cells.push_back(c < row.size() ? text(row[c]) : "NULL");
      lines.push_back(line(marker, cells));
    }
  };
  add("", both);
  add("+++", actual_only);
  add("---", expected_only);
  return "actual differs from expected:\n\n" + absl::StrJoin(lines, "\n");
}

std::string ReplaceRelations(std::string sql, const std::map<std::string, std::string>& replacements) {
  for (const auto& [from, to] : replacements) {
    if (from.empty()) continue;
    size_t pos = 0;
    while ((pos = sql.find(from, pos)) != std::string::npos) {
      sql.replace(pos, from.size(), to);
      pos += to.size();
    }
  }
  return sql;
}

}  // namespace flinkdbt::testing
