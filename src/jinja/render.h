// The evaluator (private to the jinja layer): walks a template's AST with a chain of frames,
// appending output to one string buffer.
#ifndef FLINKDBT_SRC_JINJA_RENDER_H_
#define FLINKDBT_SRC_JINJA_RENDER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "flinkdbt/jinja/environment.h"
#include "jinja/ast.h"
#include "jinja/heap.h"

namespace flinkdbt::jinja::internal {

// Intrusive reference to a HeapObject subclass.
template <typename T>
class Ref {
 public:
  Ref() = default;
  explicit Ref(T* adopt) : p_(adopt) {}
  Ref(const Ref& o) : p_(o.p_) {
    if (p_) p_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  Ref(Ref&& o) noexcept : p_(o.p_) { o.p_ = nullptr; }
  Ref& operator=(Ref o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~Ref() {
    // As Value: an owner seeing a count of 1 holds the only reference (no atomic needed).
    if (p_ && (p_->refs.load(std::memory_order_acquire) == 1 ||
               p_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)) {
      delete p_;
    }
  }
  T* get() const { return p_; }
  T* operator->() const { return p_; }
  // Gives up ownership without releasing.
  T* release() {
    T* p = p_;
    p_ = nullptr;
    return p;
  }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  T* p_ = nullptr;
};

// Hash and equality of scope variable names, accepting a name with its precomputed hash.
struct NameHasher {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return ValueHasher()(s); }
  size_t operator()(const PrehashedKey& k) const { return k.hash; }
};
struct NameEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return SameText(a, b); }
  bool operator()(std::string_view a, const PrehashedKey& b) const { return SameText(a, b.s); }
  bool operator()(const PrehashedKey& a, std::string_view b) const { return SameText(a.s, b); }
};

// {% block %} overrides of one render: most-derived first.
struct BlockTable {
  absl::flat_hash_map<std::string, std::vector<std::pair<const Node*, const TemplateImpl*>>> blocks;
};

// A scope. Root frames (one per template execution) also carry the render context dict and the
// block table; every other frame reads through to its parent.
struct Frame : HeapObject {
  // The enclosing scope, where lookups continue. Scopes made during a call (macro calls, loops,
  // blocks, includes) only borrow it: it outlives them. A scope that escapes its call (captured as a
  // macro's closure) is pinned first (Renderer::Pin): from then on the chain above it owns its
  // parents through `owned_parent`. Borrowing keeps macro calls and loops free of reference-count
  // traffic on the shared module scope.
  Frame* parent = nullptr;
  Ref<Frame> owned_parent;
  bool is_root = false;
  Value context;  // root frames: the context dict
  // Module scopes (MakeModule) hold their context dict weakly instead: the dict usually ends up
  // holding the module's macros, which hold this frame.
  WeakDictRef weak_context;
  // The dict names fall back to in a root frame (nullptr if none).
  const DictObject* ContextDict() const {
    if (context.is_mapping()) return static_cast<const DictObject*>(context.heap_ptr());
    return weak_context.Get();
  }
  std::shared_ptr<BlockTable> blocks;
  const TemplateImpl* impl = nullptr;  // root frames: the template
  absl::InlinedVector<std::pair<std::string_view, Value>, 6> vars;
  // Built when vars grows large; hashed as ValueHasher hashes strings, so names from the AST look
  // up with the hash the parser computed.
  absl::flat_hash_map<std::string_view, uint32_t, NameHasher, NameEqual> index;

  // `hash` is ValueHasher()(name) when known, else 0.
  Value* FindLocal(std::string_view name, size_t hash = 0) {
    if (!index.empty()) return FindIndexed(name, hash);
    for (auto& [k, v] : vars) {
      // Names are interned per template, so equal names usually share storage.
      if (SameText(k, name)) return &v;
    }
    return nullptr;
  }
  // The hashed lookup of a large scope, out of line: callers walking small scopes do not pay for
  // setting up the probe.
  [[gnu::noinline]] Value* FindIndexed(std::string_view name, size_t hash) {
    auto it = hash != 0 ? index.find(PrehashedKey{name, hash}) : index.find(name);
    return it == index.end() ? nullptr : &vars[it->second].second;
  }
  // Appends a name known not to be bound yet (macro parameters).
  void SetNew(std::string_view name, Value v) {
    vars.emplace_back(name, std::move(v));
    if (vars.size() > 12) {
      if (index.empty()) {
        for (size_t i = 0; i < vars.size(); ++i) index.emplace(vars[i].first, static_cast<uint32_t>(i));
      } else {
        index.emplace(name, static_cast<uint32_t>(vars.size() - 1));
      }
    }
  }
  void Set(std::string_view name, Value v) {
    if (Value* slot = FindLocal(name)) {
      *slot = std::move(v);
      return;
    }
    vars.emplace_back(name, std::move(v));
    if (!index.empty()) {
      index.emplace(name, static_cast<uint32_t>(vars.size() - 1));
    } else if (vars.size() > 12) {
      for (size_t i = 0; i < vars.size(); ++i) index.emplace(vars[i].first, static_cast<uint32_t>(i));
    }
  }
};

