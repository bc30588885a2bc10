#include "flinkdbt/project/config.h"

#include <algorithm>
#include <array>

#include "flinkdbt/project/yaml.h"
#include "fmt/format.h"
#include "re2/re2.h"

namespace flinkdbt::project {
namespace {

bool IsAppendKey(std::string_view k) {
  return k == "tags" || k == "pre-hook" || k == "post-hook" || k == "packages";
}
bool IsDictUpdateKey(std::string_view k) {
  return k == "meta" || k == "quoting" || k == "column_types" || k == "docs" || k == "contract" ||
         k == "persist_docs";
}

Value AsList(const Value& v) {
  if (v.is_list()) return v;
  if (v.is_null()) return Value::MakeList();
  return Value::MakeList({v});
}

}  // namespace

Value NormaliseConfig(Value config) {
  if (!config.is_map()) return Value::MakeMap();
  for (auto& [k, v] : config.map()) {
    if (k == "pre_hook") k = "pre-hook";
    if (k == "post_hook") k = "post-hook";
    if (k == "tags" && v.is_string()) v = Value::MakeList({v});
  }
  return config;
}

void MergeConfig(Value& base, const Value& update) {
  if (!base.is_map()) base = Value::MakeMap();
  if (!update.is_map()) return;
  for (const auto& [raw_key, value] : update.map()) {
    std::string key = raw_key;
    if (key == "pre_hook") key = "pre-hook";
    if (key == "post_hook") key = "post-hook";
    Value* existing = base.Find(key);
    if (existing == nullptr) {
      if (IsAppendKey(key)) {
        Value list = AsList(value);
        list.set_location(value.location());
        base.Set(key, std::move(list));
      } else {
        base.Set(key, value);
      }
      continue;
    }
    if (IsAppendKey(key)) {
      Value merged = AsList(*existing);
      Value additions = AsList(value);
      for (const Value& item : additions.list()) {
        if (key == "tags" &&
            std::find(merged.list().begin(), merged.list().end(), item) != merged.list().end()) {
          continue;
        }
        merged.Push(item);
      }
      *existing = std::move(merged);
    } else if (IsDictUpdateKey(key) && existing->is_map() && value.is_map()) {
      for (const auto& [k, v] : value.map()) existing->Set(k, v);
    } else if (key == "grants" && existing->is_map() && value.is_map()) {
      for (const auto& [k, v] : value.map()) {
        bool append = !k.empty() && k[0] == '+';
        std::string gk = append ? k.substr(1) : k;
        Value* cur = existing->Find(gk);
        if (append && cur) {
          Value merged = AsList(*cur);
          Value additions = AsList(v);
          for (const Value& item : additions.list()) merged.Push(item);
          *cur = std::move(merged);
        } else {
          existing->Set(gk, v);
        }
      }
    } else {
      *existing = value;
    }
  }
}

Value ConfigFromTree(const Value& tree, const std::vector<std::string>& fqn) {
  Value result = Value::MakeMap();
  const Value* level = &tree;
  size_t depth = 0;
  while (level != nullptr && level->is_map()) {
    Value here = Value::MakeMap();
    for (const auto& [k, v] : level->map()) {
      if (!k.empty() && k[0] == '+') {
        here.Set(k.substr(1), v);
      } else if (!v.is_map()) {
        here.Set(k, v);
      }
    }
    MergeConfig(result, here);
    if (depth >= fqn.size()) break;
    const Value* next = level->Find(fqn[depth]);
    if (next == nullptr || !next->is_map()) break;
    level = next;
    ++depth;
  }
  return result;
}

bool IsKnownMaterialization(std::string_view m) {
  static constexpr std::array<std::string_view, 9> kKnown = {"view",
                                                             "table",
                                                             "materialized_view",
                                                             "materialized_table",
                                                             "streaming_table",
                                                             "streaming_source",
                                                             "ephemeral",
                                                             "test",
                                                             "seed"};
  return std::find(kKnown.begin(), kKnown.end(), m) != kKnown.end();
}

namespace {

// Every adapter-specific config key the Confluent adapter checks (impl.py MATERIALIZATION_CONFIG_KEYS
// plus the keys materialized_table rejects).
constexpr std::array<std::string_view, 11> kAdapterKeys = {
    "distributed_by",       "on_schema_drift", "connector",          "with",
    "statement_properties", "start_mode",      "freshness_interval", "refresh_mode",
    "partition_by",         "statement_name",  "compute_pool_id"};

std::vector<std::string_view> AllowedKeys(std::string_view m) {
  std::vector<std::string_view> allowed = {"statement_name", "compute_pool_id"};
  if (m == "table") {
    allowed.insert(allowed.end(), {"distributed_by", "on_schema_drift"});
  } else if (m == "streaming_source") {
    allowed.insert(allowed.end(), {"connector", "with", "distributed_by", "on_schema_drift"});
  } else if (m == "streaming_table") {
    allowed.insert(allowed.end(), {"with", "distributed_by", "on_schema_drift", "statement_properties"});
  } else if (m == "materialized_table") {
    allowed.insert(allowed.end(), {"with", "distributed_by", "start_mode", "statement_properties"});
  } else if (m == "materialized_view") {
    allowed.insert(allowed.end(), {"with", "distributed_by", "statement_properties"});
  }
  return allowed;
}

absl::Status ValidateDistributedBy(const Value& v, std::string_view node, const SourceLocation& where) {
  auto bad = [&](std::string_view why) {
    return ErrorAt(v.location().file.empty() ? where : v.location(),
                   fmt::format("invalid distributed_by for '{}': {}", node, why));
  };
  if (!v.is_map()) return bad("expected a dictionary with 'columns' and optional 'buckets'");
  const Value* cols = v.Find("columns");
  if (cols == nullptr || !cols->is_list() || cols->list().empty()) {
    return bad("'columns' must be a non-empty list of column names");
  }
  for (const Value& c : cols->list()) {
    if (!c.is_string()) return bad("'columns' must be a non-empty list of column names");
  }
  if (const Value* b = v.Find("buckets")) {
    if (!b->is_int() || b->as_int() <= 0) return bad("'buckets' must be a positive integer");
  }
  for (const auto& [k, _] : v.map()) {
    if (k != "columns" && k != "buckets") return bad(fmt::format("unexpected key '{}'", k));
  }
  return absl::OkStatus();
}

absl::Status ValidateStartMode(const Value& v, std::string_view node, const SourceLocation& where) {
  static const RE2 kStartMode(
      R"((?i)(RESUME_OR_)?(FROM_BEGINNING|FROM_NOW(\s*\(\s*INTERVAL\s+'[^']*'\s+\w+(\s+TO\s+\w+)?\s*\))?|FROM_TIMESTAMP\s*\(\s*'[^']*'\s*\)))");
  if (!v.is_string() || !RE2::FullMatch(v.as_string(), kStartMode)) {
    return ErrorAt(v.location().file.empty() ? where : v.location(),
                   fmt::format("invalid start_mode {} for '{}': expected FROM_BEGINNING, FROM_NOW, "
                               "FROM_NOW(INTERVAL ...), FROM_TIMESTAMP('...') or their RESUME_OR_ forms",
                               v.ToPythonRepr(), node));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateMaterializationConfig(const Value& config, std::string_view node_name,
                                           const SourceLocation& where) {
  const Value* mv = config.Find("materialized");
  std::string m = (mv && mv->is_string()) ? mv->as_string() : "view";
  SourceLocation mloc = (mv && !mv->location().file.empty()) ? mv->location() : where;
  if (mv && !mv->is_string()) {
    return ErrorAt(mloc, fmt::format("config 'materialized' of '{}' must be a string, got {}", node_name,
                                     mv->KindName()));
  }
  if (m == "incremental") {
    return ErrorAt(mloc, fmt::format("materialization 'incremental' of '{}' is not supported by Flink: use "
                                     "'streaming_table' for continuously updated results",
                                     node_name));
  }
  if (m == "snapshot") {
    return ErrorAt(mloc, fmt::format("snapshots are not supported by Flink ('{}')", node_name));
  }
  if (!IsKnownMaterialization(m)) {
    return ErrorAt(mloc, fmt::format("unknown materialization '{}' for '{}' (known: view, table, "
                                     "materialized_view, materialized_table, streaming_table, "
                                     "streaming_source, ephemeral)",
                                     m, node_name));
  }
  std::vector<std::string> ignored;
  if (const Value* ig = config.Find("ignore_unsupported_config")) {
    if (ig->is_string()) {
      ignored.push_back(ig->as_string());
    } else if (ig->is_list()) {
      for (const Value& k : ig->list()) {
        if (!k.is_string()) {
          return ErrorAt(k.location().file.empty() ? where : k.location(),
                         "ignore_unsupported_config must be a list of config names");
        }
        ignored.push_back(k.as_string());
      }
    } else if (!ig->is_null()) {
      return ErrorAt(ig->location().file.empty() ? where : ig->location(),
                     "ignore_unsupported_config must be a list of config names");
    }
  }
  std::vector<std::string_view> allowed = AllowedKeys(m);
  for (const auto& [k, v] : config.map()) {
    if (std::find(kAdapterKeys.begin(), kAdapterKeys.end(), k) == kAdapterKeys.end()) continue;
    if (std::find(ignored.begin(), ignored.end(), k) != ignored.end()) continue;
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      return ErrorAt(v.location().file.empty() ? where : v.location(),
                     fmt::format("config '{}' is not supported by materialization '{}' (model '{}'); "
                                 "list it in ignore_unsupported_config to ignore it",
                                 k, m, node_name));
    }
  }
  if (const Value* d = config.Find("distributed_by"); d && !d->is_null()) {
    if (std::find(ignored.begin(), ignored.end(), "distributed_by") == ignored.end()) {
      FLINKDBT_RETURN_IF_ERROR(ValidateDistributedBy(*d, node_name, where));
    }
  }
  if (const Value* s = config.Find("start_mode"); s && !s->is_null() && m == "materialized_table") {
    FLINKDBT_RETURN_IF_ERROR(ValidateStartMode(*s, node_name, where));
  }
  if (const Value* w = config.Find("with"); w && !w->is_null() && !w->is_map()) {
    return ErrorAt(w->location().file.empty() ? where : w->location(),
                   fmt::format("config 'with' of '{}' must be a dictionary of table options", node_name));
  }
  if (m == "streaming_source") {
    const Value* c = config.Find("connector");
    if (c == nullptr || !c->is_string() || c->as_string().empty()) {
      return ErrorAt(where, fmt::format("streaming_source '{}' needs a 'connector' config", node_name));
    }
  }
  if (const Value* sp = config.Find("statement_properties"); sp && !sp->is_null()) {
    if (!sp->is_map()) {
      return ErrorAt(sp->location().file.empty() ? where : sp->location(),
                     "statement_properties must be a dictionary");
    }
    for (const auto& [k, v] : sp->map()) {
      if (k == "sql.current-catalog" || k == "sql.current-database" || k == "sql.snapshot.mode") {
        return ErrorAt(v.location().file.empty() ? where : v.location(),
                       fmt::format("'{}' is a reserved system property", k));
      }
    }
  }
  if (const Value* e = config.Find("execution_mode"); e && !e->is_null()) {
    std::string em = e->is_string() ? e->as_string() : "";
    if (em != "snapshot" && em != "snapshot_ddl" && em != "streaming_query" && em != "streaming_ddl") {
      return ErrorAt(e->location().file.empty() ? where : e->location(),
                     fmt::format("invalid execution_mode {}: expected snapshot, snapshot_ddl, "
                                 "streaming_query or streaming_ddl",
                                 e->ToPythonRepr()));
    }
  }
  return absl::OkStatus();
}

}  // namespace flinkdbt::project
