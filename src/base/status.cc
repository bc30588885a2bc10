#include "flinkdbt/base/status.h"

#include <cstdint>

#include "absl/strings/cord.h"
#include "absl/types/optional.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"

namespace flinkdbt {
namespace {

// The payload URL under which a SourceLocation travels inside an absl::Status.
constexpr std::string_view kLocationPayload = "type.flinkdbt.dev/SourceLocation";

// Payload encoding: "<line>\n<column>\n<file>" (the file last, so it may hold anything).
std::string EncodeLocation(const SourceLocation& loc) {
  return fmt::format("{}\n{}\n{}", loc.line, loc.column, loc.file);
}

std::optional<SourceLocation> DecodeLocation(const std::string& data) {
  size_t first = data.find('\n');
  if (first == std::string::npos) return std::nullopt;
  size_t second = data.find('\n', first + 1);
  if (second == std::string::npos) return std::nullopt;
  SourceLocation loc;
  if (!absl::SimpleAtoi(ToAbsl(std::string_view(data).substr(0, first)), &loc.line) ||
      !absl::SimpleAtoi(ToAbsl(std::string_view(data).substr(first + 1, second - first - 1)), &loc.column)) {
    return std::nullopt;
  }
  loc.file = data.substr(second + 1);
  return loc;
}

// Number of bytes of the UTF-8 sequence that starts with `lead`, or 1 for a stray byte.
int Utf8SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

}  // namespace

std::string SourceLocation::ToString() const {
  if (line <= 0) return file;
  if (column <= 0) return fmt::format("{}:{}", file, line);
  return fmt::format("{}:{}:{}", file, line, column);
}

absl::Status WithLocation(absl::Status status, const SourceLocation& location) {
  if (status.ok()) return status;
  status.SetPayload(ToAbsl(kLocationPayload), absl::Cord(EncodeLocation(location)));
  return status;
}

std::optional<SourceLocation> GetLocation(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(ToAbsl(kLocationPayload));
  if (!payload.has_value()) return std::nullopt;
  return DecodeLocation(std::string(*payload));
}

absl::Status InvalidInputError(const SourceLocation& location, std::string_view message) {
  return WithLocation(absl::InvalidArgumentError(ToAbsl(message)), location);
}

std::optional<std::string_view> LineOf(std::string_view text, int line) {
  if (line <= 0) return std::nullopt;
  size_t start = 0;
  for (int i = 1; i < line; ++i) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) return std::nullopt;
    start = nl + 1;
  }
  if (start > text.size() || (start == text.size() && line > 1 && text.back() == '\n')) {
    return std::nullopt;
  }
  size_t end = text.find('\n', start);
  std::string_view result = text.substr(start, end == std::string_view::npos ? text.size() - start : end - start);
  if (!result.empty() && result.back() == '\r') result.remove_suffix(1);
  return result;
}

SourceLocation LocationOfOffset(std::string_view text, size_t offset, std::string file) {
  SourceLocation loc;
  loc.file = std::move(file);
  loc.line = 1;
  loc.column = 1;
  if (offset > text.size()) offset = text.size();
  size_t i = 0;
  while (i < offset) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++loc.line;
      loc.column = 1;
      ++i;
      continue;
    }
    i += static_cast<size_t>(Utf8SequenceLength(c));
    ++loc.column;
  }
  return loc;
}

std::string FormatDiagnostic(const absl::Status& status, std::optional<std::string_view> source,
                             std::string_view severity) {
  if (status.ok()) return "";
  std::optional<SourceLocation> loc = GetLocation(status);
  std::string out;
  if (loc.has_value() && !loc->file.empty()) {
    out = fmt::format("{}: {}: {}", loc->ToString(), severity, status.message());
  } else if (loc.has_value() && loc->has_position()) {
    out = fmt::format("{}:{}: {}: {}", loc->line, loc->column, severity, status.message());
  } else {
    out = fmt::format("{}: {}", severity, status.message());
  }
  if (!loc.has_value() || !source.has_value() || !loc->has_position()) return out;
  std::optional<std::string_view> text = LineOf(*source, loc->line);
  if (!text.has_value()) return out;
  std::string gutter = std::to_string(loc->line);
  out += fmt::format("\n  {} | {}", gutter, *text);
  if (loc->column > 0) {
    // Tabs in the source line stay tabs under the caret, so it lines up in any terminal.
    std::string pad;
    int col = 1;
    for (size_t i = 0; i < text->size() && col < loc->column; ++col) {
      unsigned char c = static_cast<unsigned char>((*text)[i]);
      pad += c == '\t' ? '\t' : ' ';
      i += static_cast<size_t>(Utf8SequenceLength(c));
    }
    while (col++ < loc->column) pad += ' ';
    out += fmt::format("\n  {} | {}^", std::string(gutter.size(), ' '), pad);
  }
  return out;
}

}  // namespace flinkdbt
