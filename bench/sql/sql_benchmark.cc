// Throughput of the sql layer over the valid statements of tests/sql/corpus (Flink and Confluent
// documentation style SQL), repeated to ~2 MB: lexing, parsing, parsing + printing, and checking,
// each in MB/s of SQL text (bytes_per_second); plus the time to validate a 10,000-model project.
// BM_ReferenceScan (one memchr pass over the same text) is the ceiling the others are read against.
#include <benchmark/benchmark.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "flinkdbt/sql/catalog.h"
#include "flinkdbt/sql/checker.h"
#include "flinkdbt/sql/parser.h"
#include "flinkdbt/sql/printer.h"
#include "fmt/format.h"
#include "sql/lexer.h"

namespace {

using namespace flinkdbt::sql;

// The SQL of every "ok"/"unchecked" case of the corpus, in file order.
std::vector<std::string> CorpusStatements() {
  std::vector<std::string> out;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(FLINKDBT_SOURCE_DIR "/tests/sql/corpus")) {
    if (e.path().extension() == ".test") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    std::ifstream in(f);
    std::string line;
    bool in_case = false;
    std::string sql;
    auto flush = [&] {
      if (in_case && !sql.empty()) out.push_back(sql);
      in_case = false;
      sql.clear();
    };
    bool in_schema = false;
    while (std::getline(in, line)) {
      if (line.empty()) {
        flush();
        in_schema = false;
        continue;
      }
      if (line == "----") {
        in_schema = true;
        continue;
      }
      if (in_schema) continue;
      if (!in_case && (line == "ok" || line == "unchecked")) {
        in_case = true;
        continue;
      }
      if (in_case) sql += line + "\n";
    }
    flush();
  }
  return out;
}

const std::string& ScriptText() {
  static const std::string* text = [] {
    auto* s = new std::string;
    std::vector<std::string> stmts = CorpusStatements();
    while (s->size() < 2 * 1024 * 1024) {
      for (const auto& st : stmts) *s += st + ";\n";
    }
    return s;
  }();
  return *text;
}

