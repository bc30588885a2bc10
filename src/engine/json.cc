// JSON built-ins: IS JSON, JSON_EXISTS, JSON_VALUE, JSON_QUERY (SQL/JSON path, lax and strict
// modes, ON EMPTY / ON ERROR behaviours, array wrappers), JSON_STRING, JSON_OBJECT, JSON_ARRAY.
// Parsing uses simdjson's DOM.
#include <string>
#include <vector>

#include "engine/builtins.h"
#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"
#include "simdjson.h"

namespace flinkdbt::engine {

using sql::DataType;
using sql::TypeRoot;
using Args = std::vector<Value>;
using Types = std::vector<DataType>;
namespace dom = simdjson::dom;

namespace {

struct PathStep {
  enum Kind { kMember, kIndex, kAnyMember, kAnyIndex } kind;
  std::string name;
  int64_t index = 0;
};

struct JsonPath {
  bool strict = false;
  std::vector<PathStep> steps;
  bool valid = true;
};

JsonPath ParsePath(const std::string& text) {
  JsonPath p;
  size_t i = 0;
  auto skip = [&] {
    while (i < text.size() && text[i] == ' ') ++i;
  };
  skip();
  if (text.compare(i, 6, "strict") == 0) {
    p.strict = true;
    i += 6;
  } else if (text.compare(i, 3, "lax") == 0) {
    i += 3;
  }
  skip();
  if (i >= text.size() || text[i] != '$') {
    p.valid = false;
    return p;
  }
  ++i;
  while (i < text.size()) {
    skip();
    if (i >= text.size()) break;
    char c = text[i];
    if (c == '.') {
      ++i;
      if (i < text.size() && text[i] == '*') {
        p.steps.push_back({PathStep::kAnyMember});
        ++i;
        continue;
      }
      if (i < text.size() && text[i] == '[') continue;  // $.["a.b"]
      size_t st = i;
      while (i < text.size() && text[i] != '.' && text[i] != '[' && text[i] != ' ') ++i;
      if (i == st) {
        p.valid = false;
        return p;
      }
      p.steps.push_back({PathStep::kMember, text.substr(st, i - st)});
    } else if (c == '[') {
      ++i;
      skip();
      if (i < text.size() && (text[i] == '"' || text[i] == '\'')) {
        char q = text[i++];
        size_t st = i;
        while (i < text.size() && text[i] != q) ++i;
        p.steps.push_back({PathStep::kMember, text.substr(st, i - st)});
        ++i;
      } else if (i < text.size() && text[i] == '*') {
        p.steps.push_back({PathStep::kAnyIndex});
        ++i;
      } else {
        size_t st = i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
        if (i == st) {
          p.valid = false;
          return p;
        }
        p.steps.push_back({PathStep::kIndex, "", std::stoll(text.substr(st, i - st))});
      }
      skip();
      if (i >= text.size() || text[i] != ']') {
        p.valid = false;
        return p;
      }
      ++i;
    } else {
      p.valid = false;
      return p;
    }
  }
  return p;
}

// Evaluates `path`; returns false on a structural error (strict mode).
bool EvalPath(const JsonPath& path, dom::element root, std::vector<dom::element>* out, bool* wildcard) {
  std::vector<dom::element> cur{root};
  *wildcard = false;
  for (const auto& step : path.steps) {
    std::vector<dom::element> next;
    for (auto el : cur) {
      auto apply = [&](dom::element e) -> bool {
        switch (step.kind) {
          case PathStep::kMember: {
            if (e.type() != dom::element_type::OBJECT) return !path.strict;
            dom::element v;
            if (e.get_object().at_key(step.name).get(v) != simdjson::SUCCESS) return !path.strict;
            next.push_back(v);
            return true;
          }
          case PathStep::kAnyMember:
            if (e.type() != dom::element_type::OBJECT) return !path.strict;
            for (auto f : e.get_object()) next.push_back(f.value);
            return true;
          case PathStep::kIndex: {
            if (e.type() != dom::element_type::ARRAY) {
              if (!path.strict && step.index == 0) {
                next.push_back(e);
                return true;
              }
              return !path.strict;
            }
            dom::element v;
            if (e.get_array().at(step.index).get(v) != simdjson::SUCCESS) return !path.strict;
            next.push_back(v);
            return true;
          }
          case PathStep::kAnyIndex:
            if (e.type() != dom::element_type::ARRAY) {
              if (path.strict) return false;
              next.push_back(e);
              return true;
            }
            for (auto v : e.get_array()) next.push_back(v);
            return true;
        }
        return true;
      };
      bool ok;
      if (!path.strict && el.type() == dom::element_type::ARRAY &&
          (step.kind == PathStep::kMember || step.kind == PathStep::kAnyMember)) {
        ok = true;
        for (auto v : el.get_array()) ok = apply(v) && ok;
      } else {
        ok = apply(el);
      }
      if (!ok) return false;
    }
    if (step.kind == PathStep::kAnyIndex || step.kind == PathStep::kAnyMember) *wildcard = true;
    cur = std::move(next);
  }
  *out = std::move(cur);
  return true;
}

std::string ScalarText(dom::element e) {
  switch (e.type()) {
    case dom::element_type::STRING:
      return std::string(std::string_view(e.get_string().value()));
    case dom::element_type::BOOL:
      return e.get_bool().value() ? "true" : "false";
    case dom::element_type::INT64:
      return std::to_string(e.get_int64().value());
    case dom::element_type::UINT64:
      return std::to_string(e.get_uint64().value());
    case dom::element_type::DOUBLE:
      return JavaDoubleString(e.get_double().value());
    default:
      return simdjson::minify(e);
  }
}

bool IsScalar(dom::element e) {
  return e.type() != dom::element_type::ARRAY && e.type() != dom::element_type::OBJECT;
}

// The behaviour configured for `target` ("EMPTY"/"ERROR"), or "".
std::string Behavior(const BExpr& e, const std::string& target, int* default_arg) {
  *default_arg = -1;
  for (size_t i = 0; i < e.strs.size(); ++i) {
    const std::string& s = e.strs[i];
    std::string suffix = " ON " + target;
    if (s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0) {
      if (s.rfind("DEFAULT", 0) == 0) *default_arg = static_cast<int>(e.i1 + i);
      return s.substr(0, s.size() - suffix.size());
    }
  }
  return "";
}

absl::Status BindJsonCommon(BExpr& e, const Types& t, CallSyntax& syn) {
  e.strs = syn.json_behaviors;
  e.i1 = static_cast<int64_t>(e.args.size());
  for (size_t i = 0; i < syn.json_defaults.size(); ++i) {
    if (syn.json_defaults[i])
      e.args.push_back(std::move(syn.json_defaults[i]));
    else
      e.args.push_back(MakeConst(Value::Null(), DataType::Null()));
  }
  e.name += "";
  (void)t;
  return absl::OkStatus();
}

absl::Status BindJsonValue(BExpr& e, const Types& t, CallSyntax& syn) {
  FLINKDBT_RETURN_IF_ERROR(BindJsonCommon(e, t, syn));
  e.type = syn.has_returning ? syn.returning.WithNullable(true) : DataType::String(true);
  return absl::OkStatus();
}

Value JsonDefault(const Args& a, int idx, const BExpr& e, EvalContext& ctx) {
  if (idx < 0 || idx >= static_cast<int>(a.size())) return Value::Null();
  const Value& v = a[idx];
  if (v.is_null()) return v;
  if (e.type.root == TypeRoot::kVarChar && v.kind() == ValueKind::kBool)
    return Value::String(v.bool_value() ? "true" : "false");
  return CastValue(v, e.args[idx]->type, e.type, true, ctx);
}

Value JsonValueFn(const Args& a, const BExpr& e, EvalContext& ctx) {
  if (a[0].is_null() || a[1].is_null()) return Value::Null();
  int def_empty, def_error;
  std::string on_empty = Behavior(e, "EMPTY", &def_empty);
  std::string on_error = Behavior(e, "ERROR", &def_error);
  auto error = [&](const std::string& msg) -> Value {
    if (on_error == "ERROR") return Fail(ctx, msg);
    if (on_error == "DEFAULT") return JsonDefault(a, def_error, e, ctx);
    return Value::Null();
  };
  JsonPath path = ParsePath(a[1].string_value());
  if (!path.valid) return error(fmt::format("Illegal jsonpath spec '{}'", a[1].string_value()));
  dom::parser parser;
  dom::element root;
  simdjson::padded_string json(a[0].string_value());
  if (parser.parse(json).get(root) != simdjson::SUCCESS) return error("invalid JSON");
  std::vector<dom::element> res;
  bool wildcard;
  if (!EvalPath(path, root, &res, &wildcard)) return error("No results for path");
  if (res.empty()) {
    if (on_empty == "ERROR") return Fail(ctx, "No results for path");
    if (on_empty == "DEFAULT") return JsonDefault(a, def_empty, e, ctx);
    return Value::Null();
  }
  if (res.size() > 1 || !IsScalar(res[0])) return error("Strict jsonpath mode requires scalar value");
  if (res[0].type() == dom::element_type::NULL_VALUE) return Value::Null();
  Value s = Value::String(ScalarText(res[0]));
  if (e.type.root == TypeRoot::kVarChar || e.type.root == TypeRoot::kChar) return s;
  EvalContext quiet = ctx;
  quiet.error = absl::OkStatus();
  Value out = CastValue(s, DataType::String(), e.type, true, quiet);
  if (out.is_null()) return error("cannot convert JSON value");
  return out;
}

absl::Status BindJsonQuery(BExpr& e, const Types& t, CallSyntax& syn) {
  FLINKDBT_RETURN_IF_ERROR(BindJsonCommon(e, t, syn));
  e.strs.push_back(syn.json_wrapper);
  e.type = DataType::String(true);
  return absl::OkStatus();
}

Value JsonQueryFn(const Args& a, const BExpr& e, EvalContext& ctx) {
  if (a[0].is_null() || a[1].is_null()) return Value::Null();
  int d1, d2;
  std::string on_empty = Behavior(e, "EMPTY", &d1);
  std::string on_error = Behavior(e, "ERROR", &d2);
  std::string wrapper = e.strs.back();
  auto fallback = [&](const std::string& behavior, const std::string& msg) -> Value {
    if (behavior == "ERROR") return Fail(ctx, msg);
    if (behavior == "EMPTY ARRAY") return Value::String("[]");
    if (behavior == "EMPTY OBJECT") return Value::String("{}");
    return Value::Null();
  };
  JsonPath path = ParsePath(a[1].string_value());
  if (!path.valid) return fallback(on_error, "Illegal jsonpath spec");
  dom::parser parser;
  dom::element root;
  simdjson::padded_string json(a[0].string_value());
  if (parser.parse(json).get(root) != simdjson::SUCCESS) return fallback(on_error, "invalid JSON");
  std::vector<dom::element> res;
  bool wildcard;
  if (!EvalPath(path, root, &res, &wildcard)) return fallback(on_error, "No results for path");
  if (res.empty()) return fallback(on_empty, "No results for path");
  std::string text;
  bool is_array;
  if (res.size() > 1 || wildcard) {
    text = "[";
    for (size_t i = 0; i < res.size(); ++i) text += (i ? "," : "") + simdjson::minify(res[i]);
    text += "]";
    is_array = true;
  } else {
    text = simdjson::minify(res[0]);
    is_array = res[0].type() == dom::element_type::ARRAY;
    if (IsScalar(res[0]) && wrapper.rfind("WITH", 0) != 0)
      return fallback(on_error, "JSON_QUERY needs an array or object");
  }
  if (wrapper == "WITH CONDITIONAL ARRAY WRAPPER") {
    if (!is_array) text = "[" + text + "]";
  } else if (wrapper.rfind("WITH", 0) == 0) {
    text = "[" + text + "]";
  }
  return Value::String(text);
}

absl::Status BindJsonExists(BExpr& e, const Types& t, CallSyntax& syn) {
  FLINKDBT_RETURN_IF_ERROR(BindJsonCommon(e, t, syn));
  e.type = DataType::Boolean(true);
  return absl::OkStatus();
}

Value JsonExistsFn(const Args& a, const BExpr& e, EvalContext& ctx) {
  if (a[0].is_null() || a[1].is_null()) return Value::Null();
  int d;
  std::string on_error = Behavior(e, "ERROR", &d);
  auto error = [&]() -> Value {
    if (on_error == "TRUE") return Value::Bool(true);
    if (on_error == "UNKNOWN") return Value::Null();
    if (on_error == "ERROR") return Fail(ctx, "JSON_EXISTS: no results for path");
    return Value::Bool(false);
  };
  JsonPath path = ParsePath(a[1].string_value());
  if (!path.valid) return error();
  dom::parser parser;
  dom::element root;
  simdjson::padded_string json(a[0].string_value());
  if (parser.parse(json).get(root) != simdjson::SUCCESS) return error();
  std::vector<dom::element> res;
  bool wildcard;
  if (!EvalPath(path, root, &res, &wildcard)) return error();
  return Value::Bool(!res.empty());
}

absl::Status BindIsJson(BExpr& e, const Types&, CallSyntax& syn) {
  e.strs.push_back(syn.json_type);
  e.type = DataType::Boolean(false);
  return absl::OkStatus();
}

Value IsJsonFn(const Args& a, const BExpr& e, EvalContext&) {
  if (a[0].is_null()) return Value::Bool(false);
  dom::parser parser;
  dom::element root;
  simdjson::padded_string json(a[0].string_value());
  if (parser.parse(json).get(root) != simdjson::SUCCESS) return Value::Bool(false);
  const std::string& want = e.strs[0];
  auto t = root.type();
  if (want == "SCALAR") return Value::Bool(t != dom::element_type::ARRAY && t != dom::element_type::OBJECT);
  if (want == "ARRAY") return Value::Bool(t == dom::element_type::ARRAY);
  if (want == "OBJECT") return Value::Bool(t == dom::element_type::OBJECT);
  return Value::Bool(true);
}

}  // namespace

// Serializes a SQL value as JSON.
std::string ValueToJson(const Value& v, const DataType& t, const EvalContext& ctx) {
  switch (v.kind()) {
    case ValueKind::kNull:
      return "null";
    case ValueKind::kBool:
      return v.bool_value() ? "true" : "false";
    case ValueKind::kInt:
      return std::to_string(v.int_value());
    case ValueKind::kDouble:
      return JavaDoubleString(v.double_value());
    case ValueKind::kDecimal:
      return v.decimal_value().ToString();
    case ValueKind::kString:
      return JsonQuote(v.string_value(), false);
    case ValueKind::kArray: {
      std::string out = "[";
      const DataType et = t.children.empty() ? DataType{} : t.children[0];
      for (size_t i = 0; i < v.items().size(); ++i)
        out += (i ? "," : "") + ValueToJson(v.items()[i], et, ctx);
      return out + "]";
    }
    case ValueKind::kMap: {
      std::string out = "{";
      const auto& it = v.items();
      for (size_t i = 0; i + 1 < it.size(); i += 2) {
        Value k = it[i];
        out +=
            (i ? "," : "") +
            JsonQuote(k.kind() == ValueKind::kString ? k.string_value() : FormatValue(k, DataType{}), false) +
            ":" + ValueToJson(it[i + 1], t.children.size() > 1 ? t.children[1] : DataType{}, ctx);
      }
      return out + "}";
    }
    case ValueKind::kRow: {
      std::string out = "{";
      for (size_t i = 0; i < v.items().size(); ++i) {
        std::string name = i < t.field_names.size() ? t.field_names[i] : fmt::format("f{}", i);
        out += (i ? "," : "") + JsonQuote(name, false) + ":" +
               ValueToJson(v.items()[i], i < t.children.size() ? t.children[i] : DataType{}, ctx);
      }
      return out + "}";
    }
    default:
      return JsonQuote(ValueToCastString(v, t, ctx.session), false);
  }
}

namespace {

bool IsJsonConstructor(const BExpr& a) {
  return a.kind == BExpr::Kind::kCall &&
         (a.name == "JSON_OBJECT" || a.name == "JSON_ARRAY" || a.name == "JSON_QUERY" || a.name == "JSON");
}

absl::Status BindJsonString(BExpr& e, const Types& t, CallSyntax&) {
  e.type = DataType::String(true);
  (void)t;
  return absl::OkStatus();
}
Value JsonStringFn(const Args& a, const BExpr& e, EvalContext& ctx) {
  if (a[0].is_null()) return Value::Null();
  return Value::String(ValueToJson(a[0], e.args[0]->type, ctx));
}

absl::Status BindJsonConstruct(BExpr& e, const Types&, CallSyntax& syn) {
  bool object = e.name == "JSON_OBJECT";
  std::string on_null = object ? "NULL" : "ABSENT";
  for (const auto& b : syn.json_behaviors) {
    if (b == "NULL ON NULL") on_null = "NULL";
    if (b == "ABSENT ON NULL") on_null = "ABSENT";
  }
  e.strs.push_back(on_null);
  for (const auto& a : e.args) e.strs.push_back(IsJsonConstructor(*a) ? "raw" : "");
  e.type = DataType::String(false);
  if (object && e.args.size() % 2) return absl::InvalidArgumentError("JSON_OBJECT needs KEY/VALUE pairs");
  return absl::OkStatus();
}

Value JsonObjectFn(const Args& a, const BExpr& e, EvalContext& ctx) {
  bool absent = e.strs[0] == "ABSENT";
  std::string out = "{";
  bool first = true;
  for (size_t i = 0; i + 1 < a.size(); i += 2) {
    if (a[i].is_null()) return Fail(ctx, "JSON_OBJECT key must not be NULL");
    if (a[i + 1].is_null() && absent) continue;
    std::string val = e.strs[i + 2] == "raw" && !a[i + 1].is_null()
                          ? a[i + 1].string_value()
                          : ValueToJson(a[i + 1], e.args[i + 1]->type, ctx);
    out += (first ? "" : ",") + JsonQuote(a[i].string_value(), false) + ":" + val;
    first = false;
  }
  return Value::String(out + "}");
}

Value JsonArrayFn(const Args& a, const BExpr& e, EvalContext& ctx) {
  bool absent = e.strs[0] == "ABSENT";
  std::string out = "[";
  bool first = true;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].is_null() && absent) continue;
    std::string val = e.strs[i + 1] == "raw" && !a[i].is_null() ? a[i].string_value()
                                                                : ValueToJson(a[i], e.args[i]->type, ctx);
    out += (first ? "" : ",") + val;
    first = false;
  }
  return Value::String(out + "]");
}

}  // namespace

void AddJsonBuiltins(std::vector<Builtin>* out) {
  std::vector<Builtin> t = {
      {"JSON_VALUE", 2, -1, false, true, false, BindJsonValue, JsonValueFn},
      {"JSON_QUERY", 2, -1, false, true, false, BindJsonQuery, JsonQueryFn},
      {"JSON_EXISTS", 2, -1, false, true, false, BindJsonExists, JsonExistsFn},
      {"IS JSON", 1, 1, false, true, false, BindIsJson, IsJsonFn},
      {"JSON_STRING", 1, 1, false, true, false, BindJsonString, JsonStringFn},
      {"JSON_OBJECT", 0, -1, false, true, false, BindJsonConstruct, JsonObjectFn},
      {"JSON_ARRAY", 0, -1, false, true, false, BindJsonConstruct, JsonArrayFn},
  };
  out->insert(out->end(), t.begin(), t.end());
}

}  // namespace flinkdbt::engine
