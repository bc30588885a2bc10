// Unit tests of the C++ API of the template engine: values, native callables and objects,
// return(), macro-defining block tags, calling macros from C++, loaders, undefined modes,
// errors with locations, recursion bounds and concurrent rendering.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "flinkdbt/base/status.h"
#include "flinkdbt/jinja/environment.h"
#include "flinkdbt/jinja/value.h"
#include "gtest/gtest.h"

namespace flinkdbt::jinja {
namespace {

absl::StatusOr<std::string> RenderWith(const Environment& env, std::string_view src,
                                       const Value& ctx = Value()) {
  FLINKDBT_ASSIGN_OR_RETURN(auto t, env.Parse(src, "test.sql"));
  return env.Render(*t, ctx);
}

std::string MustRender(const Environment& env, std::string_view src, const Value& ctx = Value()) {
  auto r = RenderWith(env, src, ctx);
  EXPECT_TRUE(r.ok()) << FormatError(r.status());
  return r.ok() ? *r : "";
}

Value Ctx(std::vector<std::pair<std::string, Value>> items) {
  std::vector<std::pair<Value, Value>> kv;
  for (auto& [k, v] : items) kv.emplace_back(Value::String(k), std::move(v));
  return Value::Dict(std::move(kv));
}

TEST(ValueTest, PrintsLikePython) {
  EXPECT_EQ(Value::None().Str(), "None");
  EXPECT_EQ(Value::Bool(true).Str(), "True");
  EXPECT_EQ(Value::Float(0.1 + 0.2).Str(), "0.30000000000000004");
  EXPECT_EQ(Value::Float(1e-7).Str(), "1e-07");
  EXPECT_EQ(Value::Float(100.0).Str(), "100.0");
  EXPECT_EQ(Value::List({Value::String("a"), Value::Int(1)}).Str(), "['a', 1]");
  EXPECT_EQ(Value::Tuple({Value::Int(1)}).Str(), "(1,)");
  EXPECT_EQ(Value::Dict({{Value::String("k"), Value::String("v")}}).Str(), "{'k': 'v'}");
  EXPECT_EQ(Value::String("it's").Repr(), "\"it's\"");
  EXPECT_EQ(Value::Undefined().Str(), "");
  EXPECT_EQ(Value::Int128(static_cast<int128>(1) << 100).Str(), "1267650600228229401496703205376");
  EXPECT_EQ(Value::ParseInt("-123456789012345678901234567890123456789012")->Str(),
            "-123456789012345678901234567890123456789012");
}

TEST(ValueTest, EqualityAndMutationFollowPython) {
  EXPECT_TRUE(Value::Int(1).Equals(Value::Float(1.0)));
  EXPECT_TRUE(Value::Int(1).Equals(Value::Bool(true)));
  EXPECT_FALSE(Value::List({Value::Int(1)}).Equals(Value::Tuple({Value::Int(1)})));
  Value d = Value::Dict();
  for (int i = 0; i < 20; ++i) d.SetItem(Value::String("k" + std::to_string(i)), Value::Int(i));
  d.SetItem(Value::String("k3"), Value::Int(33));  // replaces in place, keeps order
  ASSERT_NE(d.Find("k3"), nullptr);
  EXPECT_EQ(d.Find("k3")->AsSmallInt(), 33);
  EXPECT_EQ(d.DictItems()[3].first.AsString(), "k3");
  EXPECT_EQ(d.DictItems().size(), 20u);
  Value l = Value::List();
  Value alias = l;
  l.MutableList()->push_back(Value::Int(7));
  EXPECT_EQ(alias.Items().size(), 1u);  // shared like a Python list
}

TEST(ValueTest, FromJson) {
  auto v = ValueFromJson(R"({"b": [1, 2.5, "x", null, true], "a": {"n": 18446744073709551615}})");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->Str(), "{'b': [1, 2.5, 'x', None, True], 'a': {'n': 18446744073709551615}}");
  EXPECT_FALSE(ValueFromJson("{oops").ok());
}

TEST(RenderTest, ContextAndGlobals) {
  Environment env;
  env.AddGlobal("project", Value::String("shop"));
  EXPECT_EQ(MustRender(env, "{{ project }}.{{ model }}", Ctx({{"model", Value::String("orders")}})),
            "shop.orders");
  // The render context shadows globals.
  EXPECT_EQ(MustRender(env, "{{ project }}", Ctx({{"project", Value::String("other")}})), "other");
}

TEST(RenderTest, NativeCallableWithPositionalAndKeywordArgs) {
  Environment env;
  env.AddGlobal("ref",
                Value::Callable("ref", [](CallContext&, const CallArgs& args) -> absl::StatusOr<Value> {
                  const Value* name = args.Get(0, "name");
                  const Value* version = args.Keyword("v");
                  if (name == nullptr) return absl::InvalidArgumentError("ref() needs a name");
                  std::string out = "`cat`.`db`.`" + name->Str() + "`";
                  if (version) out += "_v" + version->Str();
                  return Value::String(out);
                }));
  EXPECT_EQ(MustRender(env, "select * from {{ ref('orders') }} join {{ ref(name='items', v=2) }}"),
            "select * from `cat`.`db`.`orders` join `cat`.`db`.`items`_v2");
  auto err = RenderWith(env, "line one\n{{ ref() }}");
  ASSERT_FALSE(err.ok());
  auto loc = GetLocation(err.status());
  ASSERT_TRUE(loc.has_value());
  EXPECT_EQ(loc->file, "test.sql");
  EXPECT_EQ(loc->line, 2);
  EXPECT_NE(FormatError(err.status()).find("{{ ref() }}"), std::string::npos);
}

class Adapter : public Object {
 public:
  std::string_view TypeName() const override { return "adapter"; }
  std::optional<Value> GetAttr(std::string_view name) const override {
    if (name == "type") return Value::String("flink");
    if (name == "quote") {
      return Value::Callable("quote", [](CallContext&, const CallArgs& a) -> absl::StatusOr<Value> {
        return Value::String("`" + a.positional[0].Str() + "`");
      });
    }
    return std::nullopt;
  }
};

TEST(RenderTest, ObjectsWithAttributesImplementedInCpp) {
  Environment env;
  env.AddGlobal("adapter", Value::FromObject(std::make_shared<Adapter>()));
  EXPECT_EQ(
      MustRender(env,
                 "{{ adapter.type }} {{ adapter.quote('x') }} {{ adapter['type'] }} [{{ adapter.nope }}]"),
      "flink `x` flink []");
  EXPECT_FALSE(RenderWith(env, "{{ adapter.nope.deeper }}").ok());
}

// A value type implemented in C++ (like dbt's datetime): days, with + and - against ints and
// other Days, ordering, equality and hashing by value.
class Days : public Object {
 public:
  explicit Days(int64_t n) : n_(n) {}
  static Value Make(int64_t n) { return Value::FromObject(std::make_shared<Days>(n)); }
  std::string_view TypeName() const override { return "days"; }
  std::string Str() const override { return std::to_string(n_) + "d"; }
  static const Days* Of(const Value& v) {
    return v.is_object() ? dynamic_cast<const Days*>(v.AsObject()) : nullptr;
  }
  std::optional<absl::StatusOr<Value>> Arithmetic(Operator op, const Value& other,
                                                  bool reflected) const override {
    int64_t o;
    if (const Days* d = Of(other)) {
      o = d->n_;
    } else if (other.is_small_int()) {
      o = other.AsSmallInt();
    } else {
      return std::nullopt;
    }
    if (op == Operator::kAdd) return Make(n_ + o);
    if (op == Operator::kSub) return reflected ? Make(o - n_) : Make(n_ - o);
    return std::nullopt;
  }
  std::optional<int> CompareTo(const Value& other) const override {
    const Days* d = Of(other);
    if (d == nullptr) return std::nullopt;
    return n_ < d->n_ ? -1 : n_ > d->n_ ? 1 : 0;
  }
  std::optional<size_t> HashValue() const override { return std::hash<int64_t>()(n_); }
  std::optional<std::string> CompareError(const Value& other) const override {
    if (other.is_string()) return "can't compare days to str";
    return std::nullopt;
  }

