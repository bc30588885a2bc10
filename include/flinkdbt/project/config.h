// dbt's config rules: the hierarchical `+config` trees of dbt_project.yml (fqn_search), the merge
// rules (clobber; append for tags and hooks; dict update for meta, quoting, docs, contract...), the
// precedence chain of a node's config, and the Confluent adapter's per-materialization validation
// of config keys. Pure functions over Values; thread-safe.
#ifndef FLINKDBT_PROJECT_CONFIG_H_
#define FLINKDBT_PROJECT_CONFIG_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "flinkdbt/project/value.h"

namespace flinkdbt::project {

// The configs a project tree gives the node with `fqn` (dbt's fqn_search): descend through
// tree[fqn[0]], tree[fqn[1]], ...; at each level `+key` and non-dict values are configs, deeper levels
// win (merged with MergeConfig). Keys are returned without their `+`.
Value ConfigFromTree(const Value& tree, const std::vector<std::string>& fqn);

// Merges `update` into `base` with dbt-common's rules (keys are config names without `+`):
//   append:      tags, pre-hook, post-hook, packages (lists; a scalar counts as a one-item list)
//   dict update: meta, quoting, column_types, docs, contract, persist_docs
//   grants:      dict-key append
//   otherwise:   clobber
void MergeConfig(Value& base, const Value& update);

// Normalises alias keys (pre_hook -> pre-hook, post_hook -> post-hook) and turns a scalar `tags`
// into a list.
Value NormaliseConfig(Value config);

// The Confluent adapter's validate_materialization_config(): for the adapter-specific keys present
// in `config`, each must be allowed for `materialized` unless listed in ignore_unsupported_config.
// Unknown materializations and the compile-error materializations (incremental, materialized_view
// as the Python adapter ≥ 0.2 has it is *accepted* here — see README) are reported at `where`.
absl::Status ValidateMaterializationConfig(const Value& config, std::string_view node_name,
                                           const SourceLocation& where);

// The materializations flinkdbt knows for models.
bool IsKnownMaterialization(std::string_view m);

}  // namespace flinkdbt::project

#endif  // FLINKDBT_PROJECT_CONFIG_H_
