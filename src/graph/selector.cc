#include "flinkdbt/graph/selector.h"

#include <algorithm>
#include <filesystem>

#include "flinkdbt/base/strings.h"
#include "flinkdbt/project/project.h"
#include "flinkdbt/project/yaml.h"
#include "fmt/format.h"
#include "re2/re2.h"

namespace flinkdbt::graph {

using compile::ResourceType;
using project::Value;

namespace {
absl::Status SelError(std::string msg) { return absl::InvalidArgumentError(ToAbsl(msg)); }

const std::vector<std::string_view>& KnownMethods() {
  static const std::vector<std::string_view> m = {
      "fqn",      "tag",    "group",         "access",    "source",        "path",           "file",
      "package",  "config", "test_name",     "test_type", "resource_type", "state",          "exposure",
      "metric",   "result", "source_status", "wildcard",  "version",       "semantic_model", "saved_query",
      "unit_test"};
  return m;
}

// Python fnmatch: * ? [seq] [!seq]
bool FnMatchImpl(std::string_view s, std::string_view p) {
  size_t si = 0, pi = 0, star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      char c = p[pi];
      if (c == '*') {
        star_p = pi++;
        star_s = si;
        continue;
      }
      if (c == '?') {
        ++si;
        ++pi;
        continue;
      }
      if (c == '[') {
        size_t j = pi + 1;
        bool negate = false;
        if (j < p.size() && p[j] == '!') {
          negate = true;
          ++j;
        }
        size_t start = j;
        if (j < p.size() && p[j] == ']') ++j;
        while (j < p.size() && p[j] != ']') ++j;
        if (j < p.size()) {
          bool matched = false;
          for (size_t k = start; k < j; ++k) {
            if (k + 2 < j && p[k + 1] == '-') {
              if (s[si] >= p[k] && s[si] <= p[k + 2]) matched = true;
              k += 2;
            } else if (p[k] == s[si]) {
              matched = true;
            }
          }
          if (matched != negate) {
            ++si;
            pi = j + 1;
            continue;
          }
        } else if (s[si] == '[') {
          ++si;
          ++pi;
          continue;
        }
      } else if (c == s[si]) {
        ++si;
        ++pi;
        continue;
      }
    }
    if (star_p != std::string_view::npos) {
      pi = star_p + 1;
      si = ++star_s;
      continue;
    }
    return false;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t b = 0;
  while (true) {
    size_t e = s.find(sep, b);
    out.emplace_back(s.substr(b, e == std::string_view::npos ? std::string_view::npos : e - b));
    if (e == std::string_view::npos) break;
    b = e + 1;
  }
  return out;
}

bool HasWildcard(std::string_view s) { return s.find_first_of("*?[]") != std::string_view::npos; }

// dbt's is_selected_node for one fqn (starting at fqn[from]).
bool IsSelectedNode(const std::vector<std::string>& full_fqn, size_t from, const std::string& selector,
                    bool versioned, bool simple) {
  if (full_fqn.size() <= from) return false;
  if (simple && !versioned) {
    // No dots, no wildcards: the leaf name, or the first dot-part of the first segment.
    if (full_fqn.back() == selector) return true;
    std::string_view first = full_fqn[from];
    first = first.substr(0, first.find('.'));
    return first == selector;
  }
  std::vector<std::string> fqn(full_fqn.begin() + from, full_fqn.end());
  if (versioned && fqn.size() >= 2) {
    if (fqn[fqn.size() - 2] == selector) return true;
    std::string joined_u = fqn[fqn.size() - 2] + "_" + fqn.back();
    std::string joined_d = fqn[fqn.size() - 2] + "." + fqn.back();
    if (joined_u == selector || joined_d == selector) return true;
  } else if (fqn.back() == selector) {
    return true;
  }
  std::vector<std::string> flat;
  for (const auto& seg : fqn) {
    for (auto& part : Split(seg, '.')) flat.push_back(std::move(part));
  }
  std::vector<std::string> sel = Split(selector, '.');
  if (flat.size() < sel.size()) return false;
  for (size_t i = 0; i < sel.size(); ++i) {
    if (HasWildcard(sel[i])) {
      std::string rest_fqn, rest_sel;
      for (size_t j = i; j < flat.size(); ++j) rest_fqn += (j > i ? "." : "") + flat[j];
      for (size_t j = i; j < sel.size(); ++j) rest_sel += (j > i ? "." : "") + sel[j];
      return FnMatchImpl(rest_fqn, rest_sel);
    }
    if (flat[i] != sel[i]) return false;
  }
  return true;
}

// pathlib-style glob of `pattern` against `path` (both '/'-separated, relative).
bool GlobSegments(const std::vector<std::string>& pat, size_t pi, const std::vector<std::string>& path,
                  size_t si) {
  if (pi == pat.size()) return si == path.size();
  if (pat[pi] == "**") {
    for (size_t k = si; k <= path.size(); ++k) {
      if (GlobSegments(pat, pi + 1, path, k)) return true;
    }
    return false;
  }
  if (si == path.size()) return false;
  if (!FnMatchImpl(path[si], pat[pi])) return false;
  return GlobSegments(pat, pi + 1, path, si + 1);
}

std::string NormalisePath(std::string p) {
  while (p.rfind("./", 0) == 0) p = p.substr(2);
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

bool PathMatches(const std::string& pattern, const std::string& path) {
  std::vector<std::string> pat = Split(pattern, '/');
  std::vector<std::string> parts = Split(path, '/');
  return GlobSegments(pat, 0, parts, 0);
}

bool IsTest(const compile::Node& n) { return n.resource_type == ResourceType::kTest; }
bool IsGenericTest(const compile::Node& n) { return IsTest(n) && !n.test_metadata.is_null(); }

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// ------------------------------------------------------------------------------------------------
// State comparison (dbt's same_contents and friends).

const Value* OldEntry(const PreviousState& st, const compile::Node& n) {
  const char* section = "nodes";
  if (n.resource_type == ResourceType::kSource) section = "sources";
  if (n.resource_type == ResourceType::kExposure) section = "exposures";
  if (n.resource_type == ResourceType::kUnitTest) section = "unit_tests";
  const Value* s = st.manifest.Find(section);
  return s ? s->Find(n.unique_id) : nullptr;
}

Value Without(Value v, std::initializer_list<std::string_view> keys) {
  if (!v.is_map()) return Value::MakeMap();
  for (auto k : keys) v.Erase(k);
  return v;
}

Value Get(const Value* v, std::string_view key) {
  if (v == nullptr) return Value();
  const Value* x = v->Find(key);
  return x ? *x : Value();
}

Value StrListValue(const std::vector<std::string>& items) {
  Value v = Value::MakeList();
  for (const auto& s : items) v.Push(Value::String(s));
  return v;
}

class StateComparer {
 public:
  StateComparer(const Graph& g, const PreviousState& st) : g_(g), st_(st) {}

  bool SameBody(const compile::Node& n, const Value& old) {
    if (n.resource_type == ResourceType::kSource || n.resource_type == ResourceType::kExposure) return true;
    if (n.resource_type == ResourceType::kSeed) {
      return Get(old.Find("checksum"), "checksum") == Value::String(n.checksum);
    }
    if (n.resource_type == ResourceType::kUnitTest) return Get(&old, "checksum") == Value::String(n.checksum);
    return Get(&old, "raw_code") == Value::String(n.raw_code);
  }
  bool SameConfig(const compile::Node& n, const Value& old) {
    if (IsTest(n)) {
      for (const char* k : {"severity", "where", "limit", "fail_calc", "warn_if", "error_if",
                            "store_failures", "store_failures_as"}) {
        Value a = n.config.Find(k) ? *n.config.Find(k) : Value();
        Value b = Get(old.Find("config"), k);
        if (k == std::string_view("severity")) {
          a = Value::String(Lower(a.ToPythonStr()));
          b = Value::String(Lower(b.ToPythonStr()));
        }
        if (!(a == b) && !(a.is_null() && b.is_null())) return false;
      }
      return true;
    }
    Value a = Without(n.unrendered_config, {"tags", "alias", "schema", "database", "group"});
    Value b = Without(Get(&old, "unrendered_config"), {"tags", "alias", "schema", "database", "group"});
    return a == b;
  }
  bool SameRelation(const compile::Node& n, const Value& old) {
    Value uc = Get(&old, "unrendered_config");
    for (const char* k : {"database", "schema", "alias"}) {
      Value a = n.unrendered_config.Find(k) ? *n.unrendered_config.Find(k) : Value();
      Value b = Get(&uc, k);
      if (!(a == b)) return false;
    }
    if (n.resource_type == ResourceType::kSource) {
      return Get(&old, "database") == Value::String(n.database) &&
             Get(&old, "schema") == Value::String(n.schema) &&
             Get(&old, "identifier") == Value::String(n.identifier);
    }
    return true;
  }
  bool SamePersistedDescriptions(const compile::Node& n, const Value& old) {
    const Value* pd = n.config.Find("persist_docs");
    bool rel = pd && pd->Find("relation") && pd->Find("relation")->Truthy();
    bool cols = pd && pd->Find("columns") && pd->Find("columns")->Truthy();
    if (rel && !(Get(&old, "description") == Value::String(n.description))) return false;
    if (cols) {
      Value oc = Get(&old, "columns");
      for (const auto& [name, col] : n.columns.map()) {
        if (!(Get(oc.Find(name), "description") == Get(&col, "description"))) return false;
      }
      if (oc.is_map() && oc.map().size() != n.columns.map().size()) return false;
    }
    return true;
  }
  bool SameContract(const compile::Node& n, const Value& old) {
    Value oc = Get(&old, "contract");
    bool new_enf = n.contract.Find("enforced") && n.contract.Find("enforced")->Truthy();
    bool old_enf = Get(&oc, "enforced").Truthy();
    if (new_enf != old_enf) return false;
    if (!new_enf) return true;
    Value ocols = Get(&old, "columns");
    for (const auto& [name, col] : n.columns.map()) {
      if (!(Get(ocols.Find(name), "data_type") == Get(&col, "data_type"))) return false;
    }
    return true;
  }
  bool MacrosChanged(const compile::Node& n) {
    std::vector<std::string> stack = n.depends_on_macros;
    std::set<std::string> seen;
    const Value* old_macros = st_.manifest.Find("macros");
    while (!stack.empty()) {
      std::string id = stack.back();
      stack.pop_back();
      if (!seen.insert(id).second) continue;
      const compile::Macro* m = g_.manifest().FindMacro(id);
      const Value* om = old_macros ? old_macros->Find(id) : nullptr;
      if (m == nullptr || om == nullptr) return true;
      if (!(Get(om, "macro_sql") == Value::String(m->macro_sql))) return true;
      for (const auto& d : m->depends_on_macros) stack.push_back(d);
    }
    return false;
  }
  bool SameOther(const compile::Node& n, const Value& old) {
    if (!(Get(&old, "fqn") == StrListValue(n.fqn))) return false;
    if (n.resource_type == ResourceType::kModel) {
      if (!(Get(&old, "latest_version") == n.latest_version)) return false;
      if (!(Get(&old, "access") == Value::String(n.access))) return false;
      if (!(Get(&old, "deprecation_date") == n.deprecation_date)) return false;
    }
    if (n.resource_type == ResourceType::kSource) {
      if (!(Get(&old, "freshness") == n.freshness)) return false;
      if (!(Get(&old, "loaded_at_field") == n.loaded_at_field)) return false;
      if (!(Get(&old, "quoting") == n.quoting)) return false;
    }
    if (n.resource_type == ResourceType::kExposure) {
      for (const char* k : {"type", "maturity", "url"}) {
        (void)k;
      }
      if (!(Get(&old, "owner") == n.owner)) return false;
      Value deps = Get(old.Find("depends_on"), "nodes");
      if (!(deps == StrListValue(n.depends_on_nodes))) return false;
    }
    return true;
  }

  // `which`: "" (all), body, configs, relation, persisted_descriptions, macros, contract.
  absl::StatusOr<bool> Modified(const compile::Node& n, const std::string& which) {
    const Value* old = OldEntry(st_, n);
    if (old == nullptr) return true;  // new counts as modified
    if (which.empty()) {
      return !SameBody(n, *old) || !SameConfig(n, *old) || !SameRelation(n, *old) ||
             !SamePersistedDescriptions(n, *old) || !SameContract(n, *old) || !SameOther(n, *old) ||
             MacrosChanged(n);
    }
    if (which == "body") return !SameBody(n, *old);
    if (which == "configs") return !SameConfig(n, *old);
    if (which == "relation") return !SameRelation(n, *old);
    if (which == "persisted_descriptions") return !SamePersistedDescriptions(n, *old);
    if (which == "macros") return MacrosChanged(n);
    if (which == "contract") return !SameContract(n, *old);
    return SelError(
        fmt::format("invalid state selector 'modified.{}' (expected body, configs, relation, "
                    "persisted_descriptions, macros or contract)",
                    which));
  }

  bool IsNew(const compile::Node& n) { return OldEntry(st_, n) == nullptr; }

 private:
  const Graph& g_;
  const PreviousState& st_;
};

// ------------------------------------------------------------------------------------------------

class Evaluator {
 public:
  Evaluator(const Graph& g, const SelectOptions& o) : g_(g), o_(o) {}

  using Set = std::vector<char>;

  absl::StatusOr<Set> Method(const SelectionCriteria& c) {
    Set out(g_.size(), 0);
    const std::string& v = c.value;
    const std::string& m = c.method;
    auto each = [&](auto pred) -> absl::Status {
      for (size_t i = 0; i < g_.size(); ++i) {
        absl::StatusOr<bool> r = pred(g_.node(static_cast<int>(i)));
        if (!r.ok()) return r.status();
        if (*r) out[i] = 1;
      }
      return absl::OkStatus();
    };
    absl::Status st = absl::OkStatus();
    if (m == "fqn" && v.find('.') == std::string::npos && !HasWildcard(v)) {
      // A plain name: the graph's name index gives exactly the nodes dbt's fqn match selects.
      if (const std::vector<int>* ids = g_.FqnCandidates(v)) {
        for (int id : *ids) out[id] = 1;
      }
    } else if (m == "fqn") {
      bool simple = false;
      bool star = v == "*";
      st = each([&](const compile::Node& n) -> absl::StatusOr<bool> {
        if (n.resource_type == ResourceType::kSource || n.resource_type == ResourceType::kExposure)
          return false;
        if (star) return true;
        bool versioned = !n.version.is_null();
        return IsSelectedNode(n.fqn, 0, v, versioned, simple) ||
               IsSelectedNode(n.fqn, 1, v, versioned, simple);
      });
    } else if (m == "tag") {
      st = each([&](const compile::Node& n) -> absl::StatusOr<bool> {
        for (const auto& t : n.tags) {
          if (FnMatchImpl(t, v)) return true;
        }
        return false;
      });
    } else if (m == "path") {
      std::string pat = NormalisePath(v);
      st = each([&](const compile::Node& n) -> absl::StatusOr<bool> {
        if (PathMatches(pat, n.original_file_path)) return true;
        if (!n.patch_path.empty()) {
          size_t p = n.patch_path.find("://");
          if (p != std::string::npos && PathMatches(pat, n.patch_path.substr(p + 3))) return true;
        }
        std::string dir = n.original_file_path;
        while (true) {
          size_t slash = dir.rfind('/');
          if (slash == std::string::npos) break;
          dir = dir.substr(0, slash);
          if (PathMatches(pat, dir)) return true;
        }
        return false;
      });
    } else if (m == "file") {
      st = each([&](const compile::Node& n) -> absl::StatusOr<bool> {
        std::string name = n.original_file_path.substr(n.original_file_path.rfind('/') + 1);
        std::string stem = name.substr(0, name.rfind('.'));
        return FnMatchImpl(name, v) || FnMatchImpl(stem, v);
      });
    } else if (m == "package") {
      std::string pat = v == "this" ? o_.root_project : v;
      st = each(
          [&](const compile::Node& n) -> absl::StatusOr<bool> { return FnMatchImpl(n.package_name, pat); });
    } else if (m == "config") {
      if (c.method_args.empty()) return SelError("the config selector needs a key: config.<key>:<value>");
      bool severity = c.method_args.size() == 1 && c.method_args[0] == "severity";
      st = each([&](const compile::Node& n) -> absl::StatusOr<bool> {
        if (n.resource_type == ResourceType::kUnitTest) return false;
        const Value* cur = &n.config;
        for (const auto& k : c.method_args) {
          cur = cur->Find(k);
          if (cur == nullptr) return false;
        }
        auto eq = [&](const Value& x) {
          if (x.is_string()) return severity ? Lower(x.as_string()) == Lower(v) : x.as_string() == v;
          if (x.is_bool()) return Lower(v) == (x.as_bool() ? "true" : "false");
          return false;
        };
        if (cur->is_list()) {
          for (const Value& x : cur->list()) {
            if (eq(x)) return true;
          }
          return false;
        }
        return eq(*cur);
      });
    } else if (m == "resource_type") {
      ResourceType t;
      if (!compile::ParseResourceType(v, &t)) {
        return SelError(
            fmt::format("'{}' is not a valid resource_type (model, seed, snapshot, test, unit_test, source, "
                        "analysis, exposure, ...)",
                        v));
      }
      st = each([&](const compile::Node& n) -> absl::StatusOr<bool> { return n.resource_type == t; });
    } else if (m == "test_type") {
      if (v != "generic" && v != "schema" && v != "singular" && v != "data" && v != "unit") {
        return SelError(
            fmt::format("Invalid test type selector '{}': expected generic, singular, unit or data", v));
      }
      st = each([&](const compile::Node& n) -> absl::StatusOr<bool> {
        if (v == "unit") return n.resource_type == ResourceType::kUnitTest;
        if (!IsTest(n)) return false;
        if (v == "generic" || v == "schema") return IsGenericTest(n);
        if (v == "singular") return !IsGenericTest(n);
        return true;
      });
    } else if (m == "test_name") {
      st = each([&](const compile::Node& n) -> absl::StatusOr<bool> {
        if (n.resource_type == ResourceType::kUnitTest) return FnMatchImpl(n.name, v);
        if (!IsGenericTest(n)) return false;
        const Value* name = n.test_metadata.Find("name");
        return name && FnMatchImpl(name->as_string(), v);
      });
    } else if (m == "source") {
      std::vector<std::string> parts = Split(v, '.');
      std::string pkg = "*", src, tbl = "*";
      if (parts.size() == 1) {
        src = parts[0];
      } else if (parts.size() == 2) {
        src = parts[0];
        tbl = parts[1];
      } else if (parts.size() == 3) {
        pkg = parts[0];
        src = parts[1];
        tbl = parts[2];
      } else {
        return SelError(
            fmt::format("Invalid source selector value '{}': expected src, src.table or pkg.src.table", v));
      }
      st = each([&](const compile::Node& n) -> absl::StatusOr<bool> {
        return n.resource_type == ResourceType::kSource && FnMatchImpl(n.package_name, pkg) &&
               FnMatchImpl(n.source_name, src) && FnMatchImpl(n.name, tbl);
      });
    } else if (m == "exposure" || m == "unit_test" || m == "metric" || m == "semantic_model" ||
               m == "saved_query") {
      ResourceType want = m == "exposure" ? ResourceType::kExposure : ResourceType::kUnitTest;
      bool none = m != "exposure" && m != "unit_test";
      std::vector<std::string> parts = Split(v, '.');
      if (parts.size() > 3 || (m == "exposure" && parts.size() > 2)) {
        return SelError(fmt::format("Invalid {} selector value '{}'", m, v));
      }
      st = each([&](const compile::Node& n) -> absl::StatusOr<bool> {
        if (none || n.resource_type != want) return false;
        if (parts.size() == 1) return FnMatchImpl(n.name, parts[0]);
        if (parts.size() == 2) return FnMatchImpl(n.package_name, parts[0]) && FnMatchImpl(n.name, parts[1]);
        std::string model = n.fqn.size() >= 2 ? n.fqn[n.fqn.size() - 2] : "";
        return FnMatchImpl(n.package_name, parts[0]) && FnMatchImpl(model, parts[1]) &&
               FnMatchImpl(n.name, parts[2]);
      });
    } else if (m == "version") {
      if (v != "latest" && v != "prerelease" && v != "old" && v != "none") {
        return SelError(
            fmt::format("Invalid version type selector '{}': expected latest, prerelease, old or none", v));
      }
      st = each([&](const compile::Node& n) -> absl::StatusOr<bool> {
        if (n.resource_type != ResourceType::kModel) return false;
        if (v == "none") return n.version.is_null();
        if (n.version.is_null() || n.latest_version.is_null()) return v == "latest" && !n.version.is_null();
        double ver =
            n.version.is_number() ? n.version.as_double() : std::atof(n.version.ToPythonStr().c_str());
        double latest = n.latest_version.is_number() ? n.latest_version.as_double()
                                                     : std::atof(n.latest_version.ToPythonStr().c_str());
        if (v == "latest") return ver == latest;
        if (v == "prerelease") return ver > latest;
        return ver < latest;
      });
    } else if (m == "state") {
      if (o_.state == nullptr || o_.state->manifest.is_null()) {
        return SelError(
            "Got a state selector method, but no comparison manifest: pass --state DIR with a "
            "manifest.json from a previous run");
      }
      StateComparer cmp(g_, *o_.state);
      std::string which;
      std::string base = v;
      if (size_t dot = v.find('.'); dot != std::string::npos) {
        base = v.substr(0, dot);
        which = v.substr(dot + 1);
      }
      if (base != "new" && base != "old" && base != "modified" && base != "unmodified") {
        return SelError(
            fmt::format("Got an invalid selector value for state: '{}' (expected new, old, modified, "
                        "unmodified, or modified.<body|configs|relation|persisted_descriptions|macros|"
                        "contract>)",
                        v));
      }
      st = each([&](const compile::Node& n) -> absl::StatusOr<bool> {
        if (base == "new") return cmp.IsNew(n);
        if (base == "old") return !cmp.IsNew(n);
        FLINKDBT_ASSIGN_OR_RETURN(bool mod, cmp.Modified(n, which));
        if (base == "modified") return mod;
        return !cmp.IsNew(n) && !mod;
      });
    } else if (m == "result") {
      if (o_.state == nullptr || o_.state->run_results.is_null()) {
        return SelError(
            "Got a result selector method, but no run_results.json: pass --state DIR from a previous run");
      }
      std::set<std::string> ids;
      if (const Value* results = o_.state->run_results.Find("results"); results && results->is_list()) {
        for (const Value& r : results->list()) {
          if (Get(&r, "status") == Value::String(v)) ids.insert(Get(&r, "unique_id").ToPythonStr());
        }
      }
      st = each([&](const compile::Node& n) -> absl::StatusOr<bool> { return ids.count(n.unique_id) > 0; });
    } else if (m == "source_status" || m == "group" || m == "access" || m == "wildcard") {
      // Not meaningful for Flink here: matches nothing (dbt does the same for unknown source_status).
    } else {
      return SelError(fmt::format("'{}' is not a valid method name", m));
    }
    FLINKDBT_RETURN_IF_ERROR(st);
    return out;
  }

  std::vector<int> Members(const Set& s) {
    std::vector<int> out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i]) out.push_back(static_cast<int>(i));
    }
    return out;
  }

  static bool CanSelectIndirectly(ResourceType t) {
    return t == ResourceType::kTest || t == ResourceType::kUnitTest;
  }

  bool ParentsWithin(int id, const Set& s) {
    for (int p : g_.parents(id)) {
      if (!s[p]) return false;
    }
    return true;
  }

  // Returns (direct, indirect).
  std::pair<Set, Set> Expand(const Set& selected, IndirectSelection mode) {
    Set direct = selected, indirect(g_.size(), 0);
    Set selected_and_parents;
    if (mode == IndirectSelection::kBuildable) {
      selected_and_parents = selected;
      g_.Ancestors(Members(selected), -1, selected_and_parents);
      for (size_t i = 0; i < g_.size(); ++i) {
        if (g_.type(static_cast<int>(i)) == ResourceType::kSource) selected_and_parents[i] = 1;
      }
    }
    for (size_t i = 0; i < g_.size(); ++i) {
      if (!selected[i]) continue;
      for (int c : g_.children(static_cast<int>(i))) {
        if (!CanSelectIndirectly(g_.type(c))) continue;
        if (mode == IndirectSelection::kEager || ParentsWithin(c, selected)) {
          direct[c] = 1;
        } else if (mode == IndirectSelection::kBuildable && ParentsWithin(c, selected_and_parents)) {
          direct[c] = 1;
        } else {
          indirect[c] = 1;
        }
      }
    }
    return {direct, indirect};
  }

  absl::StatusOr<std::pair<Set, Set>> Criteria(const SelectionCriteria& c) {
    FLINKDBT_ASSIGN_OR_RETURN(Set collected, Method(c));
    Set selected = collected;
    std::vector<int> members = Members(collected);
    if (c.childrens_parents) {
      Set kids = collected;
      g_.Descendants(members, -1, kids);
      Set all = kids;
      g_.Ancestors(Members(kids), -1, all);
      for (size_t i = 0; i < all.size(); ++i) selected[i] |= all[i];
    }
    if (c.parents) g_.Ancestors(members, c.parents_depth, selected);
    if (c.children) g_.Descendants(members, c.children_depth, selected);
    IndirectSelection mode = c.indirect_selection.value_or(o_.indirect_selection);
    if (mode == IndirectSelection::kEmpty) return std::make_pair(selected, Set(g_.size(), 0));
    return Expand(selected, mode);
  }

  Set Incorporate(const Set& direct, const Set& indirect, IndirectSelection mode) {
    Set selected = direct;
    if (mode == IndirectSelection::kCautious) {
      for (size_t i = 0; i < indirect.size(); ++i) {
        if (indirect[i] && ParentsWithin(static_cast<int>(i), direct)) selected[i] = 1;
      }
    } else if (mode == IndirectSelection::kBuildable) {
      Set sp = direct;
      g_.Ancestors(Members(direct), -1, sp);
      for (size_t i = 0; i < indirect.size(); ++i) {
        if (indirect[i] && ParentsWithin(static_cast<int>(i), sp)) selected[i] = 1;
      }
    }
    return selected;
  }

  absl::StatusOr<std::pair<Set, Set>> Recurse(const SelectionSpec& spec) {
    if (spec.kind == SelectionSpec::Kind::kCriteria) {
      FLINKDBT_ASSIGN_OR_RETURN(auto r, Criteria(spec.criteria));
      if (spec.expect_exists && std::find(r.first.begin(), r.first.end(), 1) == r.first.end()) {
        warnings_.push_back(
            fmt::format("The selection criterion '{}' does not match any enabled nodes", spec.raw));
      }
      return r;
    }
    std::vector<Set> directs, indirects;
    for (const auto& comp : spec.components) {
      FLINKDBT_ASSIGN_OR_RETURN(auto r, Recurse(comp));
      Set both = r.first;
      for (size_t i = 0; i < both.size(); ++i) both[i] |= r.second[i];
      directs.push_back(std::move(r.first));
      indirects.push_back(std::move(both));
    }
    auto combine = [&](const std::vector<Set>& sets) {
      Set out(g_.size(), 0);
      if (sets.empty()) return out;
      if (spec.kind == SelectionSpec::Kind::kUnion) {
        for (const Set& s : sets) {
          for (size_t i = 0; i < s.size(); ++i) out[i] |= s[i];
        }
      } else if (spec.kind == SelectionSpec::Kind::kIntersection) {
        out = sets[0];
        for (size_t k = 1; k < sets.size(); ++k) {
          for (size_t i = 0; i < out.size(); ++i) out[i] &= sets[k][i];
        }
      } else {
        out = sets[0];
        for (size_t k = 1; k < sets.size(); ++k) {
          for (size_t i = 0; i < out.size(); ++i) {
            if (sets[k][i]) out[i] = 0;
          }
        }
      }
      return out;
    };
    Set initial = combine(directs);
    Set indirect = combine(indirects);
    IndirectSelection mode = spec.indirect_selection.value_or(o_.indirect_selection);
    Set direct = initial == indirect ? initial : Incorporate(initial, indirect, mode);
    return std::make_pair(direct, indirect);
  }

  std::vector<std::string> warnings_;

 private:
  const Graph& g_;
  const SelectOptions& o_;
};

}  // namespace

