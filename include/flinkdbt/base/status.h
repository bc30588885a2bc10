// The flinkdbt error model: absl::Status / absl::StatusOr<T> everywhere, with the place in a user's
// file that caused the error (file, line, column) attached as a payload, and a formatter that prints
// the error the way users see it:
//
//   models/stg_orders.sql:3:14: error: unknown column 'prise'
//     3 | SELECT prise FROM orders
//       |        ^
//
// Functions here are pure and thread-safe.
#ifndef FLINKDBT_BASE_STATUS_H_
#define FLINKDBT_BASE_STATUS_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace flinkdbt {

// A position in a user-visible file. Lines and columns count from 1; 0 means "unknown".
// Columns count Unicode code points, as editors do.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  bool has_position() const { return line > 0; }
  // "file:line:col", "file:line" or "file", whichever parts are known.
  std::string ToString() const;
  friend bool operator==(const SourceLocation&, const SourceLocation&) = default;
};

// Returns `status` with `location` attached (replacing any location already there).
absl::Status WithLocation(absl::Status status, const SourceLocation& location);

// The location attached to `status`, if any.
std::optional<SourceLocation> GetLocation(const absl::Status& status);

// Convenience constructors for errors in a user's input; the code decides the exit code
// (kInvalidArgument and kFailedPrecondition are "usage, parse or compile" errors: exit 2).
absl::Status InvalidInputError(const SourceLocation& location, std::string_view message);

// Formats `status` for a terminal: "file:line:col: error: message", then, when `source` (the text of
// the file) is given and the location has a line, that line and a caret under the column.
// An OK status formats as "".
std::string FormatDiagnostic(const absl::Status& status, std::optional<std::string_view> source = {},
                             std::string_view severity = "error");

// The 1-based line `line` of `text` without its line terminator, or nullopt if out of range.
std::optional<std::string_view> LineOf(std::string_view text, int line);

// Converts a byte offset into `text` to a 1-based line and code-point column.
SourceLocation LocationOfOffset(std::string_view text, size_t offset, std::string file = {});

}  // namespace flinkdbt

// Control-flow helpers in the style of abseil's status_macros.h.
#define FLINKDBT_STATUS_CONCAT_INNER_(a, b) a##b
#define FLINKDBT_STATUS_CONCAT_(a, b) FLINKDBT_STATUS_CONCAT_INNER_(a, b)

#define FLINKDBT_RETURN_IF_ERROR(expr)                 \
  do {                                                 \
    ::absl::Status flinkdbt_status_ = (expr);          \
    if (!flinkdbt_status_.ok()) return flinkdbt_status_; \
  } while (false)

#define FLINKDBT_ASSIGN_OR_RETURN(lhs, expr) \
  FLINKDBT_ASSIGN_OR_RETURN_IMPL_(FLINKDBT_STATUS_CONCAT_(flinkdbt_statusor_, __LINE__), lhs, expr)

#define FLINKDBT_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                    \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = std::move(statusor).value()

#endif  // FLINKDBT_BASE_STATUS_H_