// A scope inside `parent`, borrowing it (see Frame::parent).
inline Ref<Frame> NewFrame(Frame* parent) {
  Ref<Frame> f(new Frame);  // not Frame(): no zero-fill of the whole object
  f->parent = parent;
  return f;
}

struct MacroObject : HeapObject {
  const Node* node = nullptr;  // kMacro or kCallBlock
  const TemplateImpl* impl = nullptr;
  std::shared_ptr<const Template> keep;  // keeps `node` alive
  Ref<Frame> closure;
  std::string name;
};

using ArgVector = absl::InlinedVector<Value, 4>;
using KwargVector = absl::InlinedVector<std::pair<std::string_view, Value>, 2>;

class Renderer : public CallContext {
 public:
  Renderer(const Environment& env, const RenderOptions& opts);
  ~Renderer() override;
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  // A new scope inside `parent` (borrowing it), reusing a spare one when there is one.
  Ref<Frame> AcquireFrame(Frame* parent) {
    if (spare_frames_.empty()) return NewFrame(parent);
    Frame* f = spare_frames_.back();
    spare_frames_.pop_back();
    f->parent = parent;
    return Ref<Frame>(f);
  }
  // Ends a scope from AcquireFrame: kept for reuse when nothing else holds it, else released.
  void RecycleFrame(Ref<Frame>& f);

  // CallContext
  void* user_data() const override { return opts_.user_data; }
  UndefinedMode undefined_mode() const override { return env_.options().undefined; }
  const Environment& environment() const override { return env_; }
  absl::StatusOr<Value> Call(const Value& callable, const CallArgs& args) override;
  Value Resolve(std::string_view name) const override;

  // Makes the next RenderRoot record the root template's output source map into *map.
  void EnableSourceMap(std::vector<SourceMapEntry>* map) {
    map->clear();
    smap_ = map;
  }

  // Entry points.
  absl::Status RenderRoot(std::shared_ptr<const Template> tmpl, const Value& context, std::string* out,
                          Ref<Frame>* root_out);

  // Helpers shared with the filters.
  absl::StatusOr<std::vector<Value>> Iterate(const Value& v);
  absl::Status UndefinedError(const Value& undef) const;
  absl::StatusOr<Value> GetAttr(const Value& obj, std::string_view name);
  absl::StatusOr<Value> GetItem(const Value& obj, const Value& key);
  // Jinja's environment.getattr for dotted filter attributes ("a.b").
  absl::StatusOr<Value> GetDotted(const Value& obj, const Value& attr);
  absl::StatusOr<Value> CallFilter(std::string_view name, const Value& subject, const CallArgs& args);
  absl::StatusOr<bool> CallTest(std::string_view name, const Value& subject, const CallArgs& args);
  bool autoescape() const { return autoescape_; }
  // `return(value)`: records the value; the caller then unwinds with ReturnSignal().
  void SetReturn(Value v) {
    returning_ = true;
    return_value_ = std::move(v);
  }
  int max_depth() const { return opts_.max_depth; }
  absl::StatusOr<Value> CallRecursiveLoop(const Node* n, Frame* f, const Value& iterable, int depth);
  absl::StatusOr<Value> CaptureBlock(const std::string& name, size_t index, Frame* f,
                                     const std::shared_ptr<BlockTable>& table);
  absl::Status ExecTemplate(std::shared_ptr<const Template> t, Frame* root);
  absl::StatusOr<Value> MakeModuleValue(std::shared_ptr<const Template> t, Frame* parent, bool with_context);

