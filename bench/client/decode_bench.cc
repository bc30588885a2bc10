// Decoding a 1,000,000-row result (100 pages of 10,000 rows, six typed columns) into typed rows,
// against simdjson's raw DOM parse of the same bytes as the ceiling. Both report rows/s.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/client/wire.h"
#include "fmt/format.h"
#include "simdjson.h"

namespace flinkdbt::client {
namespace {

constexpr int kPages = 100;
constexpr int kRowsPerPage = 10000;

std::vector<Column> Schema() {
  DataType dec = DataType::Of("DECIMAL");
  dec.precision = 10;
  dec.scale = 2;
  DataType ts = DataType::Of("TIMESTAMP_WITHOUT_TIME_ZONE");
  ts.precision = 3;
  return {
      {"id", DataType::Of("BIGINT", false)}, {"name", DataType::Of("VARCHAR")}, {"price", dec}, {"ts", ts},
      {"flag", DataType::Of("BOOLEAN")},     {"score", DataType::Of("DOUBLE")}};
}

const std::vector<std::string>& Pages() {
  static const std::vector<std::string>* pages = [] {
    auto* out = new std::vector<std::string>();
    int64_t id = 0;
    for (int p = 0; p < kPages; ++p) {
      std::string s =
          R"({"api_version":"sql/v1","kind":"StatementResult","metadata":{"next":"http://h/r?page_token=x"},"results":{"data":[)";
      for (int r = 0; r < kRowsPerPage; ++r, ++id) {
        if (r) s += ',';
        s += fmt::format(
            R"({{"op":{},"row":["{}","customer-{}","{}.{:02d}","2024-01-{:02d} 12:{:02d}:{:02d}.{:03d}","{}","{}"]}})",
            id % 7 == 0 ? 2 : 0, id, id % 1000, id % 100000, id % 100, id % 28 + 1, id % 60, id % 60,
            id % 1000, id % 2 ? "TRUE" : "FALSE", FormatDoubleShortest(static_cast<double>(id) / 7.0));
      }
      s += "]}}";
      out->push_back(std::move(s));
    }
    return out;
  }();
  return *pages;
}

void SetCounters(benchmark::State& state) {
  size_t bytes = 0;
  for (const std::string& p : Pages()) bytes += p.size();
  state.SetItemsProcessed(state.iterations() * kPages * kRowsPerPage);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

void BM_RawSimdjsonParse(benchmark::State& state) {
  const auto& pages = Pages();
  simdjson::dom::parser parser;
  for (auto _ : state) {
    for (const std::string& p : pages) {
      simdjson::dom::element doc;
      if (parser.parse(p).get(doc) != simdjson::SUCCESS) state.SkipWithError("parse failed");
      benchmark::DoNotOptimize(doc);
    }
  }
  SetCounters(state);
}
BENCHMARK(BM_RawSimdjsonParse)->Unit(benchmark::kMillisecond);

void BM_DecodeTypedRows(benchmark::State& state) {
  const auto& pages = Pages();
  const auto schema = Schema();
  ResultDecoder decoder;
  for (auto _ : state) {
    size_t rows = 0;
    for (const std::string& p : pages) {
      auto page = decoder.Decode(p, schema);
      if (!page.ok()) {
        state.SkipWithError(std::string(page.status().message()).c_str());
        return;
      }
      rows += page->rows.size();
      benchmark::DoNotOptimize(page->rows.data());
    }
    if (rows != static_cast<size_t>(kPages) * kRowsPerPage) state.SkipWithError("row count");
  }
  SetCounters(state);
}
BENCHMARK(BM_DecodeTypedRows)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace flinkdbt::client

BENCHMARK_MAIN();