 private:
  int64_t n_;
};

TEST(RenderTest, ObjectsWithPythonOperators) {
  Environment env;
  Value ctx = Ctx({{"a", Days::Make(3)}, {"b", Days::Make(5)}, {"c", Days::Make(3)}});
  EXPECT_EQ(MustRender(env, "{{ a + 1 }} {{ 10 - a }} {{ b - a }} {{ a + b }}", ctx), "4d 7d 2d 8d");
  EXPECT_EQ(MustRender(env, "{{ a < b }} {{ b <= a }} {{ a == c }} {{ a != b }} {{ a >= c }}", ctx),
            "True False True True True");
  EXPECT_EQ(MustRender(env, "{{ [b, a, c] | sort | join(',') }} {{ [b, a] | max }}", ctx), "3d,3d,5d 5d");
  EXPECT_EQ(MustRender(env, "{{ {a: 'x'}[c] }} {{ c in [b, a] }}", ctx), "x True");
  auto st = RenderWith(env, "{{ a * 2 }}", ctx);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("TypeError: unsupported operand type(s) for *"), std::string::npos)
      << st.status();
  st = RenderWith(env, "{{ a < 1 }}", ctx);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("'<' not supported"), std::string::npos) << st.status();
  // An object's own wording of the refusal, from either side and from sort.
  for (const char* src : {"{{ a > 'x' }}", "{{ 'x' <= a }}", "{{ [a, 'x'] | sort }}"}) {
    st = RenderWith(env, src, ctx);
    ASSERT_FALSE(st.ok()) << src;
    EXPECT_NE(st.status().message().find("TypeError: can't compare days to str"), std::string::npos)
        << src << ": " << st.status();
  }
}

