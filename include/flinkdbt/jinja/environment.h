// Environment and Template: parsing and rendering Jinja2 templates, configured as dbt configures
// Python Jinja2 (the `do` and `loopcontrols` extensions always on, no autoescape, one trailing
// newline dropped unless keep_trailing_newline).
//
//   jinja::Environment env(options);
//   env.SetLoader(std::make_shared<jinja::FileSystemLoader>("macros"));
//   env.AddGlobal("run_query", jinja::Value::Callable("run_query", RunQuery));
//   absl::StatusOr<std::shared_ptr<const jinja::Template>> t = env.Parse(text, "models/a.sql");
//   absl::StatusOr<std::string> sql = env.Render(**t, context);
//
// Ownership and thread-safety: configure an Environment (options, loader, globals, block tags)
// before the first Parse/Render; after that it is read-only except for its template cache, which
// is guarded by a mutex, so one Environment may parse and render from many threads at once. A
// Template is immutable once parsed and may be rendered concurrently from many threads; it is held
// by shared_ptr and outlives any render or macro Value that refers to it. Renders share nothing
// mutable except the Values the caller passes in (a context dict mutated by a template is visible
// to the caller, as in Python).
//
// `return(value)` is a builtin global (as dbt provides it): inside a macro it ends the macro and makes
// the call evaluate to `value` (any type). `range`, `dict`, `lipsum`, `cycler`, `joiner` and
// `namespace` are the other builtin globals.
//
// Errors are absl::Status values carrying a SourceLocation (template name, line, column) and the
// source line; FormatError() prints them as "name:line:col: error: message" plus the line and a
// caret. Syntax errors, undefined names in strict mode, unknown filters/tests, type errors,
// division by zero, recursion beyond RenderOptions::max_depth and include cycles are all errors,
// never crashes or hangs.
#ifndef FLINKDBT_JINJA_ENVIRONMENT_H_
#define FLINKDBT_JINJA_ENVIRONMENT_H_

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "flinkdbt/jinja/value.h"

namespace flinkdbt::jinja {

class Environment;
class Template;
namespace internal {
class Renderer;
struct TemplateImpl;
}  // namespace internal

enum class UndefinedMode {
  // Jinja2's default Undefined: prints as "", iterates as empty, is falsy; attribute or item
  // access on it, calling it and arithmetic with it are errors.
  kDefault,
  // Jinja2's StrictUndefined: any use other than `is defined`/`default` is an error.
  kStrict,
  // dbt's parse-time mode: any attribute access, item access or call on an undefined yields
  // undefined, printing yields "".
  kPermissive,
};

struct EnvironmentOptions {
  bool trim_blocks = false;
  bool lstrip_blocks = false;
  bool keep_trailing_newline = false;
  UndefinedMode undefined = UndefinedMode::kDefault;
};

// Where `{% include %}`, `{% import %}` and `{% extends %}` find templates. Implementations must be
// thread-safe (Load may be called from several renders at once).
class Loader {
 public:
  virtual ~Loader() = default;
  // The source of template `name`, or a NotFound status.
  virtual absl::StatusOr<std::string> Load(std::string_view name) const = 0;
};

// Loads `name` relative to `root` ("a/b.sql" -> root/a/b.sql); names escaping root are not found.
class FileSystemLoader : public Loader {
 public:
  explicit FileSystemLoader(std::string root) : root_(std::move(root)) {}
  absl::StatusOr<std::string> Load(std::string_view name) const override;

 private:
  std::string root_;
};

// Templates held in memory, by name. Fill before sharing.
class MemoryLoader : public Loader {
 public:
  MemoryLoader() = default;
  explicit MemoryLoader(std::vector<std::pair<std::string, std::string>> templates);
  void Add(std::string name, std::string source);
  absl::StatusOr<std::string> Load(std::string_view name) const override;

