// flinkdbt-sqltest FILE... — runs SQL test files (statement/query blocks with expected rows) on
// the embedded engine, each file in a fresh engine. Prints one line per failing block and a last
// line "N passed, M failed"; exits 1 on any failure.
//
//   --known-divergences FILE   skip the blocks/files listed there (with their reasons)
//   --sqlite3 PATH             also run `sqlite` blocks through the sqlite3 CLI and compare
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "flinkdbt/engine/sqltest.h"

int main(int argc, char** argv) {
  flinkdbt::engine::SqlTestOptions options;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--known-divergences" && i + 1 < argc) {
      options.known_divergences = flinkdbt::engine::ReadKnownDivergences(argv[++i]);
    } else if (a == "--sqlite3" && i + 1 < argc) {
      options.sqlite3 = argv[++i];
    } else if (a == "-h" || a == "--help") {
      std::printf("usage: flinkdbt-sqltest [--known-divergences FILE] [--sqlite3 PATH] FILE...\n");
      return 0;
    } else {
      files.push_back(a);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: flinkdbt-sqltest [--known-divergences FILE] [--sqlite3 PATH] FILE...\n");
    return 2;
  }
  flinkdbt::engine::SqlTestReport report;
  for (const auto& f : files) flinkdbt::engine::RunSqlTestFile(f, options, &report);
  for (const auto& fl : report.failures)
    std::printf("%s:%d: FAILED: %s\n", fl.file.c_str(), fl.line, fl.message.c_str());
  if (report.skipped > 0) std::printf("%d skipped as known divergences\n", report.skipped);
  if (!options.sqlite3.empty())
    std::printf("%d queries cross-checked against SQLite\n", report.sqlite_checked);
  std::printf("%d passed, %d failed\n", report.passed, report.failed);
  return report.failed > 0 ? 1 : 0;
}
