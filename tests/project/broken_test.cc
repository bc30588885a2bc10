// Broken projects: each tests/project/broken/<case>/ holds a project and case.txt with the command,
// a substring of the expected message, the expected location (a substring of file:line:col; empty
// means none) and the exit-code class (2: InvalidArgument / FailedPrecondition).
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "flinkdbt/base/status.h"
#include "flinkdbt/graph/commands.h"
#include "gtest/gtest.h"

namespace flinkdbt {
namespace {
namespace fs = std::filesystem;

const fs::path kDir = fs::path(FLINKDBT_SOURCE_DIR) / "tests" / "project" / "broken";

struct Case {
  std::string command, message, location;
  int exit = 2;
  project::Environment env;
};

Case Read(const fs::path& dir) {
  Case c;
  std::ifstream in(dir / "case.txt");
  std::string line;
  while (std::getline(in, line)) {
    auto val = [&](std::string_view k) { return line.substr(k.size()); };
    if (line.rfind("command: ", 0) == 0)
      c.command = val("command: ");
    else if (line.rfind("message: ", 0) == 0)
      c.message = val("message: ");
    else if (line.rfind("location:", 0) == 0)
      c.location = line.size() > 10 ? val("location: ") : "";
    else if (line.rfind("exit: ", 0) == 0)
      c.exit = std::stoi(val("exit: "));
    else if (line.rfind("env: ", 0) == 0) {
      std::string kv = val("env: ");
      c.env[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
    }
  }
  return c;
}

int ExitCodeOf(const absl::Status& s) {
  if (s.ok()) return 0;
  if (s.code() == absl::StatusCode::kInvalidArgument || s.code() == absl::StatusCode::kFailedPrecondition)
    return 2;
  return 1;
}

class BrokenProject : public ::testing::TestWithParam<fs::path> {};

TEST_P(BrokenProject, FailsWithLocatedMessage) {
  Case c = Read(GetParam());
  fs::path project = GetParam() / "project";
  fs::path tmp = fs::temp_directory_path() /
                 ("flinkdbt_broken_" + GetParam().filename().string() + "_" + std::to_string(::getpid()));
  graph::InvocationOptions o;
  o.load.project_dir = project.string();
  o.load.profiles_dir = project.string();
  o.load.cwd = project.string();
  o.load.env = c.env;
  o.load.target_path = (tmp / "target").string();
  absl::Status status;
  absl::StatusOr<graph::ParsedProject> parsed = graph::ParseCommand(o);
  if (!parsed.ok()) {
    status = parsed.status();
  } else if (c.command.rfind("ls", 0) == 0) {
    graph::ListOptions lo;
    std::string rest = c.command.size() > 3 ? c.command.substr(3) : "";
    if (rest.rfind("--select ", 0) == 0) lo.select.push_back(rest.substr(9));
    if (rest.rfind("--selector ", 0) == 0) lo.selector = rest.substr(11);
    status = graph::ListCommand(*parsed, lo).status();
  }
  fs::remove_all(tmp);
  ASSERT_FALSE(status.ok()) << "expected a failure: " << c.message;
  EXPECT_EQ(ExitCodeOf(status), c.exit) << status;
  EXPECT_NE(std::string(status.message()).find(c.message), std::string::npos)
      << "message: " << status.message() << "\nexpected to contain: " << c.message;
  std::optional<SourceLocation> loc = GetLocation(status);
  if (c.location.empty()) {
    EXPECT_FALSE(loc.has_value() && loc->has_position()) << loc->ToString();
  } else {
    ASSERT_TRUE(loc.has_value()) << "no location attached; message: " << status.message();
    EXPECT_NE(loc->ToString().find(c.location), std::string::npos)
        << "location " << loc->ToString() << " does not contain " << c.location;
  }
}

std::vector<fs::path> Cases() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(kDir)) {
    if (fs::exists(e.path() / "case.txt")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Cases, BrokenProject, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return info.param.filename().string(); });

}  // namespace
}  // namespace flinkdbt
