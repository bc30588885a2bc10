// Bridges between std::string_view and absl::string_view.
//
// Debian 12's Abseil (20220623) is built in C++14 mode, so absl::string_view is its own class, not an
// alias of std::string_view: passing one where the other is expected does not compile, and fmt cannot
// format an absl::string_view (absl::optional is likewise not std::optional). flinkdbt code uses std::string_view; these helpers convert at the edge
// of Abseil calls, and the formatter below lets fmt print absl::string_view (e.g. Status::message()).
#ifndef FLINKDBT_BASE_STRINGS_H_
#define FLINKDBT_BASE_STRINGS_H_

#include <string_view>

#include "absl/strings/string_view.h"
#include "fmt/format.h"

namespace flinkdbt {

inline absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace flinkdbt

#if !defined(ABSL_USES_STD_STRING_VIEW)
template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(absl::string_view s, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format(std::string_view(s.data(), s.size()), ctx);
  }
};
#endif

#endif  // FLINKDBT_BASE_STRINGS_H_