bool FnMatch(std::string_view name, std::string_view pattern) { return FnMatchImpl(name, pattern); }

absl::StatusOr<IndirectSelection> ParseIndirectSelection(std::string_view s) {
  if (s == "eager") return IndirectSelection::kEager;
  if (s == "cautious") return IndirectSelection::kCautious;
  if (s == "buildable") return IndirectSelection::kBuildable;
  if (s == "empty") return IndirectSelection::kEmpty;
  return SelError(
      fmt::format("invalid indirect selection '{}': expected eager, cautious, buildable or empty", s));
}

absl::StatusOr<SelectionCriteria> ParseCriteria(std::string_view spec) {
  static const RE2 kSpec(R"((@)?((\d*)\+)?(([\w.]+):)?(.*?)(\+(\d*))?)");
  std::string at, parents, parents_depth, method_colon, method, value, children, children_depth;
  if (!RE2::FullMatch(re2::StringPiece(spec.data(), spec.size()), kSpec, &at, &parents, &parents_depth,
                      &method_colon, &method, &value, &children, &children_depth)) {
    return SelError(fmt::format("Invalid selector spec '{}'", spec));
  }
  SelectionCriteria c;
  c.raw = std::string(spec);
  c.childrens_parents = !at.empty();
  c.parents = !parents.empty();
  c.parents_depth = parents_depth.empty() ? -1 : std::atoi(parents_depth.c_str());
  c.children = !children.empty();
  c.children_depth = children_depth.empty() ? -1 : std::atoi(children_depth.c_str());
  if (c.childrens_parents && c.children) {
    return SelError(fmt::format("Invalid node spec '{}' - '@' prefix and '+' suffix are incompatible", spec));
  }
  c.value = value;
  if (value.empty()) return SelError(fmt::format("Invalid selector spec '{}': no value", spec));
  if (method.empty()) {
    std::string lower = Lower(value);
    auto ends = [&](std::string_view suf) {
      return lower.size() >= suf.size() && lower.compare(lower.size() - suf.size(), suf.size(), suf) == 0;
    };
    if (value.find('/') != std::string::npos) {
      c.method = "path";
    } else if (ends(".sql") || ends(".py") || ends(".csv")) {
      c.method = "file";
    } else {
      c.method = "fqn";
    }
  } else {
    std::vector<std::string> parts = Split(method, '.');
    c.method = parts[0];
    c.method_args.assign(parts.begin() + 1, parts.end());
    const auto& known = KnownMethods();
    if (std::find(known.begin(), known.end(), c.method) == known.end()) {
      return SelError(fmt::format("'{}' is not a valid method name (in selector '{}')", c.method, spec));
    }
  }
  return c;
}

