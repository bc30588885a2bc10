#include "compile/convert.h"

namespace flinkdbt::compile {

jinja::Value ToJinja(const project::Value& v) {
  switch (v.kind()) {
    case project::Value::Kind::kNull:
      return jinja::Value::None();
    case project::Value::Kind::kBool:
      return jinja::Value::Bool(v.as_bool());
    case project::Value::Kind::kInt:
      return jinja::Value::Int(v.as_int());
    case project::Value::Kind::kDouble:
      return jinja::Value::Float(v.as_double());
    case project::Value::Kind::kString:
      return jinja::Value::String(v.as_string());
    case project::Value::Kind::kList: {
      std::vector<jinja::Value> items;
      items.reserve(v.list().size());
      for (const auto& x : v.list()) items.push_back(ToJinja(x));
      return jinja::Value::List(std::move(items));
    }
    case project::Value::Kind::kMap: {
      std::vector<std::pair<jinja::Value, jinja::Value>> items;
      items.reserve(v.map().size());
      for (const auto& [k, x] : v.map()) items.emplace_back(jinja::Value::String(k), ToJinja(x));
      return jinja::Value::Dict(std::move(items));
    }
  }
  return jinja::Value::None();
}

project::Value FromJinja(const jinja::Value& v) {
  using K = jinja::ValueKind;
  switch (v.kind()) {
    case K::kUndefined:
    case K::kNone:
      return project::Value::Null();
    case K::kBool:
      return project::Value::Bool(v.AsBool());
    case K::kInt: {
      auto i = v.AsInt64();
      return i ? project::Value::Int(*i) : project::Value::String(v.Str());
    }
    case K::kFloat:
      return project::Value::Double(v.AsDouble());
    case K::kString:
      return project::Value::String(std::string(v.AsString()));
    case K::kList:
    case K::kTuple: {
      project::Value out = project::Value::MakeList();
      for (const auto& x : v.Items()) out.Push(FromJinja(x));
      return out;
    }
    case K::kDict:
    case K::kNamespace: {
      project::Value out = project::Value::MakeMap();
      for (const auto& [k, x] : v.DictItems()) out.map().emplace_back(k.Str(), FromJinja(x));
      return out;
    }
    default:
      return project::Value::String(v.Str());
  }
}

}  // namespace flinkdbt::compile
