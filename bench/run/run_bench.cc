// End-to-end figures of `flinkdbt build`/`run`/`test` through run::Invoke, on generated projects
// (project_generator.h). Every figure is a rate or a ratio against a reference measured in the
// same run; nothing here asserts a time.
//
//   BM_BuildLocal/1000     `build` of a 1,000-model project (refs, macro library, 200 data tests) on
//                          `local`; wall and process CPU time, models/s, and the ratio to `ls` of the
//                          same project (parse + compile + select: the part before any statement).
//   BM_SchedulerEmulator   `run` of a layered DAG on flinkdbt-emulator with 200 ms latency per
//                          statement and 8 threads. `efficiency` = max(critical path, work/threads)
//                          / wall, with each node's work measured (run_results execution_time):
//                          how well the scheduler packs the DAG. `latency_efficiency` takes each
//                          node's work as its statement count x 200 ms instead, so client-side
//                          waste (polling, HTTP) counts against it too. Run with the default poll
//                          (50 ms floor) and with `poll_interval: 0.02`.
//   BM_UnitTestsLocal/100  `test --select test_type:unit` with 100 unit tests on `local`;
//                          `ms_per_test`, and `net_ms_per_test` after subtracting `ls` of the same
//                          selection (project load).
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "flinkdbt/run/invocation.h"
#include "fmt/format.h"
#include "project_generator.h"
#include "simdjson.h"
#include "tools/emulator/emulator.h"
#include "tools/emulator/executor.h"

namespace flinkdbt::bench {
namespace {

namespace fs = std::filesystem;

std::string WorkDir(std::string_view name) {
  fs::path dir = fs::temp_directory_path() / fmt::format("flinkdbt-bench-{}-{}", name, ::getpid());
  return dir.string();
}

double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Outcome {
  run::InvocationResult result;
  double wall = 0, cpu = 0;
  std::string out;
};

Outcome InvokeIn(const std::string& dir, std::vector<std::string> args,
                 std::map<std::string, std::string> env = {}) {
  args.insert(args.end(), {"--project-dir", dir, "--profiles-dir", dir});
  Outcome o;
  run::InvocationIo io;
  io.out = [&](std::string_view s) { o.out.append(s); };
  io.err = [&](std::string_view s) { o.out.append(s); };
  io.env = std::move(env);
  io.cwd = dir;
  const double cpu0 = ProcessCpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  o.result = run::Invoke(args, io);
  o.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  o.cpu = ProcessCpuSeconds() - cpu0;
  return o;
}

// unique_id -> execution_time from a run_results JSON.
std::map<std::string, double> ExecutionTimes(const std::string& json) {
  std::map<std::string, double> times;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json).get(doc)) return times;
  simdjson::dom::array results;
  if (doc["results"].get_array().get(results)) return times;
  for (simdjson::dom::element r : results) {
    std::string_view id;
    double t = 0;
    if (!r["unique_id"].get_string().get(id) && !r["execution_time"].get_double().get(t))
      times[std::string(id)] = t;
  }
  return times;
}

constexpr char kLocalProfile[] = R"(bench:
  target: local
  outputs:
    local:
      type: local
      threads: 4
)";

void BM_BuildLocal(benchmark::State& state) {
  SyntheticOptions o;
  o.models = static_cast<int>(state.range(0));
  o.profile_yaml = kLocalProfile;
  const std::string dir = WorkDir("build");
  SyntheticProject p = WriteSyntheticProject(dir, o);
  Outcome ls = InvokeIn(dir, {"ls", "--resource-type", "model"});
  if (ls.result.exit_code != 0) {
    state.SkipWithError(("ls failed: " + ls.out.substr(0, 2000)).c_str());
    return;
  }
  ls = InvokeIn(dir, {"ls", "--resource-type", "model"});  // warm (partial parse off either way)
  double wall = 0, cpu = 0;
  int runs = 0;
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(fs::path(dir) / "target");
    fs::remove_all(fs::path(dir) / "logs");
    state.ResumeTiming();
    Outcome b = InvokeIn(dir, {"build"});
    if (b.result.exit_code != 0) {
      state.SkipWithError(
          ("build failed: " + b.out.substr(b.out.size() > 3000 ? b.out.size() - 3000 : 0)).c_str());
      return;
    }
    wall += b.wall;
    cpu += b.cpu;
    ++runs;
  }
  wall /= runs;
  cpu /= runs;
  state.counters["models"] = o.models;
  state.counters["data_tests"] = p.data_tests;
  state.counters["wall_s"] = wall;
  state.counters["cpu_s"] = cpu;
  state.counters["cpu_per_wall"] = cpu / wall;
  state.counters["models_per_s"] = o.models / wall;
  state.counters["ls_s"] = ls.wall;
  state.counters["build_over_ls"] = wall / ls.wall;
  fs::remove_all(dir);
}
BENCHMARK(BM_BuildLocal)
    ->Arg(1000)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