TEST(RenderTest, CallContextGivesUserDataAndCallback) {
  Environment env;
  env.AddGlobal("record",
                Value::Callable("record", [](CallContext& ctx, const CallArgs& a) -> absl::StatusOr<Value> {
                  auto* seen = static_cast<std::vector<std::string>*>(ctx.user_data());
                  seen->push_back(a.positional[0].Str());
                  // Call back into the template: the argument may be a macro.
                  if (a.positional.size() > 1) return ctx.Call(a.positional[1], CallArgs{});
                  return Value::String(ctx.Resolve("who").Str());
                }));
  std::vector<std::string> seen;
  RenderOptions ro;
  ro.user_data = &seen;
  auto t = env.Parse("{% macro m() %}from-macro{% endmacro %}{{ record('a') }} {{ record('b', m) }}", "t");
  ASSERT_TRUE(t.ok());
  auto out = env.Render(**t, Ctx({{"who", Value::String("me")}}), ro);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "me from-macro");
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
}

TEST(RenderTest, ReturnMakesTheCallEvaluateToAnyValue) {
  Environment env;
  EXPECT_EQ(MustRender(env,
                       "{% macro get() %}ignored text{{ return({'a': [1, 2]}) }}more{% endmacro %}"
                       "{{ get().a[1] }} {{ get() is mapping }}"),
            "2 True");
  EXPECT_EQ(MustRender(env,
                       "{% macro early(x) %}{% if x %}{% do return('early') %}{% endif %}late{% endmacro %}"
                       "{{ early(true) }}/{{ early(false) }}"),
            "early/late");
  // return() inside a loop inside a macro unwinds the loop too.
  EXPECT_EQ(
      MustRender(env,
                 "{% macro find(xs) %}{% for x in xs %}{% if x > 2 %}{{ return(x) }}{% endif %}{% endfor %}"
                 "{{ return(none) }}{% endmacro %}{{ find([1, 3, 5]) }} {{ find([]) }}"),
      "3 None");
}