 private:
  friend class LoopObject;
  friend class SelfObject;
  absl::Status ExecBody(const std::vector<Node*>& body, Frame* f);
  // ExecBody for the root template's own nodes while a source map is being recorded.
  absl::Status ExecBodyMapped(const std::vector<Node*>& body, Frame* f);
  absl::Status Exec(const Node* n, Frame* f);
  absl::Status Eval(const Node* n, Frame* f, Value& out);
  absl::Status EvalSlow(const Node* n, Frame* f, Value& out);
  absl::Status ExecPrint(const Node* n, Frame* f);
  // Like Eval, but names and constants are borrowed instead of copied (no reference-count
  // traffic): *out points either into a frame/the AST or at `tmp`. Use the result before
  // evaluating anything else.
  absl::Status EvalRef(const Node* n, Frame* f, Value& tmp, const Value*& out);
  // Side-effect-free evaluation of the simple expressions templates use most (names, dict keys and
  // loop attributes, small-int arithmetic, `not`, `a if b else c`): the result (borrowed or in
  // `tmp`), or nullptr when `n` needs the full evaluator (which then starts over; nothing it did is
  // visible).
  const Value* EvalFast(const Node* n, Frame* f, Value& tmp);
  // EvalFast with names and constants resolved in place (no call for the commonest operands).
  [[gnu::always_inline]] const Value* EvalOperand(const Node* n, Frame* f, Value& tmp) {
    if (n->kind == NodeKind::kName) return LookupRef(n->name, f, n->name_hash);
    if (n->kind == NodeKind::kConst) return &n->value;
    return EvalFast(n, f, tmp);
  }
  // `hash` is ValueHasher()(name) when known (names in the AST), else 0.
  // *in_scope (if given) is set when the name was found in a scope's own variables (not a context
  // dict).
  [[gnu::always_inline]] const Value* LookupRef(std::string_view name, Frame* f, size_t hash = 0,
                                                bool* in_scope = nullptr) {
    // The innermost scope, when small, is scanned inline for the very name (names are interned per
    // template, so a hit usually shares storage); everything else takes the full walk.
    if (f != nullptr && f->index.empty()) {
      for (auto& [k, v] : f->vars) {
        if (k.data() == name.data() && k.size() == name.size()) {
          if (in_scope != nullptr) *in_scope = true;
          return &v;
        }
      }
    }
    return LookupRefSlow(name, f, hash, in_scope);
  }
  const Value* LookupRefSlow(std::string_view name, Frame* f, size_t hash, bool* in_scope);
  absl::Status EvalArgs(const Node* n, Frame* f, ArgVector& args, KwargVector& kwargs);
  absl::Status Lookup(std::string_view name, Frame* f, Value& out, size_t hash = 0);
  absl::Status ExecFor(const Node* n, Frame* f);
  struct RangeSpec {
    int64_t start = 0, step = 1, count = 0;
  };
  // Runs a for loop over `items`, over `*range`, or live over the list `*live` (then `items` is
  // empty).
  absl::Status RunLoop(const Node* n, Frame* f, std::vector<Value> items, int depth,
                       const RangeSpec* range = nullptr, const Value* live = nullptr);
  absl::Status Assign(const Node* target, const Value& v, Frame* f);
  absl::Status ExecInclude(const Node* n, Frame* f);
  absl::Status ExecImport(const Node* n, Frame* f);
  absl::Status RenderBlock(const std::string& name, size_t index, Frame* f,
                           const std::shared_ptr<BlockTable>& table);
  // Calls a macro. With `direct`, the macro's output is appended straight to *direct (no capture)
  // and *streamed is set; a return(value) instead rolls the output back and yields the value.
  // With `owned`, `args.positional` views *owned and the parameters are moved out of it.
  absl::StatusOr<Value> CallMacro(const MacroObject* m, const CallArgs& args, std::string* direct = nullptr,
                                  bool* streamed = nullptr, ArgVector* owned = nullptr);
  // Runs a macro whose scope `fr` has its arguments bound: `have[i]` tells whether parameter i is
  // (nullptr: all are); the others get their defaults. Output and `direct`/`streamed` as CallMacro.
  absl::StatusOr<Value> RunMacro(const MacroObject* m, Ref<Frame> fr, const bool* have, std::string* direct,
                                 bool* streamed);
  absl::StatusOr<Value> CallMethod(const Value& obj, std::string_view name, const CallArgs& args,
                                   bool* found);
  absl::Status Print(const Value& v);
  absl::Status Locate(absl::Status st, const Node* n) const {
    if (st.ok()) [[likely]]
      return st;
    return LocateSlow(std::move(st), n);
  }
  absl::Status LocateSlow(absl::Status st, const Node* n) const;
  absl::Status ErrorAt(const Node* n, std::string_view msg) const;
  absl::StatusOr<std::shared_ptr<const Template>> Load(const Value& name, const Node* n, bool ignore_missing);
  Value MakeMacro(const Node* n, Frame* f, std::string name);
  Frame* RootOf(Frame* f) const;