namespace {

SelectionSpec CriteriaSpec(SelectionCriteria c, bool expect_exists) {
  SelectionSpec s;
  s.kind = SelectionSpec::Kind::kCriteria;
  s.raw = c.raw;
  s.criteria = std::move(c);
  s.expect_exists = expect_exists;
  return s;
}

std::vector<std::string> SplitSpaces(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : s) {
    if (std::isspace(static_cast<unsigned char>(ch))) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

absl::StatusOr<SelectionSpec> ParseUnion(const std::vector<std::string>& args,
                                         std::optional<IndirectSelection> ind) {
  SelectionSpec u;
  u.kind = SelectionSpec::Kind::kUnion;
  u.indirect_selection = ind;
  for (const auto& arg : args) {
    for (const auto& term : SplitSpaces(arg)) {
      SelectionSpec inter;
      inter.kind = SelectionSpec::Kind::kIntersection;
      inter.raw = term;
      inter.expect_exists = true;
      inter.indirect_selection = ind;
      for (const auto& part : Split(term, ',')) {
        if (part.empty()) return SelError(fmt::format("Invalid selector '{}': empty criterion", term));
        FLINKDBT_ASSIGN_OR_RETURN(SelectionCriteria c, ParseCriteria(part));
        c.indirect_selection = ind;
        inter.components.push_back(CriteriaSpec(std::move(c), false));
      }
      u.components.push_back(std::move(inter));
    }
  }
  return u;
}

const Value* FindSelector(const Value& all, const std::string& name) {
  if (!all.is_list()) return nullptr;
  for (const Value& s : all.list()) {
    const Value* n = s.Find("name");
    if (n && n->is_string() && n->as_string() == name) return &s;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<SelectionSpec> ParseSelectorDefinition(const Value& def, const Value& all, int depth) {
  if (depth > 50) return project::ErrorAt(def, "selector definitions nest too deeply (a selector cycle?)");
  if (def.is_string()) {
    auto c = ParseCriteria(def.as_string());
    if (!c.ok()) return project::ErrorAt(def, ToStd(c.status().message()));
    return CriteriaSpec(std::move(*c), true);
  }
  if (!def.is_map()) return project::ErrorAt(def, "a selector definition must be a string or a dictionary");
  auto parse_list = [&](const Value& list, SelectionSpec::Kind kind) -> absl::StatusOr<SelectionSpec> {
    if (!list.is_list()) return project::ErrorAt(list, "union/intersection must be a list");
    SelectionSpec s;
    s.kind = kind;
    std::optional<SelectionSpec> exclude;
    for (const Value& item : list.list()) {
      if (item.is_map() && item.map().size() == 1 && item.map()[0].first == "exclude") {
        if (exclude)
          return project::ErrorAt(
              item, "You cannot provide multiple exclude arguments to the same selector set operator");
        const Value& ex = item.map()[0].second;
        if (!ex.is_list()) return project::ErrorAt(ex, "'exclude' must be a list");
        SelectionSpec eu;
        eu.kind = SelectionSpec::Kind::kUnion;
        for (const Value& e : ex.list()) {
          FLINKDBT_ASSIGN_OR_RETURN(SelectionSpec es, ParseSelectorDefinition(e, all, depth + 1));
          eu.components.push_back(std::move(es));
        }
        exclude = std::move(eu);
        continue;
      }
      FLINKDBT_ASSIGN_OR_RETURN(SelectionSpec cs, ParseSelectorDefinition(item, all, depth + 1));
      s.components.push_back(std::move(cs));
    }
    if (!exclude) return s;
    SelectionSpec d;
    d.kind = SelectionSpec::Kind::kDifference;
    d.components.push_back(std::move(s));
    d.components.push_back(std::move(*exclude));
    return d;
  };
  if (const Value* u = def.Find("union")) return parse_list(*u, SelectionSpec::Kind::kUnion);
  if (const Value* i = def.Find("intersection")) return parse_list(*i, SelectionSpec::Kind::kIntersection);
  std::string method;
  Value value;
  if (def.map().size() == 1 && def.map()[0].first != "method") {
    method = def.map()[0].first;
    value = def.map()[0].second;
  } else if (def.Has("method") && def.Has("value")) {
    const Value* m = def.Find("method");
    if (!m->is_string()) return project::ErrorAt(*m, "'method' must be a string");
    method = m->as_string();
    value = *def.Find("value");
  } else {
    std::string keys;
    for (const auto& [k, _] : def.map()) keys += (keys.empty() ? "" : ", ") + k;
    return project::ErrorAt(
        def, fmt::format("Expected either 1 key or else \"method\" and \"value\" keys, but got [{}]", keys));
  }
  if (!value.is_string())
    return project::ErrorAt(value, fmt::format("the value of selector method '{}' must be a string", method));
  if (method == "selector") {
    const Value* other = FindSelector(all, value.as_string());
    if (other == nullptr)
      return project::ErrorAt(
          value, fmt::format("selector '{}' is not defined in selectors.yml", value.as_string()));
    return ParseSelectorDefinition(*other->Find("definition"), all, depth + 1);
  }
  SelectionCriteria c;
  std::vector<std::string> parts = Split(method, '.');
  c.method = parts[0];
  c.method_args.assign(parts.begin() + 1, parts.end());
  const auto& known = KnownMethods();
  if (std::find(known.begin(), known.end(), c.method) == known.end()) {
    return project::ErrorAt(def, fmt::format("'{}' is not a valid method name", c.method));
  }
  c.value = value.as_string();
  c.raw = method + ":" + c.value;
  auto flag = [&](const char* k) {
    const Value* v = def.Find(k);
    return v && v->Truthy();
  };
  auto depth_of = [&](const char* k) -> absl::StatusOr<int> {
    const Value* v = def.Find(k);
    if (!v || v->is_null()) return -1;
    if (!v->is_int()) return project::ErrorAt(*v, fmt::format("'{}' must be an integer", k));
    return static_cast<int>(v->as_int());
  };
  c.parents = flag("parents");
  c.children = flag("children");
  c.childrens_parents = flag("childrens_parents");
  FLINKDBT_ASSIGN_OR_RETURN(c.parents_depth, depth_of("parents_depth"));
  FLINKDBT_ASSIGN_OR_RETURN(c.children_depth, depth_of("children_depth"));
  if (c.parents_depth >= 0) c.parents = true;
  if (c.children_depth >= 0) c.children = true;
  if (const Value* ind = def.Find("indirect_selection")) {
    auto mode = ParseIndirectSelection(ind->ToPythonStr());
    if (!mode.ok()) return project::ErrorAt(*ind, ToStd(mode.status().message()));
    c.indirect_selection = *mode;
  }
  SelectionSpec base = CriteriaSpec(std::move(c), true);
  if (const Value* ex = def.Find("exclude")) {
    if (!ex->is_list()) return project::ErrorAt(*ex, "'exclude' must be a list");
    SelectionSpec eu;
    eu.kind = SelectionSpec::Kind::kUnion;
    for (const Value& e : ex->list()) {
      FLINKDBT_ASSIGN_OR_RETURN(SelectionSpec es, ParseSelectorDefinition(e, all, depth + 1));
      eu.components.push_back(std::move(es));
    }
    SelectionSpec d;
    d.kind = SelectionSpec::Kind::kDifference;
    d.components.push_back(std::move(base));
    d.components.push_back(std::move(eu));
    return d;
  }
  return base;
}

absl::StatusOr<SelectionSpec> BuildSpec(const SelectOptions& o) {
  std::optional<IndirectSelection> ind = o.indirect_selection;
  // Validate selectors.yml shape (names unique, at most one default).
  const Value* default_sel = nullptr;
  if (o.selectors.is_list()) {
    std::set<std::string> names;
    for (const Value& s : o.selectors.list()) {
      const Value* n = s.Find("name");
      if (!s.is_map() || !n || !n->is_string()) return project::ErrorAt(s, "each selector needs a 'name'");
      if (!names.insert(n->as_string()).second) {
        return project::ErrorAt(*n, fmt::format("selector '{}' is defined twice", n->as_string()));
      }
      if (!s.Has("definition"))
        return project::ErrorAt(s, fmt::format("selector '{}' has no 'definition'", n->as_string()));
      if (const Value* d = s.Find("default"); d && d->Truthy()) {
        if (default_sel) return project::ErrorAt(*d, "only one selector may set 'default: true'");
        default_sel = &s;
      }
    }
  }
  if (!o.selector.empty()) {
    const Value* s = FindSelector(o.selectors, o.selector);
    if (s == nullptr) {
      return SelError(fmt::format(
          "Could not find selector named '{}'; expected one of the selectors in selectors.yml", o.selector));
    }
    return ParseSelectorDefinition(*s->Find("definition"), o.selectors);
  }
  if (o.select.empty() && o.exclude.empty() && default_sel) {
    return ParseSelectorDefinition(*default_sel->Find("definition"), o.selectors);
  }
  SelectionSpec include;
  if (o.select.empty()) {
    FLINKDBT_ASSIGN_OR_RETURN(
        include, ParseUnion({"fqn:* source:* exposure:* metric:* semantic_model:* saved_query:*"}, ind));
    for (auto& c : include.components) c.expect_exists = false;
  } else {
    FLINKDBT_ASSIGN_OR_RETURN(include, ParseUnion(o.select, ind));
  }
  if (o.exclude.empty()) return include;
  FLINKDBT_ASSIGN_OR_RETURN(SelectionSpec exclude, ParseUnion(o.exclude, ind));
  SelectionSpec d;
  d.kind = SelectionSpec::Kind::kDifference;
  d.indirect_selection = ind;
  d.components.push_back(std::move(include));
  d.components.push_back(std::move(exclude));
  return d;
}

absl::StatusOr<SelectionResult> Select(const Graph& graph, const SelectionSpec& spec,
                                       const SelectOptions& options) {
  Evaluator ev(graph, options);
  FLINKDBT_ASSIGN_OR_RETURN(auto r, ev.Recurse(spec));
  SelectionResult out;
  out.warnings = std::move(ev.warnings_);
  // In unique_id order (ranked once when the graph was built: no string sort per selection).
  for (int i : graph.ids_by_unique_id()) {
    if (!r.first[i]) continue;
    ResourceType t = graph.type(i);
    if (!options.resource_types.empty() &&
        std::find(options.resource_types.begin(), options.resource_types.end(), t) ==
            options.resource_types.end()) {
      continue;
    }
    if (std::find(options.exclude_resource_types.begin(), options.exclude_resource_types.end(), t) !=
        options.exclude_resource_types.end()) {
      continue;
    }
    out.selected.push_back(i);
  }
  return out;
}

absl::StatusOr<PreviousState> LoadPreviousState(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return SelError(fmt::format("--state directory '{}' does not exist", dir));
  }
  PreviousState st;
  for (auto [name, out] :
       {std::pair{"manifest.json", &st.manifest}, std::pair{"run_results.json", &st.run_results}}) {
    fs::path p = fs::path(dir) / name;
    if (!fs::exists(p, ec)) continue;
    FLINKDBT_ASSIGN_OR_RETURN(std::string text, project::ReadFileToString(p.string()));
    FLINKDBT_ASSIGN_OR_RETURN(*out, project::ParseJson(text, p.string()));
  }
  return st;
}

}  // namespace flinkdbt::graph
