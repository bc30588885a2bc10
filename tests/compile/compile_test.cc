// Data-driven compile tests: each tests/compile/cases/<case>/ has case.txt naming a project under
// tests/compile/projects/, environment, --vars (`vars: {yaml}`), expected parse warnings
// (`warning: <substring>`), selection or inline SQL, and expected/
// holding <unique_id>.sql compiled outputs, manifest.json (compared as normalised JSON) or error.txt
// ("message: ..." and "location: ..." lines).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "flinkdbt/graph/commands.h"
#include "flinkdbt/project/value.h"
#include "flinkdbt/project/yaml.h"
#include "gtest/gtest.h"

namespace flinkdbt {
namespace {
namespace fs = std::filesystem;
using project::Value;

const fs::path kDir = fs::path(FLINKDBT_SOURCE_DIR) / "tests" / "compile";

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Drops values that change from run to run.
void Normalise(Value& v) {
  if (v.is_map()) {
    for (const char* k : {"created_at", "generated_at", "invocation_id", "invocation_started_at"}) v.Erase(k);
    for (auto& [_, x] : v.map()) Normalise(x);
  } else if (v.is_list()) {
    for (auto& x : v.list()) Normalise(x);
  }
}

// The first differing path between two values, for readable failures.
std::string FirstDiff(const Value& a, const Value& b, const std::string& path) {
  if (a.is_map() && b.is_map()) {
    for (const auto& [k, x] : a.map()) {
      const Value* y = b.Find(k);
      if (!y) return path + "." + k + " missing in actual";
      std::string d = FirstDiff(x, *y, path + "." + k);
      if (!d.empty()) return d;
    }
    for (const auto& [k, _] : b.map()) {
      if (!a.Find(k)) return path + "." + k + " unexpected in actual";
    }
    return "";
  }
  if (a.is_list() && b.is_list() && a.list().size() == b.list().size()) {
    for (size_t i = 0; i < a.list().size(); ++i) {
      std::string d = FirstDiff(a.list()[i], b.list()[i], path + "[" + std::to_string(i) + "]");
      if (!d.empty()) return d;
    }
    return "";
  }
  if (a == b) return "";
  return path + ": expected " + project::ToJson(a) + " got " + project::ToJson(b);
}

class CompileCase : public ::testing::TestWithParam<fs::path> {};

TEST_P(CompileCase, MatchesExpected) {
  fs::path dir = GetParam();
  std::string project_name, inline_sql;
  project::Environment env;
  Value cli_vars = Value::MakeMap();
  std::vector<std::string> warnings;  // substrings of expected parse warnings
  graph::ListOptions lo;
  std::ifstream in(dir / "case.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("project: ", 0) == 0)
      project_name = line.substr(9);
    else if (line.rfind("env: ", 0) == 0)
      env[line.substr(5, line.find('=') - 5)] = line.substr(line.find('=') + 1);
    else if (line.rfind("select: ", 0) == 0)
      lo.select.push_back(line.substr(8));
    else if (line.rfind("inline: ", 0) == 0)
      inline_sql = line.substr(8);
    else if (line.rfind("warning: ", 0) == 0)
      warnings.push_back(line.substr(9));
    else if (line.rfind("vars: ", 0) == 0)
      cli_vars = *project::ParseYaml(line.substr(6), "--vars");
    else if (line == "defer_favor_state: state") {
      lo.defer = true;
      lo.favor_state = true;
      lo.state_dir = (dir / "state").string();
    }
  }
  fs::path project = kDir / "projects" / project_name;
  fs::path tmp = fs::temp_directory_path() /
                 ("flinkdbt_compile_" + dir.filename().string() + "_" + std::to_string(::getpid()));
  graph::InvocationOptions o;
  o.load.project_dir = project.string();
  o.load.profiles_dir = project.string();
  o.load.cwd = project.string();
  o.load.env = env;
  o.load.cli_vars = cli_vars;
  o.load.target_path = (tmp / "target").string();
  o.invocation_id = "00000000-0000-0000-0000-000000000000";
  o.started_at = "2026-01-01T00:00:00.000000Z";
  absl::Status status;
  std::vector<graph::CompiledNode> compiled;
  absl::StatusOr<graph::ParsedProject> parsed = graph::ParseCommand(o);
  if (!parsed.ok()) {
    status = parsed.status();
  } else {
    for (const std::string& w : warnings) {
      EXPECT_TRUE(std::any_of(parsed->warnings.begin(), parsed->warnings.end(),
                              [&](const std::string& got) { return got.find(w) != std::string::npos; }))
          << "no warning containing: " << w;
    }
    auto r = graph::CompileCommand(
        *parsed, lo, inline_sql.empty() ? std::nullopt : std::optional<std::string>(inline_sql));
    if (r.ok())
      compiled = *r;
    else
      status = r.status();
  }
  fs::path expected = dir / "expected";
  if (fs::exists(expected / "error.txt")) {
    ASSERT_FALSE(status.ok()) << "expected an error";
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    std::ifstream ein(expected / "error.txt");
    while (std::getline(ein, line)) {
      if (line.rfind("message: ", 0) == 0) {
        EXPECT_NE(std::string(status.message()).find(line.substr(9)), std::string::npos) << status;
      } else if (line.rfind("location: ", 0) == 0) {
        auto loc = GetLocation(status);
        ASSERT_TRUE(loc.has_value()) << status;
        EXPECT_NE(loc->ToString().find(line.substr(10)), std::string::npos) << loc->ToString();
      }
    }
    fs::remove_all(tmp);
    return;
  }
  ASSERT_TRUE(status.ok()) << FormatDiagnostic(status);
  int checked = 0;
  for (const auto& e : fs::directory_iterator(expected)) {
    std::string name = e.path().filename().string();
    if (name == "manifest.json" || name == "manifest_subset.json") {
      auto want = project::ParseJson(Slurp(e.path()), name);
      auto got = project::ParseJson(Slurp(tmp / "target" / "manifest.json"), "manifest.json");
      ASSERT_TRUE(want.ok() && got.ok());
      Normalise(*want);
      Normalise(*got);
      ++checked;
      if (name == "manifest.json") {
        EXPECT_EQ(FirstDiff(*want, *got, ""), "");
        continue;
      }
      // A subset: the listed fields of the listed entries of the listed sections
      // ({"macros": {"macro.p.x": {"description": ...}}}).
      for (const auto& [section, entries] : want->map()) {
        for (const auto& [id, entry] : entries.map()) {
          const Value* actual = got->Find(section) ? got->Find(section)->Find(id) : nullptr;
          ASSERT_NE(actual, nullptr) << section << "." << id << " missing";
          for (const auto& [key, value] : entry.map()) {
            const Value* field = actual->Find(key);
            ASSERT_NE(field, nullptr) << section << "." << id << "." << key << " missing";
            EXPECT_EQ(FirstDiff(value, *field, section + "." + id + "." + key), "");
          }
        }
      }
      continue;
    }
    std::string id = name.substr(0, name.size() - 4);
    auto it =
        std::find_if(compiled.begin(), compiled.end(), [&](const auto& c) { return c.unique_id == id; });
    ASSERT_NE(it, compiled.end()) << "not compiled: " << id;
    EXPECT_EQ(it->compiled_code, Slurp(e.path())) << id;
    if (!it->compiled_path.empty()) {
      EXPECT_EQ(Slurp(tmp / "target" / it->compiled_path.substr(it->compiled_path.find("compiled/"))),
                it->compiled_code);
    }
    ++checked;
  }
  EXPECT_GT(checked, 0);
  fs::remove_all(tmp);
}

std::vector<fs::path> Cases() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kDir / "cases")) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Cases, CompileCase, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return info.param.filename().string(); });

}  // namespace
}  // namespace flinkdbt
