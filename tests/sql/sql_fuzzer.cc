// libFuzzer target for the sql layer's lexer and parser (and, on what parses, the printer and the
// checker): no input may crash, hang or trip a sanitizer, and every statement that parses must
// print to SQL that parses back to the same tree (equal Dump()).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "flinkdbt/sql/catalog.h"
#include "flinkdbt/sql/checker.h"
#include "flinkdbt/sql/parser.h"
#include "flinkdbt/sql/printer.h"
#include "sql/lexer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace flinkdbt::sql;
  if (size > 64 * 1024) return 0;
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  (void)Tokenize(sql);
  auto script = ParseScript(sql);
  if (!script.ok()) return 0;
  static const auto* examples = MakeExamplesCatalog().release();
  for (auto& st : script->statements) {
    std::string printed = ToSql(*st);
    auto again = ParseStatement(printed);
    if (!again.ok()) {
      std::fprintf(stderr, "printed SQL does not parse: %s\n%s\n",
                   std::string(again.status().message()).c_str(), printed.c_str());
      std::abort();
    }
    if (Dump(*st) != Dump(**again)) {
      std::fprintf(stderr, "round trip changed the tree:\n%s\n%s\n%s\n", printed.c_str(), Dump(*st).c_str(),
                   Dump(**again).c_str());
      std::abort();
    }
    InMemoryCatalog catalog;
    catalog.set_fallback(examples);
    ValidationResult r = CheckStatement(std::move(st), catalog);
    (void)r;
  }
  return 0;
}
