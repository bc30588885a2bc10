#include "project_generator.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "fmt/format.h"

namespace flinkdbt::bench {
namespace {

void Write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

}  // namespace

SyntheticProject WriteSyntheticProject(const std::string& dir, const SyntheticOptions& o) {
  namespace fs = std::filesystem;
  fs::remove_all(dir);
  SyntheticProject p;
  p.dir = dir;
  const fs::path root(dir);
  Write(root / "dbt_project.yml", fmt::format(R"(name: 'bench'
version: '1.0.0'
config-version: 2
profile: 'bench'
models:
  bench:
    +materialized: {}
)",
                                              o.materialized));
  Write(root / "profiles.yml", o.profile_yaml);
  Write(root / "models" / "sources.yml", R"(version: 2
sources:
  - name: marketplace
    database: examples
    schema: marketplace
    tables:
      - name: orders
)");
  // The macro library: every model calls these.
  Write(root / "macros" / "bench_macros.sql", R"({% macro bench_columns(alias=none) -%}
  {%- set p = (alias ~ '.') if alias else '' -%}
  {{ p }}order_id, {{ p }}customer_id, {{ p }}product_id, {{ p }}price
{%- endmacro %}

{% macro bench_keep(column) -%}
  {{ column }} IS NOT NULL AND {{ column }} >= {{ bench_floor() }}
{%- endmacro %}

{% macro bench_floor() -%}0{%- endmacro %}
)");
  const int per_layer = std::max(1, (o.models + o.layers - 1) / o.layers);
  std::string schema = "version: 2\nmodels:\n";
  std::string unit = "unit_tests:\n";
  int unit_written = 0;
  for (int i = 0; i < o.models; ++i) {
    const int layer = i / per_layer;
    std::string name = fmt::format("m_{:04d}", i);
    p.names.push_back(name);
    std::vector<int> parents;
    std::string sql;
    if (layer == 0) {
      sql =
          "SELECT {{ bench_columns() }}\nFROM {{ source('marketplace', 'orders') }}\nWHERE {{ "
          "bench_keep('price') }}\n";
      if (unit_written < o.unit_tests) {
        unit += fmt::format(R"(  - name: ut_{0}
    model: {0}
    given:
      - input: source('marketplace', 'orders')
        rows:
          - {{order_id: 1, customer_id: 100, product_id: 10, price: 29.99}}
          - {{order_id: 2, customer_id: 101, product_id: 11, price: -1.00}}
    expect:
      rows:
        - {{order_id: 1, customer_id: 100, product_id: 10, price: 29.99}}
)",
                            name);
        ++unit_written;
      }
    } else {
      // Parents from the previous layer, spread deterministically.
      const int prev_begin = (layer - 1) * per_layer;
      const int a = prev_begin + (i * 7) % per_layer;
      parents.push_back(a);
      sql = fmt::format(
          "SELECT {{{{ bench_columns() }}}}\nFROM {{{{ ref('{}') }}}}\nWHERE {{{{ bench_keep('price') }}}}\n",
          p.names[static_cast<size_t>(a)]);
      if (o.second_parent_every > 0 && i % o.second_parent_every == 0) {
        const int b = prev_begin + (i * 13 + 1) % per_layer;
        if (b != a) {
          parents.push_back(b);
          sql +=
              fmt::format("UNION ALL\nSELECT {{{{ bench_columns('t') }}}}\nFROM {{{{ ref('{}') }}}} AS t\n",
                          p.names[static_cast<size_t>(b)]);
        }
      }
    }
    p.parents.push_back(parents);
    Write(root / "models" / fmt::format("layer_{:02d}", layer) / (name + ".sql"), sql);
    if (o.data_test_every > 0 && i % o.data_test_every == 0) {
      schema += fmt::format(R"(  - name: {}
    columns:
      - name: order_id
        tests: [not_null]
      - name: price
        tests: [not_null]
)",
                            name);
      p.data_tests += 2;
    }
  }
  if (unit_written > 0) schema += unit;
  Write(root / "models" / "schema.yml", schema);
  return p;
}

double IdealMakespan(const std::vector<std::vector<int>>& parents, const std::vector<double>& work,
                     int threads) {
  std::vector<double> finish(work.size(), 0);
  double critical = 0, total = 0;
  for (size_t i = 0; i < work.size(); ++i) {  // parents precede children in index order
    double start = 0;
    for (int p : parents[i]) start = std::max(start, finish[static_cast<size_t>(p)]);
    finish[i] = start + work[i];
    critical = std::max(critical, finish[i]);
    total += work[i];
  }
  return std::max(critical, total / std::max(1, threads));
}

}  // namespace flinkdbt::bench
