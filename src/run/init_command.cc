// `flinkdbt init NAME`: scaffolds a new project with the walkthrough's structure. The project is
// written into a temporary sibling folder and renamed into place, so an interrupted or failed init
// leaves nothing half-written; an existing folder is never touched.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_replace.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"
#include "re2/re2.h"
#include "run/command.h"

namespace flinkdbt::run {
namespace {

namespace fs = std::filesystem;

struct ScaffoldFile {
  const char* path;
  const char* text;  // "{{project}}" stands for the project name
};

constexpr ScaffoldFile kScaffold[] = {
    {"dbt_project.yml", R"(# The project's configuration: https://docs.getdbt.com/reference/dbt_project.yml
name: '{{project}}'
version: '1.0.0'
config-version: 2

# The profile in profiles.yml this project connects with.
profile: '{{project}}'

model-paths: ["models"]
seed-paths: ["seeds"]
test-paths: ["tests"]
macro-paths: ["macros"]
target-path: "target"
clean-targets:
  - "target"
  - "dbt_packages"

models:
  {{project}}:
    staging:
      +materialized: view
    intermediates:
      +materialized: streaming_table
    marts:
      +materialized: materialized_view
)"},
    {"profiles.yml", R"(# Connection profiles. The default target, `local`, runs the project on flinkdbt's embedded
# Flink SQL engine: no cloud account needed. Uncomment `confluent` to deploy to Confluent Cloud for
# Apache Flink, then run with `--target confluent`.
{{project}}:
  target: local
  outputs:
    local:
      type: local
      threads: 4
    # confluent:
    #   type: confluent
    #   cloud_provider: aws
    #   cloud_region: us-east-1
    #   organization_id: <your-organization-id>
    #   environment_id: <your-environment-id>
    #   compute_pool_id: <your-compute-pool-id>
    #   flink_api_key: "{{ env_var('CONFLUENT_FLINK_API_KEY') }}"
    #   flink_api_secret: "{{ env_var('CONFLUENT_FLINK_API_SECRET') }}"
    #   dbname: <your-kafka-cluster-name>
    #   threads: 1
)"},
    {"packages.yml", R"(# dbt packages this project uses. flinkdbt installs `local:` packages.
packages: []
)"},
    {".gitignore", "target/\ndbt_packages/\nlogs/\n"},
    {"models/staging/sources.yml", R"(version: 2

sources:
  - name: marketplace
    description: The sample marketplace streams of the `examples` catalog.
    database: examples
    schema: marketplace
    tables:
      - name: orders
)"},
    {"models/staging/stg_orders.sql", R"(SELECT
  `order_id`,
  `customer_id`,
  `product_id`,
  `price`,
  `$rowtime` AS order_time
FROM {{ source('marketplace', 'orders') }}
)"},
    {"models/staging/schema.yml", R"(version: 2

models:
  - name: stg_orders
    description: Orders from the marketplace stream, one row per order.
    columns:
      - name: order_id
        data_type: string
        data_tests:
          - not_null
      - name: price
        data_type: double
        data_tests:
          - not_null
)"},
    {"models/intermediates/int_order_totals.sql", R"({{ config(
    materialized='streaming_table',
    with={
      'changelog.mode': 'upsert',
    }
) }}

SELECT
  customer_id,
  SUM(price) AS total_spent,
  COUNT(*) AS order_count
FROM {{ ref('stg_orders') }}
GROUP BY customer_id
)"},
    {"models/marts/fct_revenue.sql", R"(SELECT
  window_start,
  window_end,
  SUM(price) AS total_revenue,
  COUNT(*) AS order_count
FROM TABLE(
  TUMBLE(TABLE {{ ref('stg_orders') }}, DESCRIPTOR(order_time), INTERVAL '1' MINUTE)
)
GROUP BY window_start, window_end
)"},
    {"tests/assert_positive_prices.sql", R"(-- A singular data test: it passes when the query returns no rows.
SELECT order_id, price
FROM {{ ref('stg_orders') }}
WHERE price <= 0
)"},
    {"macros/.gitkeep", ""},
};

absl::Status WriteFile(const fs::path& path, std::string_view text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return absl::InternalError(fmt::format("cannot create {}: {}", path.parent_path().string(), ec.message()));
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) return absl::InternalError(fmt::format("cannot write {}", path.string()));
  return absl::OkStatus();
}

int RunInit(CommandContext& ctx) {
  const std::string& name = ctx.options.project_name;
  static const RE2 kValidName("[A-Za-z_][A-Za-z0-9_]*");
  if (!RE2::FullMatch(name, kValidName)) {
    ctx.log.Emit(Error(fmt::format(
        "'{}' is not a valid project name: use letters, digits and underscores, starting with a letter or "
        "underscore (e.g. my_flink_project)",
        name)));
    return kExitError;
  }
  fs::path dest = ctx.Resolve(name);
  std::error_code ec;
  if (fs::exists(fs::symlink_status(dest, ec))) {
    ctx.log.Emit(Error(fmt::format(
        "A file or folder named '{}' already exists at {}: flinkdbt init never overwrites it. Choose another "
        "name or remove it first.",
        name, dest.string())));
    return kExitError;
  }
  fs::path staging = dest.parent_path() / fmt::format(".{}.flinkdbt-init-{}", name, getpid());
  fs::remove_all(staging, ec);
  for (const ScaffoldFile& file : kScaffold) {
    std::string text = absl::StrReplaceAll(file.text, {{"{{project}}", name}});
    if (absl::Status s = WriteFile(staging / file.path, text); !s.ok()) {
      fs::remove_all(staging, ec);
      ctx.log.Emit(Error(fmt::format("could not create the project: {}", s.message())));
      return kExitError;
    }
  }
  fs::rename(staging, dest, ec);
  if (ec) {
    fs::remove_all(staging, ec);
    ctx.log.Emit(Error(fmt::format("could not create {}: {}", dest.string(), ec.message())));
    return kExitError;
  }
  ctx.log.Emit(Info(fmt::format(
      "Your new flinkdbt project \"{}\" was created!\n\n"
      "Next steps:\n"
      "  cd {}\n"
      "  flinkdbt build        # runs the project on the embedded `local` target\n\n"
      "To deploy to Confluent Cloud, uncomment the `confluent` target in {}/profiles.yml, set\n"
      "CONFLUENT_FLINK_API_KEY and CONFLUENT_FLINK_API_SECRET, and run with `--target confluent`.",
      name, name, name)));
  return kExitSuccess;
}

}  // namespace

CommandSpec InitCommand() {
  CommandSpec spec;
  spec.name = "init";
  spec.help = "Create a new project in a new folder NAME, ready to run on the embedded `local` target";
  spec.uses_project = false;
  spec.add_flags = [](CLI::App& sub, InvocationOptions& options) {
    sub.add_option("NAME", options.project_name, "The project's name, also the folder created")->required();
  };
  spec.run = RunInit;
  return spec;
}

}  // namespace flinkdbt::run
