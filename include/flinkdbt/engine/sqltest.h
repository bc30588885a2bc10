// Runs SQL test files (the format of ../shared/conformance/flink-docs/) against a fresh Engine per
// file. A file is a sequence of blocks separated by blank lines:
//
//   statement ok                    statement error [expected message substring]
//   <one statement>                 <one statement>
//
//   query [sqlite]
//   <SELECT ...>
//   ----
//   col1|col2            (an `op` first column compares the changelog: +I/-U/+U/-D, or +/-)
//   v|v
//
// `#` lines are comments; a `# mode: batch` line makes `op` results compare the final table as
// +I rows. Results compare as multisets unless the query has ORDER BY or compares a changelog.
// `statement ok sqlite` / `query sqlite` blocks are also run through the sqlite3 CLI when a
// cross-check is requested, and SQLite's rows must equal the expected rows too.
#ifndef FLINKDBT_ENGINE_SQLTEST_H_
#define FLINKDBT_ENGINE_SQLTEST_H_

#include <set>
#include <string>
#include <vector>

namespace flinkdbt::engine {

struct SqlTestOptions {
  // Blocks to skip as known divergences: "file_name" (whole file) or "file_name:line".
  std::set<std::string> known_divergences;
  // Path of the sqlite3 CLI for `sqlite` blocks; empty: no cross-check.
  std::string sqlite3;
};

struct SqlTestFailure {
  std::string file;
  int line = 0;
  std::string message;
};

struct SqlTestReport {
  int passed = 0;
  int failed = 0;
  int skipped = 0;  // known divergences
  int sqlite_checked = 0;
  std::vector<SqlTestFailure> failures;
};

// Runs one file (a fresh engine), adding to `report`.
void RunSqlTestFile(const std::string& path, const SqlTestOptions& options, SqlTestReport* report);

// Reads a known-divergences file: one entry per line, "<file>[:<line>]  <reason>"; '#' comments.
std::set<std::string> ReadKnownDivergences(const std::string& path);

}  // namespace flinkdbt::engine

#endif  // FLINKDBT_ENGINE_SQLTEST_H_
