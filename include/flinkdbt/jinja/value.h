// Value: the dynamically typed value of the template engine, with Python's semantics.
//
// A Value is 16 bytes: a kind tag plus either an immediate (bool, 64-bit int, double) or a pointer
// to a reference-counted heap object (strings, big integers, lists, tuples, dicts, namespaces,
// macros, native callables, C++ objects). Copying a Value copies the pointer and bumps an atomic
// count; strings and tuples are immutable, while lists, dicts and namespaces are shared and mutable
// exactly like Python objects (`{% do cols.append(x) %}` is seen through every reference).
//
// Integers are exact: 64-bit inline, promoted to an arbitrary-precision heap integer on overflow.
// Dicts keep insertion order. Strings are UTF-8 and are indexed and sliced by code point.
// Printing follows Python: Str() is str(x) (`True`, `None`, `['a', 1]`, `0.30000000000000004`),
// Repr() is repr(x).
//
// Thread-safety: a Value may be copied and read from several threads at once (the count is atomic);
// mutating a list/dict/namespace that other threads can see is the caller's race to avoid. Values
// stored in an Environment's globals or a parsed Template are shared by every render and must not be
// mutated after setup. C++ Objects and NativeFunctions placed there must be thread-safe themselves.
#ifndef FLINKDBT_JINJA_VALUE_H_
#define FLINKDBT_JINJA_VALUE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "flinkdbt/base/small_pool.h"

namespace flinkdbt::jinja {

class Value;
class CallContext;

// Python integers are exact over (at least) the 128-bit range.
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

enum class ValueKind : uint8_t {
  kUndefined,
  kNone,
  kBool,
  kInt,  // small (inline) or big (heap) integer; see Value::is_int()
  kFloat,
  kString,
  kList,
  kTuple,
  kDict,
  kNamespace,
  kMacro,     // a template macro (also `caller`, `loop` for recursive loops, super blocks)
  kCallable,  // a native C++ function
  kObject,    // a C++ object with attributes (and optionally callable)
};

// The arguments of a call: positional values and keyword (name, value) pairs, in call order.
// Borrowed views; valid only during the call.
struct CallArgs {
  std::span<const Value> positional;
  std::span<const std::pair<std::string_view, Value>> keyword;

  // The keyword argument `name`, or nullptr.
  const Value* Keyword(std::string_view name) const;
  // Python-style binding of one parameter: positional[index] if present, else keyword `name`, else
  // nullptr. Pass index < 0 for keyword-only parameters.
  const Value* Get(int index, std::string_view name) const;
};

// A function implemented in C++. `ctx` gives access to the render in progress (user data, calling
// back into template callables, the current undefined mode); it is never null.
using NativeFunction = std::function<absl::StatusOr<Value>(CallContext& ctx, const CallArgs& args)>;

// Python's binary arithmetic operators, as C++ objects see them (Object::Arithmetic).
enum class Operator : uint8_t { kAdd, kSub, kMul, kDiv, kFloorDiv, kMod, kPow };

// A C++ object exposed to templates (dbt's `adapter`, `exceptions`, `modules.datetime`, `this`
// relations...). Attribute lookup `obj.name` and `obj['name']` both call GetAttr; calling the
// object itself `obj(...)` calls Call. Shared by every render that sees it: must be thread-safe.
class Object {
 public:
  virtual ~Object() = default;
  // Name used in messages and default printing (`<adapter object>`).
  virtual std::string_view TypeName() const { return "object"; }
  // The attribute, or nullopt when the object has none (the engine then yields undefined).
  virtual std::optional<Value> GetAttr(std::string_view name) const;
  // Calling the object; by default an error "'<TypeName>' object is not callable".
  virtual absl::StatusOr<Value> Call(CallContext& ctx, const CallArgs& args) const;
  // Python str(); by default "<TypeName object>".
  virtual std::string Str() const;
  // Iteration support for `for x in obj` / `x in obj`; nullopt means not iterable.
  virtual std::optional<std::vector<Value>> Iterate() const;
  virtual bool Truthy() const { return true; }
  // Value semantics, for C++ types that behave like Python values (dbt's `modules.datetime`):
  // `self op other` (reflected false) or `other op self` (reflected true). nullopt is Python's
  // NotImplemented: the other operand is tried, then the engine raises Python's TypeError.
  virtual std::optional<absl::StatusOr<Value>> Arithmetic(Operator op, const Value& other,
                                                          bool reflected) const;
  // Ordering against `other`: negative, zero or positive; nullopt when the two are not ordered (then
  // `<` raises TypeError and `==` falls back to identity). Objects that compare equal must return
  // the same HashValue().
  virtual std::optional<int> CompareTo(const Value& other) const;
  // Hash for use as a dict key; nullopt hashes by identity.
  virtual std::optional<size_t> HashValue() const;
  // When `self` and `other` are not ordered and Python words the TypeError its own way (datetime's
  // "can't compare offset-naive and offset-aware datetimes"), that text; nullopt for Python's
  // generic "'<' not supported between instances of ...".
  virtual std::optional<std::string> CompareError(const Value& other) const;
};

namespace internal {
// Base of every heap-allocated payload; reference counted, deleted at zero.
struct HeapObject {
  mutable std::atomic<int32_t> refs{1};
  virtual ~HeapObject() = default;
  // Strings, lists, dicts and scopes come and go by the million: base's per-thread pool.
  FLINKDBT_POOLED_ALLOCATION
};
struct StringObject;
struct BigIntObject;
struct ListObject;
struct DictObject;
struct MacroObject;
struct CallableObject;
struct ObjectBox;
}  // namespace internal

class Value {
 public:
  // Default construction yields undefined.
  Value() noexcept : kind_(ValueKind::kUndefined), heap_(false) { bits_.i = 0; }
  Value(const Value& other) noexcept : kind_(other.kind_), heap_(other.heap_), bits_(other.bits_) {
    if (heap_) bits_.p->refs.fetch_add(1, std::memory_order_relaxed);
  }
  Value(Value&& other) noexcept : kind_(other.kind_), heap_(other.heap_), bits_(other.bits_) {
    other.kind_ = ValueKind::kUndefined;
    other.heap_ = false;
    other.bits_.p = nullptr;
  }
  Value& operator=(const Value& other) noexcept {
    if (this != &other) {
      Value tmp(other);
      swap(tmp);
    }
    return *this;
  }
  Value& operator=(Value&& other) noexcept {
    Value tmp(std::move(other));
    swap(tmp);
    return *this;
  }
  ~Value() {
    if (heap_) ReleaseHeap();
  }
  void swap(Value& o) noexcept {
    std::swap(kind_, o.kind_);
    std::swap(heap_, o.heap_);
    std::swap(bits_, o.bits_);
  }

