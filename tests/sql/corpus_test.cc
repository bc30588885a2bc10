// The data-driven SQL corpus: every tests/sql/corpus/*.test file is a list of blank-line-separated
// cases, run top to bottom against one catalog per file (CREATE TABLE/VIEW cases add to it; the
// `examples` catalog is always available):
//
//   ok                                  the statement parses, round-trips through the printer and
//   <sql>                               checks with no error and nothing unchecked
//   ----                                optional: the derived output schema, one "name TYPE" per
//   name TYPE                           line, TYPE as TypeToString prints it
//
//   unchecked                           parses, round-trips, no error, but something unchecked
//   <sql>
//
//   error <code> <line>:<col> <text>    the first error has this code (DiagnosticCodeName, or
//   <sql>                               "syntax") at this position and its message contains <text>
//
// Lines starting with "#" outside a case are comments. A case's SQL has no blank lines.
#include <filesystem>
#include <string>
#include <vector>

#include "flinkdbt/sql/catalog.h"
#include "flinkdbt/sql/checker.h"
#include "fmt/format.h"
#include "gtest/gtest.h"
#include "sql_test_util.h"

namespace flinkdbt::sql {
namespace {

struct Case {
  std::string header;
  std::string sql;
  std::vector<std::string> schema;
  bool has_schema = false;
  std::string file;
  int line = 0;
};

std::vector<Case> LoadCases(const std::string& path) {
  std::vector<Case> cases;
  std::string text = testing::ReadFile(path);
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty() || lines[i][0] == '#') continue;
    Case c;
    c.file = std::filesystem::path(path).filename().string();
    c.line = static_cast<int>(i + 1);
    c.header = lines[i];
    size_t j = i + 1;
    for (; j < lines.size() && !lines[j].empty() && lines[j] != "----"; ++j) c.sql += lines[j] + "\n";
    if (j < lines.size() && lines[j] == "----") {
      c.has_schema = true;
      for (++j; j < lines.size() && !lines[j].empty(); ++j) c.schema.push_back(lines[j]);
    }
    cases.push_back(std::move(c));
    i = j;
  }
  return cases;
}

std::string Describe(const ValidationResult& r) {
  std::string out;
  for (const Diagnostic& d : r.diagnostics) {
    out += fmt::format("\n  {}:{}: [{}] {}", d.line, d.column, DiagnosticCodeName(d.code), d.message);
  }
  for (const Column& c : r.schema) out += fmt::format("\n  schema: {} {}", c.name, TypeToString(c.type));
  return out;
}

class SqlCorpus : public ::testing::Test {};

TEST_F(SqlCorpus, AllCases) {
  std::string dir = FLINKDBT_SOURCE_DIR "/tests/sql/corpus";
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".test") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  int total = 0, valid = 0, invalid = 0;
  auto examples = MakeExamplesCatalog();
  for (const std::string& path : files) {
    InMemoryCatalog catalog;
    catalog.set_fallback(examples.get());
    for (const Case& c : LoadCases(path)) {
      ++total;
      std::string where = fmt::format("{}:{}\n{}", c.file, c.line, c.sql);
      std::vector<std::string> words;
      {
        size_t p = 0;
        while (p < c.header.size() && words.size() < 3) {
          size_t sp = c.header.find(' ', p);
          if (sp == std::string::npos) sp = c.header.size();
          words.push_back(c.header.substr(p, sp - p));
          p = sp + 1;
        }
        if (p < c.header.size()) words.push_back(c.header.substr(p));
      }
      ValidationResult r = ValidateModelSql(c.sql, catalog);
      if (words[0] == "ok" || words[0] == "unchecked") {
        ++valid;
        EXPECT_EQ(testing::RoundTrip(c.sql), "") << where;
        CheckOutcome want = words[0] == "ok" ? CheckOutcome::kOk : CheckOutcome::kUnchecked;
        EXPECT_EQ(r.outcome, want) << where << Describe(r);
        if (c.has_schema) {
          std::vector<std::string> got;
          for (const Column& col : r.schema) got.push_back(col.name + " " + TypeToString(col.type));
          EXPECT_EQ(got, c.schema) << where << Describe(r);
        }
        if (auto rel = RelationFromDdl(r)) catalog.Add(std::move(*rel));
      } else if (words[0] == "error") {
        ++invalid;
        ASSERT_GE(words.size(), 3u) << "malformed case header: " << where;
        EXPECT_EQ(r.outcome, CheckOutcome::kError) << where << Describe(r);
        const Diagnostic* first = nullptr;
        for (const Diagnostic& d : r.diagnostics) {
          if (d.severity == Severity::kError) {
            first = &d;
            break;
          }
        }
        if (!first) continue;
        EXPECT_EQ(DiagnosticCodeName(first->code), words[1]) << where << Describe(r);
        EXPECT_EQ(fmt::format("{}:{}", first->line, first->column), words[2]) << where << Describe(r);
        if (words.size() > 3) {
          EXPECT_NE(first->message.find(words[3]), std::string::npos)
              << where << "expected message containing: " << words[3] << Describe(r);
        }
      } else {
        ADD_FAILURE() << "unknown case kind '" << words[0] << "' at " << where;
      }
    }
  }
  // The corpus is the acceptance bar for the sql layer: keep it large.
  EXPECT_GE(total, 500);
  EXPECT_GE(invalid, 80);
  RecordProperty("cases", total);
  std::cout << "[ corpus   ] " << total << " cases (" << valid << " valid, " << invalid << " invalid) in "
            << files.size() << " files\n";
}

}  // namespace
}  // namespace flinkdbt::sql