void AddDbtTags(Environment& env) {
  env.AddBlockTag(BlockTag{"materialization", false, [](const BlockDefinition& d) {
                             std::string adapter = "default";
                             for (const auto& [k, v] : d.kwargs) {
                               if (k == "adapter") adapter = v.Str();
                             }
                             if (!d.args.empty()) adapter = d.args[0];
                             return "materialization_" + d.name + "_" + adapter;
                           }});
  env.AddBlockTag(BlockTag{"test", true, nullptr});
  env.AddBlockTag(BlockTag{"data_test", true, [](const BlockDefinition& d) { return "test_" + d.name; }});
  env.AddBlockTag(BlockTag{"docs", false, [](const BlockDefinition& d) { return "docs_" + d.name; }});
  env.AddBlockTag(BlockTag{"snapshot", false, nullptr});
}

TEST(BlockTagTest, MaterializationTestDocsSnapshotDefineMacros) {
  Environment env;
  AddDbtTags(env);
  auto t = env.Parse(
      "{% macro helper(x) %}<{{ x }}>{% endmacro %}\n"
      "{% materialization table, adapter='flink', supported_languages=['sql'] %}TABLE {{ helper(1) }}"
      "{% endmaterialization %}\n"
      "{% materialization view, default %}VIEW{% endmaterialization %}\n"
      "{% test not_null(model, column_name) %}select * from {{ model }} where {{ column_name }} is null"
      "{% endtest %}\n"
      "{% data_test unique(model, column_name='id') %}{{ column_name }}{% enddata_test %}\n"
      "{% docs orders %}The **orders** table.{% enddocs %}\n"
      "{% snapshot snap %}select 1{% endsnapshot %}",
      "macros/all.sql");
  ASSERT_TRUE(t.ok()) << FormatError(t.status());
  const auto& blocks = (*t)->blocks();
  ASSERT_EQ(blocks.size(), 6u);
  EXPECT_EQ(blocks[0].tag, "materialization");
  EXPECT_EQ(blocks[0].name, "table");
  EXPECT_EQ(blocks[0].macro_name, "materialization_table_flink");
  ASSERT_EQ(blocks[0].kwargs.size(), 2u);
  EXPECT_EQ(blocks[0].kwargs[0].first, "adapter");
  EXPECT_EQ(blocks[0].kwargs[1].second.Str(), "['sql']");
  EXPECT_EQ(blocks[1].macro_name, "materialization_view_default");
  EXPECT_EQ(blocks[2].macro_name, "test_not_null");
  EXPECT_EQ(blocks[2].params, (std::vector<std::string>{"model", "column_name"}));
  EXPECT_EQ(blocks[3].macro_name, "test_unique");
  EXPECT_EQ(blocks[4].body_source, "The **orders** table.");
  EXPECT_EQ(blocks[4].line, 6);
  EXPECT_EQ(blocks[5].macro_name, "snapshot_snap");
  ASSERT_EQ((*t)->macros().size(), 1u);
  EXPECT_EQ((*t)->macros()[0].name, "helper");

  // The module exports every macro; rendering the tags prints nothing.
  auto module = env.MakeModule(*t, Value::Dict());
  ASSERT_TRUE(module.ok()) << module.status();
  EXPECT_EQ(module->output, "\n\n\n\n\n\n");
  const Value* mat = module->exports.Find("materialization_table_flink");
  ASSERT_NE(mat, nullptr);
  auto r = env.Call(*mat, {});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->Str(), "TABLE <1>");
  const Value* test = module->exports.Find("test_not_null");
  ASSERT_NE(test, nullptr);
  auto sql = env.Call(*test, {Value::String("orders")}, {{"column_name", Value::String("id")}});
  ASSERT_TRUE(sql.ok()) << sql.status();
  EXPECT_EQ(sql->Str(), "select * from orders where id is null");
  auto docs = env.Call(*module->exports.Find("docs_orders"), {});
  ASSERT_TRUE(docs.ok());
  EXPECT_EQ(docs->Str(), "The **orders** table.");
}