void BM_ReferenceScan(benchmark::State& state) {
  const std::string& text = ScriptText();
  for (auto _ : state) {
    size_t lines = 0;
    const char* p = text.data();
    const char* end = p + text.size();
    while ((p = static_cast<const char*>(std::memchr(p, '\n', end - p))) != nullptr) {
      ++lines;
      ++p;
    }
    benchmark::DoNotOptimize(lines);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ReferenceScan);

void BM_Lex(benchmark::State& state) {
  const std::string& text = ScriptText();
  for (auto _ : state) {
    auto toks = Tokenize(text);
    benchmark::DoNotOptimize(toks);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_Lex)->Unit(benchmark::kMillisecond);

void BM_Parse(benchmark::State& state) {
  const std::string& text = ScriptText();
  for (auto _ : state) {
    auto script = ParseScript(text);
    if (!script.ok()) state.SkipWithError("corpus does not parse");
    benchmark::DoNotOptimize(script);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_Parse)->Unit(benchmark::kMillisecond);

// Each statement parsed on its own, as a model is: the throughput the compile step sees.
void BM_ParseStatements(benchmark::State& state) {
  std::vector<std::string> stmts = CorpusStatements();
  int64_t bytes = 0;
  for (const auto& s : stmts) bytes += static_cast<int64_t>(s.size());
  for (auto _ : state) {
    for (const auto& s : stmts) {
      auto st = ParseStatement(s);
      benchmark::DoNotOptimize(st);
    }
  }
  state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(BM_ParseStatements)->Unit(benchmark::kMillisecond);

void BM_ParseAndPrint(benchmark::State& state) {
  const std::string& text = ScriptText();
  for (auto _ : state) {
    auto script = ParseScript(text);
    std::string printed = ToSql(*script);
    benchmark::DoNotOptimize(printed);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ParseAndPrint)->Unit(benchmark::kMillisecond);

// Parse + check of every statement on its own (as ValidateModelSql runs per model), against a
// catalog holding the examples tables and the corpus' own tables.
void BM_ParseAndCheck(benchmark::State& state) {
  std::vector<std::string> stmts = CorpusStatements();
  auto examples = MakeExamplesCatalog();
  InMemoryCatalog catalog;
  catalog.set_fallback(examples.get());
  for (const auto& s : stmts) {
    ValidationResult r = ValidateModelSql(s, catalog);
    if (auto rel = RelationFromDdl(r)) catalog.Add(std::move(*rel));
  }
  int64_t bytes = 0;
  for (const auto& s : stmts) bytes += static_cast<int64_t>(s.size());
  for (auto _ : state) {
    for (const auto& s : stmts) {
      ValidationResult r = ValidateModelSql(s, catalog);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetBytesProcessed(state.iterations() * bytes);
}
BENCHMARK(BM_ParseAndCheck)->Unit(benchmark::kMillisecond);

// A 10,000-model project: 2,000 staging models over the examples tables, 4,000 intermediate
// models joining or filtering staging models, 4,000 marts aggregating intermediate models over
// window TVFs; each model is validated against a catalog that holds its upstream models' derived
// schemas (as the compile layer records them). The iteration time is the project's validation time.
void BM_Validate10kModels(benchmark::State& state) {
  const int kModels = 10000;
  std::vector<std::string> sqls;
  sqls.reserve(kModels);
  const char* tables[] = {"orders", "customers", "products", "clicks"};
  for (int i = 0; i < 2000; ++i) {
    const char* t = tables[i % 4];
    if (i % 4 == 0) {
      sqls.push_back(fmt::format(
          "SELECT order_id, customer_id, product_id, price * {} AS price, `$rowtime` AS order_time\n"
          "FROM `examples`.`marketplace`.`{}`\nWHERE price > {}",
          1 + i % 3, t, i % 50));
    } else if (i % 4 == 3) {
      sqls.push_back(
          fmt::format("SELECT click_id, user_id, UPPER(url) AS url, view_time, `$rowtime` AS click_time\n"
                      "FROM `examples`.`marketplace`.`{}` WHERE view_time > {}",
                      t, i % 90));
    } else {
      sqls.push_back(
          fmt::format("SELECT *, CHAR_LENGTH(name) AS name_len FROM `examples`.`marketplace`.`{}`", t));
    }
  }
  for (int i = 0; i < 4000; ++i) {
    int stg = (i * 4) % 2000;  // an orders staging model
    int clicks = stg + 3;
    sqls.push_back(
        fmt::format("SELECT o.order_id, o.customer_id, o.price, o.order_time,\n"
                    "  CASE WHEN o.price > 50 THEN 'high' ELSE 'low' END AS band\n"
                    "FROM stg_{} AS o\n"
                    "WHERE o.customer_id IN (SELECT user_id FROM stg_{} WHERE view_time > {})",
                    stg, clicks, i % 60));
  }
  for (int i = 0; i < 4000; ++i) {
    sqls.push_back(
        fmt::format("SELECT window_start, window_end, band, COUNT(*) AS orders, SUM(price) AS revenue,\n"
                    "  AVG(price) AS avg_price, MAX(price) AS max_price\n"
                    "FROM TABLE(TUMBLE(TABLE int_{}, DESCRIPTOR(order_time), INTERVAL '{}' MINUTE))\n"
                    "GROUP BY window_start, window_end, band",
                    i, 1 + i % 59));
  }
  auto examples = MakeExamplesCatalog();
  int64_t bytes = 0;
  for (const auto& s : sqls) bytes += static_cast<int64_t>(s.size());
  int errors = 0;
  for (auto _ : state) {
    InMemoryCatalog catalog;
    catalog.set_fallback(examples.get());
    errors = 0;
    for (int i = 0; i < kModels; ++i) {
      ValidationResult r = ValidateModelSql(sqls[i], catalog);
      if (r.outcome != CheckOutcome::kOk) ++errors;
      Relation rel;
      rel.name = i < 2000   ? fmt::format("stg_{}", i)
                 : i < 6000 ? fmt::format("int_{}", i - 2000)
                            : fmt::format("fct_{}", i - 6000);
      for (const Column& c : r.schema) rel.columns.push_back({c.name, c.type});
      catalog.Add(std::move(rel));
    }
  }
  if (errors != 0) state.SkipWithError("generated models did not validate cleanly");
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["models"] = kModels;
}
BENCHMARK(BM_Validate10kModels)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
