// End-to-end tests of `flinkdbt-render TEMPLATE CONTEXT.json`: exact stdout and exit 0 on success,
// a located error on stderr and exit 1 on failure, templates loaded relative to TEMPLATE's folder.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace {

namespace fs = std::filesystem;

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result RunTool(const fs::path& tmpl, const fs::path& ctx) {
  fs::path dir = fs::temp_directory_path() / ("flinkdbt_render_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::string cmd = std::string(FLINKDBT_BINARY_DIR "/bin/flinkdbt-render ") + tmpl.string() + " " +
                    ctx.string() + " >" + (dir / "out").string() + " 2>" + (dir / "err").string();
  int status = std::system(cmd.c_str());
  Result r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, Slurp(dir / "out"), Slurp(dir / "err")};
  fs::remove_all(dir);
  return r;
}

const fs::path kCases = FLINKDBT_SHARED_DIR "/conformance/jinja/cases";

TEST(RenderToolTest, WritesExactOutput) {
  Result r = RunTool(kCases / "loop.j2", kCases / "loop.json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, Slurp(kCases / "loop.out"));
  EXPECT_EQ(r.err, "");
}

TEST(RenderToolTest, ErrorsGoToStderrWithLocation) {
  Result r = RunTool(kCases / "err_bad_addition.j2", kCases / "err_bad_addition.json");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("err_bad_addition.j2:1:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("can only concatenate list"), std::string::npos) << r.err;
}

TEST(RenderToolTest, LoadsIncludesRelativeToTheTemplate) {
  fs::path dir = fs::temp_directory_path() / ("flinkdbt_render_inc_" + std::to_string(::getpid()));
  fs::create_directories(dir / "sub");
  std::ofstream(dir / "sub" / "part.sql") << "part={{ x }}";
  std::ofstream(dir / "main.sql") << "{% include 'sub/part.sql' %};{{ y | upper }}\n";
  std::ofstream(dir / "ctx.json") << R"({"x": 1, "y": "ok"})";
  Result r = RunTool(dir / "main.sql", dir / "ctx.json");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "part=1;OK");
  std::ofstream(dir / "bad.json") << "[1, 2]";
  Result bad = RunTool(dir / "main.sql", dir / "bad.json");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("JSON object"), std::string::npos) << bad.err;
  fs::remove_all(dir);
}

}  // namespace
