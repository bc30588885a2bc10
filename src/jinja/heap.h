// Heap payloads of jinja::Value (private to the jinja layer).
#ifndef FLINKDBT_SRC_JINJA_HEAP_H_
#define FLINKDBT_SRC_JINJA_HEAP_H_

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "flinkdbt/jinja/value.h"
#include "jinja/bigint.h"

namespace flinkdbt::jinja::internal {

struct StringObject : HeapObject {
  explicit StringObject(std::string s) : str(std::move(s)) {}
  std::string str;
  bool safe = false;  // Markup: not escaped again inside {% autoescape %}
};

inline Value MarkSafe(std::string s) {
  auto* o = new StringObject(std::move(s));
  o->safe = true;
  return Value(ValueKind::kString, o);
}
inline bool IsSafe(const Value& v) { return v.is_string() && static_cast<StringObject*>(v.heap_ptr())->safe; }

// Integers beyond 64 bits: an int128 while they fit, arbitrary precision beyond.
struct BigIntObject : HeapObject {
  int128 value = 0;
  bool big = false;  // `bigv` holds the value (it does not fit in 128 bits)
  BigInt bigv;
};

// The integer `b` as a Value (small, 128-bit or big, whichever fits).
Value IntFromBig(BigInt b);
// Python's int(d) for a finite double: truncated toward zero, exact at any magnitude.
Value IntFromDouble(double d);
// Any integer (or bool) Value as a BigInt.
BigInt ToBig(const Value& v);

struct UndefinedObject : HeapObject {
  explicit UndefinedObject(std::string h) : hint(std::move(h)) {}
  std::string hint;
};

struct ListObject : HeapObject {
  explicit ListObject(std::vector<Value> v) : items(std::move(v)) {}
  std::vector<Value> items;
};

// Whether the n bytes at p and q (sizeof(W) <= n <= 2 * sizeof(W)) are equal, compared as the
// two overlapping words at either end.
template <typename W>
inline bool SameEnds(const char* p, const char* q, size_t n) {
  W x, y, u, v;
  std::memcpy(&x, p, sizeof(W));
  std::memcpy(&y, q, sizeof(W));
  std::memcpy(&u, p + n - sizeof(W), sizeof(W));
  std::memcpy(&v, q + n - sizeof(W), sizeof(W));
  return ((x ^ y) | (u ^ v)) == 0;
}

// a == b for the short strings names and dict keys are, without a call into the library's memcmp.
inline bool SameText(std::string_view a, std::string_view b) {
  size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  if (p == q) return true;
  if (n > 16) return std::memcmp(p, q, n) == 0;
  if (n >= 8) return SameEnds<uint64_t>(p, q, n);
  if (n >= 4) return SameEnds<uint32_t>(p, q, n);
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

// A string key whose hash (ValueHasher) is already known: names in the AST carry theirs.
struct PrehashedKey {
  std::string_view s;
  size_t hash;
};

struct ValueHasher {
  using is_transparent = void;
  size_t operator()(const Value& v) const { return v.Hash(); }
  size_t operator()(std::string_view s) const;
  size_t operator()(const PrehashedKey& k) const { return k.hash; }
};
struct ValueEqual {
  using is_transparent = void;
  bool operator()(const Value& a, const Value& b) const { return a.Equals(b); }
  bool operator()(const Value& a, const PrehashedKey& b) const { return a.is_string() && SameText(a.AsString(), b.s); }
  bool operator()(const PrehashedKey& a, const Value& b) const { return b.is_string() && SameText(b.AsString(), a.s); }
  bool operator()(const Value& a, std::string_view b) const { return a.is_string() && a.AsString() == b; }
  bool operator()(std::string_view a, const Value& b) const { return b.is_string() && b.AsString() == a; }
};

struct DictObject;

// The target of weak references to a dict (see DictObject::WeakRef): reset when the dict dies.
struct WeakDictAnchor {
  std::atomic<int32_t> refs{1};
  std::atomic<const DictObject*> target{nullptr};
  void Unref() {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
};

// A weak reference to a dict: Get() is the dict while something else keeps it alive, else null.
// (Reading it while another thread drops the dict's last strong reference is a race the holder
// must avoid, as with any Value.)
class WeakDictRef {
 public:
  WeakDictRef() = default;
  explicit WeakDictRef(WeakDictAnchor* adopt) : a_(adopt) {}
  WeakDictRef(const WeakDictRef&) = delete;
  WeakDictRef& operator=(const WeakDictRef&) = delete;
  WeakDictRef& operator=(WeakDictRef&& o) noexcept {
    std::swap(a_, o.a_);
    return *this;
  }
  ~WeakDictRef() {
    if (a_ != nullptr) a_->Unref();
  }
  const DictObject* Get() const {
    return a_ == nullptr ? nullptr : a_->target.load(std::memory_order_acquire);
  }
  explicit operator bool() const { return a_ != nullptr; }

 private:
  WeakDictAnchor* a_ = nullptr;
};

// Insertion-ordered dict; a hash index is built once the dict grows past a few entries.
struct DictObject : HeapObject {
  ~DictObject() override {
    if (WeakDictAnchor* a = weak.load(std::memory_order_acquire)) {
      a->target.store(nullptr, std::memory_order_release);
      a->Unref();
    }
  }
  // A new weak reference to this dict.
  WeakDictRef WeakRef() const {
    WeakDictAnchor* a = weak.load(std::memory_order_acquire);
    if (a == nullptr) {
      auto* fresh = new WeakDictAnchor();
      fresh->target.store(this, std::memory_order_relaxed);
      if (weak.compare_exchange_strong(a, fresh, std::memory_order_acq_rel)) {
        a = fresh;
      } else {
        delete fresh;
      }
    }
    a->refs.fetch_add(1, std::memory_order_relaxed);
    return WeakDictRef(a);
  }
  mutable std::atomic<WeakDictAnchor*> weak{nullptr};  // owns one reference to the anchor

  std::vector<std::pair<Value, Value>> entries;
  absl::flat_hash_map<Value, uint32_t, ValueHasher, ValueEqual> index;  // empty while small
  static constexpr size_t kIndexThreshold = 8;

  int64_t FindIndex(const Value& key) const;
  int64_t FindIndex(std::string_view key) const;
  int64_t FindIndex(const PrehashedKey& key) const;
  void Set(Value key, Value value);
  bool Erase(const Value& key);
  void Reindex();
};

struct CallableObject : HeapObject {
  std::string name;
  NativeFunction fn;
};

struct ObjectBox : HeapObject {
  std::shared_ptr<const Object> object;
};

// Macro payload; defined by the renderer.
struct MacroObject;

// Dict/namespace lookup of a string key with a known hash; nullptr if absent or not a mapping.
inline const Value* FindPrehashed(const Value& m, std::string_view key, size_t hash) {
  if (!m.is_mapping()) return nullptr;
  auto* d = static_cast<DictObject*>(m.heap_ptr());
  int64_t i = d->FindIndex(PrehashedKey{key, hash});
  return i < 0 ? nullptr : &d->entries[i].second;
}

inline StringObject* Str(const Value& v) { return static_cast<StringObject*>(v.heap_ptr()); }
inline ListObject* List(const Value& v) { return static_cast<ListObject*>(v.heap_ptr()); }
inline DictObject* Dict(const Value& v) { return static_cast<DictObject*>(v.heap_ptr()); }

}  // namespace flinkdbt::jinja::internal

namespace flinkdbt::jinja {
// Appends the decimal digits of `v`.
void AppendInt128(std::string* out, int128 v);
// Appends Python's repr() of a str.
void AppendPyString(std::string* out, std::string_view s);
}  // namespace flinkdbt::jinja

#endif  // FLINKDBT_SRC_JINJA_HEAP_H_
