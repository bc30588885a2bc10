#include "flinkdbt/graph/graph.h"

#include "flinkdbt/graph/selector.h"
#include "gtest/gtest.h"

namespace flinkdbt::graph {
namespace {

std::shared_ptr<compile::Manifest> Chain(
    std::vector<std::pair<std::string, std::vector<std::string>>> edges) {
  auto m = std::make_shared<compile::Manifest>();
  for (auto& [name, parents] : edges) {
    auto n = std::make_unique<compile::Node>();
    n->name = name;
    n->unique_id = "model.p." + name;
    n->package_name = "p";
    n->fqn = {"p", name};
    n->original_file_path = "models/" + name + ".sql";
    for (auto& p : parents) n->depends_on_nodes.push_back("model.p." + p);
    EXPECT_TRUE(m->AddNode(std::move(n)).ok());
  }
  return m;
}

TEST(GraphTest, CycleIsPrintedInOrder) {
  auto m = Chain({{"stg_a", {"int_b"}}, {"int_b", {"stg_a"}}, {"c", {}}});
  auto g = Graph::Build(m);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  std::string msg(g.status().message());
  EXPECT_TRUE(msg.find("Found a cycle: stg_a -> int_b -> stg_a") != std::string::npos ||
              msg.find("Found a cycle: int_b -> stg_a -> int_b") != std::string::npos)
      << msg;
}

TEST(GraphTest, TopologicalOrderPutsParentsFirst) {
  auto m = Chain({{"c", {"b"}}, {"b", {"a"}}, {"a", {}}});
  auto g = Graph::Build(m);
  ASSERT_TRUE(g.ok());
  std::vector<int> order = (*g)->TopologicalOrder();
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ((*g)->node(order[0]).name, "a");
  EXPECT_EQ((*g)->node(order[2]).name, "c");
}

TEST(SelectorTest, FnMatchFollowsPython) {
  EXPECT_TRUE(FnMatch("stg_orders", "stg_*"));
  EXPECT_TRUE(FnMatch("a.b", "a.?"));
  EXPECT_TRUE(FnMatch("x1", "x[0-9]"));
  EXPECT_FALSE(FnMatch("x1", "x[!0-9]"));
  EXPECT_FALSE(FnMatch("Stg", "stg"));
  EXPECT_TRUE(FnMatch("", "*"));
}

TEST(SelectorTest, ParsesGraphOperators) {
  auto c = ParseCriteria("2+tag:nightly+3");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->method, "tag");
  EXPECT_EQ(c->value, "nightly");
  EXPECT_TRUE(c->parents);
  EXPECT_EQ(c->parents_depth, 2);
  EXPECT_EQ(c->children_depth, 3);
  auto d = ParseCriteria("config.materialized:view");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->method, "config");
  ASSERT_EQ(d->method_args.size(), 1u);
  EXPECT_EQ(d->method_args[0], "materialized");
  EXPECT_EQ(ParseCriteria("models/staging")->method, "path");
  EXPECT_EQ(ParseCriteria("stg_orders.sql")->method, "file");
  EXPECT_FALSE(ParseCriteria("@a+").ok());
  EXPECT_FALSE(ParseCriteria("nope:x").ok());
}

}  // namespace
}  // namespace flinkdbt::graph