TEST(BlockTagTest, UnknownAndUnclosedTagsAreErrors) {
  Environment env;
  AddDbtTags(env);
  EXPECT_FALSE(env.Parse("{% materialization x %}never closed", "m.sql").ok());
  Environment plain;
  EXPECT_FALSE(plain.Parse("{% materialization x %}{% endmaterialization %}", "m.sql").ok());
}

TEST(CallMacroTest, ReturnValueAndLateBoundContext) {
  Environment env;
  auto lib = env.Parse(
      "{% macro cast(x, t='STRING') %}CAST({{ x }} AS {{ t }}){% endmacro %}"
      "{% macro uses_other() %}{{ other_macro() }}{% endmacro %}"
      "{% macro as_list(n) %}{{ return(range(n) | list) }}{% endmacro %}",
      "lib.sql");
  ASSERT_TRUE(lib.ok());
  // dbt's "every macro sees every other macro": the context dict is filled after the module exists.
  Value ctx = Value::Dict();
  auto module = env.MakeModule(*lib, ctx);
  ASSERT_TRUE(module.ok()) << module.status();
  auto other = env.Parse("{% macro other_macro() %}OTHER{% endmacro %}", "other.sql");
  auto other_module = env.MakeModule(*other, Value::Dict());
  ctx.SetItem(Value::String("other_macro"), *other_module->exports.Find("other_macro"));

  auto r = env.Call(*module->exports.Find("cast"), {Value::String("col")}, {{"t", Value::String("INT")}});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->Str(), "CAST(col AS INT)");
  auto r2 = env.Call(*module->exports.Find("uses_other"), {});
  ASSERT_TRUE(r2.ok()) << r2.status();
  EXPECT_EQ(r2->Str(), "OTHER");
  auto r3 = env.Call(*module->exports.Find("as_list"), {Value::Int(3)});
  ASSERT_TRUE(r3.ok()) << r3.status();
  EXPECT_TRUE(r3->is_list());
  EXPECT_EQ(r3->Str(), "[0, 1, 2]");
  // Wrong arity is a TypeError, as in Jinja2.
  EXPECT_FALSE(env.Call(*module->exports.Find("cast"), {Value::Int(1), Value::Int(2), Value::Int(3)}).ok());
  // The macro outlives the Template handle it came from.
  Value keep = *module->exports.Find("cast");
  lib = absl::StatusOr<std::shared_ptr<const Template>>();
  module = absl::StatusOr<Module>();
  auto r4 = env.Call(keep, {Value::String("z")});
  ASSERT_TRUE(r4.ok());
  EXPECT_EQ(r4->Str(), "CAST(z AS STRING)");
}

// Sets *dead when destroyed.
class Canary : public Object {
 public:
  explicit Canary(bool* dead) : dead_(dead) {}
  ~Canary() override { *dead_ = true; }

 private:
  bool* dead_;
};

TEST(CallMacroTest, ContextHoldingTheModulesOwnMacrosIsFreed) {
  bool dead = false;
  Environment env;
  Value survivor;
  {
    auto lib = env.Parse(
        "{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}B{{ canary is defined }}{% endmacro %}",
        "lib.sql");
    ASSERT_TRUE(lib.ok());
    // dbt's arrangement: the module's macros go into the very dict the module resolves names in.
    Value ctx = Value::Dict();
    ctx.SetItem(Value::String("canary"), Value::FromObject(std::make_shared<Canary>(&dead)));
    auto module = env.MakeModule(*lib, ctx);
    ASSERT_TRUE(module.ok());
    for (const auto& [k, v] : module->exports.DictItems()) ctx.SetItem(k, v);
    auto r = env.Call(*ctx.Find("a"), {});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->Str(), "BTrue");
    module = absl::StatusOr<Module>();  // the scope is gone: names still resolve through ctx
    r = env.Call(*ctx.Find("a"), {});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->Str(), "BTrue");
    survivor = *ctx.Find("a");
  }
  // ctx -> macros -> module scope -> ctx does not keep the dict alive once the caller drops it.
  EXPECT_TRUE(dead);
  // A macro that outlives its context dict sees no context names: an error, not a crash.
  auto r = env.Call(survivor, {});
  EXPECT_FALSE(r.ok());
}

