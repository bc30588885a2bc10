// Value: the dynamic data of a dbt project — YAML documents, config dicts, vars, unit-test rows —
// as one small tree type that remembers where each value came from (file:line:col), so every
// validation error can point at the user's text. Maps keep insertion order (as Python dicts do),
// which the manifest writer relies on. Values are plain data: copyable, immutable once built, and
// safe to read from many threads.
#ifndef FLINKDBT_PROJECT_VALUE_H_
#define FLINKDBT_PROJECT_VALUE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/status.h"

namespace flinkdbt::project {

class Value {
 public:
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kList, kMap };
  using List = std::vector<Value>;
  using Map = std::vector<std::pair<std::string, Value>>;

  Value() = default;
  Value(const Value& other);
  Value& operator=(const Value& other);
  Value(Value&&) noexcept = default;
  Value& operator=(Value&&) noexcept = default;
  ~Value() = default;
  static Value Null() { return Value(); }
  static Value Bool(bool b);
  static Value Int(int64_t i);
  static Value Double(double d);
  static Value String(std::string s);
  static Value MakeList(List items = {});
  static Value MakeMap(Map entries = {});

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_int() const { return kind_ == Kind::kInt; }
  bool is_double() const { return kind_ == Kind::kDouble; }
  bool is_number() const { return kind_ == Kind::kInt || kind_ == Kind::kDouble; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_list() const { return kind_ == Kind::kList; }
  bool is_map() const { return kind_ == Kind::kMap; }
  bool is_scalar() const { return !is_list() && !is_map(); }

  bool as_bool() const { return b_; }
  int64_t as_int() const { return i_; }
  double as_double() const { return kind_ == Kind::kInt ? static_cast<double>(i_) : d_; }
  const std::string& as_string() const { return s_; }
  const List& list() const { return list_; }
  List& list() { return list_; }
  const Map& map() const { return map_; }
  Map& map() { return map_; }

  // Map access: nullptr when absent (or when this is not a map).
  const Value* Find(std::string_view key) const;
  Value* Find(std::string_view key);
  bool Has(std::string_view key) const { return Find(key) != nullptr; }
  // Inserts or replaces `key` (keeps the position of an existing key).
  void Set(std::string key, Value value);
  bool Erase(std::string_view key);
  // Appends to a list.
  void Push(Value v) { list_.push_back(std::move(v)); }

  // Python truthiness.
  bool Truthy() const;
  // The name of the kind as a user reads it in an error ("a string", "a list", ...).
  std::string_view KindName() const;
  // The scalar as text the way Python's str() prints it ("True", "None", "1.5"); lists and maps
  // as Python repr.
  std::string ToPythonStr() const;
  std::string ToPythonRepr() const;

  // Deep equality that ignores locations and the quoted flag (ints and doubles compare by value).
  friend bool operator==(const Value& a, const Value& b);

  // Where this value was written (empty file when it was computed).
  const SourceLocation& location() const;
  void set_location(SourceLocation loc);
  // Where a map key was written (the value's own location when unknown).
  SourceLocation KeyLocation(std::string_view key) const;
  void SetKeyLocation(std::string_view key, SourceLocation loc);

  // True for a YAML scalar written in quotes (it stays a string whatever it looks like).
  bool quoted() const { return quoted_; }
  void set_quoted(bool q) { quoted_ = q; }

 private:
  Kind kind_ = Kind::kNull;
  bool b_ = false;
  bool quoted_ = false;
  int64_t i_ = 0;
  double d_ = 0;
  std::string s_;
  List list_;
  Map map_;
  // Where the value (and, for maps, each key) was written: only values read from a file have
  // one, so computed values (configs, defaults, the manifest's trees) stay small.
  struct Where {
    SourceLocation loc;
    std::vector<std::pair<std::string, SourceLocation>> key_locs;  // YAML maps only
  };
  std::unique_ptr<Where> where_;
};

// Writes `v` as JSON (maps in insertion order).
void WriteJson(JsonWriter& w, const Value& v);
std::string ToJson(const Value& v, int indent = 0);

// Python's json.dumps(v): ", " and ": " separators, ensure_ascii, NaN/Infinity spelled as Python does.
std::string ToPythonJson(const Value& v, bool sort_keys = false);

// Parses JSON text into a Value (objects keep their order). Used for manifests of a previous run.
absl::StatusOr<Value> ParseJson(std::string_view text, std::string_view file);

}  // namespace flinkdbt::project

#endif  // FLINKDBT_PROJECT_VALUE_H_
