// Scheduler: runs the nodes of a DAG on N worker threads in dependency order — a node starts when
// every node it depends on has finished successfully; the descendants of a failed node are skipped;
// with fail-fast, the first failure stops new work and everything not started is skipped; a cancel
// flag stops new work the same way. Among ready nodes, the one heading the longest remaining chain
// goes first, so the critical path is never starved (the scheduler-efficiency benchmark measures
// this). Thread-safe by construction: `work` is called from worker threads, one node at a time per
// thread.
#ifndef FLINKDBT_SRC_RUN_SCHEDULER_H_
#define FLINKDBT_SRC_RUN_SCHEDULER_H_

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace flinkdbt::run {

enum class NodeState { kSuccess, kWarn, kFailed, kSkipped, kCancelled };

struct NodeOutcome {
  NodeState state = NodeState::kSkipped;
  double seconds = 0;
  int skipped_because = -1;  // for kSkipped: the failed ancestor (-1: fail-fast or cancel)
};

struct ScheduleOptions {
  int threads = 1;
  bool fail_fast = false;
  const std::atomic<bool>* cancelled = nullptr;
  // Relative cost of each node (e.g. expected seconds); empty: all 1. Used for priorities only.
  std::vector<double> cost;
};

// `deps[i]` lists the nodes node i depends on (indices < deps.size()); the graph must be acyclic.
// `work(i)` runs node i and returns its state (kSuccess, kWarn or kFailed). `on_skip(i)` is called
// for every node that will not run (from the thread that decided it). Returns one outcome per node.
std::vector<NodeOutcome> RunSchedule(const std::vector<std::vector<int>>& deps, const ScheduleOptions& options,
                                     const std::function<NodeState(int)>& work,
                                     const std::function<void(int, const NodeOutcome&)>& on_skip = nullptr);

}  // namespace flinkdbt::run

#endif  // FLINKDBT_SRC_RUN_SCHEDULER_H_
