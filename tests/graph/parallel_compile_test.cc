// Parse and compile on several threads must give what one thread gives: the same manifest.json,
// the same target/compiled files, the same log() lines in the same order, and the same first error.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "flinkdbt/graph/commands.h"
#include "fmt/format.h"
#include "gtest/gtest.h"

namespace flinkdbt::graph {
namespace {
namespace fs = std::filesystem;

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// n models in folders of 50: every 7th is ephemeral (so ephemeral parents are shared by models
// compiled on different threads, some through ephemeral chains), every 3rd renders with Jinja
// at parse time and logs while parsing and compiling, every model has schema.yml tests. `broken` models fail
// at compile time (a var without a default).
fs::path MakeProject(const std::string& name, int n, const std::vector<int>& broken) {
  fs::path root = fs::path(testing::TempDir()) / name;
  fs::remove_all(root);
  Write(root / "dbt_project.yml",
        "name: par\nversion: '1.0'\nconfig-version: 2\nprofile: par\nmodels:\n  par:\n    +materialized: "
        "view\n");
  Write(root / "profiles.yml", "par:\n  target: dev\n  outputs:\n    dev:\n      type: local\n");
  Write(
      root / "macros" / "lib.sql",
      "{% macro twice(col) -%}\n  ({{ col }} * 2)\n{%- endmacro %}\n"
      "{% macro note(what) -%}\n  {{- log(('compiling ' if execute else 'parsing ') ~ what, info=True) -}}\n"
      "{%- endmacro %}\n");
  std::ostringstream schema;
  for (int i = 0; i < n; ++i) {
    fs::path dir = root / "models" / ("f" + std::to_string(i / 50));
    if (i % 50 == 0) {
      if (i > 0) Write(root / "models" / ("f" + std::to_string(i / 50 - 1)) / "schema.yml", schema.str());
      schema.str("");
      schema << "version: 2\nmodels:\n";
    }
    std::ostringstream m;
    if (i % 7 == 3) m << "{{ config(materialized='ephemeral') }}\n";
    if (i % 3 == 0) m << "{{ note(model.name) }}\n";
    m << "select id, " << (i % 3 == 0 ? "{{ twice('amount') }}" : "amount") << " as amount";
    if (std::find(broken.begin(), broken.end(), i) != broken.end()) m << ", {{ var('missing_" << i << "') }}";
    if (i == 0) {
      m << "\nfrom (values (1, 100)) as t(id, amount)\n";
    } else {
      m << "\nfrom {{ ref('m" << (i - 1) << "') }}\n";
      if (i > 10) m << "join {{ ref('m" << (i * 7919 % (i - 1)) << "') }} using (id)\n";
    }
    // `this` after the refs: still this model's, even when an ephemeral parent was rendered inside.
    m << "-- {{ this.identifier }}\n";
    Write(dir / ("m" + std::to_string(i) + ".sql"), m.str());
    if (i % 7 != 3)
      schema << "  - name: m" << i << "\n    columns:\n      - name: id\n        data_tests: [not_null]\n";
  }
  Write(root / "models" / ("f" + std::to_string((n - 1) / 50)) / "schema.yml", schema.str());
  return root;
}

struct Outcome {
  absl::Status status;
  std::string manifest;
  std::map<std::string, std::string> files;  // target/compiled/... -> contents
  std::vector<std::string> compiled_ids;     // CompileCommand's result, in order
  std::vector<std::string> logs;
};

Outcome ParseAndCompile(const fs::path& root, int threads, const ListOptions& selection = {}) {
  Outcome out;
  fs::path target = root / ("t" + std::to_string(threads)) / "target";
  fs::remove_all(target);
  InvocationOptions o;
  o.load.project_dir = root.string();
  o.load.profiles_dir = root.string();
  o.load.cwd = root.string();
  o.load.env = project::Environment{};
  o.load.target_path = target.string();
  o.invocation_id = "00000000-0000-4000-8000-000000000000";
  o.started_at = "2026-01-01T00:00:00.000000Z";
  o.write_manifest = false;
  o.threads = threads;
  o.compile.log = [&out](std::string_view level, std::string_view message) {
    out.logs.push_back(std::string(level) + ": " + std::string(message));
  };
  absl::StatusOr<ParsedProject> parsed = ParseCommand(o);
  if (!parsed.ok()) {
    out.status = parsed.status();
    return out;
  }
  EXPECT_EQ(parsed->threads, threads);
  absl::StatusOr<std::vector<CompiledNode>> compiled = CompileCommand(*parsed, selection);
  if (!compiled.ok()) {
    out.status = compiled.status();
  } else {
    for (const CompiledNode& c : *compiled) out.compiled_ids.push_back(c.unique_id);
    out.manifest = Read(target / "manifest.json");
  }
  if (fs::exists(target / "compiled")) {
    for (const auto& e : fs::recursive_directory_iterator(target / "compiled")) {
      if (e.is_regular_file()) out.files[fs::relative(e.path(), target).generic_string()] = Read(e.path());
    }
  }
  return out;
}

TEST(ParallelCompileTest, ManifestAndCompiledFilesMatchOneThread) {
  fs::path root = MakeProject("parallel_ok", 400, {});
  Outcome one = ParseAndCompile(root, 1);
  ASSERT_TRUE(one.status.ok()) << one.status;
  // Enough nodes for every thread count to run its threads (CompileNodes gives each >= 64 nodes).
  ASSERT_GT(one.compiled_ids.size(), 600u);
  EXPECT_GT(one.manifest.size(), 100000u);
  EXPECT_NE(one.manifest.find("__dbt__cte__m3"), std::string::npos);
  // Models m0, m3, ... m399: one line each at parse time (rendered, not statically extracted),
  // one while compiling.
  ASSERT_EQ(one.logs.size(), 268u);
  EXPECT_EQ(one.logs.front(), "info: parsing m0");
  EXPECT_EQ(one.logs.back(), "info: compiling m399");
  for (int threads : {2, 4, 7}) {
    Outcome many = ParseAndCompile(root, threads);
    ASSERT_TRUE(many.status.ok()) << many.status;
    EXPECT_TRUE(many.manifest == one.manifest) << threads << " threads: manifest.json differs";
    EXPECT_EQ(many.files, one.files) << threads << " threads";
    EXPECT_EQ(many.compiled_ids, one.compiled_ids) << threads << " threads";
    EXPECT_EQ(many.logs, one.logs) << threads << " threads";
  }
}

TEST(ParallelCompileTest, UnselectedEphemeralParentsRenderInsideTheSameModelsAsOnOneThread) {
  // An ephemeral model left out of the selection is compiled inside the first model that refs it
  // (its log lines among that model's). Here the first, m398, works a while before its ref while
  // the next, m399, refs it at once: on several threads m399 gets there first unless the first
  // users of ephemerals are compiled ahead, in order.
  fs::path root = MakeProject("parallel_ephemeral", 400, {});
  Write(root / "models" / "eph_x.sql",
        "{{ config(materialized='ephemeral') }}\n{{ note('eph_x') }}select 1 as id\n");
  Write(root / "models" / "f7" / "m398.sql",
        "{% for i in range(300000) %}{% endfor %}{{ note('m398') }}select * from {{ ref('eph_x') }}\n");
  Write(root / "models" / "f7" / "m399.sql", "select * from {{ ref('eph_x') }}\n");
  ListOptions no_ephemerals;
  no_ephemerals.exclude = {"config.materialized:ephemeral"};
  Outcome one = ParseAndCompile(root, 1, no_ephemerals);
  ASSERT_TRUE(one.status.ok()) << one.status;
  auto at = [&](const std::string& line) {
    return std::find(one.logs.begin(), one.logs.end(), line) - one.logs.begin();
  };
  EXPECT_EQ(at("info: compiling eph_x"), at("info: compiling m398") + 1);
  for (int threads : {2, 4, 7}) {
    Outcome many = ParseAndCompile(root, threads, no_ephemerals);
    ASSERT_TRUE(many.status.ok()) << many.status;
    EXPECT_EQ(many.files, one.files) << threads << " threads";
    EXPECT_EQ(many.compiled_ids, one.compiled_ids) << threads << " threads";
    EXPECT_EQ(many.logs, one.logs) << threads << " threads";
  }
}

TEST(ParallelCompileTest, ThisAfterRefToAnEphemeralModelIsStillTheModel) {
  // With only m selected, its ephemeral parent is compiled inside m's render (on any thread count,
  // a thread may meet an ephemeral parent first through a child).
  fs::path root = fs::path(testing::TempDir()) / "ephemeral_this";
  fs::remove_all(root);
  Write(root / "dbt_project.yml", "name: p\nversion: '1.0'\nconfig-version: 2\nprofile: p\n");
  Write(root / "profiles.yml", "p:\n  target: dev\n  outputs:\n    dev:\n      type: local\n");
  Write(root / "models" / "e.sql", "{{ config(materialized='ephemeral') }}\nselect 1 as id\n");
  Write(root / "models" / "m.sql",
        "select '{{ this.identifier }}' as a from {{ ref('e') }} where '{{ this.identifier }}' = '{{ "
        "model.name }}'\n");
  InvocationOptions o;
  o.load.project_dir = o.load.profiles_dir = o.load.cwd = root.string();
  o.load.env = project::Environment{};
  o.write_manifest = false;
  absl::StatusOr<ParsedProject> parsed = ParseCommand(o);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ListOptions select_m;
  select_m.select = {"m"};
  absl::StatusOr<std::vector<CompiledNode>> compiled = CompileCommand(*parsed, select_m, std::nullopt, false);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  ASSERT_EQ(compiled->size(), 1u);
  EXPECT_NE(compiled->front().compiled_code.find("select 'm' as a from __dbt__cte__e where 'm' = 'm'"),
            std::string::npos)
      << compiled->front().compiled_code;
}

// The error, the compiled files written before it and the log lines are those of one thread.
void ExpectSameFailureOnMoreThreads(const fs::path& root, const Outcome& one) {
  ASSERT_FALSE(one.status.ok());
  for (int threads : {2, 4}) {
    Outcome many = ParseAndCompile(root, threads);
    EXPECT_EQ(many.status, one.status) << threads << " threads";
    EXPECT_EQ(many.files, one.files) << threads << " threads";
    EXPECT_EQ(many.logs, one.logs) << threads << " threads";
  }
}

TEST(ParallelCompileTest, FirstErrorAndFilesBeforeItMatchOneThread) {
  // Two models failing at compile time: the one a single thread meets first wins.
  fs::path root = MakeProject("parallel_broken", 400, {330, 120});
  Outcome one = ParseAndCompile(root, 1);
  EXPECT_NE(one.status.message().find("missing_120"), absl::string_view::npos) << one.status;
  EXPECT_FALSE(one.files.empty());
  ExpectSameFailureOnMoreThreads(root, one);
}

// The project with two of its files replaced by broken ones (the later file in file order first),
// parsed and compiled on one thread.
Outcome BreakTwoFiles(const std::string& name, const std::string& later, const std::string& later_text,
                      const std::string& earlier, const std::string& earlier_text, fs::path* root) {
  *root = MakeProject(name, 400, {});
  Write(*root / later, later_text);
  Write(*root / earlier, earlier_text);
  return ParseAndCompile(*root, 1);
}

TEST(ParallelCompileTest, FirstModelFailingToRenderAtParseTimeWins) {
  auto broken = [](const char* what) {
    return fmt::format("{{{{ note('x') }}}}\nselect {{{{ exceptions.raise_compiler_error('{}') }}}}\n", what);
  };
  fs::path root;
  Outcome one = BreakTwoFiles("parallel_parse_error", "models/f6/m300.sql", broken("m300 is broken"),
                              "models/f2/m102.sql", broken("m102 is broken"), &root);
  EXPECT_NE(one.status.message().find("m102 is broken"), absl::string_view::npos) << one.status;
  ExpectSameFailureOnMoreThreads(root, one);
}

TEST(ParallelCompileTest, FirstUnknownRefInNodeOrderWins) {
  fs::path root;
  Outcome one =
      BreakTwoFiles("parallel_unknown_ref", "models/f6/m330.sql", "select * from {{ ref('nope_b') }}\n",
                    "models/f2/m120.sql", "select * from {{ ref('nope_a') }}\n", &root);
  EXPECT_NE(one.status.message().find("nope_a"), absl::string_view::npos) << one.status;
  ExpectSameFailureOnMoreThreads(root, one);
}

TEST(ParallelCompileTest, FirstBrokenPropertiesFileWinsOnAnyThreadCount) {
  fs::path root;
  Outcome one = BreakTwoFiles("parallel_yaml", "models/f5/schema.yml",
                              "version: 2\nmodels:\n  - name: m250\n    columns: [\n", "models/f2/schema.yml",
                              "version: 2\nmodels:\n  - name: [m100\n", &root);
  std::optional<SourceLocation> where = GetLocation(one.status);
  ASSERT_TRUE(where.has_value()) << one.status;
  EXPECT_EQ(where->file, "models/f2/schema.yml") << one.status;
  ExpectSameFailureOnMoreThreads(root, one);
}

}  // namespace
}  // namespace flinkdbt::graph
