// Synthetic dbt projects for the run benchmarks: a layered DAG of models over the `examples`
// marketplace orders stream, a small macro library every model calls, data tests and unit tests.
// Deterministic for given options.
#ifndef FLINKDBT_BENCH_RUN_PROJECT_GENERATOR_H_
#define FLINKDBT_BENCH_RUN_PROJECT_GENERATOR_H_

#include <string>
#include <vector>

namespace flinkdbt::bench {

struct SyntheticOptions {
  int models = 1000;
  int layers = 10;              // models are spread evenly over this many DAG layers
  int data_test_every = 10;     // every Nth model gets not_null + accepted-range tests
  int unit_tests = 0;           // unit tests on root-layer models
  int second_parent_every = 5;  // every Nth model (below the root layer) unions a second parent
  std::string materialized = "view";
  std::string profile_yaml;  // the profiles.yml text (profile name "bench")
};

struct SyntheticProject {
  std::string dir;
  // parents[i]: indices of the models model i refs (the DAG, for critical-path computations).
  std::vector<std::vector<int>> parents;
  std::vector<std::string> names;
  int data_tests = 0;
};

// Writes the project under `dir` (removed first).
SyntheticProject WriteSyntheticProject(const std::string& dir, const SyntheticOptions& options);

// max(critical path, total work / threads) for the DAG with per-node `work`.
double IdealMakespan(const std::vector<std::vector<int>>& parents, const std::vector<double>& work,
                     int threads);

}  // namespace flinkdbt::bench

#endif  // FLINKDBT_BENCH_RUN_PROJECT_GENERATOR_H_
