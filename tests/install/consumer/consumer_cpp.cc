// The C++ library through find_package(flinkdbt) and flinkdbt::flinkdbt_static.
#include <iostream>
#include <string>

#include "flinkdbt/run/api.h"
#include "flinkdbt/run/invocation.h"
#include "flinkdbt/version.h"

int main() {
  std::string text = flinkdbt::run::VersionText();
  if (text.find(FLINKDBT_VERSION_STRING) == std::string::npos) {
    std::cerr << "VersionText() does not name " << FLINKDBT_VERSION_STRING << ": " << text << "\n";
    return 1;
  }
  flinkdbt::run::InvocationIo io;
  std::string out;
  io.out = [&out](std::string_view s) { out.append(s); };
  flinkdbt::run::InvocationResult result = flinkdbt::run::Invoke({"--version"}, io);
  if (result.exit_code != 0 || out.find(FLINKDBT_VERSION_STRING) == std::string::npos) {
    std::cerr << "Invoke --version: exit " << result.exit_code << ", printed: " << out << "\n";
    return 1;
  }
  absl::StatusOr<std::string> rendered = flinkdbt::run::RenderTemplate("{{ a * 2 }}", R"({"a": 21})");
  if (!rendered.ok() || *rendered != "42") {
    std::cerr << "RenderTemplate: " << (rendered.ok() ? *rendered : std::string(rendered.status().message()))
              << "\n";
    return 1;
  }
  std::cout << "consumer_cpp: " << FLINKDBT_VERSION_STRING << "\n";
  return 0;
}
