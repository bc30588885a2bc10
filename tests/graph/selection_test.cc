// Data-driven node-selection tests: each tests/graph/cases/*.case names a project under
// tests/graph/projects/, the `ls` arguments, and the expected output lines (or an expected error).
//
//   project: graph_selection
//   state_project: graph_selection_old     # optional: parsed into a temp --state dir
//   run_results: run_results/x.json         # optional: copied into the --state dir
//   args: --select users+1 --resource-type model --output name
//   expect:
//   users
//   ...
//   (or)  error: <substring of the message>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "flinkdbt/graph/commands.h"
#include "gtest/gtest.h"

namespace flinkdbt::graph {
namespace {
namespace fs = std::filesystem;

const fs::path kDir = fs::path(FLINKDBT_SOURCE_DIR) / "tests" / "graph";

struct Case {
  std::string name, project, state_project, run_results, args, error;
  std::vector<std::string> expect;
};

Case ReadCase(const fs::path& p) {
  Case c;
  c.name = p.stem().string();
  std::ifstream in(p);
  std::string line;
  bool in_expect = false;
  while (std::getline(in, line)) {
    if (in_expect) {
      if (!line.empty()) c.expect.push_back(line);
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    auto value = [&](std::string_view key) { return line.substr(key.size()); };
    if (line.rfind("project: ", 0) == 0)
      c.project = value("project: ");
    else if (line.rfind("state_project: ", 0) == 0)
      c.state_project = value("state_project: ");
    else if (line.rfind("run_results: ", 0) == 0)
      c.run_results = value("run_results: ");
    else if (line.rfind("args:", 0) == 0)
      c.args = line.size() > 5 ? value("args: ") : "";
    else if (line.rfind("error: ", 0) == 0)
      c.error = value("error: ");
    else if (line == "expect:")
      in_expect = true;
  }
  return c;
}

std::vector<std::string> SplitArgs(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false, any = false;
  for (char ch : s) {
    if (ch == '"') {
      quoted = !quoted;
      any = true;
    } else if (ch == ' ' && !quoted) {
      if (any) out.push_back(cur);
      cur.clear();
      any = false;
    } else {
      cur += ch;
      any = true;
    }
  }
  if (any) out.push_back(cur);
  return out;
}

absl::StatusOr<ParsedProject> Parse(const std::string& project, const fs::path& target) {
  InvocationOptions o;
  fs::path dir = kDir / "projects" / project;
  o.load.project_dir = dir.string();
  o.load.profiles_dir = dir.string();
  o.load.cwd = dir.string();
  o.load.env = project::Environment{};
  o.load.target_path = target.string();
  o.invocation_id = "00000000-0000-0000-0000-000000000000";
  o.started_at = "2026-01-01T00:00:00.000000Z";
  return ParseCommand(o);
}

class SelectionCase : public ::testing::TestWithParam<fs::path> {};

TEST_P(SelectionCase, MatchesExpected) {
  Case c = ReadCase(GetParam());
  ASSERT_FALSE(c.project.empty()) << GetParam();
  fs::path tmp = fs::temp_directory_path() / ("flinkdbt_sel_" + c.name + "_" + std::to_string(::getpid()));
  fs::remove_all(tmp);
  absl::StatusOr<ParsedProject> parsed = Parse(c.project, tmp / "target");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ListOptions lo;
  if (!c.state_project.empty()) {
    absl::StatusOr<ParsedProject> old = Parse(c.state_project, tmp / "state");
    ASSERT_TRUE(old.ok()) << old.status();
    lo.state_dir = (tmp / "state").string();
  }
  if (!c.run_results.empty()) {
    // A previous run's results (for `result:`), placed in the --state directory.
    fs::create_directories(tmp / "state");
    fs::copy_file(kDir / c.run_results, tmp / "state" / "run_results.json",
                  fs::copy_options::overwrite_existing);
    lo.state_dir = (tmp / "state").string();
  }
  std::vector<std::string> args = SplitArgs(c.args);
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    ASSERT_LT(i + 1, args.size()) << "flag without value: " << a;
    const std::string& v = args[++i];
    if (a == "--select" || a == "-s")
      lo.select.push_back(v);
    else if (a == "--exclude")
      lo.exclude.push_back(v);
    else if (a == "--selector")
      lo.selector = v;
    else if (a == "--resource-type")
      lo.resource_types.push_back(v);
    else if (a == "--exclude-resource-type")
      lo.exclude_resource_types.push_back(v);
    else if (a == "--indirect-selection")
      lo.indirect_selection = v;
    else if (a == "--output")
      lo.output = v;
    else if (a == "--output-keys")
      lo.output_keys.push_back(v);
    else
      FAIL() << "unknown flag " << a;
  }
  absl::StatusOr<ListResult> r = ListCommand(*parsed, lo);
  fs::remove_all(tmp);
  if (!c.error.empty()) {
    ASSERT_FALSE(r.ok()) << "expected an error containing: " << c.error;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(std::string(r.status().message()).find(c.error), std::string::npos) << r.status();
    return;
  }
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->lines, c.expect) << "case " << c.name;
}

std::vector<fs::path> Cases() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kDir / "cases")) {
    if (e.path().extension() == ".case") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Cases, SelectionCase, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return info.param.stem().string(); });

}  // namespace
}  // namespace flinkdbt::graph
