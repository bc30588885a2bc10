// Engine throughput over 1,000,000 generated rows (tumbling-window aggregation, a join, a Top-N),
// peak memory (max RSS), and the 3-statement unit-test fixture round trip (CREATE LIKE, INSERT 10
// rows, query). A plain C++ loop summing the same rows is measured in the same run as the
// reference the engine numbers can be compared with. peak_rss_MB is the process's maximum RSS: run
// one benchmark per process (--benchmark_filter=BM_JoinWithDimension) to read a query's own peak.
#include <sys/resource.h>

#include <cstdlib>

#include "benchmark/benchmark.h"
#include "flinkdbt/engine/engine.h"

namespace flinkdbt::engine {
namespace {

const int64_t kRows = getenv("FLINKDBT_BENCH_ROWS") ? atoll(getenv("FLINKDBT_BENCH_ROWS")) : 1000000;

EngineOptions Fixed() {
  EngineOptions o;
  o.now = [] { return int64_t{1704067200000}; };
  return o;
}

// events(k INT, v BIGINT, ts TIMESTAMP(3)) with kRows rows, 1000 keys, one row per 10 ms.
void Populate(Engine& engine) {
  auto r = engine.Execute("CREATE TABLE events (k INT, v BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)");
  if (!r.ok()) std::abort();
  auto obj = engine.catalog().Find({"default_catalog", "default_database", "events"});
  obj->data.log.reserve(kRows);
  obj->data.rowtimes.reserve(kRows);
  for (int64_t i = 0; i < kRows; ++i) {
    int64_t ts = 1704067200000 + i * 10;
    obj->data.log.push_back(
        Change{RowKind::kInsert, {Value::Int(i % 1000), Value::Int(i % 97), Value::Timestamp(ts)}});
    obj->data.rowtimes.push_back(ts);
  }
  r = engine.Execute("CREATE TABLE keys (k INT, name STRING)");
  auto keys = engine.catalog().Find({"default_catalog", "default_database", "keys"});
  for (int64_t i = 0; i < 1000; ++i) {
    keys->data.log.push_back(
        Change{RowKind::kInsert, {Value::Int(i), Value::String("key-" + std::to_string(i))}});
    keys->data.rowtimes.push_back(0);
  }
}

void ReportMemory(benchmark::State& state) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  state.counters["peak_rss_MB"] = static_cast<double>(ru.ru_maxrss) / 1024.0;
}

void RunQuery(benchmark::State& state, const char* sql) {
  Engine engine(Fixed());
  Populate(engine);
  for (auto _ : state) {
    auto r = engine.Execute(sql);
    if (!r.ok()) {
      state.SkipWithError(std::string(r.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(r->rows.size());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
  ReportMemory(state);
}

void BM_Reference_SumLoop(benchmark::State& state) {
  std::vector<std::pair<int64_t, int64_t>> rows;
  rows.reserve(kRows);
  for (int64_t i = 0; i < kRows; ++i) rows.emplace_back(i % 1000, i % 97);
  for (auto _ : state) {
    std::vector<int64_t> sums(1000);
    for (const auto& [k, v] : rows) sums[k] += v;
    benchmark::DoNotOptimize(sums.data());
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_Reference_SumLoop)->Unit(benchmark::kMillisecond);

void BM_TumbleWindowAggregation(benchmark::State& state) {
  RunQuery(state,
           "SELECT window_start, window_end, SUM(v) AS total, COUNT(*) AS n FROM TABLE(TUMBLE(TABLE events, "
           "DESCRIPTOR(ts), "
           "INTERVAL '1' MINUTE)) GROUP BY window_start, window_end");
}
BENCHMARK(BM_TumbleWindowAggregation)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_TumbleWindowAggregationByKey(benchmark::State& state) {
  RunQuery(
      state,
      "SELECT window_start, window_end, k, SUM(v) AS total FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(ts), "
      "INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, k");
}
BENCHMARK(BM_TumbleWindowAggregationByKey)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_JoinWithDimension(benchmark::State& state) {
  RunQuery(state, "SELECT e.v, d.name FROM events e JOIN keys d ON e.k = d.k WHERE e.v > 90");
}
BENCHMARK(BM_JoinWithDimension)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_TopN(benchmark::State& state) {
  RunQuery(state,
           "SELECT k, v, rn FROM (SELECT k, v, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM "
           "events) WHERE rn <= 3");
}
BENCHMARK(BM_TopN)->Unit(benchmark::kMillisecond)->Iterations(3);

// The unit-test fixture round trip: CREATE TABLE ... LIKE, INSERT 10 rows, query.
void BM_FixtureRoundTrip(benchmark::State& state) {
  Engine engine(Fixed());
  if (!engine
           .Execute("CREATE TABLE src (order_id BIGINT, customer_id INT, price DECIMAL(10, 2), ts "
                    "TIMESTAMP(3), WATERMARK FOR ts AS ts)")
           .ok())
    std::abort();
  int64_t n = 0;
  for (auto _ : state) {
    std::string name = "fixture_" + std::to_string(n++);
    auto a = engine.Execute("CREATE TABLE " + name + " LIKE src (EXCLUDING OPTIONS)");
    auto b = engine.Execute(
        "INSERT INTO " + name +
        " VALUES (1, 100, 29.99, TIMESTAMP '2024-01-15 10:00:00'), (2, 101, 49.99, TIMESTAMP '2024-01-15 "
        "10:05:00'), "
        "(3, 100, 9.99, TIMESTAMP '2024-01-15 10:06:00'), (4, 102, 19.99, TIMESTAMP '2024-01-15 10:07:00'), "
        "(5, 103, 5.00, TIMESTAMP '2024-01-15 10:08:00'), (6, 100, 7.50, TIMESTAMP '2024-01-15 10:09:00'), "
        "(7, 104, 3.25, TIMESTAMP '2024-01-15 10:10:00'), (8, 101, 1.00, TIMESTAMP '2024-01-15 10:11:00'), "
        "(9, 105, 2.00, TIMESTAMP '2024-01-15 10:12:00'), (10, 100, 4.00, TIMESTAMP '2024-01-15 10:13:00')");
    auto c = engine.Execute("SELECT customer_id, SUM(price) AS total_spent, COUNT(*) AS order_count FROM " +
                            name + " GROUP BY customer_id");
    if (!a.ok() || !b.ok() || !c.ok()) {
      state.SkipWithError("fixture statement failed");
      return;
    }
    benchmark::DoNotOptimize(c->rows.size());
    state.PauseTiming();
    (void)engine.Execute("DROP TABLE " + name);
    state.ResumeTiming();
  }
}
BENCHMARK(BM_FixtureRoundTrip)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace flinkdbt::engine

BENCHMARK_MAIN();
