#include "run/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace flinkdbt::run {
namespace {

TEST(SchedulerTest, RunsInDependencyOrder) {
  // 0 -> 1 -> 3, 0 -> 2 -> 3
  std::vector<std::vector<int>> deps{{}, {0}, {0}, {1, 2}};
  std::mutex mu;
  std::vector<int> order;
  ScheduleOptions options;
  options.threads = 4;
  auto out = RunSchedule(deps, options, [&](int i) {
    std::lock_guard<std::mutex> lock(mu);
    order.push_back(i);
    return NodeState::kSuccess;
  });
  ASSERT_EQ(order.size(), 4u);
  EXPECT_EQ(order.front(), 0);
  EXPECT_EQ(order.back(), 3);
  for (const NodeOutcome& o : out) EXPECT_EQ(o.state, NodeState::kSuccess);
}

TEST(SchedulerTest, FailureSkipsDescendantsOnly) {
  // 0 fails; 1 depends on 0; 2 depends on 1; 3 is independent.
  std::vector<std::vector<int>> deps{{}, {0}, {1}, {}};
  std::vector<int> skipped;
  auto out = RunSchedule(
      deps, {}, [](int i) { return i == 0 ? NodeState::kFailed : NodeState::kSuccess; },
      [&](int i, const NodeOutcome&) { skipped.push_back(i); });
  EXPECT_EQ(out[0].state, NodeState::kFailed);
  EXPECT_EQ(out[1].state, NodeState::kSkipped);
  EXPECT_EQ(out[1].skipped_because, 0);
  EXPECT_EQ(out[2].state, NodeState::kSkipped);
  EXPECT_EQ(out[3].state, NodeState::kSuccess);
  EXPECT_EQ(skipped.size(), 2u);
}

TEST(SchedulerTest, FailFastStopsNewWork) {
  std::vector<std::vector<int>> deps(6);
  ScheduleOptions options;
  options.fail_fast = true;
  std::atomic<int> ran{0};
  auto out = RunSchedule(deps, options, [&](int i) {
    ++ran;
    return i == 0 ? NodeState::kFailed : NodeState::kSuccess;
  });
  EXPECT_EQ(ran.load(), 1);
  for (int i = 1; i < 6; ++i) EXPECT_EQ(out[static_cast<size_t>(i)].state, NodeState::kSkipped);
}

TEST(SchedulerTest, CancelStopsNewWork) {
  std::vector<std::vector<int>> deps(5);
  std::atomic<bool> cancelled{false};
  ScheduleOptions options;
  options.cancelled = &cancelled;
  auto out = RunSchedule(deps, options, [&](int i) {
    if (i == 1) cancelled = true;
    return NodeState::kSuccess;
  });
  int cancelled_count = 0;
  for (const NodeOutcome& o : out) cancelled_count += o.state == NodeState::kCancelled;
  EXPECT_EQ(cancelled_count, 3);
}

TEST(SchedulerTest, CriticalPathGoesFirstAndThreadsOverlap) {
  // A chain 0->1->2 of costly nodes and four independent cheap ones: with 2 threads the chain starts
  // first and work runs two at a time.
  std::vector<std::vector<int>> deps{{}, {0}, {1}, {}, {}, {}, {}};
  ScheduleOptions options;
  options.threads = 2;
  options.cost = {3, 3, 3, 1, 1, 1, 1};
  std::vector<int> first;
  std::mutex mu;
  std::atomic<int> running{0}, most{0};
  RunSchedule(deps, options, [&](int i) {
    {
      std::lock_guard<std::mutex> lock(mu);
      first.push_back(i);
    }
    int now = ++running;
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    --running;
    return NodeState::kSuccess;
  });
  ASSERT_EQ(first.size(), 7u);
  EXPECT_EQ(first.front(), 0);  // the head of the longest chain
  EXPECT_EQ(most.load(), 2);
}

TEST(SchedulerTest, EmptyGraph) {
  EXPECT_TRUE(RunSchedule({}, {}, [](int) { return NodeState::kSuccess; }).empty());
}

}  // namespace
}  // namespace flinkdbt::run
