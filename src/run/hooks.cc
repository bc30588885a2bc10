#include "run/hooks.h"

#include "absl/strings/ascii.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/naming.h"
#include "flinkdbt/materialize/seed.h"
#include "fmt/format.h"
#include "re2/re2.h"

namespace flinkdbt::run {

std::vector<std::string> HookSqls(const project::Value& hooks) {
  std::vector<std::string> out;
  auto add = [&](const project::Value& h) {
    if (h.is_null()) return;
    if (h.is_map()) {
      if (const project::Value* sql = h.Find("sql"); sql != nullptr && !sql->is_null()) {
        out.push_back(sql->is_string() ? sql->as_string() : sql->ToPythonStr());
      }
      return;
    }
    out.push_back(h.is_string() ? h.as_string() : h.ToPythonStr());
  };
  if (hooks.is_list()) {
    for (const project::Value& h : hooks.list()) add(h);
  } else {
    add(hooks);
  }
  return out;
}

absl::StatusOr<std::string> ExecuteHook(client::StatementClient& client, std::string_view sql,
                                        std::string_view prefix, const client::ExecuteOptions& options) {
  std::string text(ToStd(absl::StripAsciiWhitespace(ToAbsl(sql))));
  while (!text.empty() && text.back() == ';') text.pop_back();
  if (text.empty()) return std::string();
  static const RE2 kDdl(R"((?is)\s*(create|drop|alter|use|set|reset|describe|show)\b.*)");
  bool ddl = RE2::FullMatch(text, kDdl);
  client::SubmitRequest request;
  request.name = client::AdHocStatementName(prefix);
  request.sql = text;
  request.mode = ddl ? client::ExecutionMode::kStreamingDdl : client::ExecutionMode::kStreamingQuery;
  client::ExecuteOptions execute = options;
  execute.fetch_results = false;
  absl::StatusOr<client::QueryResult> r = client::ExecuteStatement(client, request, execute);
  if (!r.ok()) {
    return absl::Status(r.status().code(),
                        fmt::format("hook failed: {}\n  in: {}", ToStd(r.status().message()), text));
  }
  bool bounded = r->statement.traits.has_value() && r->statement.traits->is_bounded;
  if (!ddl && bounded) {
    FLINKDBT_RETURN_IF_ERROR(materialize::WaitUntilCompleted(client, request.name, execute.timeout));
    (void)client.Delete(request.name);
  }
  return request.name;
}

std::string ProjectHookId(std::string_view project, std::string_view which, size_t index) {
  return fmt::format("operation.{}.{}-{}-{}", project, project, which, index);
}

}  // namespace flinkdbt::run
