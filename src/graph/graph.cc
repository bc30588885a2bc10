#include "flinkdbt/graph/graph.h"

#include <algorithm>
#include <deque>

#include "flinkdbt/base/strings.h"
#include "flinkdbt/project/yaml.h"
#include "fmt/format.h"

namespace flinkdbt::graph {

int Graph::Find(std::string_view unique_id) const {
  auto it = index_.find(ToAbsl(unique_id));
  return it == index_.end() ? -1 : it->second;
}

absl::StatusOr<std::shared_ptr<const Graph>> Graph::Build(std::shared_ptr<const Manifest> manifest) {
  auto g = std::make_shared<Graph>();
  g->manifest_ = manifest;
  g->nodes_.reserve(manifest->nodes().size());
  for (const auto& n : manifest->nodes()) {
    g->index_.emplace(ToAbsl(n->unique_id), static_cast<int>(g->nodes_.size()));
    g->nodes_.push_back(n.get());
    g->types_.push_back(n->resource_type);
  }
  g->parents_.resize(g->nodes_.size());
  g->children_.resize(g->nodes_.size());
  for (size_t i = 0; i < g->nodes_.size(); ++i) {
    for (const std::string& p : g->nodes_[i]->depends_on_nodes) {
      int pid = g->Find(p);
      if (pid < 0) continue;
      g->parents_[i].push_back(pid);
      g->children_[pid].push_back(static_cast<int>(i));
    }
  }
  {
    std::vector<int> by_id(g->nodes_.size());
    for (size_t i = 0; i < by_id.size(); ++i) by_id[i] = static_cast<int>(i);
    std::sort(by_id.begin(), by_id.end(),
              [&](int a, int b) { return g->nodes_[a]->unique_id < g->nodes_[b]->unique_id; });
    g->rank_.resize(by_id.size());
    for (size_t i = 0; i < by_id.size(); ++i) g->rank_[by_id[i]] = static_cast<int>(i);
    g->by_unique_id_ = std::move(by_id);
  }
  // Plain-name fqn selection index (see FqnCandidates).
  for (size_t i = 0; i < g->nodes_.size(); ++i) {
    const Node& n = *g->nodes_[i];
    if (n.resource_type == compile::ResourceType::kSource ||
        n.resource_type == compile::ResourceType::kExposure || n.fqn.empty()) {
      continue;
    }
    std::string_view keys[4];
    std::string joined;
    size_t count = 0;
    if (!n.version.is_null() && n.fqn.size() >= 2) {
      keys[count++] = n.fqn[n.fqn.size() - 2];
      joined = n.fqn[n.fqn.size() - 2] + "_" + n.fqn.back();
      keys[count++] = joined;
    } else {
      keys[count++] = n.fqn.back();
    }
    for (size_t from = 0; from < 2 && from < n.fqn.size(); ++from) {
      std::string_view first = n.fqn[from];
      keys[count++] = first.substr(0, first.find('.'));
    }
    for (size_t k = 0; k < count; ++k) {
      bool dup = false;
      for (size_t j = 0; j < k; ++j) dup |= keys[j] == keys[k];
      if (!dup) g->fqn_names_[ToAbsl(keys[k])].push_back(static_cast<int>(i));
    }
  }
  // Cycle detection: iterative DFS with colours; the first back edge gives the cycle.
  const size_t n = g->nodes_.size();
  std::vector<char> colour(n, 0);  // 0 white, 1 on stack, 2 done
  std::vector<int> parent_on_path(n, -1);
  for (size_t root = 0; root < n; ++root) {
    if (colour[root]) continue;
    std::vector<std::pair<int, size_t>> stack = {{static_cast<int>(root), 0}};
    colour[root] = 1;
    while (!stack.empty()) {
      auto& [v, next] = stack.back();
      const auto& kids = g->children_[v];
      if (next < kids.size()) {
        int c = kids[next++];
        if (colour[c] == 0) {
          colour[c] = 1;
          parent_on_path[c] = v;
          stack.emplace_back(c, 0);
        } else if (colour[c] == 1) {
          // Cycle: c -> ... -> v -> c along the stack.
          std::vector<int> cycle;
          for (int x = v; x != c && x >= 0; x = parent_on_path[x]) cycle.push_back(x);
          cycle.push_back(c);
          std::reverse(cycle.begin(), cycle.end());
          std::string names, ids;
          for (int x : cycle) {
            names += g->nodes_[x]->name + " -> ";
            ids += g->nodes_[x]->unique_id + " --> ";
          }
          names += g->nodes_[c]->name;
          ids += g->nodes_[c]->unique_id;
          const Node& first = *g->nodes_[c];
          SourceLocation loc{first.original_file_path, 0, 0};
          return project::ErrorAt(loc, fmt::format("Found a cycle: {}\n  ({})", names, ids));
        }
      } else {
        colour[v] = 2;
        stack.pop_back();
      }
    }
  }
  return std::shared_ptr<const Graph>(std::move(g));
}

namespace {
void Walk(const std::vector<std::vector<int>>& adj, const std::vector<int>& from, int depth,
          std::vector<char>& out) {
  std::vector<int> frontier = from;
  std::vector<char> seen(adj.size(), 0);
  for (int f : from) seen[f] = 1;
  int level = 0;
  while (!frontier.empty() && (depth < 0 || level < depth)) {
    std::vector<int> next;
    for (int v : frontier) {
      for (int w : adj[v]) {
        out[w] = 1;
        if (!seen[w]) {
          seen[w] = 1;
          next.push_back(w);
        }
      }
    }
    frontier.swap(next);
    ++level;
  }
}
}  // namespace

const std::vector<int>* Graph::FqnCandidates(std::string_view name) const {
  auto it = fqn_names_.find(ToAbsl(name));
  return it == fqn_names_.end() ? nullptr : &it->second;
}

void Graph::Ancestors(const std::vector<int>& from, int depth, std::vector<char>& out) const {
  Walk(parents_, from, depth, out);
}

void Graph::Descendants(const std::vector<int>& from, int depth, std::vector<char>& out) const {
  Walk(children_, from, depth, out);
}

std::vector<int> Graph::TopologicalOrder() const {
  std::vector<int> indegree(nodes_.size(), 0);
  for (size_t i = 0; i < nodes_.size(); ++i) indegree[i] = static_cast<int>(parents_[i].size());
  // Ties break by unique_id (ranked once in Build, so the heap compares integers).
  const std::vector<int>& rank = rank_;
  auto cmp = [&](int a, int b) { return rank[a] > rank[b]; };
  std::vector<int> heap;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (indegree[i] == 0) heap.push_back(static_cast<int>(i));
  }
  std::make_heap(heap.begin(), heap.end(), cmp);
  std::vector<int> order;
  order.reserve(nodes_.size());
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), cmp);
    int v = heap.back();
    heap.pop_back();
    order.push_back(v);
    for (int c : children_[v]) {
      if (--indegree[c] == 0) {
        heap.push_back(c);
        std::push_heap(heap.begin(), heap.end(), cmp);
      }
    }
  }
  return order;
}

}  // namespace flinkdbt::graph
