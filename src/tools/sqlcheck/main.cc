// flinkdbt-sqlcheck: a developer tool for the sql layer. Reads Flink SQL from a file (or stdin with
// "-") and prints, per statement, the canonical SQL the printer produces (--dump: the AST dump).
// Exit code 0 when everything parsed, 2 on a syntax error (printed with line, column and caret).
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "flinkdbt/base/status.h"
#include "flinkdbt/sql/parser.h"
#include "flinkdbt/sql/printer.h"

int main(int argc, char** argv) {
  std::string path = "-";
  bool dump = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--dump") {
      dump = true;
    } else {
      path = a;
    }
  }
  std::stringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::cerr << path << ": cannot open\n";
      return 2;
    }
    ss << in.rdbuf();
  }
  std::string sql = ss.str();
  auto script = flinkdbt::sql::ParseScript(sql);
  if (!script.ok()) {
    absl::Status s = flinkdbt::WithLocation(script.status(), [&] {
      auto loc = flinkdbt::GetLocation(script.status()).value_or(flinkdbt::SourceLocation{});
      loc.file = path;
      return loc;
    }());
    std::cerr << flinkdbt::FormatDiagnostic(s, sql) << "\n";
    return 2;
  }
  for (const auto& st : script->statements) {
    std::cout << (dump ? flinkdbt::sql::Dump(*st) : flinkdbt::sql::ToSql(*st)) << ";\n";
  }
  return 0;
}
