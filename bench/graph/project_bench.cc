// Parse + compile of synthetic projects, and `ls --select +m+` on large graphs.
//
// The synthetic project (SyntheticProject below): N models in folders of 500, each model refs 1-3
// earlier models, one in five also calls a macro of a shared macro library (so it needs the
// Jinja renderer at parse time, the rest go through the static extractor as in dbt), and one
// schema.yml per folder with unique + not_null tests on every model (2N generic tests).
// Reported counters: nodes, peak_rss_MiB (the process's peak RSS so far: run one size per
// process for an exact figure, e.g. --benchmark_filter=ParseCompile/10000/). ParseCompile and
// ParseOnly use the default thread count (hardware concurrency); BM_Phases takes it as an argument.
// Figures: src/graph/README.md.
#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "benchmark/benchmark.h"
#include "flinkdbt/graph/commands.h"

namespace flinkdbt {
namespace {
namespace fs = std::filesystem;

double PeakRssMiB() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

fs::path SyntheticProject(int n) {
  fs::path root = fs::temp_directory_path() / ("flinkdbt_bench_project_" + std::to_string(n));
  if (fs::exists(root / "done")) return root;
  fs::remove_all(root);
  fs::create_directories(root / "macros");
  std::ofstream(root / "dbt_project.yml")
      << "name: bench\nversion: '1.0'\nconfig-version: 2\nprofile: bench\n"
         "models:\n  bench:\n    +materialized: view\n";
  std::ofstream(root / "profiles.yml") << "bench:\n  target: dev\n  outputs:\n    dev:\n      type: local\n";
  std::ofstream macros(root / "macros" / "lib.sql");
  for (int k = 0; k < 20; ++k) {
    macros << "{% macro cents_" << k << "(col) -%}\n  ({{ col }} / " << (k + 1) << ")\n{%- endmacro %}\n\n";
  }
  macros << "{% macro safe_div(a, b) -%}\n  case when {{ b }} = 0 then null else {{ a }} / {{ b }} end\n{%- "
            "endmacro %}\n";
  macros.close();
  std::mt19937 rng(42);
  std::ofstream schema;
  for (int i = 0; i < n; ++i) {
    int folder = i / 500;
    fs::path dir = root / "models" / ("layer_" + std::to_string(folder));
    if (i % 500 == 0) {
      fs::create_directories(dir);
      if (schema.is_open()) schema.close();
      schema.open(dir / "schema.yml");
      schema << "version: 2\nmodels:\n";
    }
    std::ofstream m(dir / ("m" + std::to_string(i) + ".sql"));
    int refs = i == 0 ? 0 : 1 + static_cast<int>(rng() % 3);
    bool uses_macro = i % 5 == 0;
    m << "select\n  id,\n";
    if (uses_macro) m << "  {{ cents_" << (i % 20) << "('amount') }} as dollars,\n";
    m << "  amount\n";
    if (refs == 0) {
      m << "from (values (1, 100)) as t(id, amount)\n";
    } else {
      m << "from {{ ref('m" << (i - 1 - static_cast<int>(rng() % std::min(i, 50))) << "') }} as a\n";
      for (int r = 1; r < refs; ++r) {
        m << "join {{ ref('m" << (rng() % i) << "') }} as b" << r << " using (id)\n";
      }
    }
    schema << "  - name: m" << i
           << "\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n";
  }
  schema.close();
  std::ofstream(root / "done") << "ok";
  return root;
}

graph::InvocationOptions Options(const fs::path& root) {
  graph::InvocationOptions o;
  o.load.project_dir = root.string();
  o.load.profiles_dir = root.string();
  o.load.cwd = root.string();
  o.load.env = project::Environment{};
  o.load.target_path = (root / "target").string();
  return o;
}

void BM_ParseCompile(benchmark::State& state) {
  fs::path root = SyntheticProject(static_cast<int>(state.range(0)));
  size_t nodes = 0;
  for (auto _ : state) {
    // As `flinkdbt compile` runs it: the manifest is written once, after compiling.
    graph::InvocationOptions o = Options(root);
    o.write_manifest = false;
    auto parsed = graph::ParseCommand(o);
    if (!parsed.ok()) {
      state.SkipWithError(std::string(parsed.status().message()).c_str());
      return;
    }
    auto compiled = graph::CompileCommand(*parsed, graph::ListOptions{});
    if (!compiled.ok()) {
      state.SkipWithError(std::string(compiled.status().message()).c_str());
      return;
    }
    nodes = parsed->manifest->nodes().size();
    benchmark::DoNotOptimize(compiled->size());
  }
  state.counters["nodes"] = static_cast<double>(nodes);
  state.counters["peak_rss_MiB"] = PeakRssMiB();
}
BENCHMARK(BM_ParseCompile)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_ParseOnly(benchmark::State& state) {
  fs::path root = SyntheticProject(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    auto o = Options(root);
    auto parsed = graph::ParseCommand(o);
    if (!parsed.ok()) {
      state.SkipWithError(std::string(parsed.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(parsed->manifest->nodes().size());
  }
  state.counters["peak_rss_MiB"] = PeakRssMiB();
}
BENCHMARK(BM_ParseOnly)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond)->Iterations(1);

// Where ParseCompile's time goes, one phase at a time (counters in ms): load (files + YAML),
// parse (manifest), compile (nodes + compiled files), json (manifest.json text), free (dropping the
// parsed project), and process_cpu_ms (CPU time of all threads over the phases). Arguments: models,
// threads.
void BM_Phases(benchmark::State& state) {
  fs::path root = SyntheticProject(static_cast<int>(state.range(0)));
  using Clock = std::chrono::steady_clock;
  auto ms = [](Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
  };
  double load = 0, parse = 0, compile = 0, json = 0, drop = 0, cpu = 0;
  auto process_cpu_ms = [] {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
  };
  for (auto _ : state) {
    graph::InvocationOptions o = Options(root);
    o.write_manifest = false;
    o.threads = static_cast<int>(state.range(1));
    project::LoadOptions load_options = o.load;
    load_options.file_threads = o.threads;
    auto renderer = compile::MakeConfigRenderer(*load_options.env, load_options.cli_vars, nullptr);
    load_options.renderer = renderer.get();
    double cpu0 = process_cpu_ms();
    auto t0 = Clock::now();
    auto loaded = project::LoadProject(load_options);
    auto t1 = Clock::now();
    if (!loaded.ok()) {
      state.SkipWithError(std::string(loaded.status().message()).c_str());
      return;
    }
    auto parsed = std::make_unique<absl::StatusOr<graph::ParsedProject>>(graph::ParseLoaded(*loaded, o));
    auto t2 = Clock::now();
    if (!parsed->ok()) {
      state.SkipWithError(std::string(parsed->status().message()).c_str());
      return;
    }
    auto compiled = graph::CompileCommand(**parsed, graph::ListOptions{}, std::nullopt, false);
    auto t3 = Clock::now();
    if (!compiled.ok()) {
      state.SkipWithError(std::string(compiled.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize((*parsed)->manifest->ToJson(0, (*parsed)->threads).size());
    auto t4 = Clock::now();
    compiled->clear();
    *loaded = nullptr;
    parsed.reset();
    auto t5 = Clock::now();
    cpu += process_cpu_ms() - cpu0;
    load += ms(t0, t1), parse += ms(t1, t2), compile += ms(t2, t3), json += ms(t3, t4), drop += ms(t4, t5);
  }
  double n = static_cast<double>(state.iterations());
  state.counters["load_ms"] = load / n;
  state.counters["parse_ms"] = parse / n;
  state.counters["compile_ms"] = compile / n;
  state.counters["json_ms"] = json / n;
  state.counters["free_ms"] = drop / n;
  state.counters["process_cpu_ms"] = cpu / n;  // all threads: the work done, whatever the load
}
BENCHMARK(BM_Phases)->Args({10000, 1})->Args({10000, 2})->Unit(benchmark::kMillisecond)->Iterations(1);

// An in-memory graph of n models (each with 1-3 parents among the previous 50) plus a test per
// model: 2n nodes in all, built without files so 100k is quick to set up.
graph::ParsedProject MemoryGraph(int n) {
  auto project = std::make_shared<project::LoadedProject>();
  project->root.config.name = "bench";
  auto manifest = std::make_shared<compile::Manifest>();
  std::mt19937 rng(7);
  for (int i = 0; i < n; ++i) {
    auto m = std::make_unique<compile::Node>();
    m->name = "m" + std::to_string(i);
    m->package_name = "bench";
    m->unique_id = "model.bench." + m->name;
    m->fqn = {"bench", "layer_" + std::to_string(i / 500), m->name};
    m->original_file_path = "models/layer_" + std::to_string(i / 500) + "/" + m->name + ".sql";
    if (i > 0) {
      int refs = 1 + static_cast<int>(rng() % 3);
      for (int r = 0; r < refs; ++r) {
        m->depends_on_nodes.push_back("model.bench.m" +
                                      std::to_string(i - 1 - static_cast<int>(rng() % std::min(i, 50))));
      }
      std::sort(m->depends_on_nodes.begin(), m->depends_on_nodes.end());
      m->depends_on_nodes.erase(std::unique(m->depends_on_nodes.begin(), m->depends_on_nodes.end()),
                                m->depends_on_nodes.end());
    }
    auto t = std::make_unique<compile::Node>();
    t->resource_type = compile::ResourceType::kTest;
    t->name = "not_null_m" + std::to_string(i) + "_id";
    t->package_name = "bench";
    t->unique_id = "test.bench." + t->name + ".0123456789";
    t->fqn = {"bench", t->name};
    t->test_metadata = project::Value::MakeMap();
    t->depends_on_nodes = {m->unique_id};
    (void)manifest->AddNode(std::move(m));
    (void)manifest->AddNode(std::move(t));
  }
  graph::ParsedProject p;
  p.project = project;
  p.manifest = manifest;
  p.graph = *graph::Graph::Build(manifest);
  return p;
}

void BM_ListPlusMPlus(benchmark::State& state) {
  int n = static_cast<int>(state.range(0)) / 2;
  graph::ParsedProject p = MemoryGraph(n);
  graph::ListOptions lo;
  lo.select = {"+m" + std::to_string(n / 2) + "+"};
  size_t lines = 0;
  for (auto _ : state) {
    auto r = graph::ListCommand(p, lo);
    lines = r->lines.size();
    benchmark::DoNotOptimize(lines);
  }
  state.counters["nodes"] = static_cast<double>(p.graph->size());
  state.counters["selected"] = static_cast<double>(lines);
}
BENCHMARK(BM_ListPlusMPlus)->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond);

void BM_GraphBuild(benchmark::State& state) {
  graph::ParsedProject p = MemoryGraph(static_cast<int>(state.range(0)) / 2);
  for (auto _ : state) {
    auto g = graph::Graph::Build(p.manifest);
    benchmark::DoNotOptimize(g.ok());
  }
}
BENCHMARK(BM_GraphBuild)->Arg(100000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace flinkdbt

BENCHMARK_MAIN();