void BM_UnitTestsLocal(benchmark::State& state) {
  SyntheticOptions o;
  o.models = static_cast<int>(state.range(0));
  o.layers = 1;
  o.data_test_every = 0;
  o.unit_tests = o.models;
  o.profile_yaml = kLocalProfile;
  const std::string dir = WorkDir("unit");
  WriteSyntheticProject(dir, o);
  Outcome ls = InvokeIn(dir, {"ls", "--select", "test_type:unit"});
  if (ls.result.exit_code != 0) {
    state.SkipWithError(("ls failed: " + ls.out.substr(0, 2000)).c_str());
    return;
  }
  double wall = 0, cpu = 0;
  int runs = 0;
  for (auto _ : state) {
    Outcome t = InvokeIn(dir, {"test", "--select", "test_type:unit"});
    if (t.result.exit_code != 0 || t.out.find(fmt::format("PASS={}", o.unit_tests)) == std::string::npos) {
      state.SkipWithError(
          ("unit tests failed: " + t.out.substr(t.out.size() > 3000 ? t.out.size() - 3000 : 0)).c_str());
      return;
    }
    wall += t.wall;
    cpu += t.cpu;
    ++runs;
  }
  wall /= runs;
  cpu /= runs;
  state.counters["unit_tests"] = o.unit_tests;
  state.counters["ms_per_test"] = 1000 * wall / o.unit_tests;
  state.counters["net_ms_per_test"] = 1000 * (wall - ls.wall) / o.unit_tests;
  state.counters["cpu_ms_per_test"] = 1000 * cpu / o.unit_tests;
  state.counters["ls_s"] = ls.wall;
  fs::remove_all(dir);
}
BENCHMARK(BM_UnitTestsLocal)
    ->Arg(100)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

void BM_SchedulerEmulator(benchmark::State& state) {
  const absl::Duration latency = absl::Milliseconds(200);
  const int threads = 8;
  emulator::EmulatorOptions eo;
  eo.pending_time = latency;  // the per-statement latency: PENDING this long, then final
  eo.running_time = eo.stopping_time = eo.deleting_time = absl::ZeroDuration();
  emulator::Emulator emu(eo, std::make_shared<emulator::EngineExecutor>());
  if (!emu.Start().ok()) {
    state.SkipWithError("emulator did not start");
    return;
  }
  SyntheticOptions o;
  o.models = static_cast<int>(state.range(0));
  o.layers = 6;
  o.data_test_every = 0;
  o.second_parent_every = 3;
  o.profile_yaml =
      fmt::format(R"(bench:
  target: emulator
  outputs:
    emulator:
      type: confluent
      endpoint: "{}"
      organization_id: "{}"
      environment_id: "{}"
      dbname: cluster_0
      flink_api_key: "{}"
      flink_api_secret: "{}"
      threads: {}
)",
                  emu.endpoint(), eo.organization_id, eo.environment_id, eo.api_key, eo.api_secret, threads);
  const std::string dir = WorkDir("sched");
  SyntheticProject p = WriteSyntheticProject(dir, o);
  double efficiency = 0, latency_efficiency = 0, wall_sum = 0, stmts_per_model = 0;
  int runs = 0;
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(fs::path(dir) / "target");
    emu.ResetStats();
    state.ResumeTiming();
    Outcome r = InvokeIn(dir, {"run", "--full-refresh"});
    if (r.result.exit_code != 0) {
      state.SkipWithError(
          ("run failed: " + r.out.substr(r.out.size() > 3000 ? r.out.size() - 3000 : 0)).c_str());
      return;
    }
    state.PauseTiming();
    std::map<std::string, double> times = ExecutionTimes(r.result.result_json);
    std::vector<double> work;
    for (const std::string& name : p.names) work.push_back(times["model.bench." + name]);
    const emulator::EmulatorStats stats = emu.stats();
    int created = 0;
    for (const auto& [name, n] : stats.creations) created += n;
    // Statements outside any node (the run's own checks) are counted in too: an upper bound.
    const double per_model = static_cast<double>(created) / o.models;
    std::vector<double> nominal(p.names.size(), per_model * absl::ToDoubleSeconds(latency));
    efficiency += IdealMakespan(p.parents, work, threads) / r.wall;
    latency_efficiency += IdealMakespan(p.parents, nominal, threads) / r.wall;
    wall_sum += r.wall;
    stmts_per_model += per_model;
    ++runs;
    state.ResumeTiming();
  }
  state.counters["models"] = o.models;
  state.counters["threads"] = threads;
  state.counters["wall_s"] = wall_sum / runs;
  state.counters["efficiency"] = efficiency / runs;
  state.counters["latency_efficiency"] = latency_efficiency / runs;
  state.counters["statements_per_model"] = stmts_per_model / runs;
  emu.Stop();
  fs::remove_all(dir);
}
// Args: models, poll_interval in ms (0: the client's default, 50 ms).
BENCHMARK(BM_SchedulerEmulator)
    ->Args({96, 0})
    ->Args({96, 20})
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace flinkdbt::bench

BENCHMARK_MAIN();
