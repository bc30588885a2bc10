// Status payloads the client attaches to its errors (private to the client layer).
#ifndef FLINKDBT_SRC_CLIENT_ERRORS_H_
#define FLINKDBT_SRC_CLIENT_ERRORS_H_

#include "absl/status/status.h"

namespace flinkdbt::client {

inline constexpr char kHttpStatusPayload[] = "flinkdbt.client/http_status";
inline constexpr char kPoolExhaustedPayload[] = "flinkdbt.client/pool_exhausted";

absl::Status WithHttpStatus(absl::Status status, int http_status);
absl::Status MarkPoolExhausted(absl::Status status);

}  // namespace flinkdbt::client

#endif  // FLINKDBT_SRC_CLIENT_ERRORS_H_
