// Graph: the DAG of a manifest's nodes (models, seeds, tests, unit tests, sources, exposures) as
// dense integer ids with parent/child adjacency, built once and then read-only (thread-safe).
// Building it rejects a cycle with the cycle printed: "Found a cycle: stg_a -> int_b -> stg_a".
#ifndef FLINKDBT_GRAPH_GRAPH_H_
#define FLINKDBT_GRAPH_GRAPH_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "flinkdbt/compile/manifest.h"

namespace flinkdbt::graph {

using compile::Manifest;
using compile::Node;

class Graph {
 public:
  // Builds the graph of `manifest` (which must outlive it). Errors: a cycle (InvalidArgument).
  static absl::StatusOr<std::shared_ptr<const Graph>> Build(std::shared_ptr<const Manifest> manifest);

  size_t size() const { return nodes_.size(); }
  const Node& node(int id) const { return *nodes_[id]; }
  // The node's resource type from a dense array (selection reads it for every node; the nodes
  // themselves are large and scattered).
  compile::ResourceType type(int id) const { return types_[id]; }
  int Find(std::string_view unique_id) const;  // -1 when absent
  const std::vector<int>& parents(int id) const { return parents_[id]; }
  const std::vector<int>& children(int id) const { return children_[id]; }
  const Manifest& manifest() const { return *manifest_; }
  std::shared_ptr<const Manifest> manifest_ptr() const { return manifest_; }

  // Ancestors / descendants of `from` (excluding the start nodes unless reached through others), up
  // to `depth` hops (-1: unlimited). Results are marked in `out` (size() entries).
  void Ancestors(const std::vector<int>& from, int depth, std::vector<char>& out) const;
  void Descendants(const std::vector<int>& from, int depth, std::vector<char>& out) const;

  // Node ids in dependency order (parents first; ties by unique_id).
  std::vector<int> TopologicalOrder() const;
  // rank_by_unique_id()[id] is the position of node `id` when nodes are sorted by unique_id.
  const std::vector<int>& rank_by_unique_id() const { return rank_; }
  // The nodes a plain fqn selector (no dots, no wildcards) selects, by that name: a node's last fqn
  // part (for versioned models: the model name and <name>_v<version>) or the first dot-part of
  // fqn[0] or fqn[1] (package, top folder), as dbt's fqn method matches a plain name. Sources and
  // exposures are not listed. nullptr when nothing has that name.
  const std::vector<int>* FqnCandidates(std::string_view name) const;
  // Every node id, sorted by unique_id (the inverse of rank_by_unique_id()).
  const std::vector<int>& ids_by_unique_id() const { return by_unique_id_; }

 private:
  std::shared_ptr<const Manifest> manifest_;
  std::vector<const Node*> nodes_;
  std::vector<compile::ResourceType> types_;
  absl::flat_hash_map<absl::string_view, int> index_;  // keys: the nodes' unique_ids (kept by manifest_)
  std::vector<std::vector<int>> parents_;
  std::vector<std::vector<int>> children_;
  std::vector<int> rank_;
  std::vector<int> by_unique_id_;
  absl::flat_hash_map<std::string, std::vector<int>> fqn_names_;
};

}  // namespace flinkdbt::graph

#endif  // FLINKDBT_GRAPH_GRAPH_H_
