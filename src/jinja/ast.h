// The template AST (private to the jinja layer). Nodes live in their template's arena and are
// immutable after parsing; the renderer walks them directly.
#ifndef FLINKDBT_SRC_JINJA_AST_H_
#define FLINKDBT_SRC_JINJA_AST_H_

#include <atomic>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/node_hash_set.h"
#include "absl/status/statusor.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/jinja/environment.h"
#include "flinkdbt/jinja/value.h"

namespace flinkdbt::jinja::internal {

class Renderer;

enum class NodeKind : uint8_t {
  // Expressions
  kConst,     // value
  kName,      // name
  kGetAttr,   // a.name
  kGetItem,   // a[b]
  kSlice,     // a[b:c:d] (b, c, d may be null)
  kCall,      // a(args, kwargs, *c, **d)
  kFilter,    // a|name(args, kwargs); a is null inside filter blocks / set blocks
  kTest,      // a is [not] name(args); flag = negated
  kNot,       // not a
  kNeg,       // -a
  kPos,       // +a
  kBinary,    // a op b
  kConcat,    // args joined with ~
  kCompare,   // a, then (ops[i], args[i])...
  kAnd,       // a and b
  kOr,        // a or b
  kCondExpr,  // a if b else c (c may be null)
  kList,      // [args]
  kTuple,     // (args)
  kDict,      // {args[0]: args[1], ...}
  // Statements
  kText,  // value (a string)
  kPrint,
  kIf,           // if a: body else else_body
  kFor,          // for a in b [if c] body else else_body; flag = recursive, flag2 = uses loop
  kSet,          // a = b
  kSetBlock,     // a = body, filtered by c
  kMacro,        // name(params, defaults) body
  kCallBlock,    // call(params, defaults) a: body
  kFilterBlock,  // filter a: body
  kInclude,      // a; flag = ignore missing, flag2 = with context
  kImport,       // a as name; flag2 = with context
  kFromImport,   // from a import imports; flag2 = with context
  kExtends,      // a
  kBlock,        // name: body; flag = scoped, flag2 = required
  kWith,         // targets (params) = defaults; body
  kDo,           // a
  kBreak,
  kContinue,
  kCustomBlock,  // a = the kMacro node; block_index into TemplateImpl::block_defs
  kAutoescape,   // a; body
};

enum class BinOp : uint8_t { kAdd, kSub, kMul, kDiv, kFloorDiv, kMod, kPow };
// Objects see BinOp as the public Operator: the two enums must stay in step.
static_assert(static_cast<int>(BinOp::kPow) == static_cast<int>(Operator::kPow) &&
              static_cast<int>(BinOp::kMod) == static_cast<int>(Operator::kMod));
enum class CmpOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn };

// Signature of builtin filters and tests.
using FilterFn = absl::StatusOr<Value> (*)(Renderer& r, const Value& subject, const CallArgs& args);
using TestFn = absl::StatusOr<bool> (*)(Renderer& r, const Value& subject, const CallArgs& args);

struct Node {
  NodeKind kind;
  uint8_t op = 0;
  bool flag = false;
  bool flag2 = false;
  bool has_varargs = false;  // macros: body references varargs / kwargs / caller
  bool has_kwargs = false;
  bool has_caller = false;
  uint8_t maybe_method = 0;  // kGetAttr: the types the name is a method of (kStrMethod...), 0 if none
  uint32_t offset = 0;        // byte offset in the template source, for locations
  uint32_t tag_offset = 0;    // statements/prints/text in a body: where the `{%`/`{{`/text starts
  Value value;
  std::string_view name;  // interned in TemplateImpl::names
  size_t name_hash = 0;   // ValueHasher()(name), for dict lookups
  Node* a = nullptr;
  Node* b = nullptr;
  Node* c = nullptr;
  Node* d = nullptr;
  std::vector<Node*> args;
  std::vector<std::pair<std::string, Node*>> kwargs;
  std::vector<uint8_t> ops;  // kCompare
  std::vector<Node*> body;
  std::vector<Node*> else_body;
  // kMacro/kCallBlock: parameter names and default expressions (null when none).
  std::vector<std::string_view> params;  // interned
  std::vector<Node*> defaults;
  std::vector<std::pair<std::string, std::string>> imports;  // kFromImport: name, alias
  int block_index = -1;
  FilterFn filter = nullptr;
  TestFn test = nullptr;
};

struct TemplateImpl {
  std::string name;
  std::string source;
  std::deque<Node> arena;
  // Identifiers, interned so equal names share storage (frames compare pointers first).
  absl::node_hash_set<std::string> names;
  std::string_view Intern(std::string_view s) { return *names.emplace(s).first; }
  std::vector<Node*> body;
  absl::flat_hash_map<std::string, const Node*> blocks;  // {% block %} by name
  std::vector<MacroInfo> macros;
  std::vector<BlockDefinition> block_defs;
  bool has_extends = false;
  // Size of the last rendered output, to size the next render's buffer (a hint, racy by design).
  mutable std::atomic<size_t> output_hint{0};

  Node* New(NodeKind kind, uint32_t offset) {
    Node& n = arena.emplace_back();
    n.kind = kind;
    n.offset = offset;
    n.tag_offset = offset;
    return &n;
  }
  SourceLocation Location(uint32_t offset) const { return LocationOfOffset(source, offset, name); }
};

// Parses `source` into `impl` (name and source already set).
absl::Status ParseTemplate(const Environment& env, TemplateImpl* impl);

FilterFn FindFilter(std::string_view name);
TestFn FindTest(std::string_view name);

// Error helpers: an error of the given Jinja2 exception class ("TypeError", "UndefinedError"...),
// located at `offset` of `impl`, carrying the source line.
absl::Status MakeError(absl::StatusCode code, const TemplateImpl& impl, uint32_t offset,
                       std::string_view message);

}  // namespace flinkdbt::jinja::internal

#endif  // FLINKDBT_SRC_JINJA_AST_H_
