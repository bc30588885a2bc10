// flinkdbt-sqlcheck: a developer tool for the sql layer. Reads Flink SQL from a file (or stdin with
// "-") and prints, per statement, the canonical SQL the printer produces (--dump: the AST dump).
// With --check, statements are also type-checked in order against an in-memory catalog (CREATE
// TABLE/VIEW statements add to it; the `examples` catalog is available) and the derived schema or
// the diagnostics are printed. Exit code 0 when everything parsed (and checked), 2 otherwise.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "flinkdbt/base/status.h"
#include "flinkdbt/sql/catalog.h"
#include "flinkdbt/sql/checker.h"
#include "flinkdbt/sql/parser.h"
#include "flinkdbt/sql/printer.h"

int main(int argc, char** argv) {
  std::string path = "-";
  bool dump = false;
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--dump") {
      dump = true;
    } else if (a == "--check") {
      check = true;
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
  auto examples = flinkdbt::sql::MakeExamplesCatalog();
  flinkdbt::sql::InMemoryCatalog catalog;
  catalog.set_fallback(examples.get());
  int rc = 0;
  for (auto& st : script->statements) {
    std::cout << (dump ? flinkdbt::sql::Dump(*st) : flinkdbt::sql::ToSql(*st)) << ";\n";
    if (!check) continue;
    auto result = flinkdbt::sql::CheckStatement(std::move(st), catalog);
    for (const auto& d : result.diagnostics) {
      absl::Status s = flinkdbt::sql::DiagnosticToStatus(d, path);
      std::cout << flinkdbt::FormatDiagnostic(
                       s, sql, d.severity == flinkdbt::sql::Severity::kError ? "error" : "note")
                << "\n";
      if (d.severity == flinkdbt::sql::Severity::kError) rc = 2;
    }
    for (const auto& c : result.schema) {
      std::cout << "  -- " << c.name << " " << flinkdbt::sql::TypeToString(c.type) << "\n";
    }
    if (auto rel = flinkdbt::sql::RelationFromDdl(result)) catalog.Add(std::move(*rel));
  }
  return rc;
}