 private:
  absl::flat_hash_map<std::string, std::string> templates_;
};

// A block tag that defines a macro, as dbt adds `{% materialization %}`, `{% test %}`,
// `{% data_test %}`, `{% docs %}` and `{% snapshot %}`. The tag reads
//   {% TAG NAME [ (PARAMS) ] [, ARG]... [, KEY=CONST]... %} BODY {% endTAG %}
// where PARAMS is a macro parameter list and ARG/CONST are names or literal expressions; the body
// becomes a macro (taking PARAMS) named macro_name(definition). Rendering the tag itself prints
// nothing (like `{% macro %}`). Every definition is listed by Template::blocks().
struct BlockDefinition {
  std::string tag;                                    // "materialization"
  std::string name;                                   // "table"
  std::string macro_name;                             // "materialization_table_flink"
  std::vector<std::string> params;                    // parameter names (from PARAMS)
  std::vector<std::string> args;                      // bare positional extras: `default` in
                                                      // `{% materialization view, default %}`
  std::vector<std::pair<std::string, Value>> kwargs;  // KEY=CONST extras: adapter='flink'
  std::string body_source;  // the raw template text between the tags (docs blocks need it)
  int line = 0;
  int column = 0;
};

struct BlockTag {
  std::string tag;  // "materialization"; the end tag is "end" + tag
  // Whether the tag accepts a (PARAMS) list after the name (`test`, `data_test`).
  bool allow_params = true;
  // Computes the macro name; by default "<tag>_<name>".
  std::function<std::string(const BlockDefinition&)> macro_name;
};

// One entry per chunk of output written by the rendered (root) template's own nodes, in increasing
// output_offset order. literal=true: output bytes [output_offset, next entry's output_offset) are a
// verbatim copy of source bytes starting at source_offset (after whitespace control). literal=false:
// the chunk was produced by an expression or statement ({{ }}, {% %}, including everything macros,
// includes or calls inside it wrote) that starts at source_offset (the position of its `{{`/`{%`).
// Source offsets index Template::source() (the source with line breaks normalised to "\n", which
// is byte-identical to the input for "\n"-only files). The last entry's chunk ends at the end of the
// output. Text inside root-level `{% if %}`/`{% for %}`/`{% with %}`/`{% block %}` bodies gets
// entries of its own; statements that write nothing (`{% set %}`, `{% macro %}`...) get none. When
// the root template `{% extends %}` another, everything the parent layout writes is attributed to
// the `{% extends %}` tag.
struct SourceMapEntry {
  size_t output_offset = 0;
  size_t source_offset = 0;
  bool literal = false;
};

// Per-render settings.
struct RenderOptions {
  // Opaque pointer handed to NativeFunctions through CallContext::user_data() (e.g. dbt's
  // per-node compile state). Not owned.
  void* user_data = nullptr;
  // Maximum nesting of macro calls, recursive loops, includes and imports.
  int max_depth = 400;
  // Upper bounds that turn runaway templates into errors instead of hangs (0 = unlimited):
  // statements and loop iterations executed, and bytes of output (including captured text).
  int64_t max_steps = 0;
  int64_t max_output_bytes = 0;
  // When set, Environment::Render clears it and fills it with the output source map of the root
  // template (see SourceMapEntry). Ignored by MakeModule and Call. Not owned.
  std::vector<SourceMapEntry>* source_map = nullptr;  // filled by Render when set
};

// Handed to every NativeFunction and Object::Call: the render in progress.
class CallContext {
 public:
  virtual ~CallContext() = default;
  virtual void* user_data() const = 0;
  virtual UndefinedMode undefined_mode() const = 0;
  virtual const Environment& environment() const = 0;
  // Calls any callable Value (macro, native callable, callable object) from inside a call.
  virtual absl::StatusOr<Value> Call(const Value& callable, const CallArgs& args) = 0;
  // Looks up a variable as the calling template code would see it (undefined if absent).
  virtual Value Resolve(std::string_view name) const = 0;
};

// Summary of a `{% macro %}` found in a template (top-level and inside custom block tags).
struct MacroInfo {
  std::string name;
  std::vector<std::string> params;
  int line = 0;
  int column = 0;
};

// A parsed template: immutable, thread-safe, shared.
class Template : public std::enable_shared_from_this<Template> {
 public:
  ~Template();
  const std::string& name() const;
  const std::string& source() const;
  // Top-level `{% macro %}` definitions, in source order.
  const std::vector<MacroInfo>& macros() const;
  // Custom block-tag definitions (materialization, test, docs...), in source order.
  const std::vector<BlockDefinition>& blocks() const;

