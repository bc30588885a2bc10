// flinkdbt-render TEMPLATE CONTEXT.json
//
// Renders TEMPLATE with the JSON object in CONTEXT.json as its context, configured as dbt configures
// Jinja2 (do + loopcontrols, default Undefined, trailing newline dropped). Templates it includes,
// imports or extends are loaded relative to TEMPLATE's folder. Writes exactly the rendered text to
// stdout and exits 0, or writes the error with its location to stderr and exits 1.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "flinkdbt/jinja/environment.h"
#include "flinkdbt/jinja/value.h"

namespace {

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

int Fail(const std::string& msg) {
  std::fprintf(stderr, "%s\n", msg.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace flinkdbt::jinja;
  if (argc != 3) return Fail("usage: flinkdbt-render TEMPLATE CONTEXT.json");
  std::filesystem::path tmpl_path(argv[1]);
  std::string json;
  if (!ReadFile(argv[2], &json)) return Fail(std::string("cannot read ") + argv[2]);
  absl::StatusOr<Value> context = ValueFromJson(json);
  if (!context.ok()) return Fail(std::string(argv[2]) + ": " + std::string(context.status().message()));
  if (!context->is_dict()) return Fail(std::string(argv[2]) + ": the context must be a JSON object");

  Environment env;
  std::filesystem::path dir = tmpl_path.parent_path();
  env.SetLoader(std::make_shared<FileSystemLoader>(dir.empty() ? "." : dir.string()));
  absl::StatusOr<std::shared_ptr<const Template>> tmpl = env.GetTemplate(tmpl_path.filename().string());
  if (!tmpl.ok()) {
    if (tmpl.status().code() == absl::StatusCode::kNotFound) {
      return Fail(std::string("cannot read ") + argv[1]);
    }
    return Fail(FormatError(tmpl.status()));
  }
  absl::StatusOr<std::string> out = env.Render(**tmpl, *context);
  if (!out.ok()) return Fail(FormatError(out.status()));
  std::fwrite(out->data(), 1, out->size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
