// SecretScrubber: the set of secret values one invocation knows (API keys and secrets,
// `DBT_ENV_SECRET_*` environment values), and the redaction applied to every text that leaves the
// library — log lines, events, artifacts, error messages. Secrets are replaced with "*****", as dbt
// does. Thread-safe: secrets may be added while other threads scrub.
#ifndef FLINKDBT_BASE_SECRETS_H_
#define FLINKDBT_BASE_SECRETS_H_

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace flinkdbt {

inline constexpr std::string_view kRedacted = "*****";
// The prefix dbt reserves for environment variables whose values are secrets.
inline constexpr std::string_view kSecretEnvPrefix = "DBT_ENV_SECRET_";

class SecretScrubber {
 public:
  SecretScrubber() = default;
  SecretScrubber(const SecretScrubber&) = delete;
  SecretScrubber& operator=(const SecretScrubber&) = delete;

  // Registers `secret`; empty values are ignored (they would match everywhere).
  void Add(std::string_view secret);
  // Registers the value of every `DBT_ENV_SECRET_*` variable of `environ` (a NULL-terminated
  // "NAME=value" array such as the process environment).
  void AddSecretEnvironment(char** environ);
  // `text` with every registered secret replaced by kRedacted; longer secrets win over shorter ones
  // they contain.
  std::string Scrub(std::string_view text) const;
  bool empty() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> secrets_;  // sorted longest first
};

}  // namespace flinkdbt

#endif  // FLINKDBT_BASE_SECRETS_H_
