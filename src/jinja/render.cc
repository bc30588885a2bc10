#include "jinja/render.h"

#include <charconv>
#include <cassert>
#include <cmath>
#include <typeinfo>

#include "absl/strings/cord.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/base/utf8.h"
#include "fmt/format.h"

namespace flinkdbt::jinja::internal {
namespace {

constexpr std::string_view kReturnMessage = "__flinkdbt_jinja_return__";

// Hands a scope from Renderer::AcquireFrame back when it goes out of scope (on every return path).
struct RecycleOnExit {
  RecycleOnExit(Renderer* renderer, Ref<Frame>* frame) : r(renderer), f(frame) {}
  Renderer* r;
  Ref<Frame>* f;
  RecycleOnExit(const RecycleOnExit&) = delete;
  RecycleOnExit& operator=(const RecycleOnExit&) = delete;
  ~RecycleOnExit() { r->RecycleFrame(*f); }
};


// out->append(s), without a call into the library for the one- and two-byte pieces (separators,
// punctuation) templates print most.
inline void AppendShort(const char* p, size_t n, std::string* out) {
  if (n == 1) {
    out->push_back(p[0]);
  } else {
    out->append(p, n);
  }
}
inline void AppendShort(std::string_view s, std::string* out) { AppendShort(s.data(), s.size(), out); }

// Appends str(v) when v is a string or a small int (what most {{ }} print); false otherwise.
inline bool AppendPlain(const Value& v, std::string* out) {
  if (v.is_string()) {
    AppendShort(static_cast<const StringObject*>(v.heap_ptr())->str, out);
    return true;
  }
  if (v.is_small_int()) {
    int64_t i = v.AsSmallInt();
    if (i >= 0 && i < 10) {
      out->push_back(static_cast<char>('0' + i));
      return true;
    }
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof(buf), i);
    AppendShort(buf, static_cast<size_t>(r.ptr - buf), out);
    return true;
  }
  if (v.is_bool()) {
    out->append(v.AsBool() ? "True" : "False");
    return true;
  }
  return false;
}

void AppendEscaped(std::string* out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&':
        out->append("&amp;");
        break;
      case '<':
        out->append("&lt;");
        break;
      case '>':
        out->append("&gt;");
        break;
      case '"':
        out->append("&#34;");
        break;
      case '\'':
        out->append("&#39;");
        break;
      default:
        out->push_back(c);
    }
  }
}

}  // namespace

absl::Status ReturnSignal() { return absl::CancelledError(ToAbsl(kReturnMessage)); }
bool IsReturnSignal(const absl::Status& st) {
  return st.code() == absl::StatusCode::kCancelled && ToStd(st.message()) == kReturnMessage;
}

std::string ObjectTypeRepr(const Value& v) {
  if (v.is_none()) return "None";
  if (v.is_object()) return fmt::format("{} object", v.AsObject()->TypeName());
  if (v.is_namespace()) return "jinja2.utils.Namespace object";
  if (v.is_macro()) return "jinja2.runtime.Macro object";
  return fmt::format("{} object", v.TypeName());
}

// The `loop` variable of a for loop.
class LoopObject : public Object {
 public:
  std::string_view TypeName() const override { return "LoopContext"; }
  std::optional<Value> GetAttr(std::string_view name) const override {
    if (uint8_t code = LoopAttributeCode(name); code != 0) return Attribute(code);
    if (name == "previtem") {
      if (index0 == 0) return Value::UndefinedWithHint("there is no previous item");
      return At(index0 - 1);
    }
    if (name == "nextitem") {
      if (!HasNext()) return Value::UndefinedWithHint("there is no next item");
      return At(index0 + 1);
    }
    if (name == "cycle") {
      int64_t i = index0;
      return Value::Callable("cycle", [i](CallContext&, const CallArgs& args) -> absl::StatusOr<Value> {
        if (args.positional.empty())
          return absl::InvalidArgumentError("TypeError: no items for cycling given");
        return args.positional[i % args.positional.size()];
      });
    }
    if (name == "changed") {
      const LoopObject* self = this;
      return Value::Callable("changed", [self](CallContext&, const CallArgs& args) -> absl::StatusOr<Value> {
        Value now = Value::Tuple(std::vector<Value>(args.positional.begin(), args.positional.end()));
        if (self->has_last && self->last_changed.Equals(now)) return Value::Bool(false);
        self->has_last = true;
        self->last_changed = now;
        return Value::Bool(true);
      });
    }
    return std::nullopt;
  }
  absl::StatusOr<Value> Call(CallContext& ctx, const CallArgs& args) const override {
    if (!recursive) {
      return absl::InvalidArgumentError(
          "TypeError: Tried to call non recursive loop.  Maybe you forgot the 'recursive' modifier.");
    }
    auto& r = static_cast<Renderer&>(ctx);
    if (args.positional.size() != 1) return absl::InvalidArgumentError("TypeError: loop() takes 1 argument");
    return r.CallRecursiveLoop(node, frame, args.positional[0], depth0 + 1);
  }
  std::string Str() const override { return "<LoopContext>"; }

  // The items there are now: a live list's current length.
  [[gnu::always_inline]] int64_t available() const {
    if (range) return range_count;
    if (live.is_list()) return static_cast<int64_t>(List(live)->items.size());
    return static_cast<int64_t>(items.size());
  }
  // loop.length: for a live list, fixed when first asked, as Jinja's LoopContext counts the
  // remaining items once.
  int64_t size() const {
    if (!live.is_list()) return available();
    if (frozen_length < 0) frozen_length = available();
    return frozen_length;
  }
  // loop.last and loop.nextitem peek at the live sequence, as Jinja's LoopContext does.
  [[gnu::always_inline]] bool HasNext() const { return index0 + 1 < available(); }
  Value At(int64_t i) const {
    if (range) return Value::Int(range_start + i * range_step);
    if (live.is_list()) {
      const auto& now = List(live)->items;  // the body may have popped it since
      return static_cast<size_t>(i) < now.size() ? now[static_cast<size_t>(i)] : Value();
    }
    return items[static_cast<size_t>(i)];
  }
  Value Attribute(uint8_t code) const {
    Value v;
    Attribute(code, v);
    return v;
  }
  [[gnu::always_inline]] void Attribute(uint8_t code, Value& out) const {
    switch (code) {
      case 1:
        return out.SetInt(index0 + 1);
      case 2:
        return out.SetInt(index0);
      case 3:
        return out.SetBool(index0 == 0);
      case 4:
        return out.SetBool(!HasNext());
      case 5:
        return out.SetInt(size());
      case 6:
        return out.SetInt(size() - index0);
      case 7:
        return out.SetInt(size() - index0 - 1);
      case 8:
        return out.SetInt(depth0 + 1);
      default:
        return out.SetInt(depth0);
    }
  }

  std::vector<Value> items;  // unless `range` or `live`
  Value live;                // a list iterated live (Python's list iterator sees appends and pops)
  mutable int64_t frozen_length = -1;
  bool range = false;  // iterating range(range_start, ..., range_step): items not materialised
  int64_t range_start = 0, range_step = 1, range_count = 0;
  int64_t index0 = 0;
  int depth0 = 0;
  bool recursive = false;
  const Node* node = nullptr;
  Frame* frame = nullptr;  // the frame the loop runs in (alive while the loop runs)
  mutable bool has_last = false;
  mutable Value last_changed;
};

uint8_t LoopAttributeCode(std::string_view name) {
  static constexpr std::string_view kNames[] = {"index",    "index0",    "first", "last",  "length",
                                                "revindex", "revindex0", "depth", "depth0"};
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (kNames[i] == name) return static_cast<uint8_t>(i + 1);
  }
  return 0;
}


// `self`: the blocks of the template being rendered.
class SelfObject : public Object {
 public:
  SelfObject(std::shared_ptr<BlockTable> t, Frame* root) : table(std::move(t)), root(root) {}
  std::string_view TypeName() const override { return "TemplateReference"; }
  std::optional<Value> GetAttr(std::string_view name) const override {
    if (!table->blocks.contains(ToAbsl(name))) return std::nullopt;
    std::string n(name);
    auto t = table;
    Frame* rt = root;
    return Value::Callable(n, [n, t, rt](CallContext& ctx, const CallArgs&) -> absl::StatusOr<Value> {
      return static_cast<Renderer&>(ctx).CaptureBlock(n, 0, rt, t);
    });
  }
  std::shared_ptr<BlockTable> table;
  Frame* root;
};

Renderer::Renderer(const Environment& env, const RenderOptions& opts) : env_(env), opts_(opts) {}

Renderer::~Renderer() {
  for (Frame* f : spare_frames_) delete f;
}

void Renderer::RecycleFrame(Ref<Frame>& f) {
  Frame* p = f.get();
  // Only a scope nobody else references (not captured, not tracked). Scopes from AcquireFrame are
  // never roots, so they carry nothing else than their variables and parent links.
  if (p == nullptr || p->refs.load(std::memory_order_acquire) != 1 || p->owned_parent ||
      spare_frames_.size() >= 64) {
    return;  // `f` releases it as usual
  }
  assert(!p->is_root && !p->blocks && p->impl == nullptr && p->context.is_undefined() && !p->weak_context);
  f.release();
  p->vars.clear();  // may run destructors of values, but none can reach `p` (it is unshared)
  p->index.clear();
  p->parent = nullptr;
  spare_frames_.push_back(p);
}

absl::Status Renderer::ErrorAt(const Node* n, std::string_view msg) const {
  if (impl_ == nullptr) return absl::InvalidArgumentError(ToAbsl(msg));
  return MakeError(absl::StatusCode::kInvalidArgument, *impl_, n ? n->offset : 0, msg);
}

absl::Status Renderer::LocateSlow(absl::Status st, const Node* n) const {
  if (st.ok() || IsReturnSignal(st) || GetLocation(st).has_value() || impl_ == nullptr) return st;
  return MakeError(st.code(), *impl_, n ? n->offset : 0, ToStd(st.message()));
}

absl::Status Renderer::UndefinedError(const Value& undef) const {
  std::string_view hint = undef.UndefinedHint();
  return absl::InvalidArgumentError(
      fmt::format("UndefinedError: {}", hint.empty() ? std::string_view("value is undefined") : hint));
}