TEST(LoaderTest, MemoryLoaderIncludeImportExtends) {
  Environment env;
  auto loader = std::make_shared<MemoryLoader>();
  loader->Add("macros.sql", "{% macro q(x) %}`{{ x }}`{% endmacro %}{% set version = 3 %}");
  loader->Add("header.sql", "-- {{ title }}");
  loader->Add("base.sql", "BEGIN {% block body %}default{% endblock %} END");
  env.SetLoader(loader);
  EXPECT_EQ(MustRender(env, "{% import 'macros.sql' as m %}{{ m.q('a') }} v{{ m.version }}"), "`a` v3");
  EXPECT_EQ(MustRender(env, "{% from 'macros.sql' import q as quote %}{{ quote('b') }}"), "`b`");
  EXPECT_EQ(MustRender(env, "{% set title = 'T' %}{% include 'header.sql' %}"), "-- T");
  EXPECT_EQ(MustRender(env, "{% extends 'base.sql' %}{% block body %}child+{{ super() }}{% endblock %}"),
            "BEGIN child+default END");
  auto missing = RenderWith(env, "{% include 'nope.sql' %}");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(std::string(missing.status().message()).find("nope.sql"), std::string::npos);
}

TEST(LoaderTest, FileSystemLoaderStaysInsideItsRoot) {
  namespace fs = std::filesystem;
  fs::path root = fs::temp_directory_path() / ("flinkdbt_jinja_loader_" + std::to_string(::getpid()));
  fs::create_directories(root / "sub");
  std::ofstream(root / "sub" / "part.sql") << "part {{ x }}";
  Environment env;
  env.SetLoader(std::make_shared<FileSystemLoader>(root.string()));
  EXPECT_EQ(MustRender(env, "{% include 'sub/part.sql' %}", Ctx({{"x", Value::Int(1)}})), "part 1");
  FileSystemLoader loader(root.string());
  EXPECT_EQ(loader.Load("../etc/passwd").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(loader.Load("/etc/passwd").status().code(), absl::StatusCode::kNotFound);
  fs::remove_all(root);
}

TEST(UndefinedModeTest, DefaultStrictPermissive) {
  Environment def;
  EXPECT_EQ(MustRender(def, "[{{ nope }}]"), "[]");
  EXPECT_FALSE(RenderWith(def, "{{ nope.attr }}").ok());
  EXPECT_FALSE(RenderWith(def, "{{ nope() }}").ok());

  Environment strict(EnvironmentOptions{.undefined = UndefinedMode::kStrict});
  EXPECT_FALSE(RenderWith(strict, "{{ nope }}").ok());
  EXPECT_FALSE(RenderWith(strict, "{% if nope %}{% endif %}").ok());
  EXPECT_FALSE(RenderWith(strict, "{% for x in nope %}{% endfor %}").ok());
  EXPECT_EQ(MustRender(strict, "{{ nope is defined }} {{ nope | default('d') }}"), "False d");

  Environment permissive(EnvironmentOptions{.undefined = UndefinedMode::kPermissive});
  EXPECT_EQ(MustRender(permissive, "[{{ nope.attr.deeper }}][{{ nope('x').y }}][{{ nope['k'] }}]"), "[][][]");
  EXPECT_EQ(MustRender(permissive, "{% for x in nope.items %}{{ x }}{% endfor %}ok"), "ok");
}

TEST(OptionsTest, TrimAndLstripBlocksMatchPython) {
  // Expected output from Python Jinja2 3.1.6 with the same options.
  const char* src =
      "<ul>\n  {% for x in xs %}\n    <li>{{ x }}</li>\n  {% endfor %}\n</ul>\n  {%+ if true %}kept{% endif "
      "%}\n"
      "  {# c #}\nend";
  Value ctx = Ctx({{"xs", Value::List({Value::Int(1), Value::Int(2)})}});
  Environment both(EnvironmentOptions{.trim_blocks = true, .lstrip_blocks = true});
  EXPECT_EQ(MustRender(both, src, ctx), "<ul>\n    <li>1</li>\n    <li>2</li>\n</ul>\n  keptend");
  Environment trim(EnvironmentOptions{.trim_blocks = true});
  EXPECT_EQ(MustRender(trim, src, ctx), "<ul>\n      <li>1</li>\n      <li>2</li>\n  </ul>\n  kept  end");
  Environment keep(EnvironmentOptions{.keep_trailing_newline = true});
  EXPECT_EQ(MustRender(keep, "a\n"), "a\n");
  Environment drop;
  EXPECT_EQ(MustRender(drop, "a\n"), "a");
}

TEST(ErrorTest, SyntaxErrorsCarryLocationAndSourceLine) {
  Environment env;
  auto t = env.Parse("select 1\nfrom t where {{ a + }}", "models/x.sql");
  ASSERT_FALSE(t.ok());
  auto loc = GetLocation(t.status());
  ASSERT_TRUE(loc.has_value());
  EXPECT_EQ(loc->file, "models/x.sql");
  EXPECT_EQ(loc->line, 2);
  EXPECT_GT(loc->column, 1);
  std::string formatted = FormatError(t.status());
  EXPECT_NE(formatted.find("models/x.sql:2:"), std::string::npos) << formatted;
  EXPECT_NE(formatted.find("from t where {{ a + }}"), std::string::npos) << formatted;
  EXPECT_NE(formatted.find("^"), std::string::npos) << formatted;
}

TEST(ErrorTest, RuntimeErrorsAreLocated) {
  Environment env;
  auto r = RenderWith(env, "ok\n  {{ 1 / 0 }}");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("division by zero"), std::string::npos);
  EXPECT_EQ(GetLocation(r.status())->line, 2);
  auto f = RenderWith(env, "{{ x | no_such_filter }}");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(std::string(f.status().message()).find("no_such_filter"), std::string::npos);
}

