// The `flinkdbt` executable: hands argv and the process environment to the library's Invoke() and
// exits with its code. Everything else lives in the library, so the C ABI behaves identically.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "flinkdbt/run/invocation.h"

extern char** environ;

namespace {

// Ctrl-C: the running command submits nothing new, writes its results and exits (a second Ctrl-C
// kills the process at once).
std::atomic<bool> g_cancelled{false};

extern "C" void OnInterrupt(int) {
  if (g_cancelled.exchange(true)) std::_Exit(130);
}

}  // namespace

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
  io.cancelled = &g_cancelled;
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return flinkdbt::run::Invoke(args, io).exit_code;
}