  // --- Construction -----------------------------------------------------------------------------
  static Value Undefined() { return Value(); }
  // An undefined that remembers why it is undefined, for error messages ("'x' is undefined",
  // "'dict object' has no attribute 'y'").
  static Value UndefinedWithHint(std::string hint);
  static Value None() { return Value(ValueKind::kNone); }
  static Value Bool(bool b) {
    Value v(ValueKind::kBool);
    v.bits_.i = b ? 1 : 0;
    return v;
  }
  static Value Int(int64_t i) {
    Value v(ValueKind::kInt);
    v.bits_.i = i;
    return v;
  }
  static Value Int128(int128 i);
  // In-place assignment of a scalar (no temporary, no call: the hot paths of loops and the fast
  // evaluator).
  [[gnu::always_inline]] void SetInt(int64_t i) { SetScalar(ValueKind::kInt, i); }
  [[gnu::always_inline]] void SetBool(bool b) { SetScalar(ValueKind::kBool, b ? 1 : 0); }
  // Parses a decimal integer literal of any size ("-123", "1000000000000000000000000").
  static std::optional<Value> ParseInt(std::string_view digits);
  static Value Float(double d) {
    Value v(ValueKind::kFloat);
    v.bits_.d = d;
    return v;
  }
  static Value String(std::string_view s);
  static Value String(std::string&& s);
  static Value String(const char* s) { return String(std::string_view(s)); }
  static Value List(std::vector<Value> items = {});
  static Value Tuple(std::vector<Value> items = {});
  // A dict in insertion order; later duplicates of a key replace the earlier value in place.
  static Value Dict(std::vector<std::pair<Value, Value>> items = {});
  // A `namespace()` object: string-keyed attributes, assignable with `{% set ns.x = ... %}`.
  static Value Namespace(std::vector<std::pair<Value, Value>> items = {});
  static Value Callable(std::string name, NativeFunction fn);
  static Value FromObject(std::shared_ptr<const Object> object);