TEST(ErrorTest, RecursionIsBounded) {
  Environment env;
  auto r = RenderWith(env, "{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status().message()).find("recursion"), std::string::npos);
  auto loader = std::make_shared<MemoryLoader>();
  loader->Add("a", "{% include 'b' %}");
  loader->Add("b", "{% include 'a' %}");
  Environment cyc;
  cyc.SetLoader(loader);
  auto c = RenderWith(cyc, "{% include 'a' %}");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(std::string(c.status().message()).find("recursion"), std::string::npos);
  auto loop = RenderWith(env, "{% for x in t recursive %}{{ loop(t) }}{% endfor %}",
                         Ctx({{"t", Value::List({Value::Int(1)})}}));
  EXPECT_FALSE(loop.ok());
}

TEST(ThreadSafetyTest, OneTemplateRenderedFromManyThreads) {
  Environment env;
  env.AddGlobal("suffix", Value::String("_v1"));
  auto t = env.Parse(
      "{% macro col(c) %}{{ c | upper }}{{ suffix }}{% endmacro %}"
      "{% for c in cols %}{{ col(c) }}{{ ',' if not loop.last }}{% endfor %} #{{ n }}",
      "t.sql");
  ASSERT_TRUE(t.ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      for (int j = 0; j < 200; ++j) {
        Value ctx =
            Ctx({{"cols", Value::List({Value::String("a"), Value::String("b")})}, {"n", Value::Int(i)}});
        auto out = env.Render(**t, ctx);
        if (!out.ok() || *out != "A_v1,B_v1 #" + std::to_string(i)) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(ThreadSafetyTest, TemplateCacheSharedAcrossThreads) {
  auto loader = std::make_shared<MemoryLoader>();
  loader->Add("m.sql", "{% macro m(x) %}[{{ x }}]{% endmacro %}");
  Environment env;
  env.SetLoader(loader);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 100; ++j) {
        auto out = RenderWith(env, "{% from 'm.sql' import m %}{{ m(1) }}");
        if (!out.ok() || *out != "[1]") failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace flinkdbt::jinja
