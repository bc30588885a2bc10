#include "run/scheduler.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <queue>
#include <thread>

namespace flinkdbt::run {

std::vector<NodeOutcome> RunSchedule(const std::vector<std::vector<int>>& deps, const ScheduleOptions& options,
                                     const std::function<NodeState(int)>& work,
                                     const std::function<void(int, const NodeOutcome&)>& on_skip) {
  const int n = static_cast<int>(deps.size());
  std::vector<NodeOutcome> outcomes(static_cast<size_t>(n));
  std::vector<std::vector<int>> children(static_cast<size_t>(n));
  std::vector<int> waiting(static_cast<size_t>(n), 0);
  for (int i = 0; i < n; ++i) {
    for (int d : deps[static_cast<size_t>(i)]) {
      children[static_cast<size_t>(d)].push_back(i);
      ++waiting[static_cast<size_t>(i)];
    }
  }
  // Priority: the costliest chain from a node to any sink (computed in reverse topological order).
  std::vector<double> priority(static_cast<size_t>(n), 0);
  {
    std::vector<int> order, indegree = waiting;
    for (int i = 0; i < n; ++i) {
      if (indegree[static_cast<size_t>(i)] == 0) order.push_back(i);
    }
    for (size_t k = 0; k < order.size(); ++k) {
      for (int c : children[static_cast<size_t>(order[k])]) {
        if (--indegree[static_cast<size_t>(c)] == 0) order.push_back(c);
      }
    }
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
      double best = 0;
      for (int c : children[static_cast<size_t>(*it)]) best = std::max(best, priority[static_cast<size_t>(c)]);
      double cost = options.cost.empty() ? 1.0 : options.cost[static_cast<size_t>(*it)];
      priority[static_cast<size_t>(*it)] = best + cost;
    }
  }
  auto cmp = [&](int a, int b) {
    double pa = priority[static_cast<size_t>(a)], pb = priority[static_cast<size_t>(b)];
    return pa != pb ? pa < pb : a > b;  // highest priority first; ties in index order
  };
  std::priority_queue<int, std::vector<int>, decltype(cmp)> ready(cmp);
  for (int i = 0; i < n; ++i) {
    if (waiting[static_cast<size_t>(i)] == 0) ready.push(i);
  }

  std::mutex mu;
  std::condition_variable cv;
  int finished = 0, running = 0;
  bool stop = false;  // fail-fast or cancel: start nothing new
  std::vector<bool> decided(static_cast<size_t>(n), false);

  // Marks `root`'s not-yet-decided descendants skipped (lock held).
  auto skip_descendants = [&](int root, std::vector<std::pair<int, NodeOutcome>>& skipped) {
    std::vector<int> stack(children[static_cast<size_t>(root)].begin(), children[static_cast<size_t>(root)].end());
    while (!stack.empty()) {
      int c = stack.back();
      stack.pop_back();
      if (decided[static_cast<size_t>(c)]) continue;
      decided[static_cast<size_t>(c)] = true;
      outcomes[static_cast<size_t>(c)] = {NodeState::kSkipped, 0, root};
      skipped.emplace_back(c, outcomes[static_cast<size_t>(c)]);
      ++finished;
      for (int g : children[static_cast<size_t>(c)]) stack.push_back(g);
    }
  };

  auto worker = [&] {
    std::unique_lock<std::mutex> lock(mu);
    while (true) {
      cv.wait(lock, [&] { return finished == n || (!ready.empty() && !stop) || (stop && running == 0); });
      if (finished == n) break;
      if (options.cancelled != nullptr && options.cancelled->load()) stop = true;
      if (stop) {
        // Nothing new starts: everything undecided is skipped (once no node is running, so the
        // outcome is final).
        std::vector<std::pair<int, NodeOutcome>> skipped;
        for (int i = 0; i < n; ++i) {
          if (decided[static_cast<size_t>(i)]) continue;
          decided[static_cast<size_t>(i)] = true;
          bool cancelled = options.cancelled != nullptr && options.cancelled->load();
          outcomes[static_cast<size_t>(i)] = {cancelled ? NodeState::kCancelled : NodeState::kSkipped, 0, -1};
          skipped.emplace_back(i, outcomes[static_cast<size_t>(i)]);
          ++finished;
        }
        while (!ready.empty()) ready.pop();
        lock.unlock();
        if (on_skip) {
          for (auto& [i, o] : skipped) on_skip(i, o);
        }
        lock.lock();
        cv.notify_all();
        continue;
      }
      int node = ready.top();
      ready.pop();
      if (decided[static_cast<size_t>(node)]) continue;
      decided[static_cast<size_t>(node)] = true;
      ++running;
      lock.unlock();
      auto start = std::chrono::steady_clock::now();
      NodeState state = work(node);
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      lock.lock();
      --running;
      ++finished;
      outcomes[static_cast<size_t>(node)] = {state, seconds, -1};
      std::vector<std::pair<int, NodeOutcome>> skipped;
      if (state == NodeState::kFailed) {
        skip_descendants(node, skipped);
        if (options.fail_fast) stop = true;
      } else {
        for (int c : children[static_cast<size_t>(node)]) {
          if (--waiting[static_cast<size_t>(c)] == 0 && !decided[static_cast<size_t>(c)]) ready.push(c);
        }
      }
      if (options.cancelled != nullptr && options.cancelled->load()) stop = true;
      if (!skipped.empty() && on_skip) {
        lock.unlock();
        for (auto& [i, o] : skipped) on_skip(i, o);
        lock.lock();
      }
      cv.notify_all();
    }
    cv.notify_all();
  };

  int threads = std::max(1, std::min(options.threads, std::max(1, n)));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
  return outcomes;
}

}  // namespace flinkdbt::run
