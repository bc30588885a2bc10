#include "tools/emulator/executor.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/client/wire.h"
#include "fmt/format.h"
#include "simdjson.h"

namespace flinkdbt::emulator {

ScriptedExecutor::ScriptedExecutor() {
  for (const auto& [sql, column] :
       {std::pair<std::string_view, std::string_view>{"select 1", "EXPR$0"}, {"select 1 as id", "id"}}) {
    ExecutionResult one;
    one.schema.push_back({std::string(column), client::DataType::Of("INTEGER", false)});
    one.rows.push_back({client::RowOp::kInsert, {client::Value::Int(1)}});
    Script(sql, std::move(one));
  }
}

std::string ScriptedExecutor::Normalize(std::string_view sql) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  while (!out.empty() && (out.back() == ';' || out.back() == ' ')) out.pop_back();
  return out;
}

void ScriptedExecutor::Script(std::string_view sql, ExecutionResult result) {
  std::lock_guard<std::mutex> lock(mu_);
  scripts_.insert_or_assign(Normalize(sql), std::move(result));
}

void ScriptedExecutor::ScriptFailure(std::string_view sql, std::string message) {
  std::lock_guard<std::mutex> lock(mu_);
  scripts_.insert_or_assign(Normalize(sql), absl::InvalidArgumentError(std::move(message)));
}

void ScriptedExecutor::set_unscripted(Unscripted u) {
  std::lock_guard<std::mutex> lock(mu_);
  unscripted_ = u;
}

absl::StatusOr<ExecutionResult> ScriptedExecutor::Execute(std::string_view sql,
                                                          const std::map<std::string, std::string>&) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = scripts_.find(Normalize(sql));
  if (it != scripts_.end()) return it->second;
  if (unscripted_ == Unscripted::kSucceedAsDdl) {
    ExecutionResult ddl;
    ddl.sql_kind = "CREATE_TABLE";
    return ddl;
  }
  return absl::InvalidArgumentError(
      fmt::format("the emulator's scripted test executor has no result for this statement (it does not run "
                  "SQL): {}",
                  sql.substr(0, 200)));
}

absl::Status ScriptedExecutor::LoadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(fmt::format("cannot read script file {}", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return LoadJson(ss.str());
}

absl::Status ScriptedExecutor::LoadJson(std::string_view json) {
  namespace dom = simdjson::dom;
  dom::parser parser;
  dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("script file is not valid JSON");
  }
  dom::array scripts;
  if (root.get_array().get(scripts) != simdjson::SUCCESS) {
    return absl::InvalidArgumentError("script file must hold a JSON array of scripts");
  }
  size_t index = 0;
  for (dom::element item : scripts) {
    std::string where = fmt::format("script #{}", ++index);
    std::string_view sql, error, kind;
    if (item["sql"].get_string().get(sql) != simdjson::SUCCESS) {
      return absl::InvalidArgumentError(where + ": \"sql\" (a string) is required");
    }
    if (item["error"].get_string().get(error) == simdjson::SUCCESS) {
      ScriptFailure(sql, std::string(error));
      continue;
    }
    ExecutionResult r;
    if (item["sql_kind"].get_string().get(kind) == simdjson::SUCCESS) r.sql_kind = std::string(kind);
    bool b;
    if (item["bounded"].get_bool().get(b) == simdjson::SUCCESS) r.is_bounded = b;
    if (item["append_only"].get_bool().get(b) == simdjson::SUCCESS) r.is_append_only = b;
    dom::array arr;
    if (item["upsert_columns"].get_array().get(arr) == simdjson::SUCCESS) {
      for (dom::element e : arr) {
        int64_t v;
        if (e.get_int64().get(v) == simdjson::SUCCESS) r.upsert_columns.push_back(static_cast<int>(v));
      }
    }
    client::DataType row_type = client::DataType::Of("ROW");
    if (item["columns"].get_array().get(arr) == simdjson::SUCCESS) {
      for (dom::element c : arr) {
        std::string_view name;
        if (c["name"].get_string().get(name) != simdjson::SUCCESS) {
          return absl::InvalidArgumentError(where + ": every column needs a \"name\"");
        }
        dom::element t;
        if (c["type"].get(t) != simdjson::SUCCESS)
          return absl::InvalidArgumentError(where + ": column without type");
        absl::StatusOr<client::DataType> type = client::DecodeDataType(simdjson::to_string(t));
        if (!type.ok())
          return absl::InvalidArgumentError(fmt::format("{}: {}", where, type.status().message()));
        r.schema.push_back({std::string(name), *type});
        row_type.fields.push_back({std::string(name), *type, ""});
      }
    }
    if (item["rows"].get_array().get(arr) == simdjson::SUCCESS) {
      for (dom::element row : arr) {
        client::ResultRow out;
        dom::element values = row;
        int64_t op = 0;
        if (row.is_object()) {
          if (row["op"].get_int64().get(op) != simdjson::SUCCESS) op = 0;
          if (row["row"].get(values) != simdjson::SUCCESS)
            return absl::InvalidArgumentError(where + ": row without \"row\"");
        }
        if (op < 0 || op > 3) return absl::InvalidArgumentError(where + ": op must be 0..3");
        out.op = static_cast<client::RowOp>(op);
        absl::StatusOr<client::Value> v = client::DecodeValueJson(simdjson::to_string(values), row_type);
        if (!v.ok()) return absl::InvalidArgumentError(fmt::format("{}: {}", where, v.status().message()));
        out.values = std::move(v->items);
        r.rows.push_back(std::move(out));
      }
    }
    Script(sql, std::move(r));
  }
  return absl::OkStatus();
}

}  // namespace flinkdbt::emulator
