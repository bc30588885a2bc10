#include "flinkdbt/project/yaml.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"
#include "re2/re2.h"
#include "yaml-cpp/yaml.h"

namespace flinkdbt::project {
namespace {

SourceLocation LocOf(const YAML::Mark& mark, std::string_view file) {
  if (mark.is_null()) return SourceLocation{std::string(file), 0, 0};
  return SourceLocation{std::string(file), mark.line + 1, mark.column + 1};
}

// Resolves a plain (unquoted) scalar as PyYAML's SafeLoader does.
Value ResolvePlainScalar(const std::string& s) {
  static const RE2 kInt(R"([-+]?(0|[1-9][0-9_]*))");
  static const RE2 kHex(R"([-+]?0x[0-9a-fA-F_]+)");
  static const RE2 kOct(R"([-+]?0[0-7_]+)");
  static const RE2 kFloat(
      R"([-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+)");
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Value::Null();
  if (s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "Yes" || s == "YES" || s == "on" ||
      s == "On" || s == "ON") {
    return Value::Bool(true);
  }
  if (s == "false" || s == "False" || s == "FALSE" || s == "no" || s == "No" || s == "NO" || s == "off" ||
      s == "Off" || s == "OFF") {
    return Value::Bool(false);
  }
  // Numbers, .inf and .nan start with a digit, a sign or a dot; anything else is a string (most
  // scalars of a properties file: names), without trying the patterns.
  const char first = s[0];
  if (!(first >= '0' && first <= '9') && first != '-' && first != '+' && first != '.') return Value::String(s);
  std::string digits;
  for (char c : s) {
    if (c != '_') digits += c;
  }
  if (RE2::FullMatch(s, kInt)) {
    int64_t i;
    if (absl::SimpleAtoi(ToAbsl(digits), &i)) return Value::Int(i);
    return Value::Double(std::strtod(digits.c_str(), nullptr));
  }
  if (RE2::FullMatch(s, kHex)) {
    return Value::Int(std::strtoll(digits.c_str(), nullptr, 16));
  }
  if (RE2::FullMatch(s, kOct)) {
    return Value::Int(std::strtoll(digits.c_str(), nullptr, 8));
  }
  if (s != "." && RE2::FullMatch(s, kFloat)) {
    return Value::Double(std::strtod(digits.c_str(), nullptr));
  }
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf") {
    return Value::Double(std::numeric_limits<double>::infinity());
  }
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF")
    return Value::Double(-std::numeric_limits<double>::infinity());
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return Value::Double(std::nan(""));
  return Value::String(s);
}

absl::StatusOr<Value> Convert(const YAML::Node& node, std::string_view file, int depth) {
  SourceLocation loc = LocOf(node.Mark(), file);
  if (depth > 200) return ErrorAt(loc, "YAML nesting is too deep");
  Value out;
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out = Value::Null();
      break;
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str" || node.Tag() == "!!str") {
        out = Value::String(text);
        out.set_quoted(true);
      } else {
        out = ResolvePlainScalar(text);
      }
      break;
    }
    case YAML::NodeType::Sequence: {
      out = Value::MakeList();
      for (const YAML::Node& item : node) {
        FLINKDBT_ASSIGN_OR_RETURN(Value v, Convert(item, file, depth + 1));
        out.Push(std::move(v));
      }
      break;
    }
    case YAML::NodeType::Map: {
      out = Value::MakeMap();
      for (const auto& kv : node) {
        FLINKDBT_ASSIGN_OR_RETURN(Value key, Convert(kv.first, file, depth + 1));
        if (!key.is_scalar()) return ErrorAt(key, "a mapping key must be a scalar");
        std::string k = key.ToPythonStr();
        if (key.is_null()) k = "None";
        if (out.Has(k)) {
          return ErrorAt(key, fmt::format("duplicate key '{}' in this mapping", k));
        }
        FLINKDBT_ASSIGN_OR_RETURN(Value v, Convert(kv.second, file, depth + 1));
        out.SetKeyLocation(k, key.location());
        out.map().emplace_back(std::move(k), std::move(v));
      }
      break;
    }
  }
  out.set_location(std::move(loc));
  return out;
}

void EmitValue(YAML::Emitter& e, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      e << YAML::Null;
      break;
    case Value::Kind::kBool:
      e << (v.as_bool() ? "true" : "false");
      break;
    case Value::Kind::kInt:
      e << v.as_int();
      break;
    case Value::Kind::kDouble:
      e << FormatDoubleShortest(v.as_double());
      break;
    case Value::Kind::kString: {
      Value resolved = ResolvePlainScalar(v.as_string());
      if (!resolved.is_string()) {
        e << YAML::SingleQuoted << v.as_string();
      } else {
        e << v.as_string();
      }
      break;
    }
    case Value::Kind::kList:
      e << YAML::BeginSeq;
      for (const Value& item : v.list()) EmitValue(e, item);
      e << YAML::EndSeq;
      break;
    case Value::Kind::kMap:
      e << YAML::BeginMap;
      for (const auto& [k, item] : v.map()) {
        e << YAML::Key << k << YAML::Value;
        EmitValue(e, item);
      }
      e << YAML::EndMap;
      break;
  }
}

}  // namespace

absl::Status ErrorAt(const SourceLocation& at, std::string_view message) {
  // The location travels as a payload; FormatDiagnostic prints it in front of the message.
  absl::Status s = absl::InvalidArgumentError(ToAbsl(message));
  return at.file.empty() ? s : WithLocation(s, at);
}

absl::Status ErrorAt(const Value& at, std::string_view message) { return ErrorAt(at.location(), message); }

absl::StatusOr<Value> ParseYaml(std::string_view text, std::string_view file) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsDefined() || root.IsNull()) {
      Value v;
      v.set_location(SourceLocation{std::string(file), 1, 1});
      return v;
    }
    return Convert(root, file, 0);
  } catch (const YAML::Exception& e) {
    SourceLocation loc = LocOf(e.mark, file);
    return ErrorAt(loc, fmt::format("invalid YAML: {}", e.msg));
  } catch (const std::exception& e) {
    return ErrorAt(SourceLocation{std::string(file), 0, 0}, fmt::format("invalid YAML: {}", e.what()));
  }
}

std::string ToYaml(const Value& v) {
  YAML::Emitter e;
  EmitValue(e, v);
  std::string out = e.c_str();
  out += '\n';
  return out;
}

}  // namespace flinkdbt::project