Frame* Renderer::RootOf(Frame* f) const {
  while (f != nullptr && !f->is_root) f = f->parent;
  return f;
}

Value Renderer::Resolve(std::string_view name) const {
  Value out;
  const_cast<Renderer*>(this)->Lookup(name, current_frame_, out).IgnoreError();
  return out;
}

namespace {
const Value* FindInContext(const Frame* fr, std::string_view name, size_t hash) {
  const DictObject* d = fr->ContextDict();
  if (d == nullptr) return nullptr;
  int64_t i = hash != 0 ? d->FindIndex(PrehashedKey{name, hash}) : d->FindIndex(name);
  return i < 0 ? nullptr : &d->entries[i].second;
}
}  // namespace

const Value* Renderer::LookupRefSlow(std::string_view name, Frame* f, size_t hash, bool* in_scope) {
  for (Frame* fr = f; fr != nullptr; fr = fr->parent) {
    if (Value* v = fr->FindLocal(name, hash)) {
      if (in_scope != nullptr) *in_scope = true;
      return v;
    }
    if (fr->is_root) {
      if (const Value* v = FindInContext(fr, name, hash)) return v;
    }
  }
  return nullptr;
}

namespace {
// Python truthiness, inline for the kinds conditions mostly test.
inline bool TruthyFast(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kBool:
      return v.AsBool();
    case ValueKind::kNone:
      return false;
    case ValueKind::kString:
      return !v.AsString().empty();
    default:
      return v.is_small_int() ? v.AsSmallInt() != 0 : v.Truthy();
  }
}
}  // namespace

const Value* Renderer::EvalFast(const Node* n, Frame* f, Value& tmp) {
  switch (n->kind) {
    case NodeKind::kConst:
      return &n->value;
    case NodeKind::kName:
      return LookupRef(n->name, f, n->name_hash);
    case NodeKind::kGetAttr: {
      Value otmp;
      const Value* obj = EvalOperand(n->a, f, otmp);
      if (obj == nullptr) return nullptr;
      if (n->op != 0 && obj->is_object()) {
        const Object* o = static_cast<const ObjectBox*>(obj->heap_ptr())->object.get();
        if (o == nullptr || typeid(*o) != typeid(LoopObject)) return nullptr;
        static_cast<const LoopObject*>(o)->Attribute(n->op, tmp);
        return &tmp;
      }
      if (!obj->is_mapping() || (obj->is_dict() && n->maybe_method)) return nullptr;
      const Value* v = FindPrehashed(*obj, n->name, n->name_hash);
      if (v == nullptr) return nullptr;
      if (obj != &otmp) return v;  // points into a container that outlives this call
      tmp = *v;
      return &tmp;
    }
    case NodeKind::kBinary: {
      Value atmp, btmp;
      const Value* a = EvalOperand(n->a, f, atmp);
      if (a == nullptr || !a->is_small_int()) return nullptr;
      const Value* b = EvalOperand(n->b, f, btmp);
      if (b == nullptr || !b->is_small_int()) return nullptr;
      int64_t x = a->AsSmallInt(), y = b->AsSmallInt(), r;
      bool overflow;
      switch (static_cast<BinOp>(n->op)) {
        case BinOp::kAdd:
          overflow = __builtin_add_overflow(x, y, &r);
          break;
        case BinOp::kSub:
          overflow = __builtin_sub_overflow(x, y, &r);
          break;
        case BinOp::kMul:
          overflow = __builtin_mul_overflow(x, y, &r);
          break;
        default:
          return nullptr;
      }
      if (overflow) return nullptr;
      tmp.SetInt(r);
      return &tmp;
    }
    case NodeKind::kNot: {
      Value vtmp;
      const Value* v = EvalOperand(n->a, f, vtmp);
      if (v == nullptr || v->is_undefined()) return nullptr;
      tmp.SetBool(!TruthyFast(*v));
      return &tmp;
    }
    case NodeKind::kCondExpr: {
      Value ctmp;
      const Value* c = EvalOperand(n->b, f, ctmp);
      if (c == nullptr || c->is_undefined()) return nullptr;
      if (TruthyFast(*c)) return EvalOperand(n->a, f, tmp);
      if (n->c != nullptr) return EvalOperand(n->c, f, tmp);
      if (undefined_mode() == UndefinedMode::kStrict) return nullptr;  // the full path words the error
      tmp = Value();
      return &tmp;
    }
    case NodeKind::kCompare: {
      // One comparison of strings or small ints, or membership in a string/list/tuple/dict.
      if (n->args.size() != 1) return nullptr;
      Value ltmp, rtmp;
      const Value* l = EvalOperand(n->a, f, ltmp);
      if (l == nullptr || l->is_undefined()) return nullptr;
      const Value* r = EvalOperand(n->args[0], f, rtmp);
      if (r == nullptr || r->is_undefined()) return nullptr;
      bool result;
      CmpOp op = static_cast<CmpOp>(n->ops[0]);
      if (op == CmpOp::kIn || op == CmpOp::kNotIn) {
        if (!(r->is_string() || r->is_sequence() || r->is_dict())) return nullptr;
        absl::StatusOr<bool> in = Contains(*r, *l);
        if (!in.ok()) return nullptr;
        result = *in == (op == CmpOp::kIn);
      } else if (op == CmpOp::kEq || op == CmpOp::kNe) {
        bool eq = l->is_string() && r->is_string() ? SameText(Str(*l)->str, Str(*r)->str) : l->Equals(*r);
        result = eq == (op == CmpOp::kEq);
      } else {
        int c;
        if (l->is_small_int() && r->is_small_int()) {
          c = l->AsSmallInt() < r->AsSmallInt() ? -1 : l->AsSmallInt() > r->AsSmallInt() ? 1 : 0;
        } else if (l->is_string() && r->is_string()) {
          c = l->AsString().compare(r->AsString());
        } else {
          return nullptr;
        }
        result = op == CmpOp::kLt ? c < 0 : op == CmpOp::kLe ? c <= 0 : op == CmpOp::kGt ? c > 0 : c >= 0;
      }
      tmp.SetBool(result);
      return &tmp;
    }
    case NodeKind::kCall: {
      // s.startswith(x) / s.endswith(x) with a str subject and one str argument (pure, no
      // allocation; a tuple of prefixes and everything else take the full path).
      const Node* callee = n->a;
      if (callee->kind != NodeKind::kGetAttr || (callee->maybe_method & kStrMethod) == 0 || n->args.size() != 1 ||
          !n->kwargs.empty() || n->c != nullptr || n->d != nullptr) {
        return nullptr;
      }
      bool starts = callee->name == "startswith";
      if (!starts && callee->name != "endswith") return nullptr;
      Value otmp, atmp;
      const Value* obj = EvalOperand(callee->a, f, otmp);
      if (obj == nullptr || !obj->is_string()) return nullptr;
      const Value* arg = EvalOperand(n->args[0], f, atmp);
      if (arg == nullptr || !arg->is_string()) return nullptr;
      std::string_view s = obj->AsString();
      tmp.SetBool(starts ? s.starts_with(arg->AsString()) : s.ends_with(arg->AsString()));
      return &tmp;
    }
    default:
      return nullptr;
  }
}

absl::Status Renderer::EvalRef(const Node* n, Frame* f, Value& tmp, const Value*& out) {
  if (const Value* v = EvalOperand(n, f, tmp)) {
    out = v;
    return absl::OkStatus();
  }
  out = &tmp;
  return Eval(n, f, tmp);
}

absl::Status Renderer::Lookup(std::string_view name, Frame* f, Value& out, size_t hash) {
  for (Frame* fr = f; fr != nullptr; fr = fr->parent) {
    if (Value* v = fr->FindLocal(name, hash)) {
      out = *v;
      return absl::OkStatus();
    }
    if (fr->is_root) {
      if (const Value* v = FindInContext(fr, name, hash)) {
        out = *v;
        return absl::OkStatus();
      }
    }
  }
  if (name == "self") {
    if (Frame* root = RootOf(f); root != nullptr && root->blocks) {
      out = Value::FromObject(std::make_shared<SelfObject>(root->blocks, root));
      return absl::OkStatus();
    }
  }
  if (name == "super" && !active_blocks_.empty()) {
    ActiveBlock ab = active_blocks_.back();
    Frame* root = RootOf(f);
    out = Value::Callable("super", [ab, root](CallContext& ctx, const CallArgs&) -> absl::StatusOr<Value> {
      auto& r = static_cast<Renderer&>(ctx);
      auto it = ab.table->blocks.find(ab.name);
      if (it == ab.table->blocks.end() || ab.index + 1 >= it->second.size()) {
        return absl::InvalidArgumentError(
            fmt::format("UndefinedError: there is no parent block called '{}'.", ab.name));
      }
      return r.CaptureBlock(ab.name, ab.index + 1, root, ab.table);
    });
    return absl::OkStatus();
  }
  auto g = env_.globals().find(ToAbsl(name));
  if (g != env_.globals().end()) {
    out = g->second;
    return absl::OkStatus();
  }
  if (const Value* b = FindBuiltinGlobal(name)) {
    out = *b;
    return absl::OkStatus();
  }
  out = Value::UndefinedWithHint(fmt::format("'{}' is undefined", name));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Value>> Renderer::Iterate(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kList:
    case ValueKind::kTuple: {
      auto items = v.Items();
      return std::vector<Value>(items.begin(), items.end());
    }
    case ValueKind::kDict:
    case ValueKind::kNamespace: {
      std::vector<Value> keys;
      keys.reserve(v.DictItems().size());
      for (const auto& [k, val] : v.DictItems()) keys.push_back(k);
      return keys;
    }
    case ValueKind::kString: {
      std::vector<Value> chars;
      for (std::string_view cp : CodePoints(v.AsString())) chars.push_back(Value::String(cp));
      return chars;
    }
    case ValueKind::kUndefined:
      if (undefined_mode() == UndefinedMode::kStrict) return UndefinedError(v);
      return std::vector<Value>{};
    case ValueKind::kObject: {
      auto items = v.AsObject()->Iterate();
      if (items) return *std::move(items);
      break;
    }
    default:
      break;
  }
  return absl::InvalidArgumentError(fmt::format("TypeError: '{}' object is not iterable", v.TypeName()));
}

