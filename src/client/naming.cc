#include "flinkdbt/client/naming.h"

#include <cstdint>
#include <random>

#include "absl/status/status.h"
#include "flinkdbt/base/digest.h"
#include "flinkdbt/base/utf8.h"
#include "fmt/format.h"
#include "re2/re2.h"

namespace flinkdbt::client {
namespace {

// Python's str.lower() for one code point, as far as it can change what the sanitizer keeps: ASCII
// letters, and the two non-ASCII code points whose lowercase contains an ASCII letter.
void AppendLower(char32_t cp, std::u32string* out) {
  if (cp >= 'A' && cp <= 'Z') {
    out->push_back(cp + 32);
  } else if (cp == 0x212A) {  // KELVIN SIGN -> 'k'
    out->push_back('k');
  } else if (cp == 0x0130) {  // LATIN CAPITAL LETTER I WITH DOT ABOVE -> "i\u0307"
    out->push_back('i');
    out->push_back(0x0307);
  } else {
    out->push_back(cp);
  }
}

}  // namespace

absl::StatusOr<std::string> SanitizeStatementName(std::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("Statement name cannot be empty");
  std::u32string lowered;
  for (size_t pos = 0; pos < name.size();) AppendLower(utf8::Decode(name, &pos), &lowered);
  std::string sanitized;
  bool replaced = false;
  for (char32_t cp : lowered) {
    if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '-') {
      sanitized.push_back(static_cast<char>(cp));
    } else {
      sanitized.push_back('-');
      replaced = true;
    }
  }
  const std::string hash6 = Md5Hex(name).substr(0, 6);
  if (replaced) sanitized += "-" + hash6;
  size_t first = sanitized.find_first_not_of('-');
  sanitized = first == std::string::npos ? "" : sanitized.substr(first);
  if (sanitized.size() > kMaxStatementNameLength) {
    sanitized = sanitized.substr(0, kMaxStatementNameLength - 1 - hash6.size()) + "-" + hash6;
  }
  return sanitized;
}

absl::StatusOr<std::string> ModelStatementName(std::string_view prefix, std::string_view project,
                                               std::string_view model, std::string_view suffix,
                                               std::string_view statement_name_override) {
  if (!statement_name_override.empty()) {
    return SanitizeStatementName(fmt::format("{}{}", statement_name_override, suffix));
  }
  return SanitizeStatementName(fmt::format("{}{}-{}{}", prefix, project, model, suffix));
}

std::string AdHocStatementName(std::string_view prefix) {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t hi = gen(), lo = gen();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  return fmt::format("{}{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", prefix, hi >> 32, (hi >> 16) & 0xFFFF,
                     hi & 0xFFFF, lo >> 48, lo & 0xFFFFFFFFFFFFULL);
}

std::map<std::string, std::string> StatementLabels(std::string_view statement_label, bool hidden) {
  std::map<std::string, std::string> labels;
  labels[fmt::format("{}{}", kLabelPrefix, statement_label)] = "true";
  if (hidden) labels[std::string(kHiddenLabel)] = "true";
  return labels;
}

std::string LabelSelectorFor(std::string_view statement_label) {
  return fmt::format("{}{}=true", kLabelPrefix, statement_label);
}

absl::StatusOr<std::map<std::string, std::string>> ResolveStatementProperties(
    const std::map<std::string, std::string>& user_properties, std::string_view catalog,
    std::string_view database, ExecutionMode mode) {
  for (std::string_view reserved : {kCatalogProperty, kDatabaseProperty, kSnapshotModeProperty}) {
    if (user_properties.count(std::string(reserved))) {
      return absl::InvalidArgumentError(fmt::format(
          "'{}' is a reserved system property and cannot be set in statement_properties", reserved));
    }
  }
  std::map<std::string, std::string> props = user_properties;
  props[std::string(kCatalogProperty)] = std::string(catalog);
  props[std::string(kDatabaseProperty)] = std::string(database);
  if (IsSnapshotMode(mode)) props[std::string(kSnapshotModeProperty)] = "now";
  return props;
}

bool IsValidStatementName(std::string_view name) {
  static const re2::RE2* const kPattern =
      new re2::RE2("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  return !name.empty() && name.size() <= kMaxStatementNameLength &&
         re2::RE2::FullMatch(re2::StringPiece(name.data(), name.size()), *kPattern);
}

}  // namespace flinkdbt::client
