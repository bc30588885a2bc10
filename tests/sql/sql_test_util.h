// Helpers shared by the sql layer's test drivers.
#ifndef FLINKDBT_TESTS_SQL_SQL_TEST_UTIL_H_
#define FLINKDBT_TESTS_SQL_SQL_TEST_UTIL_H_

#include <fstream>
#include <sstream>
#include <string>

#include "flinkdbt/sql/parser.h"
#include "flinkdbt/sql/printer.h"

namespace flinkdbt::sql::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Parses `sql` as one statement, prints it, parses the printed text and compares the two trees'
// Dump(). Returns "" on success, else what went wrong.
inline std::string RoundTrip(const std::string& sql) {
  auto first = ParseStatement(sql);
  if (!first.ok()) return "parse failed: " + std::string(first.status().message());
  std::string printed = ToSql(**first);
  auto second = ParseStatement(printed);
  if (!second.ok()) {
    return "printed SQL does not parse: " + std::string(second.status().message()) +
           "\n  printed: " + printed;
  }
  std::string d1 = Dump(**first), d2 = Dump(**second);
  if (d1 != d2)
    return "round trip changed the tree\n  printed: " + printed + "\n  before: " + d1 + "\n  after:  " + d2;
  if (ToSql(**second) != printed) return "printer is not a fixed point: " + printed;
  return "";
}

}  // namespace flinkdbt::sql::testing

#endif  // FLINKDBT_TESTS_SQL_SQL_TEST_UTIL_H_