  // --- Inspection --------------------------------------------------------------------------------
  ValueKind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == ValueKind::kUndefined; }
  bool is_none() const { return kind_ == ValueKind::kNone; }
  bool is_bool() const { return kind_ == ValueKind::kBool; }
  bool is_int() const { return kind_ == ValueKind::kInt; }
  bool is_small_int() const { return kind_ == ValueKind::kInt && !heap_; }
  bool is_float() const { return kind_ == ValueKind::kFloat; }
  bool is_number() const { return is_int() || is_float() || is_bool(); }
  bool is_string() const { return kind_ == ValueKind::kString; }
  bool is_list() const { return kind_ == ValueKind::kList; }
  bool is_tuple() const { return kind_ == ValueKind::kTuple; }
  bool is_sequence() const { return is_list() || is_tuple(); }
  bool is_dict() const { return kind_ == ValueKind::kDict; }
  bool is_namespace() const { return kind_ == ValueKind::kNamespace; }
  bool is_mapping() const { return is_dict() || is_namespace(); }
  bool is_macro() const { return kind_ == ValueKind::kMacro; }
  bool is_callable_kind() const { return kind_ == ValueKind::kMacro || kind_ == ValueKind::kCallable; }
  bool is_object() const { return kind_ == ValueKind::kObject; }

  bool AsBool() const { return bits_.i != 0; }    // valid for kBool
  int64_t AsSmallInt() const { return bits_.i; }  // valid for is_small_int()
  // The integer if it fits in 64/128 bits (bools count as 0/1).
  std::optional<int64_t> AsInt64() const;
  std::optional<int128> AsInt128() const;
  double AsDouble() const;            // ints, bools and floats as a double
  std::string_view AsString() const;  // valid for kString; "" otherwise
  // Items of a list/tuple (empty span for other kinds).
  std::span<const Value> Items() const;
  // Mutable access to a list's items (nullptr for other kinds, including tuples).
  std::vector<Value>* MutableList() const;
  // Entries of a dict/namespace in insertion order (empty span for other kinds).
  std::span<const std::pair<Value, Value>> DictItems() const;
  // Dict/namespace lookup; nullptr if absent or not a mapping.
  const Value* Find(const Value& key) const;
  const Value* Find(std::string_view key) const;
  // Dict/namespace insertion or replacement; no-op on other kinds.
  void SetItem(Value key, Value value) const;
  // For kObject: the object. For kCallable: nullptr.
  const Object* AsObject() const;
  // The hint of an undefined value ("" if none).
  std::string_view UndefinedHint() const;
  // Name of a macro or native callable ("" otherwise).
  std::string_view CallableName() const;

  // --- Python behaviour --------------------------------------------------------------------------
  bool Truthy() const;
  // Python str(x) and repr(x).
  std::string Str() const;
  std::string Repr() const;
  void AppendStr(std::string* out) const;
  void AppendRepr(std::string* out) const;
  // Python ==, with 1 == 1.0 == True, and deep comparison of containers.
  bool Equals(const Value& other) const;
  // Python hash consistent with Equals (for hashable kinds).
  size_t Hash() const;
  // Python type name for messages: 'int', 'str', 'list', 'dict', 'NoneType', ...
  std::string_view TypeName() const;

  // Internal access for the engine.
  internal::HeapObject* heap_ptr() const { return heap_ ? bits_.p : nullptr; }
  explicit Value(ValueKind kind, internal::HeapObject* adopted) noexcept
      : kind_(kind), heap_(adopted != nullptr) {
    bits_.p = adopted;
  }

 private:
  explicit Value(ValueKind kind) noexcept : kind_(kind), heap_(false) { bits_.i = 0; }
  [[gnu::always_inline]] void SetScalar(ValueKind kind, int64_t bits) noexcept {
    if (heap_) [[unlikely]] {
      Value old(std::move(*this));
    }
    kind_ = kind;
    heap_ = false;
    bits_.i = bits;
  }
  void ReleaseHeap() noexcept {
    // A count of 1 seen by an owner means no other reference exists, so nobody can race on the
    // count: the last release of an unshared object skips the atomic read-modify-write.
    if (bits_.p->refs.load(std::memory_order_acquire) == 1 ||
        bits_.p->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      delete bits_.p;
    }
  }

  ValueKind kind_;
  bool heap_;
  union Bits {
    int64_t i;
    double d;
    internal::HeapObject* p;
  } bits_;
};

inline bool operator==(const Value& a, const Value& b) { return a.Equals(b); }

// Converts a JSON document (object, array or scalar) into Values: objects become insertion-ordered
// dicts, arrays lists, integers exact ints, other numbers floats. Uses simdjson.
absl::StatusOr<Value> ValueFromJson(std::string_view json);

}  // namespace flinkdbt::jinja

#endif  // FLINKDBT_JINJA_VALUE_H_