absl::Status Renderer::Print(const Value& v) {
  if (v.is_string()) {
    if (autoescape_ && !IsSafe(v)) {
      AppendEscaped(out_, v.AsString());
    } else {
      out_->append(v.AsString());
    }
    return absl::OkStatus();
  }
  if (v.is_undefined()) {
    if (undefined_mode() == UndefinedMode::kStrict) return UndefinedError(v);
    return absl::OkStatus();
  }
  if (autoescape_) {
    AppendEscaped(out_, v.Str());
  } else {
    v.AppendStr(out_);
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Statements

absl::Status Renderer::Budget() {
  if (opts_.max_steps > 0 && ++steps_ > opts_.max_steps) {
    return absl::ResourceExhaustedError(
        fmt::format("RenderLimitError: more than {} statements executed", opts_.max_steps));
  }
  if (opts_.max_output_bytes > 0 && static_cast<int64_t>(out_->size()) > opts_.max_output_bytes) {
    return absl::ResourceExhaustedError(
        fmt::format("RenderLimitError: output larger than {} bytes", opts_.max_output_bytes));
  }
  return absl::OkStatus();
}

absl::Status Renderer::ExecBody(const std::vector<Node*>& body, Frame* f) {
  if (sm_active_) [[unlikely]]
    return ExecBodyMapped(body, f);
  if (opts_.max_steps > 0 || opts_.max_output_bytes > 0) FLINKDBT_RETURN_IF_ERROR(Budget());
  for (const Node* n : body) {
    if (n->kind == NodeKind::kText) {
      AppendShort(static_cast<StringObject*>(n->value.heap_ptr())->str, out_);
      continue;
    }
    // {{ expr }} where expr is simple and yields a string, a small int or (outside strict mode)
    // undefined: printed in place.
    if (n->kind == NodeKind::kPrint && !autoescape_ && n->a->kind != NodeKind::kCall) {
      Value tmp;
      const Value* v = EvalOperand(n->a, f, tmp);
      if (v != nullptr) {
        if (AppendPlain(*v, out_)) continue;
        if (v->is_undefined() && undefined_mode() != UndefinedMode::kStrict) continue;
      }
    } else if (n->kind == NodeKind::kIf) {
      // {% if simple %}: the branch runs without a trip through Exec.
      Value tmp;
      const Value* v = nullptr;
      const Node* c = n->a;
      if (c->kind == NodeKind::kGetAttr && c->op != 0 && c->a->kind == NodeKind::kName) {
        // {% if loop.first %}, {% if loop.last %}...: read in place.
        const Value* lv = LookupRef(c->a->name, f, c->a->name_hash);
        if (lv != nullptr && lv->is_object()) {
          const Object* o = static_cast<const ObjectBox*>(lv->heap_ptr())->object.get();
          if (o != nullptr && typeid(*o) == typeid(LoopObject)) {
            static_cast<const LoopObject*>(o)->Attribute(c->op, tmp);
            v = &tmp;
          }
        }
      }
      if (v == nullptr) v = EvalOperand(c, f, tmp);
      if (v != nullptr && !v->is_undefined()) {
        const std::vector<Node*>& branch = TruthyFast(*v) ? n->body : n->else_body;
        if (branch.size() == 1 && branch[0]->kind == NodeKind::kText && !sm_active_ && opts_.max_steps <= 0 &&
            opts_.max_output_bytes <= 0) {
          AppendShort(static_cast<StringObject*>(branch[0]->value.heap_ptr())->str, out_);
          continue;
        }
        current_frame_ = f;
        absl::Status st = ExecBody(branch, f);
        if (!st.ok()) return st;
        if (flow_ != Flow::kNormal) return absl::OkStatus();
        continue;
      }
    }
    absl::Status st = n->kind == NodeKind::kPrint ? ExecPrint(n, f) : Exec(n, f);
    if (!st.ok()) return st;
    if (flow_ != Flow::kNormal) return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status Renderer::ExecBodyMapped(const std::vector<Node*>& body, Frame* f) {
  if (opts_.max_steps > 0 || opts_.max_output_bytes > 0) FLINKDBT_RETURN_IF_ERROR(Budget());
  for (const Node* n : body) {
    size_t start = out_->size();
    if (!sm_active_) {
      // The root template ran {% extends %}: the rest of its top level writes nowhere.
      absl::Status st = Exec(n, f);
      if (!st.ok()) return st;
    } else if (n->kind == NodeKind::kText) {
      out_->append(static_cast<StringObject*>(n->value.heap_ptr())->str);
      if (out_->size() > start) smap_->push_back(SourceMapEntry{start, n->tag_offset, true});
      continue;
    } else if (n->kind == NodeKind::kIf || n->kind == NodeKind::kFor || n->kind == NodeKind::kWith ||
               n->kind == NodeKind::kAutoescape || n->kind == NodeKind::kBlock) {
      // Containers: their bodies are the root template's own nodes and record themselves.
      absl::Status st = Exec(n, f);
      if (!st.ok()) return st;
    } else {
      sm_active_ = false;
      absl::Status st = n->kind == NodeKind::kPrint ? ExecPrint(n, f) : Exec(n, f);
      if (!st.ok()) {
        sm_active_ = true;
        return st;
      }
      if (n->kind == NodeKind::kExtends) {
        // Output now goes nowhere until the parent layout runs (ExecTemplate attributes all of it
        // to this tag); recording stays off.
        sm_extended_ = true;
        sm_extends_offset_ = n->tag_offset;
      } else {
        sm_active_ = true;
        if (out_->size() > start) smap_->push_back(SourceMapEntry{start, n->tag_offset, false});
      }
    }
    if (flow_ != Flow::kNormal) return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status Renderer::ExecPrint(const Node* n, Frame* f) {
  current_frame_ = f;
  // {{ macro(...) }}: the macro writes straight into the output.
  if (n->a->kind == NodeKind::kCall && n->a->a->kind == NodeKind::kName && !autoescape_) {
    const Node* call = n->a;
    bool in_scope = false;
    const Value* fnp = LookupRef(call->a->name, f, call->a->name_hash, &in_scope);
    if (fnp != nullptr && fnp->is_macro()) {
      // A macro bound in a scope stays bound for the whole call: only statements run in that
      // scope can rebind the name, and they wait for the call. One found in a context dict is held,
      // since C++ code may replace the dict's entries.
      Value held;
      if (!in_scope) held = *fnp;
      const auto* m = static_cast<const MacroObject*>(fnp->heap_ptr());
      bool streamed = false;
      absl::StatusOr<Value> r{Value()};  // (a default StatusOr builds an error status out of line)
      const Node* mn = m->node;
      if (call->kwargs.empty() && call->c == nullptr && call->d == nullptr &&
          call->args.size() == mn->params.size() && !mn->has_caller && !mn->has_kwargs && !mn->has_varargs) {
        // As many positional arguments as parameters, nothing else: each argument is evaluated
        // straight into the macro's new scope.
        Ref<Frame> fr = AcquireFrame(m->closure.get());
        size_t nparams = call->args.size();
        fr->vars.reserve(nparams + 2);
        for (size_t i = 0; i < nparams; ++i) {
          fr->vars.emplace_back(mn->params[i], Value());
          FLINKDBT_RETURN_IF_ERROR(Eval(call->args[i], f, fr->vars.back().second));
        }
        if (nparams > 12) {
          for (size_t i = 0; i < nparams; ++i) fr->index.emplace(fr->vars[i].first, static_cast<uint32_t>(i));
        }
        r = RunMacro(m, std::move(fr), nullptr, out_, &streamed);
      } else {
        ArgVector args;
        KwargVector kwargs;
        FLINKDBT_RETURN_IF_ERROR(EvalArgs(call, f, args, kwargs));
        r = CallMacro(m, CallArgs{args, kwargs}, out_, &streamed, &args);
      }
      if (!r.ok()) return Locate(r.status(), call);
      if (streamed) return absl::OkStatus();
      return Locate(Print(*r), call);
    }
  }
  Value tmp;
  const Value* v;
  FLINKDBT_RETURN_IF_ERROR(EvalRef(n->a, f, tmp, v));
  return Locate(Print(*v), n->a);
}

absl::Status Renderer::Exec(const Node* n, Frame* f) {
  current_frame_ = f;
  switch (n->kind) {
    case NodeKind::kText:
      out_->append(n->value.AsString());
      return absl::OkStatus();
    case NodeKind::kPrint:
      return ExecPrint(n, f);
    case NodeKind::kIf: {
      Value tmp;
      const Value* v;
      FLINKDBT_RETURN_IF_ERROR(EvalRef(n->a, f, tmp, v));
      if (v->is_undefined() && undefined_mode() == UndefinedMode::kStrict) {
        return Locate(UndefinedError(*v), n->a);
      }
      return ExecBody(TruthyFast(*v) ? n->body : n->else_body, f);
    }
    case NodeKind::kFor:
      return ExecFor(n, f);
    case NodeKind::kSet: {
      Value v;
      FLINKDBT_RETURN_IF_ERROR(Eval(n->b, f, v));
      return Locate(Assign(n->a, v, f), n);
    }
    case NodeKind::kSetBlock: {
      std::string buf;
      std::swap(buf, *out_);
      absl::Status st = ExecBody(n->body, f);
      std::swap(buf, *out_);
      FLINKDBT_RETURN_IF_ERROR(st);
      Value v = Value::String(std::move(buf));
      if (n->c != nullptr) {
        // Apply the filter chain with the captured text as the innermost subject.
        std::vector<const Node*> chain;
        for (const Node* c = n->c; c != nullptr; c = c->a) chain.push_back(c);
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
          const Node* flt = *it;
          ArgVector args;
          KwargVector kwargs;
          FLINKDBT_RETURN_IF_ERROR(EvalArgs(flt, f, args, kwargs));
          CallArgs ca{args, kwargs};
          auto r = CallFilter(flt->name, v, ca);
          if (!r.ok()) return Locate(r.status(), flt);
          v = *std::move(r);
        }
      }
      return Locate(Assign(n->a, v, f), n);
    }
    case NodeKind::kMacro:
      f->Set(n->name, MakeMacro(n, f, std::string(n->name)));
      return absl::OkStatus();
    case NodeKind::kCustomBlock:
      f->Set(n->a->name, MakeMacro(n->a, f, std::string(n->a->name)));
      return absl::OkStatus();
    case NodeKind::kCallBlock: {
      Value caller = MakeMacro(n, f, "caller");
      const Node* call = n->a;
      Value fn;
      FLINKDBT_RETURN_IF_ERROR(Eval(call->a, f, fn));
      ArgVector args;
      KwargVector kwargs;
      FLINKDBT_RETURN_IF_ERROR(EvalArgs(call, f, args, kwargs));
      kwargs.emplace_back("caller", caller);
      auto r = Call(fn, CallArgs{args, kwargs});
      if (!r.ok()) return Locate(r.status(), call);
      return Locate(Print(*r), n);
    }
    case NodeKind::kFilterBlock: {
      std::string buf;
      std::swap(buf, *out_);
      absl::Status st = ExecBody(n->body, f);
      std::swap(buf, *out_);
      FLINKDBT_RETURN_IF_ERROR(st);
      Value v = Value::String(std::move(buf));
      std::vector<const Node*> chain;
      for (const Node* c = n->a; c != nullptr; c = c->a) chain.push_back(c);
      for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        ArgVector args;
        KwargVector kwargs;
        FLINKDBT_RETURN_IF_ERROR(EvalArgs(*it, f, args, kwargs));
        auto r = CallFilter((*it)->name, v, CallArgs{args, kwargs});
        if (!r.ok()) return Locate(r.status(), *it);
        v = *std::move(r);
      }
      return Locate(Print(v), n);
    }
    case NodeKind::kInclude:
      return ExecInclude(n, f);
    case NodeKind::kImport:
    case NodeKind::kFromImport:
      return ExecImport(n, f);
    case NodeKind::kExtends: {
      if (pending_parent_ != nullptr) {
        return ErrorAt(n, "TemplateRuntimeError: extended multiple times");
      }
      Value name;
      FLINKDBT_RETURN_IF_ERROR(Eval(n->a, f, name));
      auto t = Load(name, n, false);
      if (!t.ok()) return t.status();
      pending_parent_ = *std::move(t);
      out_ = &discard_;
      return absl::OkStatus();
    }
    case NodeKind::kBlock: {
      Frame* root = RootOf(f);
      if (root == nullptr || !root->blocks) return absl::OkStatus();
      if (pending_parent_ != nullptr) return absl::OkStatus();
      return RenderBlock(std::string(n->name), 0, f, root->blocks);
    }
    case NodeKind::kWith: {
      std::vector<Value> values;
      for (const Node* e : n->defaults) {
        Value v;
        FLINKDBT_RETURN_IF_ERROR(Eval(e, f, v));
        values.push_back(std::move(v));
      }
      Ref<Frame> inner = NewFrame(f);
      for (size_t i = 0; i < n->args.size(); ++i) {
        FLINKDBT_RETURN_IF_ERROR(Locate(Assign(n->args[i], values[i], inner.get()), n));
      }
      return ExecBody(n->body, inner.get());
    }
    case NodeKind::kDo: {
      Value v;
      return Eval(n->a, f, v);
    }
    case NodeKind::kBreak:
      flow_ = Flow::kBreak;
      return absl::OkStatus();
    case NodeKind::kContinue:
      flow_ = Flow::kContinue;
      return absl::OkStatus();
    case NodeKind::kAutoescape: {
      Value v;
      FLINKDBT_RETURN_IF_ERROR(Eval(n->a, f, v));
      bool saved = autoescape_;
      autoescape_ = v.Truthy();
      absl::Status st = ExecBody(n->body, f);
      autoescape_ = saved;
      return st;
    }
    default:
      return ErrorAt(n, "internal error: expression used as statement");
  }
}

absl::Status Renderer::Assign(const Node* target, const Value& v, Frame* f) {
  switch (target->kind) {
    case NodeKind::kName:
      if (v.is_macro() || v.is_mapping()) TrackCycles(f);
      f->Set(target->name, v);
      return absl::OkStatus();
    case NodeKind::kTuple: {
      FLINKDBT_ASSIGN_OR_RETURN(std::vector<Value> items, Iterate(v));
      size_t want = target->args.size();
      if (items.size() < want) {
        return absl::InvalidArgumentError(
            fmt::format("ValueError: not enough values to unpack (expected {}, got {})", want, items.size()));
      }
      if (items.size() > want) {
        return absl::InvalidArgumentError(
            fmt::format("ValueError: too many values to unpack (expected {})", want));
      }
      for (size_t i = 0; i < want; ++i) FLINKDBT_RETURN_IF_ERROR(Assign(target->args[i], items[i], f));
      return absl::OkStatus();
    }
    case NodeKind::kGetAttr: {
      Value ns;
      FLINKDBT_RETURN_IF_ERROR(Lookup(target->a->name, f, ns));
      if (!ns.is_namespace()) {
        return absl::InvalidArgumentError(
            "TemplateRuntimeError: cannot assign attribute on non-namespace object");
      }
      ns.SetItem(Value::String(target->name), v);
      return absl::OkStatus();
    }
    default:
      return absl::InvalidArgumentError("TemplateSyntaxError: cannot assign to this expression");
  }
}

void Renderer::ReleaseCycles(const Frame* keep) {
  std::vector<Ref<Frame>> frames = std::move(macro_frames_);
  macro_frames_.clear();
  for (Ref<Frame>& fr : frames) {
    if (fr.get() == keep) continue;
    auto vars = std::move(fr->vars);
    fr->vars.clear();
    fr->index.clear();
  }
}

void Renderer::TrackCycles(Frame* f) {
  if (macro_frames_.empty() || macro_frames_.back().get() != f) {
    f->refs.fetch_add(1, std::memory_order_relaxed);
    macro_frames_.emplace_back(f);
  }
}

void Renderer::Pin(Frame* f) {
  // Pinned chains are pinned to the top, so the walk stops at the first owning link.
  for (Frame* fr = f; fr != nullptr && fr->parent != nullptr && !fr->owned_parent; fr = fr->parent) {
    fr->parent->refs.fetch_add(1, std::memory_order_relaxed);
    fr->owned_parent = Ref<Frame>(fr->parent);
  }
}

Value Renderer::MakeMacro(const Node* n, Frame* f, std::string name) {
  Pin(f);  // the macro may outlive this call
  TrackCycles(f);
  auto* m = new MacroObject();
  m->node = n;
  m->impl = impl_;
  if (keep_ != nullptr) m->keep = *keep_;
  f->refs.fetch_add(1, std::memory_order_relaxed);
  m->closure = Ref<Frame>(f);
  m->name = std::move(name);
  return Value(ValueKind::kMacro, m);
}

absl::Status Renderer::ExecFor(const Node* n, Frame* f) {
  Value iter;
  FLINKDBT_RETURN_IF_ERROR(Eval(n->b, f, iter));
  RangeSpec range;
  if (n->c == nullptr && GetRange(iter, &range.start, &range.step, &range.count)) {
    return RunLoop(n, f, {}, 0, &range);  // range(...) is not materialised
  }
  if (n->c == nullptr && iter.is_list()) return RunLoop(n, f, {}, 0, nullptr, &iter);
  auto items = Iterate(iter);
  if (!items.ok()) return Locate(items.status(), n->b);
  if (n->c != nullptr) {
    Ref<Frame> tmp = AcquireFrame(f);
    RecycleOnExit recycle{this, &tmp};
    std::vector<Value> kept;
    for (Value& item : *items) {
      // The condition is an expression: it cannot bind names, so a single name target stays in
      // slot 0 of the condition's scope.
      if (n->a->kind == NodeKind::kName && tmp->vars.size() == 1) {
        tmp->vars[0].second = item;
      } else {
        FLINKDBT_RETURN_IF_ERROR(Locate(Assign(n->a, item, tmp.get()), n));
      }
      Value ctmp;
      const Value* cond;
      FLINKDBT_RETURN_IF_ERROR(EvalRef(n->c, tmp.get(), ctmp, cond));
      if (cond->Truthy()) kept.push_back(std::move(item));
    }
    *items = std::move(kept);
  }
  return RunLoop(n, f, *std::move(items), 0);
}

absl::StatusOr<Value> Renderer::CallRecursiveLoop(const Node* n, Frame* f, const Value& iterable, int depth) {
  if (depth_ + 1 > opts_.max_depth) {
    return absl::InvalidArgumentError("RecursionError: maximum recursion depth exceeded");
  }
  FLINKDBT_ASSIGN_OR_RETURN(std::vector<Value> items, Iterate(iterable));
  if (n->c != nullptr) {
    Ref<Frame> tmp = NewFrame(f);
    std::vector<Value> kept;
    for (Value& item : items) {
      FLINKDBT_RETURN_IF_ERROR(Assign(n->a, item, tmp.get()));
      Value cond;
      FLINKDBT_RETURN_IF_ERROR(Eval(n->c, tmp.get(), cond));
      if (cond.Truthy()) kept.push_back(std::move(item));
    }
    items = std::move(kept);
  }
  std::string buf;
  std::string* saved = out_;
  out_ = &buf;
  Flow saved_flow = flow_;
  bool saved_sm = sm_active_;
  sm_active_ = false;
  ++depth_;
  absl::Status st = RunLoop(n, f, std::move(items), depth);
  --depth_;
  sm_active_ = saved_sm;
  out_ = saved;
  flow_ = saved_flow;
  FLINKDBT_RETURN_IF_ERROR(st);
  return Value::String(std::move(buf));
}

absl::Status Renderer::RunLoop(const Node* n, Frame* f, std::vector<Value> items, int depth,
                               const RangeSpec* range, const Value* live) {
  Ref<Frame> lf = AcquireFrame(f);
  RecycleOnExit recycle{this, &lf};
  // A live list is re-measured at every step (the body may append to it or pop from it).
  const std::vector<Value>* live_items = live != nullptr ? &List(*live)->items : nullptr;
  size_t count = range != nullptr        ? static_cast<size_t>(range->count)
                 : live_items != nullptr ? live_items->size()
                                         : items.size();
  if (count == 0) return ExecBody(n->else_body, lf.get());
  std::shared_ptr<LoopObject> loop;
  Value loop_value;
  const std::vector<Value>* seq = &items;
  if (n->flag2) {
    loop = std::make_shared<LoopObject>();
    if (live != nullptr) {
      loop->live = *live;
    } else {
      loop->items = std::move(items);
      seq = &loop->items;
    }
    if (range != nullptr) {
      loop->range = true;
      loop->range_start = range->start;
      loop->range_step = range->step;
      loop->range_count = range->count;
    }
    loop->depth0 = depth;
    loop->recursive = n->flag;
    loop->node = n;
    loop->frame = f;
    loop_value = Value::FromObject(loop);
  }
  const Node* target = n->a;
  size_t base = 0;         // vars owned by the loop itself (`loop`, the targets); the rest is per-iteration
  size_t target_slot = 0;  // kName target: its index in lf->vars after the first iteration
  if (live_items != nullptr) seq = live_items;
  for (size_t i = 0; i < (live_items != nullptr ? live_items->size() : count); ++i) {
    if (i > 0 && lf->vars.size() > base) {
      // Names assigned in the body do not carry over to the next iteration (Jinja2 scoping).
      lf->vars.resize(base);
      if (!lf->index.empty()) {
        lf->index.clear();
        if (base > 12) {
          for (size_t k = 0; k < base; ++k) lf->index.emplace(lf->vars[k].first, static_cast<uint32_t>(k));
        }
      }
    }
    if (loop) {
      loop->index0 = static_cast<int64_t>(i);
      if (i == 0) lf->Set(n->name, loop_value);  // `loop`, interned by the parser
    }
    if (target->kind == NodeKind::kName) {
      if (i == 0) {
        lf->Set(target->name, range != nullptr ? Value::Int(range->start) : (*seq)[0]);
        for (size_t k = 0; k < lf->vars.size(); ++k) {
          if (lf->vars[k].first.data() == target->name.data()) target_slot = k;
        }
      } else if (range != nullptr) {
        lf->vars[target_slot].second.SetInt(range->start + static_cast<int64_t>(i) * range->step);
      } else {
        lf->vars[target_slot].second = (*seq)[i];  // slots below `base` survive iterations
      }
    } else {
      Value item =
          range != nullptr ? Value::Int(range->start + static_cast<int64_t>(i) * range->step) : (*seq)[i];
      FLINKDBT_RETURN_IF_ERROR(Locate(Assign(target, item, lf.get()), n));
    }
    if (i == 0) base = lf->vars.size();
    FLINKDBT_RETURN_IF_ERROR(ExecBody(n->body, lf.get()));
    if (flow_ == Flow::kBreak) {
      flow_ = Flow::kNormal;
      break;
    }
    if (flow_ == Flow::kContinue) flow_ = Flow::kNormal;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<const Template>> Renderer::Load(const Value& name, const Node* n,
                                                               bool ignore_missing) {
  std::vector<Value> names;
  if (name.is_sequence()) {
    names.assign(name.Items().begin(), name.Items().end());
  } else {
    names.push_back(name);
  }
  for (const Value& nm : names) {
    if (nm.is_undefined()) {
      if (undefined_mode() == UndefinedMode::kStrict || names.size() == 1) {
        if (!ignore_missing) return Locate(UndefinedError(nm), n);
      }
      continue;
    }
    auto t = env_.GetTemplate(nm.Str());
    if (t.ok()) return t;
    if (t.status().code() != absl::StatusCode::kNotFound) return Locate(t.status(), n);
  }
  if (ignore_missing) return std::shared_ptr<const Template>();
  std::string shown;
  if (names.size() == 1) {
    shown = fmt::format("TemplateNotFound: '{}' not found", names[0].Str());
  } else {
    shown = fmt::format("TemplatesNotFound: none of the templates given were found: {}", name.Repr());
  }
  return ErrorAt(n, shown);
}

absl::Status Renderer::ExecTemplate(std::shared_ptr<const Template> t, Frame* root) {
  if (++depth_ > opts_.max_depth) {
    --depth_;
    return absl::InvalidArgumentError("RecursionError: maximum recursion depth exceeded");
  }
  const TemplateImpl* saved_impl = impl_;
  const std::shared_ptr<const Template>* saved_keep = keep_;
  std::shared_ptr<const Template> saved_parent = std::move(pending_parent_);
  std::string* saved_out = out_;
  pending_parent_ = nullptr;
  std::shared_ptr<const Template> current = std::move(t);
  impl_ = &current->impl();
  keep_ = &current;
  absl::Status st;
  bool map_layout = false;  // recording a source map and the root template extends a layout
  size_t layout_start = 0;
  while (true) {
    for (const auto& [bname, node] : impl_->blocks) {
      root->blocks->blocks[bname].emplace_back(node, impl_);
    }
    st = ExecBody(impl_->body, root);
    flow_ = Flow::kNormal;
    out_ = saved_out;
    if (sm_extended_) {
      sm_extended_ = false;
      sm_active_ = false;
      map_layout = true;
      layout_start = out_->size();
    }
    if (!st.ok() || pending_parent_ == nullptr) break;
    std::shared_ptr<const Template> parent = std::move(pending_parent_);
    pending_parent_ = nullptr;
    if (++depth_ > opts_.max_depth) {
      st = absl::InvalidArgumentError("RecursionError: maximum recursion depth exceeded");
      break;
    }
    current = std::move(parent);
    impl_ = &current->impl();
  }
  if (map_layout && st.ok() && out_->size() > layout_start) {
    smap_->push_back(SourceMapEntry{layout_start, sm_extends_offset_, false});
  }
  depth_ -= 1;
  impl_ = saved_impl;
  keep_ = saved_keep;
  pending_parent_ = std::move(saved_parent);
  out_ = saved_out;
  return st;
}

absl::Status Renderer::RenderBlock(const std::string& name, size_t index, Frame* f,
                                   const std::shared_ptr<BlockTable>& table) {
  auto it = table->blocks.find(name);
  if (it == table->blocks.end() || index >= it->second.size()) return absl::OkStatus();
  auto [node, impl] = it->second[index];
  if (node->flag2) {
    return absl::InvalidArgumentError(
        fmt::format("TemplateRuntimeError: Required block '{}' not found", name));
  }
  if (++depth_ > opts_.max_depth) {
    --depth_;
    return absl::InvalidArgumentError("RecursionError: maximum recursion depth exceeded");
  }
  Ref<Frame> bf = NewFrame(node->flag ? f : RootOf(f));
  const TemplateImpl* saved = impl_;
  impl_ = impl;
  active_blocks_.push_back(ActiveBlock{name, index, table});
  absl::Status st = ExecBody(node->body, bf.get());
  active_blocks_.pop_back();
  impl_ = saved;
  --depth_;
  return st;
}

absl::StatusOr<Value> Renderer::CaptureBlock(const std::string& name, size_t index, Frame* f,
                                             const std::shared_ptr<BlockTable>& table) {
  std::string buf;
  std::string* saved = out_;
  out_ = &buf;
  bool saved_sm = sm_active_;
  sm_active_ = false;
  absl::Status st = RenderBlock(name, index, f, table);
  sm_active_ = saved_sm;
  out_ = saved;
  FLINKDBT_RETURN_IF_ERROR(st);
  return Value::String(std::move(buf));
}

absl::Status Renderer::ExecInclude(const Node* n, Frame* f) {
  Value name;
  FLINKDBT_RETURN_IF_ERROR(Eval(n->a, f, name));
  FLINKDBT_ASSIGN_OR_RETURN(auto t, Load(name, n, n->flag));
  if (t == nullptr) return absl::OkStatus();
  Ref<Frame> root = NewFrame(n->flag2 ? f : nullptr);
  root->is_root = true;
  root->blocks = std::make_shared<BlockTable>();
  absl::Status st = ExecTemplate(t, root.get());
  return Locate(st, n);
}

absl::StatusOr<Value> Renderer::MakeModuleValue(std::shared_ptr<const Template> t, Frame* parent,
                                                bool with_context) {
  Ref<Frame> root = NewFrame(with_context ? parent : nullptr);
  root->is_root = true;
  root->blocks = std::make_shared<BlockTable>();
  std::string buf;
  std::string* saved = out_;
  out_ = &buf;
  absl::Status st = ExecTemplate(t, root.get());
  out_ = saved;
  FLINKDBT_RETURN_IF_ERROR(st);
  std::vector<std::pair<Value, Value>> exports;
  for (const auto& [k, v] : root->vars) {
    if (!k.starts_with("_")) exports.emplace_back(Value::String(k), v);
  }
  return Value::Namespace(std::move(exports));
}

absl::Status Renderer::ExecImport(const Node* n, Frame* f) {
  Value name;
  FLINKDBT_RETURN_IF_ERROR(Eval(n->a, f, name));
  FLINKDBT_ASSIGN_OR_RETURN(auto t, Load(name, n, false));
  auto module = MakeModuleValue(t, f, n->flag2);
  if (!module.ok()) return Locate(module.status(), n);
  TrackCycles(f);
  if (n->kind == NodeKind::kImport) {
    f->Set(n->name, *module);
    return absl::OkStatus();
  }
  for (const auto& [nm, alias] : n->imports) {
    const Value* v = module->Find(nm);
    if (v != nullptr) {
      f->Set(alias, *v);
    } else {
      f->Set(alias, Value::UndefinedWithHint(fmt::format(
                        "the template {} (imported on line {}) does not export the requested name '{}'",
                        Value::String(t->name()).Repr(), impl_->Location(n->offset).line, nm)));
    }
  }
  return absl::OkStatus();
}

absl::Status Renderer::RenderRoot(std::shared_ptr<const Template> tmpl, const Value& context,
                                  std::string* out, Ref<Frame>* root_out) {
  Ref<Frame> root = NewFrame(nullptr);
  root->is_root = true;
  root->context = context;
  root->blocks = std::make_shared<BlockTable>();
  out_ = out;
  sm_active_ = smap_ != nullptr;
  absl::Status st = ExecTemplate(std::move(tmpl), root.get());
  sm_active_ = false;
  smap_ = nullptr;
  if (IsReturnSignal(st)) {
    returning_ = false;
    st = absl::OkStatus();
  }
  if (root_out != nullptr) *root_out = root;
  return st;
}

// ---------------------------------------------------------------------------------------------
// Calls

absl::StatusOr<Value> Renderer::Call(const Value& callable, const CallArgs& args) {
  switch (callable.kind()) {
    case ValueKind::kMacro:
      return CallMacro(static_cast<const MacroObject*>(callable.heap_ptr()), args);
    case ValueKind::kCallable: {
      auto* c = static_cast<CallableObject*>(callable.heap_ptr());
      return c->fn(*this, args);
    }
    case ValueKind::kObject:
      return callable.AsObject()->Call(*this, args);
    case ValueKind::kUndefined:
      if (undefined_mode() == UndefinedMode::kPermissive) return Value();
      return UndefinedError(callable);
    default:
      return absl::InvalidArgumentError(
          fmt::format("TypeError: '{}' object is not callable", callable.TypeName()));
  }
}

namespace {
// One flag per parameter or keyword argument of a call, without a heap allocation for the usual few.
class SmallFlags {
 public:
  explicit SmallFlags(size_t n) {
    if (n > kInline) {
      big_ = std::make_unique<bool[]>(n);  // value-initialised: false
      p_ = big_.get();
    } else {
      std::fill_n(small_, n, false);
    }
  }
  bool& operator[](size_t i) { return p_[i]; }
  const bool* data() const { return p_; }

 private:
  static constexpr size_t kInline = 16;
  bool small_[kInline];
  std::unique_ptr<bool[]> big_;
  bool* p_ = small_;
};
}  // namespace

absl::StatusOr<Value> Renderer::CallMacro(const MacroObject* m, const CallArgs& args, std::string* direct,
                                          bool* streamed, ArgVector* owned) {
  if (streamed != nullptr) *streamed = false;
  const Node* node = m->node;
  const std::string& mname = m->name;
  size_t nparams = node->params.size();
  Ref<Frame> fr = AcquireFrame(m->closure.get());  // borrowed: the caller holds the macro, the macro its closure
  size_t npos = std::min(args.positional.size(), nparams);
  SmallFlags have(nparams);
  fr->vars.reserve(nparams + 2);
  if (owned != nullptr) {
    for (size_t i = 0; i < npos; ++i) {
      fr->SetNew(node->params[i], std::move((*owned)[i]));
      have[i] = true;
    }
  } else {
    for (size_t i = 0; i < npos; ++i) {
      fr->SetNew(node->params[i], args.positional[i]);
      have[i] = true;
    }
  }
  SmallFlags used(args.keyword.size());
  if (npos != nparams && !args.keyword.empty()) {
    for (size_t i = npos; i < nparams; ++i) {
      for (size_t k = 0; k < args.keyword.size(); ++k) {
        if (!used[k] && args.keyword[k].first == node->params[i]) {
          used[k] = true;
          fr->Set(node->params[i], args.keyword[k].second);
          have[i] = true;
          break;
        }
      }
    }
  }
  // A body that uses `caller` gets it bound, unless `caller` is a declared parameter.
  bool found_caller = false;
  if (node->has_caller) {
    for (const auto& p : node->params) found_caller |= p == "caller";
  }
  if (node->has_caller && !found_caller) {
    Value caller = Value::UndefinedWithHint("No caller defined");
    for (size_t k = 0; k < args.keyword.size(); ++k) {
      if (!used[k] && args.keyword[k].first == "caller") {
        used[k] = true;
        caller = args.keyword[k].second;
        break;
      }
    }
    fr->Set("caller", caller);
  }
  if (node->has_kwargs) {
    Value kw = Value::Dict();
    for (size_t k = 0; k < args.keyword.size(); ++k) {
      if (!used[k]) kw.SetItem(Value::String(args.keyword[k].first), args.keyword[k].second);
    }
    fr->Set("kwargs", kw);
  } else {
    for (size_t k = 0; k < args.keyword.size(); ++k) {
      if (used[k]) continue;
      for (size_t j = k; j < args.keyword.size(); ++j) {
        if (!used[j] && args.keyword[j].first == "caller") {
          return absl::InvalidArgumentError(fmt::format(
              "TypeError: macro '{}' was invoked with two values for the special caller argument. "
              "This is most likely a bug.",
              mname));
        }
      }
      return absl::InvalidArgumentError(
          fmt::format("TypeError: macro '{}' takes no keyword argument '{}'", mname, args.keyword[k].first));
    }
  }
  if (node->has_varargs) {
    std::vector<Value> extra;
    for (size_t i = nparams; i < args.positional.size(); ++i) extra.push_back(args.positional[i]);
    fr->Set("varargs", Value::Tuple(std::move(extra)));
  } else if (args.positional.size() > nparams) {
    return absl::InvalidArgumentError(
        fmt::format("TypeError: macro '{}' takes not more than {} argument(s)", mname, nparams));
  }
  return RunMacro(m, std::move(fr), have.data(), direct, streamed);
}

absl::StatusOr<Value> Renderer::RunMacro(const MacroObject* m, Ref<Frame> fr, const bool* have, std::string* direct,
                                         bool* streamed) {
  const Node* node = m->node;
  size_t nparams = node->params.size();
  if (++depth_ > opts_.max_depth) {
    --depth_;
    return absl::InvalidArgumentError("RecursionError: maximum recursion depth exceeded");
  }
  const TemplateImpl* saved_impl = impl_;
  const std::shared_ptr<const Template>* saved_keep = keep_;
  impl_ = m->impl;
  keep_ = &m->keep;
  bool saved_sm = sm_active_;  // a macro body is never the root template's own output
  sm_active_ = false;
  absl::Status st;
  for (size_t i = 0; have != nullptr && i < nparams && st.ok(); ++i) {
    if (have[i]) continue;
    if (node->defaults[i] != nullptr) {
      Value v;
      st = Eval(node->defaults[i], fr.get(), v);
      fr->Set(node->params[i], std::move(v));
    } else {
      fr->Set(node->params[i],
              Value::UndefinedWithHint(fmt::format("parameter '{}' was not provided", node->params[i])));
    }
  }
  std::string buf;
  std::string* saved_out = out_;
  Flow saved_flow = flow_;
  size_t direct_start = direct != nullptr ? direct->size() : 0;
  out_ = direct != nullptr ? direct : &buf;
  if (st.ok()) st = ExecBody(node->body, fr.get());
  out_ = saved_out;
  flow_ = saved_flow;
  impl_ = saved_impl;
  keep_ = saved_keep;
  sm_active_ = saved_sm;
  --depth_;
  RecycleFrame(fr);
  if (returning_ && (st.ok() || IsReturnSignal(st))) {
    returning_ = false;
    if (direct != nullptr) direct->resize(direct_start);
    return std::move(return_value_);
  }
  FLINKDBT_RETURN_IF_ERROR(st);
  if (direct != nullptr) {
    *streamed = true;
    return Value();
  }
  return Value::String(std::move(buf));
}

absl::Status Renderer::EvalArgs(const Node* n, Frame* f, ArgVector& args, KwargVector& kwargs) {
  for (const Node* a : n->args) {
    Value v;
    FLINKDBT_RETURN_IF_ERROR(Eval(a, f, v));
    args.push_back(std::move(v));
  }
  for (const auto& [k, e] : n->kwargs) {
    Value v;
    FLINKDBT_RETURN_IF_ERROR(Eval(e, f, v));
    kwargs.emplace_back(k, std::move(v));
  }
  if (n->c != nullptr) {
    Value v;
    FLINKDBT_RETURN_IF_ERROR(Eval(n->c, f, v));
    if (!(v.is_sequence() || v.is_string() || v.is_mapping() || v.is_object())) {
      return ErrorAt(n->c, fmt::format("TypeError: Value after * must be an iterable, not {}", v.TypeName()));
    }
    auto items = Iterate(v);
    if (!items.ok()) return Locate(items.status(), n->c);
    for (Value& x : *items) args.push_back(std::move(x));
  }
  if (n->d != nullptr) {
    Value v;
    FLINKDBT_RETURN_IF_ERROR(Eval(n->d, f, v));
    if (!v.is_mapping()) {
      return ErrorAt(n->d, fmt::format("TypeError: jinja2.runtime.Context.call() argument after ** must be "
                                       "a mapping, not {}",
                                       v.TypeName()));
    }
    for (const auto& [k, val] : v.DictItems()) {
      if (!k.is_string()) return ErrorAt(n->d, "TypeError: keywords must be strings");
      kwargs.emplace_back(k.AsString(), val);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Value> Renderer::CallFilter(std::string_view name, const Value& subject,
                                           const CallArgs& args) {
  FilterFn fn = FindFilter(name);
  if (fn == nullptr) {
    return absl::InvalidArgumentError(fmt::format("TemplateRuntimeError: No filter named '{}' found.", name));
  }
  return fn(*this, subject, args);
}

absl::StatusOr<bool> Renderer::CallTest(std::string_view name, const Value& subject, const CallArgs& args) {
  TestFn fn = FindTest(name);
  if (fn == nullptr) {
    return absl::InvalidArgumentError(fmt::format("TemplateRuntimeError: No test named '{}' found.", name));
  }
  return fn(*this, subject, args);
}

// ---------------------------------------------------------------------------------------------
// Attribute and item access

absl::StatusOr<Value> Renderer::GetAttr(const Value& obj, std::string_view name) {
  switch (obj.kind()) {
    case ValueKind::kUndefined:
      if (undefined_mode() == UndefinedMode::kPermissive) return Value();
      return UndefinedError(obj);
    case ValueKind::kDict:
      if (HasBuiltinMethod(obj, name)) break;
      if (const Value* v = obj.Find(name)) return *v;
      break;
    case ValueKind::kNamespace:
      if (const Value* v = obj.Find(name)) return *v;
      break;
    case ValueKind::kObject: {
      auto v = obj.AsObject()->GetAttr(name);
      if (v) return *std::move(v);
      break;
    }
    case ValueKind::kMacro: {
      auto* m = static_cast<const MacroObject*>(obj.heap_ptr());
      const Node* node = m->node;
      if (name == "name") return node->kind == NodeKind::kCallBlock ? Value::None() : Value::String(m->name);
      if (name == "arguments") {
        std::vector<Value> a;
        for (const auto& p : node->params) a.push_back(Value::String(p));
        return Value::Tuple(std::move(a));
      }
      if (name == "catch_kwargs") return Value::Bool(node->has_kwargs);
      if (name == "catch_varargs") return Value::Bool(node->has_varargs);
      if (name == "caller") return Value::Bool(node->has_caller);
      break;
    }
    case ValueKind::kCallable:
      if (name == "__name__") return Value::String(obj.CallableName());
      break;
    default:
      break;
  }
  if (HasBuiltinMethod(obj, name)) {
    Value self = obj;
    std::string n(name);
    return Value::Callable(n, [self, n](CallContext& ctx, const CallArgs& args) -> absl::StatusOr<Value> {
      bool found = false;
      return CallBuiltinMethod(static_cast<Renderer&>(ctx), self, n, args, &found);
    });
  }
  if (obj.is_int() || obj.is_float()) {
    if (name == "real") return obj;
    if (name == "imag") return Value::Int(0);
  }
  return Value::UndefinedWithHint(fmt::format("'{}' has no attribute '{}'", ObjectTypeRepr(obj), name));
}

absl::StatusOr<Value> Renderer::GetItem(const Value& obj, const Value& key) {
  switch (obj.kind()) {
    case ValueKind::kUndefined:
      if (undefined_mode() == UndefinedMode::kPermissive) return Value();
      return UndefinedError(obj);
    case ValueKind::kList:
    case ValueKind::kTuple:
      if (key.is_int() || key.is_bool()) {
        auto items = obj.Items();
        auto i = key.AsInt64();
        if (i) {
          int64_t idx = *i < 0 ? *i + static_cast<int64_t>(items.size()) : *i;
          if (idx >= 0 && idx < static_cast<int64_t>(items.size())) return items[idx];
        }
        return Value::UndefinedWithHint(fmt::format("{} has no element {}", ObjectTypeRepr(obj), key.Repr()));
      }
      break;
    case ValueKind::kString:
      if (key.is_int() || key.is_bool()) {
        auto cps = CodePoints(obj.AsString());
        auto i = key.AsInt64();
        if (i) {
          int64_t idx = *i < 0 ? *i + static_cast<int64_t>(cps.size()) : *i;
          if (idx >= 0 && idx < static_cast<int64_t>(cps.size())) return Value::String(cps[idx]);
        }
        return Value::UndefinedWithHint(fmt::format("{} has no element {}", ObjectTypeRepr(obj), key.Repr()));
      }
      break;
    case ValueKind::kDict:
    case ValueKind::kNamespace:
      if (const Value* v = obj.Find(key)) return *v;
      if (obj.is_namespace()) break;
      if (!key.is_string()) {
        return Value::UndefinedWithHint(fmt::format("{} has no element {}", ObjectTypeRepr(obj), key.Repr()));
      }
      break;
    case ValueKind::kObject:
      if (key.is_string()) {
        auto v = obj.AsObject()->GetAttr(key.AsString());
        if (v) return *std::move(v);
      }
      break;
    default:
      break;
  }
  if (key.is_string()) return GetAttr(obj, key.AsString());
  return Value::UndefinedWithHint(fmt::format("{} has no element {}", ObjectTypeRepr(obj), key.Repr()));
}

absl::StatusOr<Value> Renderer::GetDotted(const Value& obj, const Value& attr) {
  if (!attr.is_string()) return GetItem(obj, attr);
  std::string_view path = attr.AsString();
  // map(attribute='name') & co. over dicts: one key, looked up without building a key value.
  if (obj.is_dict() && path.find('.') == std::string_view::npos &&
      path.find_first_not_of("0123456789") != std::string_view::npos) {
    if (const Value* v = obj.Find(path)) return *v;
  }
  Value cur = obj;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string_view part = path.substr(start, dot == std::string_view::npos ? path.npos : dot - start);
    Value key;
    bool digits = !part.empty() && part.find_first_not_of("0123456789") == std::string_view::npos;
    if (digits) {
      key = *Value::ParseInt(part);
    } else {
      key = Value::String(part);
    }
    FLINKDBT_ASSIGN_OR_RETURN(cur, GetItem(cur, key));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return cur;
}

// ---------------------------------------------------------------------------------------------
// Expressions

absl::Status Renderer::Eval(const Node* n, Frame* f, Value& out) {
  switch (n->kind) {
    case NodeKind::kConst:
      out = n->value;
      return absl::OkStatus();
    case NodeKind::kName:
      if (const Value* v = LookupRef(n->name, f, n->name_hash)) {
        out = *v;
        return absl::OkStatus();
      }
      return Lookup(n->name, f, out, n->name_hash);
    case NodeKind::kGetAttr:
    case NodeKind::kCompare:
    case NodeKind::kCondExpr: {
      Value tmp;
      if (const Value* v = EvalFast(n, f, tmp)) {
        out = v == &tmp ? std::move(tmp) : *v;
        return absl::OkStatus();
      }
      return EvalSlow(n, f, out);
    }
    default:
      return EvalSlow(n, f, out);
  }
}

absl::Status Renderer::EvalSlow(const Node* n, Frame* f, Value& out) {
  switch (n->kind) {
    case NodeKind::kGetAttr: {
      Value tmp;
      const Value* obj;
      FLINKDBT_RETURN_IF_ERROR(EvalRef(n->a, f, tmp, obj));
      if (n->op != 0 && obj->is_object()) {
        const Object* o = obj->AsObject();
        if (typeid(*o) == typeid(LoopObject)) {
          static_cast<const LoopObject*>(o)->Attribute(n->op, out);
          return absl::OkStatus();
        }
      }
      if (obj->is_mapping() && (!obj->is_dict() || !n->maybe_method)) {  // plain key lookup
        if (const Value* v = FindPrehashed(*obj, n->name, n->name_hash)) {
          out = *v;
          return absl::OkStatus();
        }
      }
      auto r = GetAttr(*obj, n->name);
      if (!r.ok()) return Locate(r.status(), n);
      out = *std::move(r);
      return absl::OkStatus();
    }
    case NodeKind::kGetItem: {
      Value obj, key;
      FLINKDBT_RETURN_IF_ERROR(Eval(n->a, f, obj));
      FLINKDBT_RETURN_IF_ERROR(Eval(n->b, f, key));
      auto r = GetItem(obj, key);
      if (!r.ok()) return Locate(r.status(), n);
      out = *std::move(r);
      return absl::OkStatus();
    }
    case NodeKind::kSlice: {
      Value obj, a, b, c;
      if (n->a == nullptr) {
        // A slice inside a tuple subscript (`[1, 2][0:1, 0]`): Python slices are unhashable and
        // no sequence takes a tuple index, so Jinja's getitem yields undefined.
        out = Value::UndefinedWithHint("slice object in a tuple subscript");
        return absl::OkStatus();
      }
      FLINKDBT_RETURN_IF_ERROR(Eval(n->a, f, obj));
      if (n->b) FLINKDBT_RETURN_IF_ERROR(Eval(n->b, f, a));
      if (n->c) FLINKDBT_RETURN_IF_ERROR(Eval(n->c, f, b));
      if (n->d) FLINKDBT_RETURN_IF_ERROR(Eval(n->d, f, c));
      if (obj.is_undefined()) {
        if (undefined_mode() == UndefinedMode::kPermissive) {
          out = Value();
          return absl::OkStatus();
        }
        return Locate(UndefinedError(obj), n);
      }
      auto r = SliceValue(obj, a, b, c);
      // Jinja's getitem turns a TypeError into an undefined.
      out = r.ok() ? *std::move(r)
                   : Value::UndefinedWithHint(fmt::format("{} has no element slice", ObjectTypeRepr(obj)));
      return absl::OkStatus();
    }
    case NodeKind::kCall: {
      const Node* callee = n->a;
      ArgVector args;
      KwargVector kwargs;
      Value fn;
      if (callee->kind == NodeKind::kGetAttr) {
        Value obj;
        FLINKDBT_RETURN_IF_ERROR(Eval(callee->a, f, obj));
        if (HasBuiltinMethod(obj, callee->maybe_method)) {
          FLINKDBT_RETURN_IF_ERROR(EvalArgs(n, f, args, kwargs));
          bool found = false;
          auto r = CallBuiltinMethod(*this, obj, callee->name, CallArgs{args, kwargs}, &found);
          if (!r.ok()) return Locate(r.status(), n);
          out = *std::move(r);
          return absl::OkStatus();
        }
        auto r = GetAttr(obj, callee->name);
        if (!r.ok()) return Locate(r.status(), callee);
        fn = *std::move(r);
      } else {
        FLINKDBT_RETURN_IF_ERROR(Eval(callee, f, fn));
      }
      FLINKDBT_RETURN_IF_ERROR(EvalArgs(n, f, args, kwargs));
      Frame* saved_frame = current_frame_;
      current_frame_ = f;
      auto r = fn.is_macro() ? CallMacro(static_cast<const MacroObject*>(fn.heap_ptr()),
                                         CallArgs{args, kwargs}, nullptr, nullptr, &args)
                             : Call(fn, CallArgs{args, kwargs});
      current_frame_ = saved_frame;
      if (!r.ok()) {
        if (IsReturnSignal(r.status())) return r.status();
        return Locate(r.status(), n);
      }
      out = *std::move(r);
      if (returning_) return ReturnSignal();
      return absl::OkStatus();
    }
    case NodeKind::kFilter: {
      Value subject_tmp;
      const Value* subject = &subject_tmp;
      bool simple_args = n->args.empty() && n->kwargs.empty() && n->c == nullptr && n->d == nullptr;
      if (n->a != nullptr) {
        if (simple_args) {
          FLINKDBT_RETURN_IF_ERROR(EvalRef(n->a, f, subject_tmp, subject));
        } else {
          FLINKDBT_RETURN_IF_ERROR(Eval(n->a, f, subject_tmp));
        }
      }
      ArgVector args;
      KwargVector kwargs;
      if (!simple_args) FLINKDBT_RETURN_IF_ERROR(EvalArgs(n, f, args, kwargs));
      absl::StatusOr<Value> r = n->filter != nullptr ? n->filter(*this, *subject, CallArgs{args, kwargs})
                                                     : CallFilter(n->name, *subject, CallArgs{args, kwargs});
      if (!r.ok()) return Locate(r.status(), n);
      out = *std::move(r);
      return absl::OkStatus();
    }
    case NodeKind::kTest: {
      Value subject_tmp;
      const Value* subject = &subject_tmp;
      bool simple_args = n->args.empty() && n->kwargs.empty() && n->c == nullptr && n->d == nullptr;
      if (simple_args) {
        FLINKDBT_RETURN_IF_ERROR(EvalRef(n->a, f, subject_tmp, subject));
      } else {
        FLINKDBT_RETURN_IF_ERROR(Eval(n->a, f, subject_tmp));
      }
      ArgVector args;
      KwargVector kwargs;
      if (!simple_args) FLINKDBT_RETURN_IF_ERROR(EvalArgs(n, f, args, kwargs));
      absl::StatusOr<bool> r = n->test != nullptr ? n->test(*this, *subject, CallArgs{args, kwargs})
                                                  : CallTest(n->name, *subject, CallArgs{args, kwargs});
      if (!r.ok()) return Locate(r.status(), n);
      out = Value::Bool(*r != n->flag);
      return absl::OkStatus();
    }
    case NodeKind::kNot: {
      Value tmp;
      const Value* v;
      FLINKDBT_RETURN_IF_ERROR(EvalRef(n->a, f, tmp, v));
      if (v->is_undefined() && undefined_mode() == UndefinedMode::kStrict)
        return Locate(UndefinedError(*v), n);
      out = Value::Bool(!v->Truthy());
      return absl::OkStatus();
    }
    case NodeKind::kNeg:
    case NodeKind::kPos: {
      Value v;
      FLINKDBT_RETURN_IF_ERROR(Eval(n->a, f, v));
      if (v.is_undefined()) return Locate(UndefinedError(v), n);
      if (!v.is_number()) {
        return ErrorAt(n, fmt::format("TypeError: bad operand type for unary {}: '{}'",
                                      n->kind == NodeKind::kNeg ? "-" : "+", v.TypeName()));
      }
      if (n->kind == NodeKind::kPos) {
        out = v.is_bool() ? Value::Int(v.AsBool()) : v;
        return absl::OkStatus();
      }
      if (v.is_float()) {
        out = Value::Float(-v.AsDouble());
        return absl::OkStatus();
      }
      auto r = BinaryOp(BinOp::kSub, Value::Int(0), v);
      if (!r.ok()) return Locate(r.status(), n);
      out = *std::move(r);
      return absl::OkStatus();
    }
    case NodeKind::kBinary: {
      Value atmp, btmp;
      const Value* ap;
      const Value* bp;
      if (n->b->kind == NodeKind::kConst || n->b->kind == NodeKind::kName) {
        // Evaluating b cannot run code that invalidates a borrowed a.
        FLINKDBT_RETURN_IF_ERROR(EvalRef(n->a, f, atmp, ap));
      } else {
        FLINKDBT_RETURN_IF_ERROR(Eval(n->a, f, atmp));
        ap = &atmp;
      }
      FLINKDBT_RETURN_IF_ERROR(EvalRef(n->b, f, btmp, bp));
      const Value& a = *ap;
      const Value& b = *bp;
      if (a.is_small_int() && b.is_small_int()) {
        int64_t x = a.AsSmallInt(), y = b.AsSmallInt(), r;
        if (n->op == static_cast<uint8_t>(BinOp::kAdd) && !__builtin_add_overflow(x, y, &r)) {
          out = Value::Int(r);
          return absl::OkStatus();
        }
        if (n->op == static_cast<uint8_t>(BinOp::kSub) && !__builtin_sub_overflow(x, y, &r)) {
          out = Value::Int(r);
          return absl::OkStatus();
        }
        if (n->op == static_cast<uint8_t>(BinOp::kMul) && !__builtin_mul_overflow(x, y, &r)) {
          out = Value::Int(r);
          return absl::OkStatus();
        }
      }
      if (a.is_undefined()) return Locate(UndefinedError(a), n);
      if (b.is_undefined()) return Locate(UndefinedError(b), n);
      auto r = BinaryOp(static_cast<BinOp>(n->op), a, b);
      if (!r.ok()) return Locate(r.status(), n);
      out = *std::move(r);
      return absl::OkStatus();
    }
    case NodeKind::kConcat: {
      std::string s;
      for (const Node* c : n->args) {
        Value v;
        FLINKDBT_RETURN_IF_ERROR(Eval(c, f, v));
        if (v.is_undefined() && undefined_mode() == UndefinedMode::kStrict) {
          return Locate(UndefinedError(v), c);
        }
        v.AppendStr(&s);
      }
      out = Value::String(std::move(s));
      return absl::OkStatus();
    }
    case NodeKind::kCompare: {
      Value left;
      FLINKDBT_RETURN_IF_ERROR(Eval(n->a, f, left));
      for (size_t i = 0; i < n->args.size(); ++i) {
        Value right;
        FLINKDBT_RETURN_IF_ERROR(Eval(n->args[i], f, right));
        bool r = false;
        CmpOp cop = static_cast<CmpOp>(n->ops[i]);
        if (left.is_small_int() && right.is_small_int() && cop <= CmpOp::kGe) {
          int64_t x = left.AsSmallInt(), y = right.AsSmallInt();
          r = cop == CmpOp::kEq   ? x == y
              : cop == CmpOp::kNe ? x != y
              : cop == CmpOp::kLt ? x < y
              : cop == CmpOp::kLe ? x <= y
              : cop == CmpOp::kGt ? x > y
                                  : x >= y;
          if (!r) {
            out = Value::Bool(false);
            return absl::OkStatus();
          }
          left = std::move(right);
          continue;
        }
        switch (cop) {
          case CmpOp::kEq:
            r = left.Equals(right);
            break;
          case CmpOp::kNe:
            r = !left.Equals(right);
            break;
          case CmpOp::kLt:
          case CmpOp::kGt:
          case CmpOp::kLe:
          case CmpOp::kGe: {
            CmpOp op = static_cast<CmpOp>(n->ops[i]);
            if (left.is_undefined()) return Locate(UndefinedError(left), n);
            if (right.is_undefined()) return Locate(UndefinedError(right), n);
            absl::StatusOr<bool> lt =
                (op == CmpOp::kLt || op == CmpOp::kGe) ? LessThan(left, right) : LessThan(right, left);
            if (!lt.ok()) {
              if (auto m = ObjectCompareError(left, right)) return ErrorAt(n, "TypeError: " + *m);
              static constexpr std::string_view kSym[] = {"==", "!=", "<", "<=", ">", ">="};
              return ErrorAt(n,
                             fmt::format("TypeError: '{}' not supported between instances of '{}' and '{}'",
                                         kSym[n->ops[i]], left.TypeName(), right.TypeName()));
            }
            r = (op == CmpOp::kLt || op == CmpOp::kGt) ? *lt : !*lt;
            break;
          }
          case CmpOp::kIn:
          case CmpOp::kNotIn: {
            if (right.is_undefined() && undefined_mode() != UndefinedMode::kDefault) {
              if (undefined_mode() == UndefinedMode::kStrict) return Locate(UndefinedError(right), n);
            }
            auto c = Contains(right, left);
            if (!c.ok()) return Locate(c.status(), n);
            r = static_cast<CmpOp>(n->ops[i]) == CmpOp::kIn ? *c : !*c;
            break;
          }
        }
        if (!r) {
          out = Value::Bool(false);
          return absl::OkStatus();
        }
        left = std::move(right);
      }
      out = Value::Bool(true);
      return absl::OkStatus();
    }
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      Value tmp;
      const Value* a;
      FLINKDBT_RETURN_IF_ERROR(EvalRef(n->a, f, tmp, a));
      if (a->is_undefined() && undefined_mode() == UndefinedMode::kStrict)
        return Locate(UndefinedError(*a), n);
      bool t = a->Truthy();
      if ((n->kind == NodeKind::kAnd) ? !t : t) {
        out = *a;
        return absl::OkStatus();
      }
      return Eval(n->b, f, out);
    }
    case NodeKind::kCondExpr: {
      Value ctmp;
      const Value* c;
      FLINKDBT_RETURN_IF_ERROR(EvalRef(n->b, f, ctmp, c));
      if (c->is_undefined() && undefined_mode() == UndefinedMode::kStrict)
        return Locate(UndefinedError(*c), n);
      if (c->Truthy()) return Eval(n->a, f, out);
      if (n->c != nullptr) return Eval(n->c, f, out);
      if (undefined_mode() != UndefinedMode::kStrict) {
        out = Value();  // the hint below is only ever shown in strict mode; skip formatting it
      } else {
        out = Value::UndefinedWithHint(fmt::format(
            "the inline if-expression on line {} evaluated to false and no else section was defined.",
            impl_ ? impl_->Location(n->offset).line : 0));
      }
      return absl::OkStatus();
    }
    case NodeKind::kList:
    case NodeKind::kTuple: {
      std::vector<Value> items;
      items.reserve(n->args.size());
      for (const Node* c : n->args) {
        Value v;
        FLINKDBT_RETURN_IF_ERROR(Eval(c, f, v));
        items.push_back(std::move(v));
      }
      out = n->kind == NodeKind::kList ? Value::List(std::move(items)) : Value::Tuple(std::move(items));
      return absl::OkStatus();
    }
    case NodeKind::kDict: {
      Value d = Value::Dict();
      for (size_t i = 0; i + 1 < n->args.size(); i += 2) {
        Value k, v;
        FLINKDBT_RETURN_IF_ERROR(Eval(n->args[i], f, k));
        FLINKDBT_RETURN_IF_ERROR(Eval(n->args[i + 1], f, v));
        if (k.is_list() || k.is_dict()) {
          return ErrorAt(n->args[i], fmt::format("TypeError: unhashable type: '{}'", k.TypeName()));
        }
        d.SetItem(std::move(k), std::move(v));
      }
      out = std::move(d);
      return absl::OkStatus();
    }
    default:
      return ErrorAt(n, "internal error: statement used as expression");
  }
}

}  // namespace flinkdbt::jinja::internal

namespace flinkdbt::jinja {
std::string_view Value::CallableName() const {
  if (kind_ == ValueKind::kMacro) return static_cast<internal::MacroObject*>(bits_.p)->name;
  if (kind_ == ValueKind::kCallable) return static_cast<internal::CallableObject*>(bits_.p)->name;
  return {};
}
}  // namespace flinkdbt::jinja