  const Environment& env_;
  RenderOptions opts_;
  std::string* out_ = nullptr;
  const TemplateImpl* impl_ = nullptr;  // template of the code being executed
  // Owner of impl_ (a MacroObject's or ExecTemplate's shared_ptr, alive while impl_ runs).
  const std::shared_ptr<const Template>* keep_ = nullptr;
  int depth_ = 0;
  enum class Flow { kNormal, kBreak, kContinue } flow_ = Flow::kNormal;
  bool returning_ = false;
  Value return_value_;
  bool autoescape_ = false;
  struct ActiveBlock {
    std::string name;
    size_t index;
    std::shared_ptr<BlockTable> table;
  };
  std::vector<ActiveBlock> active_blocks_;
  Frame* current_frame_ = nullptr;
  int64_t steps_ = 0;
  std::vector<Ref<Frame>> macro_frames_;  // frames that hold macros: frame <-> macro cycles
  // Macro-call and loop scopes that ended unshared, emptied for reuse (no allocation per call).
  std::vector<Frame*> spare_frames_;
  // Source map recording (Environment::Render with RenderOptions::source_map): sm_active_ is true
  // exactly while the nodes being executed are the root template's own and write to the output.
  std::vector<SourceMapEntry>* smap_ = nullptr;
  bool sm_active_ = false;
  bool sm_extended_ = false;  // the root template ran {% extends %} at sm_extends_offset_
  size_t sm_extends_offset_ = 0;

 public:
  // Breaks the frame <-> macro reference cycles created by this render by dropping the variables of
  // every frame that defined a macro, except `keep` (a module scope handed to the caller).
  void ReleaseCycles(const Frame* keep);
  // Remembers `f` as a frame that may hold macros (and so be part of a cycle).
  void TrackCycles(Frame* f);
  // Makes `f` and every scope above it own their parents (before `f` outlives the current call).
  static void Pin(Frame* f);

 private:
  absl::Status Budget();
  std::shared_ptr<const Template> pending_parent_;  // set by {% extends %}
  std::string discard_;                             // output after {% extends %}
};

// Arithmetic and comparison with Python semantics (errors are "TypeError: ..." statuses).
absl::StatusOr<Value> BinaryOp(BinOp op, const Value& a, const Value& b);
absl::StatusOr<bool> LessThan(const Value& a, const Value& b);
// Object::CompareError of whichever operand is a C++ object that words the TypeError itself.
std::optional<std::string> ObjectCompareError(const Value& a, const Value& b);
absl::StatusOr<bool> Contains(const Value& container, const Value& item);
absl::StatusOr<Value> PercentFormat(const Value& fmt, const Value& args);
// Code-point helpers.
std::vector<std::string_view> CodePoints(std::string_view s);
absl::StatusOr<Value> SliceValue(const Value& v, const Value& start, const Value& stop, const Value& step);
// str/list/dict methods; *found=false when `name` is not a method of obj's type.
absl::StatusOr<Value> CallBuiltinMethod(Renderer& r, const Value& obj, std::string_view name,
                                        const CallArgs& args, bool* found);
bool HasBuiltinMethod(const Value& obj, std::string_view name);
// The types a method name belongs to, as bits (resolved once per attribute node by the parser).
enum : uint8_t { kStrMethod = 1, kListMethod = 2, kTupleMethod = 4, kDictMethod = 8 };
uint8_t BuiltinMethodKinds(std::string_view name);
inline bool HasBuiltinMethod(const Value& obj, uint8_t kinds) {
  switch (obj.kind()) {
    case ValueKind::kString:
      return (kinds & kStrMethod) != 0;
    case ValueKind::kList:
      return (kinds & kListMethod) != 0;
    case ValueKind::kTuple:
      return (kinds & kTupleMethod) != 0;
    case ValueKind::kDict:
      return (kinds & kDictMethod) != 0;
    default:
      return false;
  }
}
// `loop.index` & co. resolved at parse time: 1..9 for the numeric/boolean attributes, 0 otherwise.
uint8_t LoopAttributeCode(std::string_view name);
// Whether `v` is a range() object; if so its start, step and length.
bool GetRange(const Value& v, int64_t* start, int64_t* step, int64_t* count);
// Builtin globals (range, dict, lipsum, cycler, joiner, namespace, return); undefined if absent.
const Value* FindBuiltinGlobal(std::string_view name);
// The "x object" description Jinja uses in undefined messages.
std::string ObjectTypeRepr(const Value& v);
// Marker status used to unwind a `return(...)`.
absl::Status ReturnSignal();
bool IsReturnSignal(const absl::Status& st);

}  // namespace flinkdbt::jinja::internal

#endif  // FLINKDBT_SRC_JINJA_RENDER_H_
