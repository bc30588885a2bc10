// Runs every statement and query of ../shared/conformance/flink-docs/*.test through the parser,
// the printer (round trip) and the checker. The file's CREATE [TEMPORARY] VIEW statements define
// the catalog the later queries are checked against; `# event-time:` lines mark the rowtime
// columns the docs' tables have. Where the docs print a column header, the derived column names
// must match it (except Flink's EXPR$n names for unaliased expressions).
#include <cctype>
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

struct Block {
  bool is_query = false;
  std::string sql;
  std::string header;  // first line after ---- (queries)
  int line = 0;
};

struct DocFile {
  std::string path;
  std::vector<std::string> event_time;  // raw "# event-time:" lines
  std::vector<Block> blocks;
};

DocFile Load(const std::string& path) {
  DocFile f;
  f.path = path;
  std::string text = testing::ReadFile(path);
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& l = lines[i];
    if (l.rfind("# event-time:", 0) == 0) f.event_time.push_back(l);
    if (l == "statement ok" || l == "query") {
      Block b;
      b.is_query = l == "query";
      b.line = static_cast<int>(i + 2);
      size_t j = i + 1;
      for (; j < lines.size() && !lines[j].empty() && lines[j] != "----"; ++j) b.sql += lines[j] + "\n";
      if (j < lines.size() && lines[j] == "----" && j + 1 < lines.size()) b.header = lines[j + 1];
      f.blocks.push_back(std::move(b));
      i = j;
    }
  }
  return f;
}

std::vector<std::string> DocFiles() {
  std::vector<std::string> out;
  std::string dir = FLINKDBT_SHARED_DIR "/conformance/flink-docs";
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".test") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(FlinkDocsCorpus, EveryBlockParsesAndRoundTrips) {
  std::vector<std::string> files = DocFiles();
  ASSERT_FALSE(files.empty()) << "conformance corpus not found";
  int blocks = 0;
  for (const std::string& path : files) {
    DocFile f = Load(path);
    for (const Block& b : f.blocks) {
      ++blocks;
      std::string problem = testing::RoundTrip(b.sql);
      EXPECT_EQ(problem, "") << path << ":" << b.line << "\n" << b.sql;
    }
  }
  EXPECT_GT(blocks, 80);
}

// "Bid.bidtime" style references in the file's `# event-time:` lines.
std::vector<std::pair<std::string, std::string>> EventTimeColumns(const DocFile& f) {
  std::vector<std::pair<std::string, std::string>> out;
  auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (const std::string& line : f.event_time) {
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] != '.' || i == 0 || i + 1 >= line.size()) continue;
      size_t a = i, b = i + 1;
      while (a > 0 && ident(line[a - 1])) --a;
      while (b < line.size() && ident(line[b])) ++b;
      if (a < i && b > i + 1) out.emplace_back(line.substr(a, i - a), line.substr(i + 1, b - i - 1));
    }
  }
  return out;
}

std::string Describe(const ValidationResult& r) {
  std::string out;
  for (const Diagnostic& d : r.diagnostics) {
    out += fmt::format("  {}:{}: {} [{}]\n", d.line, d.column, d.message, DiagnosticCodeName(d.code));
  }
  return out;
}

TEST(FlinkDocsCorpus, EveryBlockTypeChecks) {
  int queries = 0, headers_compared = 0;
  for (const std::string& path : DocFiles()) {
    DocFile f = Load(path);
    InMemoryCatalog catalog;
    auto marks = EventTimeColumns(f);
    for (const Block& b : f.blocks) {
      ValidationResult r = ValidateModelSql(b.sql, catalog);
      EXPECT_EQ(r.outcome, CheckOutcome::kOk) << path << ":" << b.line << "\n" << b.sql << Describe(r);
      if (!b.is_query) {
        if (auto rel = RelationFromDdl(r)) {
          for (const auto& [table, column] : marks) {
            if (table != rel->name) continue;
            for (CatalogColumn& c : rel->columns) {
              if (c.name == column) c.type.time_attribute = TimeAttribute::kRowtime;
            }
            rel->watermark_column = column;
          }
          catalog.Add(std::move(*rel));
        }
        continue;
      }
      ++queries;
      // Column names against the header the docs print (Flink names unaliased expressions
      // EXPR$n, which the docs show as the expression text).
      std::vector<std::string> header;
      size_t pos = 0;
      while (pos <= b.header.size()) {
        size_t bar = b.header.find('|', pos);
        if (bar == std::string::npos) bar = b.header.size();
        header.push_back(b.header.substr(pos, bar - pos));
        pos = bar + 1;
      }
      if (!header.empty() && header[0] == "op") header.erase(header.begin());  // changelog kind column
      ASSERT_EQ(header.size(), r.schema.size()) << path << ":" << b.line << " header " << b.header;
      for (size_t i = 0; i < header.size(); ++i) {
        if (r.schema[i].name.rfind("EXPR$", 0) == 0) continue;
        EXPECT_EQ(r.schema[i].name, header[i]) << path << ":" << b.line;
        ++headers_compared;
      }
    }
  }
  EXPECT_GT(queries, 60);
  EXPECT_GT(headers_compared, 150);
}

}  // namespace
}  // namespace flinkdbt::sql
