#include "flinkdbt/base/secrets.h"

#include <algorithm>

namespace flinkdbt {

void SecretScrubber::Add(std::string_view secret) {
  if (secret.empty()) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
  secrets_.emplace_back(secret);
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

void SecretScrubber::AddSecretEnvironment(char** environ) {
  if (environ == nullptr) return;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    if (entry.substr(0, kSecretEnvPrefix.size()) != kSecretEnvPrefix) continue;
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    Add(entry.substr(eq + 1));
  }
}

std::string SecretScrubber::Scrub(std::string_view text) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out(text);
  for (const std::string& secret : secrets_) {
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), kRedacted);
      pos += kRedacted.size();
    }
  }
  return out;
}

bool SecretScrubber::empty() const {
  std::lock_guard<std::mutex> lock(mu_);
  return secrets_.empty();
}

}  // namespace flinkdbt
