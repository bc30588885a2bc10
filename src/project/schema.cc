#include "flinkdbt/project/schema.h"

#include <algorithm>
#include <array>

#include "flinkdbt/project/yaml.h"
#include "fmt/format.h"

namespace flinkdbt::project {
namespace {

constexpr std::array<std::string_view, 14> kTestConfigArgs = {
    "severity",  "tags",           "enabled",           "where", "limit",    "warn_if", "error_if",
    "fail_calc", "store_failures", "store_failures_as", "meta",  "database", "schema",  "alias"};

bool IsTestConfigArg(std::string_view k) {
  return std::find(kTestConfigArgs.begin(), kTestConfigArgs.end(), k) != kTestConfigArgs.end();
}

absl::Status ExpectMap(const Value& v, std::string_view what) {
  if (!v.is_map()) return ErrorAt(v, fmt::format("{} must be a dictionary, got {}", what, v.KindName()));
  return absl::OkStatus();
}
absl::Status ExpectList(const Value& v, std::string_view what) {
  if (!v.is_list()) return ErrorAt(v, fmt::format("{} must be a list, got {}", what, v.KindName()));
  return absl::OkStatus();
}

absl::StatusOr<std::string> OptString(const Value& entry, std::string_view key, std::string_view what) {
  const Value* v = entry.Find(key);
  if (v == nullptr || v->is_null()) return std::string();
  if (v->is_string()) return v->as_string();
  if (v->is_number() || v->is_bool()) return v->ToPythonStr();
  return ErrorAt(*v, fmt::format("'{}' of {} must be a string, got {}", key, what, v->KindName()));
}

absl::StatusOr<std::string> RequiredName(const Value& entry, std::string_view what) {
  const Value* v = entry.Find("name");
  if (v == nullptr || v->is_null()) return ErrorAt(entry, fmt::format("{} entry has no 'name'", what));
  if (!v->is_string() && !v->is_number()) {
    return ErrorAt(*v, fmt::format("the name of a {} must be a string, got {}", what, v->KindName()));
  }
  std::string name = v->ToPythonStr();
  if (name.empty()) return ErrorAt(*v, fmt::format("the name of a {} is empty", what));
  return name;
}

absl::StatusOr<Value> OptMap(const Value& entry, std::string_view key, std::string_view what) {
  const Value* v = entry.Find(key);
  if (v == nullptr || v->is_null()) return Value::MakeMap();
  if (!v->is_map()) {
    return ErrorAt(*v, fmt::format("'{}' of {} must be a dictionary, got {}", key, what, v->KindName()));
  }
  return *v;
}

absl::StatusOr<Value> OptTags(const Value& entry, std::string_view what) {
  const Value* v = entry.Find("tags");
  if (v == nullptr || v->is_null()) return Value::MakeList();
  if (v->is_string()) return Value::MakeList({*v});
  if (!v->is_list()) return ErrorAt(*v, fmt::format("'tags' of {} must be a string or a list", what));
  for (const Value& t : v->list()) {
    if (!t.is_string()) return ErrorAt(t, fmt::format("every tag of {} must be a string", what));
  }
  return *v;
}

absl::StatusOr<std::vector<TestSpec>> ParseTests(const Value& entry, const std::string& column,
                                                 std::string_view what) {
  std::vector<TestSpec> out;
  const Value* dt = entry.Find("data_tests");
  const Value* t = entry.Find("tests");
  if (dt && t) {
    return ErrorAt(*t, fmt::format("{} has both 'data_tests' and 'tests'; use only 'data_tests'", what));
  }
  const Value* list = dt ? dt : t;
  if (list == nullptr || list->is_null()) return out;
  FLINKDBT_RETURN_IF_ERROR(ExpectList(*list, fmt::format("'data_tests' of {}", what)));
  for (const Value& item : list->list()) {
    FLINKDBT_ASSIGN_OR_RETURN(TestSpec spec, ParseTestSpec(item, column));
    out.push_back(std::move(spec));
  }
  return out;
}

absl::StatusOr<std::vector<ColumnSpec>> ParseColumns(const Value& entry, std::string_view what) {
  std::vector<ColumnSpec> out;
  const Value* cols = entry.Find("columns");
  if (cols == nullptr || cols->is_null()) return out;
  FLINKDBT_RETURN_IF_ERROR(ExpectList(*cols, fmt::format("'columns' of {}", what)));
  for (const Value& c : cols->list()) {
    FLINKDBT_RETURN_IF_ERROR(ExpectMap(c, fmt::format("a column of {}", what)));
    ColumnSpec col;
    col.location = c.location();
    FLINKDBT_ASSIGN_OR_RETURN(col.name, RequiredName(c, "column"));
    for (const ColumnSpec& prev : out) {
      if (prev.name == col.name) {
        return ErrorAt(c, fmt::format("column '{}' of {} is declared twice", col.name, what));
      }
    }
    std::string cwhat = fmt::format("column '{}'", col.name);
    FLINKDBT_ASSIGN_OR_RETURN(col.description, OptString(c, "description", cwhat));
    if (const Value* dt = c.Find("data_type")) {
      if (!dt->is_null() && !dt->is_string()) {
        return ErrorAt(*dt, fmt::format("'data_type' of {} must be a string", cwhat));
      }
      col.data_type = *dt;
    }
    if (const Value* q = c.Find("quote")) col.quote = *q;
    if (const Value* cons = c.Find("constraints")) {
      if (!cons->is_null()) {
        FLINKDBT_RETURN_IF_ERROR(ExpectList(*cons, fmt::format("'constraints' of {}", cwhat)));
        col.constraints = *cons;
      }
    }
    FLINKDBT_ASSIGN_OR_RETURN(col.meta, OptMap(c, "meta", cwhat));
    FLINKDBT_ASSIGN_OR_RETURN(col.tags, OptTags(c, cwhat));
    FLINKDBT_ASSIGN_OR_RETURN(col.config, OptMap(c, "config", cwhat));
    FLINKDBT_ASSIGN_OR_RETURN(col.data_tests, ParseTests(c, col.name, cwhat));
    out.push_back(std::move(col));
  }
  return out;
}

absl::StatusOr<VersionSpec> ParseVersion(const Value& entry, const std::string& model_what) {
  VersionSpec spec;
  spec.location = entry.location();
  const Value& v = *entry.Find("v");
  if (!v.is_int() && !v.is_double() && !v.is_string()) {
    return ErrorAt(v, fmt::format("'v' of a version of {} must be a number or a string", model_what));
  }
  spec.v = v;
  std::string what = fmt::format("version {} of {}", spec.formatted(), model_what);
  static const std::vector<std::string_view> kKeys = {
      "v",       "defined_in", "description", "config",          "docs", "access", "constraints",
      "columns", "data_tests", "tests",       "deprecation_date"};
  for (const auto& [k, _] : entry.map()) {
    if (std::find(kKeys.begin(), kKeys.end(), k) == kKeys.end()) {
      return ErrorAt(entry.KeyLocation(k), fmt::format("unknown key '{}' in {}", k, what));
    }
  }
  if (const Value* d = entry.Find("defined_in"); d && !d->is_null()) {
    if (!d->is_string()) return ErrorAt(*d, fmt::format("'defined_in' of {} must be a string", what));
    spec.defined_in = d->as_string();
  }
  if (entry.Has("description")) {
    FLINKDBT_ASSIGN_OR_RETURN(std::string d, OptString(entry, "description", what));
    spec.description = std::move(d);
  }
  FLINKDBT_ASSIGN_OR_RETURN(spec.config, OptMap(entry, "config", what));
  if (const Value* d = entry.Find("docs"); d && !d->is_null()) {
    FLINKDBT_RETURN_IF_ERROR(ExpectMap(*d, fmt::format("'docs' of {}", what)));
    spec.docs = *d;
  }
  if (const Value* a = entry.Find("access"); a && !a->is_null()) {
    if (!a->is_string() ||
        (a->as_string() != "private" && a->as_string() != "protected" && a->as_string() != "public")) {
      return ErrorAt(*a, fmt::format("'access' of {} must be private, protected or public", what));
    }
    spec.access = *a;
  }
  if (const Value* c = entry.Find("constraints"); c && !c->is_null()) {
    FLINKDBT_RETURN_IF_ERROR(ExpectList(*c, fmt::format("'constraints' of {}", what)));
    spec.constraints = *c;
  }
  if (const Value* d = entry.Find("deprecation_date")) spec.deprecation_date = *d;
  if (const Value* cols = entry.Find("columns"); cols && !cols->is_null()) {
    FLINKDBT_RETURN_IF_ERROR(ExpectList(*cols, fmt::format("'columns' of {}", what)));
    Value named = Value::MakeMap();
    Value list = Value::MakeList();
    bool seen_include = false;
    for (const Value& c : cols->list()) {
      if (c.is_map() && (c.Has("include") || c.Has("exclude")) && !c.Has("name")) {
        if (seen_include) {
          return ErrorAt(c, fmt::format("{} has more than one include/exclude entry in 'columns'", what));
        }
        seen_include = true;
        const Value* inc = c.Find("include");
        const Value* exc = c.Find("exclude");
        bool all = inc == nullptr || inc->is_null() ||
                   (inc->is_string() && (inc->as_string() == "all" || inc->as_string() == "*"));
        if (!all && !inc->is_list()) {
          return ErrorAt(*inc,
                         fmt::format("'include' of {} must be 'all', '*' or a list of column names", what));
        }
        if (exc && !exc->is_null()) {
          if (!all) {
            return ErrorAt(
                *exc, fmt::format("{}: 'exclude' can only be given when 'include' is 'all' or '*'", what));
          }
          FLINKDBT_RETURN_IF_ERROR(ExpectList(*exc, fmt::format("'exclude' of {}", what)));
          spec.exclude = *exc;
        }
        if (!all) spec.include = *inc;
        continue;
      }
      list.Push(c);
    }
    named.Set("columns", std::move(list));
    FLINKDBT_ASSIGN_OR_RETURN(spec.columns, ParseColumns(named, what));
  }
  if (entry.Has("data_tests") || entry.Has("tests")) {
    FLINKDBT_ASSIGN_OR_RETURN(std::vector<TestSpec> tests, ParseTests(entry, "", what));
    spec.data_tests = std::move(tests);
  }
  return spec;
}

absl::StatusOr<NodePatch> ParsePatch(const Value& entry, std::string resource) {
  FLINKDBT_RETURN_IF_ERROR(ExpectMap(entry, fmt::format("a {} entry", resource)));
  NodePatch p;
  p.resource = resource;
  p.location = entry.location();
  FLINKDBT_ASSIGN_OR_RETURN(p.name, RequiredName(entry, resource));
  std::string what = fmt::format("{} '{}'", resource, p.name);
  FLINKDBT_ASSIGN_OR_RETURN(p.description, OptString(entry, "description", what));
  FLINKDBT_ASSIGN_OR_RETURN(p.config, OptMap(entry, "config", what));
  FLINKDBT_ASSIGN_OR_RETURN(p.docs, OptMap(entry, "docs", what));
  FLINKDBT_ASSIGN_OR_RETURN(p.meta, OptMap(entry, "meta", what));
  FLINKDBT_ASSIGN_OR_RETURN(p.tags, OptTags(entry, what));
  FLINKDBT_ASSIGN_OR_RETURN(p.columns, ParseColumns(entry, what));
  FLINKDBT_ASSIGN_OR_RETURN(p.data_tests, ParseTests(entry, "", what));
  if (const Value* a = entry.Find("access")) {
    if (!a->is_null() && (!a->is_string() || (a->as_string() != "private" && a->as_string() != "protected" &&
                                              a->as_string() != "public"))) {
      return ErrorAt(*a, fmt::format("'access' of {} must be private, protected or public", what));
    }
    p.access = *a;
  }
  if (const Value* c = entry.Find("constraints")) {
    if (!c->is_null()) {
      FLINKDBT_RETURN_IF_ERROR(ExpectList(*c, fmt::format("'constraints' of {}", what)));
      p.constraints = *c;
    }
  }
  if (const Value* lv = entry.Find("latest_version")) {
    if (!lv->is_null() && !lv->is_scalar()) {
      return ErrorAt(*lv, fmt::format("'latest_version' of {} must be a number or a string", what));
    }
    p.latest_version = *lv;
  }
  if (const Value* vs = entry.Find("versions")) {
    if (!vs->is_null()) {
      FLINKDBT_RETURN_IF_ERROR(ExpectList(*vs, fmt::format("'versions' of {}", what)));
      for (const Value& v : vs->list()) {
        FLINKDBT_RETURN_IF_ERROR(ExpectMap(v, fmt::format("a version of {}", what)));
        if (!v.Has("v")) return ErrorAt(v, fmt::format("a version of {} has no 'v'", what));
        FLINKDBT_ASSIGN_OR_RETURN(VersionSpec spec, ParseVersion(v, what));
        for (const VersionSpec& other : p.version_specs) {
          if (other.formatted() == spec.formatted()) {
            return ErrorAt(*v.Find("v"),
                           fmt::format("{} declares version '{}' twice", what, spec.formatted()));
          }
        }
        p.version_specs.push_back(std::move(spec));
      }
      p.versions = *vs;
    }
  }
  if (!p.latest_version.is_null()) {
    bool found = p.version_specs.empty();
    for (const VersionSpec& spec : p.version_specs)
      found |= spec.formatted() == p.latest_version.ToPythonStr();
    if (!found) {
      return ErrorAt(p.latest_version,
                     fmt::format("'latest_version' of {} is {}, which is not one of its versions", what,
                                 p.latest_version.ToPythonStr()));
    }
  }
  if (const Value* d = entry.Find("deprecation_date")) p.deprecation_date = *d;
  return p;
}

absl::StatusOr<Value> ParseFreshness(const Value& v, std::string_view what) {
  if (v.is_null()) return v;
  FLINKDBT_RETURN_IF_ERROR(ExpectMap(v, fmt::format("'freshness' of {}", what)));
  for (const auto& [k, t] : v.map()) {
    if (k == "filter") continue;
    if (k != "warn_after" && k != "error_after") {
      return ErrorAt(t, fmt::format("unknown key '{}' in 'freshness' of {}", k, what));
    }
    if (t.is_null()) continue;
    FLINKDBT_RETURN_IF_ERROR(ExpectMap(t, fmt::format("'{}' of {}", k, what)));
    const Value* period = t.Find("period");
    if (period && !period->is_null()) {
      std::string p = period->is_string() ? period->as_string() : "";
      if (p != "minute" && p != "hour" && p != "day") {
        return ErrorAt(*period, fmt::format("'period' of {} must be minute, hour or day", what));
      }
    }
    const Value* count = t.Find("count");
    if (count && !count->is_null() && !count->is_int()) {
      return ErrorAt(*count, fmt::format("'count' of {} must be an integer", what));
    }
  }
  return v;
}

absl::StatusOr<SourceSpec> ParseSource(const Value& entry) {
  FLINKDBT_RETURN_IF_ERROR(ExpectMap(entry, "a source entry"));
  SourceSpec s;
  s.location = entry.location();
  FLINKDBT_ASSIGN_OR_RETURN(s.name, RequiredName(entry, "source"));
  std::string what = fmt::format("source '{}'", s.name);
  FLINKDBT_ASSIGN_OR_RETURN(s.description, OptString(entry, "description", what));
  if (const Value* d = entry.Find("database")) s.database = *d;
  FLINKDBT_ASSIGN_OR_RETURN(s.schema, OptString(entry, "schema", what));
  if (s.schema.empty()) s.schema = s.name;
  FLINKDBT_ASSIGN_OR_RETURN(s.loader, OptString(entry, "loader", what));
  FLINKDBT_ASSIGN_OR_RETURN(s.quoting, OptMap(entry, "quoting", what));
  FLINKDBT_ASSIGN_OR_RETURN(s.config, OptMap(entry, "config", what));
  FLINKDBT_ASSIGN_OR_RETURN(s.meta, OptMap(entry, "meta", what));
  FLINKDBT_ASSIGN_OR_RETURN(s.tags, OptTags(entry, what));
  if (const Value* l = entry.Find("loaded_at_field")) s.loaded_at_field = *l;
  if (const Value* l = entry.Find("loaded_at_query")) s.loaded_at_query = *l;
  if (const Value* f = entry.Find("freshness")) {
    FLINKDBT_ASSIGN_OR_RETURN(s.freshness, ParseFreshness(*f, what));
    s.has_freshness = true;
  }
  const Value* tables = entry.Find("tables");
  if (tables && !tables->is_null()) {
    FLINKDBT_RETURN_IF_ERROR(ExpectList(*tables, fmt::format("'tables' of {}", what)));
    for (const Value& te : tables->list()) {
      FLINKDBT_RETURN_IF_ERROR(ExpectMap(te, fmt::format("a table of {}", what)));
      SourceTableSpec t;
      t.location = te.location();
      FLINKDBT_ASSIGN_OR_RETURN(t.name, RequiredName(te, "source table"));
      for (const SourceTableSpec& prev : s.tables) {
        if (prev.name == t.name) {
          return ErrorAt(te, fmt::format("table '{}' is declared twice in {}", t.name, what));
        }
      }
      std::string twhat = fmt::format("source table '{}.{}'", s.name, t.name);
      FLINKDBT_ASSIGN_OR_RETURN(t.identifier, OptString(te, "identifier", twhat));
      if (t.identifier.empty()) t.identifier = t.name;
      FLINKDBT_ASSIGN_OR_RETURN(t.description, OptString(te, "description", twhat));
      FLINKDBT_ASSIGN_OR_RETURN(t.config, OptMap(te, "config", twhat));
      FLINKDBT_ASSIGN_OR_RETURN(t.quoting, OptMap(te, "quoting", twhat));
      FLINKDBT_ASSIGN_OR_RETURN(t.meta, OptMap(te, "meta", twhat));
      FLINKDBT_ASSIGN_OR_RETURN(t.tags, OptTags(te, twhat));
      if (const Value* l = te.Find("loaded_at_field")) t.loaded_at_field = *l;
      if (const Value* f = te.Find("freshness")) {
        FLINKDBT_ASSIGN_OR_RETURN(t.freshness, ParseFreshness(*f, twhat));
        t.has_freshness = true;
      }
      FLINKDBT_ASSIGN_OR_RETURN(t.columns, ParseColumns(te, twhat));
      FLINKDBT_ASSIGN_OR_RETURN(t.data_tests, ParseTests(te, "", twhat));
      s.tables.push_back(std::move(t));
    }
  }
  return s;
}

absl::StatusOr<UnitTestInput> ParseUnitInput(const Value& v, bool is_expect, std::string_view what) {
  FLINKDBT_RETURN_IF_ERROR(
      ExpectMap(v, fmt::format("{} of {}", is_expect ? "'expect'" : "a 'given' entry", what)));
  UnitTestInput in;
  in.location = v.location();
  if (!is_expect) {
    FLINKDBT_ASSIGN_OR_RETURN(in.input, OptString(v, "input", what));
    if (in.input.empty()) return ErrorAt(v, fmt::format("a 'given' entry of {} has no 'input'", what));
  }
  FLINKDBT_ASSIGN_OR_RETURN(in.format, OptString(v, "format", what));
  if (in.format.empty()) in.format = "dict";
  if (in.format != "dict" && in.format != "csv" && in.format != "sql") {
    return ErrorAt(*v.Find("format"), fmt::format("'format' of {} must be dict, csv or sql", what));
  }
  FLINKDBT_ASSIGN_OR_RETURN(in.fixture, OptString(v, "fixture", what));
  if (const Value* r = v.Find("rows")) in.rows = *r;
  if (!in.fixture.empty() && !in.rows.is_null()) {
    return ErrorAt(v, fmt::format("{} gives both 'rows' and 'fixture'", what));
  }
  if (in.format == "dict" && !in.rows.is_null()) {
    if (!in.rows.is_list())
      return ErrorAt(in.rows,
                     fmt::format("'rows' of {} must be a list of dictionaries (format: dict)", what));
    for (const Value& row : in.rows.list()) {
      if (!row.is_map())
        return ErrorAt(row, fmt::format("every row of {} must be a dictionary (format: dict)", what));
    }
  }
  if ((in.format == "csv" || in.format == "sql") && !in.rows.is_null() && !in.rows.is_string()) {
    return ErrorAt(in.rows, fmt::format("'rows' of {} must be a string with format: {}", what, in.format));
  }
  if (in.format == "dict" && !in.fixture.empty()) {
    return ErrorAt(v, fmt::format("a fixture file needs format: csv or sql ({})", what));
  }
  return in;
}

// A macro's `arguments:` as dbt's MacroArgument list: {name, type (null when absent), description}.
absl::StatusOr<Value> ParseMacroArguments(const Value& entry, const std::string& what) {
  Value out = Value::MakeList();
  const Value* args = entry.Find("arguments");
  if (args == nullptr || args->is_null()) return out;
  FLINKDBT_RETURN_IF_ERROR(ExpectList(*args, fmt::format("'arguments' of {}", what)));
  for (const Value& a : args->list()) {
    FLINKDBT_RETURN_IF_ERROR(ExpectMap(a, fmt::format("an argument of {}", what)));
    std::string arg_what = fmt::format("an argument of {}", what);
    FLINKDBT_ASSIGN_OR_RETURN(std::string name, OptString(a, "name", arg_what));
    if (name.empty()) return ErrorAt(a, fmt::format("{} has no 'name'", arg_what));
    for (const auto& [k, _] : a.map()) {
      if (k != "name" && k != "type" && k != "description") {
        return ErrorAt(
            a, fmt::format("unknown key '{}' in argument '{}' of {} (expected name, type, description)", k,
                           name, what));
      }
    }
    Value arg = Value::MakeMap();
    arg.Set("name", Value::String(name));
    const Value* type = a.Find("type");
    if (type != nullptr && !type->is_null() && !type->is_string()) {
      return ErrorAt(*type, fmt::format("'type' of argument '{}' of {} must be a string", name, what));
    }
    arg.Set("type", type != nullptr ? *type : Value::Null());
    FLINKDBT_ASSIGN_OR_RETURN(std::string description, OptString(a, "description", arg_what));
    arg.Set("description", Value::String(description));
    out.Push(std::move(arg));
  }
  return out;
}

absl::StatusOr<UnitTestSpec> ParseUnitTest(const Value& entry) {
  FLINKDBT_RETURN_IF_ERROR(ExpectMap(entry, "a unit_tests entry"));
  UnitTestSpec u;
  u.raw = entry;
  u.location = entry.location();
  FLINKDBT_ASSIGN_OR_RETURN(u.name, RequiredName(entry, "unit test"));
  std::string what = fmt::format("unit test '{}'", u.name);
  FLINKDBT_ASSIGN_OR_RETURN(u.model, OptString(entry, "model", what));
  if (u.model.empty()) return ErrorAt(entry, fmt::format("{} has no 'model'", what));
  FLINKDBT_ASSIGN_OR_RETURN(u.description, OptString(entry, "description", what));
  const Value* given = entry.Find("given");
  if (given && !given->is_null()) {
    FLINKDBT_RETURN_IF_ERROR(ExpectList(*given, fmt::format("'given' of {}", what)));
    for (const Value& g : given->list()) {
      FLINKDBT_ASSIGN_OR_RETURN(UnitTestInput in, ParseUnitInput(g, false, what));
      u.given.push_back(std::move(in));
    }
  }
  const Value* expect = entry.Find("expect");
  if (expect == nullptr) return ErrorAt(entry, fmt::format("{} has no 'expect'", what));
  FLINKDBT_ASSIGN_OR_RETURN(u.expect, ParseUnitInput(*expect, true, what));
  FLINKDBT_ASSIGN_OR_RETURN(u.overrides, OptMap(entry, "overrides", what));
  for (const auto& [k, v] : u.overrides.map()) {
    if (k != "macros" && k != "vars" && k != "env_vars") {
      return ErrorAt(
          v, fmt::format("unknown key '{}' in 'overrides' of {} (expected macros, vars, env_vars)", k, what));
    }
  }
  FLINKDBT_ASSIGN_OR_RETURN(u.config, OptMap(entry, "config", what));
  if (const Value* v = entry.Find("versions")) {
    u.versions = *v;
    auto given = [&](const char* key) {
      const Value* x = v->is_map() ? v->Find(key) : nullptr;
      return x && !x->is_null() && !(x->is_list() && x->list().empty());
    };
    if (given("include") && given("exclude")) {
      return ErrorAt(*v, "Unit tests can not both include and exclude versions.");
    }
  }
  return u;
}

absl::StatusOr<ExposureSpec> ParseExposure(const Value& entry) {
  FLINKDBT_RETURN_IF_ERROR(ExpectMap(entry, "an exposure entry"));
  ExposureSpec e;
  e.location = entry.location();
  FLINKDBT_ASSIGN_OR_RETURN(e.name, RequiredName(entry, "exposure"));
  std::string what = fmt::format("exposure '{}'", e.name);
  FLINKDBT_ASSIGN_OR_RETURN(e.type, OptString(entry, "type", what));
  static constexpr std::array<std::string_view, 5> kTypes = {"dashboard", "notebook", "analysis", "ml",
                                                             "application"};
  if (std::find(kTypes.begin(), kTypes.end(), e.type) == kTypes.end()) {
    return ErrorAt(
        entry.Find("type") ? *entry.Find("type") : entry,
        fmt::format("'type' of {} must be one of dashboard, notebook, analysis, ml, application", what));
  }
  FLINKDBT_ASSIGN_OR_RETURN(e.label, OptString(entry, "label", what));
  FLINKDBT_ASSIGN_OR_RETURN(e.maturity, OptString(entry, "maturity", what));
  FLINKDBT_ASSIGN_OR_RETURN(e.url, OptString(entry, "url", what));
  FLINKDBT_ASSIGN_OR_RETURN(e.description, OptString(entry, "description", what));
  FLINKDBT_ASSIGN_OR_RETURN(e.owner, OptMap(entry, "owner", what));
  FLINKDBT_ASSIGN_OR_RETURN(e.meta, OptMap(entry, "meta", what));
  FLINKDBT_ASSIGN_OR_RETURN(e.tags, OptTags(entry, what));
  FLINKDBT_ASSIGN_OR_RETURN(e.config, OptMap(entry, "config", what));
  if (const Value* d = entry.Find("depends_on")) {
    if (!d->is_null()) {
      FLINKDBT_RETURN_IF_ERROR(ExpectList(*d, fmt::format("'depends_on' of {}", what)));
      for (const Value& item : d->list()) {
        if (!item.is_string())
          return ErrorAt(item, fmt::format("'depends_on' of {} must list ref()/source() strings", what));
        e.depends_on.push_back(item.as_string());
      }
    }
  }
  return e;
}

}  // namespace

absl::StatusOr<TestSpec> ParseTestSpec(const Value& entry, const std::string& column_name) {
  TestSpec t;
  t.location = entry.location();
  t.column_name = column_name;
  Value args = Value::MakeMap();
  if (entry.is_string()) {
    t.test_name = entry.as_string();
  } else if (entry.is_map()) {
    if (const Value* tn = entry.Find("test_name")) {
      if (!tn->is_string()) return ErrorAt(*tn, "'test_name' must be a string");
      t.test_name = tn->as_string();
      args = entry;
      args.Erase("test_name");
    } else {
      if (entry.map().size() != 1) {
        return ErrorAt(entry, fmt::format("a data test must be a test name or a dictionary with exactly one "
                                          "key (the test name); got keys {}",
                                          [&] {
                                            std::string ks;
                                            for (const auto& [k, _] : entry.map())
                                              ks += (ks.empty() ? "" : ", ") + k;
                                            return ks;
                                          }()));
      }
      t.test_name = entry.map()[0].first;
      const Value& body = entry.map()[0].second;
      if (!body.is_null()) {
        if (!body.is_map()) {
          return ErrorAt(body, fmt::format("the arguments of test '{}' must be a dictionary, got {}",
                                           t.test_name, body.KindName()));
        }
        args = body;
      }
    }
  } else {
    return ErrorAt(entry,
                   fmt::format("a data test must be a string or a dictionary, got {}", entry.KindName()));
  }
  if (t.test_name.empty()) return ErrorAt(entry, "a data test has an empty name");
  if (size_t dot = t.test_name.find('.'); dot != std::string::npos) {
    t.namespace_ = t.test_name.substr(0, dot);
    t.test_name = t.test_name.substr(dot + 1);
  }
  for (const auto& [k, v] : args.map()) {
    if (k == "config") {
      if (!v.is_map() && !v.is_null())
        return ErrorAt(v, fmt::format("'config' of test '{}' must be a dictionary", t.test_name));
      if (v.is_map()) {
        for (const auto& [ck, cv] : v.map()) t.config.Set(ck, cv);
      }
    } else if (k == "name") {
      if (!v.is_string()) return ErrorAt(v, "the 'name' of a data test must be a string");
      t.custom_name = v.as_string();
    } else if (k == "description") {
      t.description = v.ToPythonStr();
    } else if (k == "arguments") {
      if (!v.is_map())
        return ErrorAt(v, fmt::format("'arguments' of test '{}' must be a dictionary", t.test_name));
      for (const auto& [ak, av] : v.map()) t.kwargs.Set(ak, av);
    } else if (k == "column_name") {
      if (v.is_string()) t.column_name = v.as_string();
    } else if (IsTestConfigArg(k)) {
      t.config.Set(k, v);
    } else {
      t.kwargs.Set(k, v);
    }
  }
  if (const Value* sev = t.config.Find("severity")) {
    std::string s = sev->is_string() ? sev->as_string() : "";
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (s != "warn" && s != "error") {
      return ErrorAt(*sev, fmt::format("severity of test '{}' must be 'warn' or 'error', got {}", t.test_name,
                                       sev->ToPythonRepr()));
    }
  }
  return t;
}

absl::StatusOr<SchemaFile> ParseSchemaFile(const Value& doc, std::string package,
                                           std::string original_file_path) {
  SchemaFile f;
  f.package = std::move(package);
  f.original_file_path = std::move(original_file_path);
  if (doc.is_null()) return f;
  if (!doc.is_map()) return ErrorAt(doc, "a properties file must be a dictionary at the top level");
  for (const auto& [key, v] : doc.map()) {
    if (key == "version") continue;
    if (v.is_null()) continue;
    if (key == "models" || key == "seeds" || key == "snapshots" || key == "analyses") {
      FLINKDBT_RETURN_IF_ERROR(ExpectList(v, fmt::format("'{}'", key)));
      std::string resource = key == "analyses" ? "analysis" : key.substr(0, key.size() - 1);
      for (const Value& e : v.list()) {
        FLINKDBT_ASSIGN_OR_RETURN(NodePatch p, ParsePatch(e, resource));
        for (const NodePatch& prev : f.patches) {
          if (prev.resource == p.resource && prev.name == p.name) {
            return ErrorAt(e, fmt::format("{} '{}' is described twice in this file", resource, p.name));
          }
        }
        f.patches.push_back(std::move(p));
      }
    } else if (key == "macros") {
      FLINKDBT_RETURN_IF_ERROR(ExpectList(v, "'macros'"));
      for (const Value& e : v.list()) {
        FLINKDBT_RETURN_IF_ERROR(ExpectMap(e, "a macros entry"));
        MacroPatch m;
        m.location = e.location();
        FLINKDBT_ASSIGN_OR_RETURN(m.name, RequiredName(e, "macro"));
        FLINKDBT_ASSIGN_OR_RETURN(m.description, OptString(e, "description", "macro"));
        std::string what = fmt::format("macro '{}'", m.name);
        FLINKDBT_ASSIGN_OR_RETURN(m.arguments, ParseMacroArguments(e, what));
        FLINKDBT_ASSIGN_OR_RETURN(Value docs, OptMap(e, "docs", what));
        m.docs.Set("show", Value::Bool(true));
        m.docs.Set("node_color", Value::Null());
        for (const auto& [k, x] : docs.map()) {
          if (k == "show" && !x.is_bool())
            return ErrorAt(x, fmt::format("'docs.show' of {} must be a boolean", what));
          if (k == "node_color" && !x.is_null() && !x.is_string()) {
            return ErrorAt(x, fmt::format("'docs.node_color' of {} must be a string", what));
          }
          m.docs.Set(k, x);
        }
        FLINKDBT_ASSIGN_OR_RETURN(m.meta, OptMap(e, "meta", what));
        f.macros.push_back(std::move(m));
      }
    } else if (key == "sources") {
      FLINKDBT_RETURN_IF_ERROR(ExpectList(v, "'sources'"));
      for (const Value& e : v.list()) {
        FLINKDBT_ASSIGN_OR_RETURN(SourceSpec s, ParseSource(e));
        f.sources.push_back(std::move(s));
      }
    } else if (key == "unit_tests") {
      FLINKDBT_RETURN_IF_ERROR(ExpectList(v, "'unit_tests'"));
      for (const Value& e : v.list()) {
        FLINKDBT_ASSIGN_OR_RETURN(UnitTestSpec u, ParseUnitTest(e));
        f.unit_tests.push_back(std::move(u));
      }
    } else if (key == "exposures") {
      FLINKDBT_RETURN_IF_ERROR(ExpectList(v, "'exposures'"));
      for (const Value& e : v.list()) {
        FLINKDBT_ASSIGN_OR_RETURN(ExposureSpec x, ParseExposure(e));
        f.exposures.push_back(std::move(x));
      }
    } else if (key == "data_tests" || key == "tests") {
      FLINKDBT_RETURN_IF_ERROR(ExpectList(v, fmt::format("'{}'", key)));
    } else if (key == "metrics" || key == "groups" || key == "semantic_models" || key == "saved_queries") {
      // Accepted and ignored: not meaningful for Flink (P2).
    } else {
      return ErrorAt(v,
                     fmt::format("unknown top-level key '{}' in a properties file (expected models, sources, "
                                 "seeds, snapshots, analyses, macros, exposures, unit_tests, ...)",
                                 key));
    }
  }
  return f;
}

std::string VersionSpec::formatted() const { return v.ToPythonStr(); }

bool VersionSpec::Includes(std::string_view column) const {
  if (include.is_list()) {
    bool listed = false;
    for (const Value& x : include.list()) listed |= x.is_string() && x.as_string() == column;
    if (!listed) return false;
  }
  for (const Value& x : exclude.list()) {
    if (x.is_string() && x.as_string() == column) return false;
  }
  return true;
}

}  // namespace flinkdbt::project
