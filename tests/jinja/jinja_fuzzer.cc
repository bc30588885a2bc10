// libFuzzer target: parses the input as a template and renders it with a small dbt-like context,
// with loaders, custom block tags and every undefined mode. Any crash, sanitizer report, hang
// (beyond the render budget) or leak is a bug; errors are expected and fine.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "flinkdbt/jinja/environment.h"
#include "flinkdbt/jinja/value.h"

namespace {

using flinkdbt::jinja::Environment;
using flinkdbt::jinja::EnvironmentOptions;
using flinkdbt::jinja::Value;

Value Context() {
  auto ctx = flinkdbt::jinja::ValueFromJson(
      R"({"columns": [{"name": "id", "data_type": "BIGINT"}, {"name": "amount", "data_type": "DECIMAL"}],
          "model": {"name": "orders", "config": {"materialized": "table", "tags": ["a", "b"]}},
          "n": 3, "f": 2.5, "s": "Hello", "flag": true, "nothing": null, "big": 12345678901234567890})");
  return *ctx;
}

void Setup(Environment& env) {
  auto loader = std::make_shared<flinkdbt::jinja::MemoryLoader>();
  loader->Add("lib.sql", "{% macro q(x) %}`{{ x }}`{% endmacro %}{% set v = 1 %}");
  loader->Add("base.sql", "[{% block body %}base{% endblock %}]");
  loader->Add("self.sql", "{% include 'self.sql' %}");
  env.SetLoader(loader);
  env.AddBlockTag({"materialization", false, nullptr});
  env.AddBlockTag({"test", true, nullptr});
  env.AddBlockTag({"docs", false, nullptr});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string_view src(reinterpret_cast<const char*>(data), size);
  static const flinkdbt::jinja::UndefinedMode kModes[] = {flinkdbt::jinja::UndefinedMode::kDefault,
                                                          flinkdbt::jinja::UndefinedMode::kStrict,
                                                          flinkdbt::jinja::UndefinedMode::kPermissive};
  EnvironmentOptions opts;
  opts.undefined = kModes[size % 3];
  opts.trim_blocks = (size & 4) != 0;
  opts.lstrip_blocks = (size & 8) != 0;
  Environment env(opts);
  Setup(env);
  auto tmpl = env.Parse(src, "fuzz.sql");
  if (!tmpl.ok()) {
    (void)flinkdbt::jinja::FormatError(tmpl.status());
    return 0;
  }
  flinkdbt::jinja::RenderOptions ro;
  ro.max_steps = 20000;
  ro.max_output_bytes = 1 << 20;
  ro.max_depth = 100;
  static const Value* const kContext = new Value(Context());
  auto out = env.Render(**tmpl, *kContext, ro);
  if (!out.ok()) (void)flinkdbt::jinja::FormatError(out.status());
  auto module = env.MakeModule(*tmpl, Value::Dict(), ro);
  if (module.ok()) {
    for (const auto& [name, value] : module->exports.DictItems()) {
      if (value.is_macro()) (void)env.Call(value, {Value::Int(1)}, {}, ro);
    }
  }
  return 0;
}