  // Internal.
  explicit Template(std::unique_ptr<internal::TemplateImpl> impl);
  const internal::TemplateImpl& impl() const { return *impl_; }

 private:
  std::unique_ptr<internal::TemplateImpl> impl_;
};

// The result of running a template's top level: the names it exports (macros, top-level `set`s,
// macros of custom block tags), as `{% import %}` sees them, plus the text it rendered.
//
// The module's macros find the module's other top-level names (sibling macros, top-level sets)
// through the module's scope, which `scope` keeps alive. Macros and their scope refer to each other,
// so the scope is released explicitly: when the last copy of `scope` is destroyed, the module's
// top-level names are dropped and its macros then resolve free names only through the context dict
// given to MakeModule and the globals (which is how dbt resolves macros anyway). Keep `scope` alive
// as long as the macros need their siblings by module scope.
//
// The macros hold the context dict weakly (`scope` holds it strongly): a caller that stores the
// macros in that same dict (dbt's "every macro sees every other macro") creates no reference cycle,
// and everything is freed when the caller drops the dict. A macro called after its context dict is
// gone sees no context names.
struct Module {
  Value exports;  // a dict: name -> value
  std::string output;
  std::shared_ptr<const void> scope;
};

class Environment {
 public:
  explicit Environment(EnvironmentOptions options = {});
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  const EnvironmentOptions& options() const { return options_; }
  void SetLoader(std::shared_ptr<const Loader> loader) { loader_ = std::move(loader); }
  // A name every template sees (below the render context, above the builtins).
  void AddGlobal(std::string name, Value value);
  // Registers a macro-defining block tag; must precede parsing templates that use it.
  void AddBlockTag(BlockTag tag);

  // Parses `source`; `name` is used in error messages and for relative loads.
  absl::StatusOr<std::shared_ptr<const Template>> Parse(std::string_view source, std::string name) const;
  // Loads (through the loader) and parses `name`, caching the result.
  absl::StatusOr<std::shared_ptr<const Template>> GetTemplate(std::string_view name) const;

  // Renders `tmpl` with `context` (a dict of name -> value; undefined/none means empty).
  absl::StatusOr<std::string> Render(const Template& tmpl, const Value& context,
                                     const RenderOptions& render = {}) const;
  // Runs the template's top level with `context` and returns what it exports. Macros in the
  // module resolve free names through `context` at call time, so a context dict filled in
  // afterwards (dbt's "every macro sees every other macro") works.
  absl::StatusOr<Module> MakeModule(std::shared_ptr<const Template> tmpl, const Value& context,
                                    const RenderOptions& render = {}) const;
  // Calls a macro or other callable Value from C++. For a macro the result is the rendered text as
  // a string, or the value passed to `return(...)`.
  absl::StatusOr<Value> Call(const Value& callable, std::vector<Value> args,
                             std::vector<std::pair<std::string, Value>> kwargs = {},
                             const RenderOptions& render = {}) const;

  // Internal.
  const absl::flat_hash_map<std::string, Value>& globals() const { return globals_; }
  const std::vector<BlockTag>& block_tags() const { return block_tags_; }
  const Loader* loader() const { return loader_.get(); }

 private:
  EnvironmentOptions options_;
  std::shared_ptr<const Loader> loader_;
  absl::flat_hash_map<std::string, Value> globals_;
  std::vector<BlockTag> block_tags_;
  mutable std::mutex cache_mu_;
  mutable absl::flat_hash_map<std::string, std::shared_ptr<const Template>> cache_;
};

// "name:line:col: error: message" followed by the source line and a caret, for a status returned by
// the engine.
std::string FormatError(const absl::Status& status);

}  // namespace flinkdbt::jinja

#endif  // FLINKDBT_JINJA_ENVIRONMENT_H_
