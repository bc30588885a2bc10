// dbt's `require-dbt-version` check (dbt-core config/project.py validate_version, semver.py).
//
// Version-compatibility policy: flinkdbt implements dbt-core 1.10's behaviour and reports itself as
// dbt version kDbtCompatVersion (the `dbt_version` context variable and the manifest's
// metadata.dbt_version say the same). A project or package whose `require-dbt-version` excludes
// that version is rejected unless the check is disabled (`--no-version-check`,
// DBT_VERSION_CHECK=false), as dbt does.
#ifndef FLINKDBT_PROJECT_VERSION_H_
#define FLINKDBT_PROJECT_VERSION_H_

#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "flinkdbt/project/project.h"

namespace flinkdbt::project {

inline constexpr std::string_view kDbtCompatVersion = "1.10.23";

// True when `version` satisfies every specifier of `spec`: a string (">=1.0.0", "<2.0.0",
// "1.10.0", several separated by commas) or a list of such strings. A malformed specifier is an
// InvalidArgument error located at it.
absl::StatusOr<bool> VersionSatisfies(const Value& spec, std::string_view version);

// Checks the root project and every package: the first whose range excludes `version` is an
// InvalidArgument error located at its `require-dbt-version`, naming the package, the range, our
// version and the policy.
absl::Status CheckRequiredDbtVersion(const LoadedProject& project,
                                     std::string_view version = kDbtCompatVersion);

}  // namespace flinkdbt::project

#endif  // FLINKDBT_PROJECT_VERSION_H_
