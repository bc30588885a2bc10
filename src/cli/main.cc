// The `flinkdbt` executable: hands argv and the process environment to the library's Invoke() and
// exits with its code. Everything else lives in the library, so the C ABI behaves identically.
#include <cstdio>
#include <string>
#include <vector>

#include "flinkdbt/run/invocation.h"

extern char** environ;

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  flinkdbt::run::InvocationIo io;
  io.out = [](std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  };
  io.err = [](std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
  };
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string::npos) io.env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return flinkdbt::run::Invoke(args, io).exit_code;
}
