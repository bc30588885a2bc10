#include "flinkdbt/project/version.h"

#include <array>
#include <cctype>

#include "flinkdbt/base/strings.h"
#include "flinkdbt/project/yaml.h"
#include "fmt/format.h"

namespace flinkdbt::project {
namespace {

struct Semver {
  std::array<long, 3> parts{0, 0, 0};
  std::string prerelease;  // "b1", "rc2"; empty for a release
};

// Compares as semver: numbers first, and a prerelease sorts before its release.
int Compare(const Semver& a, const Semver& b) {
  for (size_t i = 0; i < 3; ++i) {
    if (a.parts[i] != b.parts[i]) return a.parts[i] < b.parts[i] ? -1 : 1;
  }
  if (a.prerelease == b.prerelease) return 0;
  if (a.prerelease.empty()) return 1;
  if (b.prerelease.empty()) return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// "1", "1.10", "1.10.3", "1.10.0-b1", "1.10.0rc1" (missing parts are 0, as dbt's semver fills them).
bool ParseSemver(std::string_view s, Semver* out) {
  s = Trim(s);
  if (!s.empty() && (s[0] == 'v' || s[0] == 'V')) s.remove_prefix(1);
  size_t i = 0;
  for (size_t k = 0; k < 3; ++k) {
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    long v = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      v = v * 10 + (s[i] - '0');
      if (v > 1000000000) return false;
      ++i;
    }
    out->parts[k] = v;
    if (i < s.size() && s[i] == '.' && k < 2) {
      ++i;
      continue;
    }
    break;
  }
  if (i < s.size()) {
    std::string_view rest = s.substr(i);
    if (rest[0] == '-' || rest[0] == '+') rest.remove_prefix(1);
    if (rest.empty()) return false;
    for (char c : rest) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.') return false;
    }
    out->prerelease = std::string(rest);
  }
  return true;
}

absl::StatusOr<bool> OneSpecifier(const Value& at, std::string_view spec, const Semver& version) {
  spec = Trim(spec);
  std::string_view op;
  for (std::string_view candidate : {">=", "<=", "==", ">", "<", "="}) {
    if (spec.substr(0, candidate.size()) == candidate) {
      op = candidate;
      break;
    }
  }
  Semver want;
  if (!ParseSemver(spec.substr(op.size()), &want)) {
    return ErrorAt(at, fmt::format("require-dbt-version: invalid version specifier '{}' (expected e.g. "
                                   "\">=1.10.0\", \"<2.0.0\" or a list of them)",
                                   spec));
  }
  int c = Compare(version, want);
  if (op == ">=") return c >= 0;
  if (op == "<=") return c <= 0;
  if (op == ">") return c > 0;
  if (op == "<") return c < 0;
  return c == 0;  // "", "=", "=="
}

}  // namespace

absl::StatusOr<bool> VersionSatisfies(const Value& spec, std::string_view version) {
  Semver v;
  if (!ParseSemver(version, &v)) return absl::InternalError("bad version " + std::string(version));
  std::vector<const Value*> items;
  if (spec.is_list()) {
    for (const Value& x : spec.list()) items.push_back(&x);
  } else {
    items.push_back(&spec);
  }
  bool ok = true;
  for (const Value* item : items) {
    if (!item->is_string() && !item->is_number()) {
      return ErrorAt(*item, "require-dbt-version must be a version string or a list of version strings");
    }
    std::string text = item->is_string() ? item->as_string() : item->ToPythonStr();
    size_t b = 0;
    while (true) {
      size_t e = text.find(',', b);
      std::string_view part =
          std::string_view(text).substr(b, e == std::string::npos ? std::string::npos : e - b);
      if (!Trim(part).empty()) {
        FLINKDBT_ASSIGN_OR_RETURN(bool one, OneSpecifier(*item, part, v));
        ok = ok && one;
      }
      if (e == std::string::npos) break;
      b = e + 1;
    }
  }
  return ok;
}

absl::Status CheckRequiredDbtVersion(const LoadedProject& project, std::string_view version) {
  for (const Package* pkg : project.AllPackages()) {
    const Value& spec = pkg->config.require_dbt_version;
    if (spec.is_null()) continue;
    FLINKDBT_ASSIGN_OR_RETURN(bool ok, VersionSatisfies(spec, version));
    if (ok) continue;
    // As dbt prints it: the Python list of specifiers.
    std::string range = spec.is_list() ? spec.ToPythonRepr() : "[" + spec.ToPythonRepr() + "]";
    return ErrorAt(
        spec, fmt::format("This version of dbt is not supported with the '{}' package.\n"
                          "  Installed version of dbt: {} (flinkdbt implements dbt-core {} behaviour "
                          "and checks require-dbt-version against that version)\n"
                          "  Required version of dbt for '{}': {}\n"
                          "Check for a different version of the '{}' package, or run with "
                          "--no-version-check (DBT_VERSION_CHECK=false) to skip this check.",
                          pkg->config.name, version, version, pkg->config.name, range, pkg->config.name));
  }
  return absl::OkStatus();
}

}  // namespace flinkdbt::project
