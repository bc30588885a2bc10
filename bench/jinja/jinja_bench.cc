// Template engine throughput against Python Jinja2, measured in the same run.
//
// Scenarios (dbt-like):
//   Model         a model with loops over 30 columns calling macros from a ~300-line macro library
//   Library       parsing + running the ~300-line macro library (what loading a project does per file)
//   Loop10k       a 10,000-iteration loop
//   Parse10kModels parse + render of 10,000 distinct model templates sharing one macro library
// Each benchmark reports items_per_second for flinkdbt, python_items_per_second for Python Jinja2
// 3.1 running the same templates and contexts (a python3 child process started once, timed by its
// own clock), and speedup = flinkdbt / python. Both sides are timed in process CPU time. Target: speedup >=
// 20; Parse10kModels < 1 s.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/jinja/environment.h"
#include "flinkdbt/jinja/value.h"

namespace flinkdbt::jinja {
namespace {

std::string MacroLibrary() {
  std::string lib = R"({% macro quote(name) -%}
`{{ name }}`
{%- endmacro %}

{% macro cast_column(name, data_type) -%}
{%- if data_type in ('BIGINT', 'INT') -%}
CAST({{ quote(name) }} AS {{ data_type }})
{%- elif data_type.startswith('DECIMAL') -%}
CAST({{ quote(name) }} AS {{ data_type | replace(' ', '') }})
{%- else -%}
{{ quote(name) }}
{%- endif -%}
{%- endmacro %}

{% macro source_relation(schema, table) -%}
{{ quote('catalog') }}.{{ quote(schema) }}.{{ quote(table) }}
{%- endmacro %}

{% macro star(cols, except=[]) -%}
{%- for c in cols if c not in except -%}
{{ quote(c) }}{{ ', ' if not loop.last }}
{%- endfor -%}
{%- endmacro %}

{% macro surrogate_key(fields) -%}
MD5(CONCAT_WS('||', {% for f in fields %}COALESCE(CAST({{ f }} AS STRING), '_null_'){% if not loop.last %}, {% endif %}{% endfor %}))
{%- endmacro %}
)";
  // Filler macros in the style of dbt packages, up to ~300 lines.
  for (int i = 0; i < 24; ++i) {
    lib += "\n{% macro helper_" + std::to_string(i) + "(relation, columns, options={}) -%}\n";
    lib += "  {%- set ns = namespace(parts=[]) -%}\n";
    lib += "  {%- for col in columns -%}\n";
    lib += "    {%- if options.get('upper', false) -%}\n";
    lib += "      {%- do ns.parts.append(col | upper) -%}\n";
    lib += "    {%- else -%}\n";
    lib += "      {%- do ns.parts.append(relation ~ '.' ~ col) -%}\n";
    lib += "    {%- endif -%}\n";
    lib += "  {%- endfor -%}\n";
    lib += "  {{ ns.parts | join(', ') }}\n";
    lib += "{%- endmacro %}\n";
  }
  return lib;
}

std::string ModelTemplate(const std::string& table) {
  return R"(-- model )" + table + R"(
with source as (
  select
  {%- for col in columns %}
    {{ cast_column(col.name, col.data_type) }} as {{ quote(col.name | lower) }}{{ ',' if not loop.last }}
  {%- endfor %}
  from {{ source_relation(src.schema, ')" +
         table + R"(') }}
),
renamed as (
  select {{ star(columns | map(attribute='name') | list, except=['_loaded_at']) }}
  from source
  {%- if is_incremental %}
  where updated_at > '{{ max_ts }}'
  {%- endif %}
)
select *, {{ surrogate_key(['id', 'updated_at']) }} as sk, {{ helper_3('r', ['a', 'b']) }}
from renamed
)";
}

const char* kLoopTemplate =
    "{% for i in range(10000) %}{{ i * 2 }}{% if loop.last %}.{% else %},{% endif %}{% endfor %}";

std::string ContextJson() {
  JsonWriter w;
  w.BeginObject().Key("columns").BeginArray();
  static const char* kTypes[] = {"BIGINT", "STRING", "DECIMAL(10, 2)", "TIMESTAMP(3)", "INT"};
  for (int i = 0; i < 30; ++i) {
    w.BeginObject().Field("name", "Col_" + std::to_string(i)).Field("data_type", kTypes[i % 5]).EndObject();
  }
  w.BeginObject().Field("name", "_loaded_at").Field("data_type", "TIMESTAMP(3)").EndObject();
  w.EndArray();
  w.Key("src").BeginObject().Field("schema", "raw").EndObject();
  w.Field("is_incremental", true).Field("max_ts", "2024-01-01 00:00:00");
  w.EndObject();
  return w.str();
}

// ---- Python Jinja2, measured once per process --------------------------------------------------

const char* kPythonScript = R"PY(
import json, sys, time
import jinja2
spec = json.load(open(sys.argv[1]))
env = jinja2.Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
ctx = spec["context"]
lib_src = spec["library"]
lib = env.from_string(lib_src).module
macros = {k: getattr(lib, k) for k in dir(lib) if not k.startswith("_")}
full_ctx = dict(ctx, **macros)

def rate(fn, min_time=1.0):
    n = 0
    start = time.process_time()
    while True:
        fn()
        n += 1
        el = time.process_time() - start
        if el >= min_time and n >= 3:
            return n / el

model = env.from_string(spec["model"])
out = {}
out["Model"] = rate(lambda: model.render(full_ctx))
out["Library"] = rate(lambda: env.from_string(lib_src).module)
loop = env.from_string(spec["loop"])
out["Loop10k"] = rate(lambda: loop.render())
def parse_models():
    start = time.process_time()
    for i in range(200):
        env.from_string(spec["model_prefix"] + str(i) + spec["model_suffix"]).render(full_ctx)
    return 200 / (time.process_time() - start)
out["Parse10kModels"] = parse_models()
print(json.dumps(out))
)PY";

const std::map<std::string, double>& PythonRates() {
  static const std::map<std::string, double>* rates = [] {
    auto* m = new std::map<std::string, double>();
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("flinkdbt_jinja_bench_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::string model = ModelTemplate("TABLEPLACEHOLDER");
    size_t p = model.find("TABLEPLACEHOLDER");
    JsonWriter w;
    w.BeginObject()
        .Field("library", MacroLibrary())
        .Field("model", ModelTemplate("orders"))
        .Field("loop", kLoopTemplate)
        .Field("model_prefix", model.substr(0, p) + "t")
        .Field("model_suffix", model.substr(p + 16))
        .Key("context")
        .Raw(ContextJson())
        .EndObject();
    std::ofstream(dir / "spec.json") << w.str();
    std::ofstream(dir / "bench.py") << kPythonScript;
    std::string cmd = "python3 " + (dir / "bench.py").string() + " " + (dir / "spec.json").string();
    FILE* f = popen(cmd.c_str(), "r");
    std::string out;
    if (f != nullptr) {
      char buf[4096];
      size_t n;
      while ((n = fread(buf, 1, sizeof(buf), f)) > 0) out.append(buf, n);
      pclose(f);
    }
    fs::remove_all(dir);
    auto v = ValueFromJson(out);
    if (v.ok()) {
      for (const auto& [k, x] : v->DictItems()) (*m)[std::string(k.AsString())] = x.AsDouble();
    } else {
      std::fprintf(stderr, "python3 jinja2 reference failed: %s\n", out.c_str());
    }
    return m;
  }();
  return *rates;
}

struct Fixture {
  Environment env;
  Value context;
  Fixture() {
    context = *ValueFromJson(ContextJson());
    // dbt's arrangement: the library's macros live in the context every template (and every
    // macro) resolves names through.
    auto lib = env.Parse(MacroLibrary(), "macros.sql");
    auto module = env.MakeModule(*lib, context);
    for (const auto& [k, v] : module->exports.DictItems()) context.SetItem(k, v);
  }
};

void Report(benchmark::State& state, const char* name, double seconds, int64_t items) {
  double ours = static_cast<double>(items) / seconds;
  state.counters["flinkdbt_items_per_second"] = ours;
  auto it = PythonRates().find(name);
  if (it != PythonRates().end() && it->second > 0) {
    state.counters["python_items_per_second"] = it->second;
    state.counters["speedup"] = ours / it->second;
  }
}

// CPU time of this process: the machine is shared, so both engines are timed by the CPU they used
// (Python's side uses time.process_time()).
struct Clock {
  struct time_point {
    double s;
    friend double operator-(time_point a, time_point b) { return a.s - b.s; }
  };
  static time_point now() {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return {static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9};
  }
};

void BM_Model(benchmark::State& state) {
  Fixture fx;
  auto t = fx.env.Parse(ModelTemplate("orders"), "models/orders.sql");
  if (!t.ok()) {
    state.SkipWithError("parse failed");
    return;
  }
  PythonRates();
  int64_t n = 0;
  auto start = Clock::now();
  {
    auto first = fx.env.Render(**t, fx.context);
    if (!first.ok()) {
      state.SkipWithError(std::string(first.status().message()).c_str());
      return;
    }
  }
  for (auto _ : state) {
    auto out = fx.env.Render(**t, fx.context);
    benchmark::DoNotOptimize(out);
    ++n;
  }
  Report(state, "Model", (Clock::now() - start), n);
}
BENCHMARK(BM_Model)->Unit(benchmark::kMicrosecond);

void BM_Library(benchmark::State& state) {
  Environment env;
  std::string lib = MacroLibrary();
  PythonRates();
  int64_t n = 0;
  auto start = Clock::now();
  for (auto _ : state) {
    auto t = env.Parse(lib, "macros.sql");
    auto m = env.MakeModule(*t, Value::Dict());
    benchmark::DoNotOptimize(m);
    ++n;
  }
  Report(state, "Library", (Clock::now() - start), n);
}
BENCHMARK(BM_Library)->Unit(benchmark::kMicrosecond);

void BM_Loop10k(benchmark::State& state) {
  Environment env;
  auto t = env.Parse(kLoopTemplate, "loop.sql");
  PythonRates();
  int64_t n = 0;
  auto start = Clock::now();
  for (auto _ : state) {
    auto out = env.Render(**t, Value::Dict());
    benchmark::DoNotOptimize(out);
    ++n;
  }
  Report(state, "Loop10k", (Clock::now() - start), n);
}
BENCHMARK(BM_Loop10k)->Unit(benchmark::kMicrosecond);

void BM_Parse10kModels(benchmark::State& state) {
  Fixture fx;
  std::vector<std::string> sources;
  for (int i = 0; i < 10000; ++i) sources.push_back(ModelTemplate("t" + std::to_string(i)));
  PythonRates();
  double seconds = 0;
  int64_t n = 0;
  for (auto _ : state) {
    auto start = Clock::now();
    for (const std::string& src : sources) {
      auto t = fx.env.Parse(src, "models/m.sql");
      auto out = fx.env.Render(**t, fx.context);
      if (!out.ok()) {
        state.SkipWithError(std::string(out.status().message()).c_str());
        return;
      }
      benchmark::DoNotOptimize(out);
    }
    seconds += (Clock::now() - start);
    n += static_cast<int64_t>(sources.size());
  }
  state.counters["seconds_per_10k_models"] = seconds / static_cast<double>(state.iterations());
  Report(state, "Parse10kModels", seconds, n);
}
BENCHMARK(BM_Parse10kModels)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace
}  // namespace flinkdbt::jinja

BENCHMARK_MAIN();
