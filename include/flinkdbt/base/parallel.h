// ParallelFor: runs a loop body for indices 0..n-1 on a few threads, for the CPU-bound passes over a
// project's files and nodes (parse-time rendering, compile, manifest.json) whose results must come
// out exactly as a single-threaded loop would make them.
//
// Indices are handed out one at a time in increasing order, so when the body reports an error at
// index i, every index below i has already been handed out and runs to completion, while no index
// above i is started from then on (those already running finish): "the first error in index order" is the
// same error a sequential loop stops at. Results go into slots the caller owns (one per index), never into
// shared state. The calling thread is one of the workers; nothing is left running when ParallelFor returns.
#ifndef FLINKDBT_BASE_PARALLEL_H_
#define FLINKDBT_BASE_PARALLEL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

namespace flinkdbt {

// The thread count for CPU-bound work when the user asked for none: the machine's hardware
// concurrency (1 when unknown).
inline int DefaultThreadCount() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

// Calls `body(i, worker)` for i in [0, n) on min(threads, n) threads; `worker` in [0, threads)
// names the calling thread (for per-thread state such as a template context). `body` returns
// true to go on, false to stop handing out indices above i. With threads <= 1 it is a plain loop
// on the calling thread.
template <typename Body>
void ParallelFor(size_t n, int threads, Body&& body) {
  const size_t workers = std::min(n, static_cast<size_t>(std::max(threads, 1)));
  if (workers <= 1) {
    for (size_t i = 0; i < n; ++i) {
      if (!body(i, 0)) return;
    }
    return;
  }
  std::atomic<size_t> next{0};
  std::atomic<size_t> stop{n};  // indices >= stop are not started
  auto run = [&](int worker) {
    for (;;) {
      size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= stop.load(std::memory_order_acquire)) return;
      if (!body(i, worker)) {
        size_t s = stop.load(std::memory_order_relaxed);
        while (i < s && !stop.compare_exchange_weak(s, i, std::memory_order_acq_rel)) {
        }
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (size_t w = 1; w < workers; ++w) pool.emplace_back(run, static_cast<int>(w));
  run(0);
  for (std::thread& t : pool) t.join();
}

// ParallelFor whose results are also taken in index order: `commit(i)` is called for i = 0, 1, ...
// one call at a time (on whichever worker closes the gap), once body(0..i) have all returned true.
// It is never called for the first index whose body returned false, nor for any index after it.
// Returns the number of committed indices: n, or the first index whose body returned false.
template <typename Body, typename Commit>
size_t ParallelForOrdered(size_t n, int threads, Body&& body, Commit&& commit) {
  std::mutex mu;
  size_t committed = 0;                // guarded by mu
  std::vector<unsigned char> done(n);  // guarded by mu: 1 ok, 2 failed
  ParallelFor(n, threads, [&](size_t i, int worker) {
    bool ok = body(i, worker);
    std::lock_guard<std::mutex> lock(mu);
    done[i] = ok ? 1 : 2;
    while (committed < n && done[committed] == 1) commit(committed++);
    return ok;
  });
  return committed;
}

// Splits [0, n) into about `parts` contiguous ranges of at least `min_size` indices (for bodies
// too small to hand out one index at a time); returns the range starts plus n.
inline std::vector<size_t> SplitRange(size_t n, size_t parts, size_t min_size) {
  parts = std::max<size_t>(1, std::min(parts, min_size == 0 ? parts : n / std::max<size_t>(min_size, 1)));
  std::vector<size_t> bounds;
  bounds.reserve(parts + 1);
  for (size_t p = 0; p <= parts; ++p) bounds.push_back(n * p / parts);
  return bounds;
}

}  // namespace flinkdbt

#endif  // FLINKDBT_BASE_PARALLEL_H_
