// JsonWriter throughput on an artifact-shaped document (manifest nodes), against fmt-built JSON of the
// same shape without escaping checks as the ceiling, measured in the same run.
#include <benchmark/benchmark.h>

#include <string>

#include "flinkdbt/base/json_writer.h"
#include "fmt/format.h"

namespace {

constexpr int kNodes = 1000;

void BM_JsonWriterManifestNodes(benchmark::State& state) {
  size_t bytes = 0;
  for (auto _ : state) {
    flinkdbt::JsonWriter w;
    w.BeginObject().Key("nodes").BeginObject();
    for (int i = 0; i < kNodes; ++i) {
      w.Key(fmt::format("model.my_flink_project.model_{}", i)).BeginObject()
          .Field("name", fmt::format("model_{}", i))
          .Field("raw_code", "SELECT\n  `order_id`,\n  `price`\nFROM {{ ref('stg_orders') }}\nWHERE price > 0\n")
          .Field("checksum", 0.5)
          .Key("tags").BeginArray().String("nightly").String("caf\xc3\xa9").EndArray()
          .EndObject();
    }
    w.EndObject().EndObject();
    bytes += w.str().size();
    benchmark::DoNotOptimize(w.str().data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_JsonWriterManifestNodes);

// The same bytes appended with fmt and no escaping: what any writer costs at the least.
void BM_FmtAppendCeiling(benchmark::State& state) {
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out = "{\"nodes\":{";
    for (int i = 0; i < kNodes; ++i) {
      fmt::format_to(std::back_inserter(out),
                     "\"model.my_flink_project.model_{}\":{{\"name\":\"model_{}\",\"raw_code\":\"SELECT\\n  "
                     "`order_id`,\\n  `price`\\nFROM {{{{ ref('stg_orders') }}}}\\nWHERE price > "
                     "0\\n\",\"checksum\":0.5,\"tags\":[\"nightly\",\"caf\\u00e9\"]}},",
                     i, i);
    }
    out += "}}";
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_FmtAppendCeiling);

}  // namespace

BENCHMARK_MAIN();
