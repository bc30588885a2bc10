#include "flinkdbt/jinja/environment.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/cord.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "fmt/format.h"
#include "jinja/ast.h"
#include "jinja/render.h"

namespace flinkdbt::jinja {
namespace {

// The source line of a located error travels as a payload so FormatError can show it.
constexpr std::string_view kSourceLinePayload = "type.flinkdbt.dev/jinja.SourceLine";

}  // namespace

namespace internal {

absl::Status MakeError(absl::StatusCode code, const TemplateImpl& impl, uint32_t offset,
                       std::string_view message) {
  SourceLocation loc = impl.Location(std::min<size_t>(offset, impl.source.size()));
  absl::Status st(code, ToAbsl(message));
  st = WithLocation(std::move(st), loc);
  if (auto line = LineOf(impl.source, loc.line)) {
    st.SetPayload(ToAbsl(kSourceLinePayload), absl::Cord(ToAbsl(*line)));
  }
  return st;
}

}  // namespace internal

std::string FormatError(const absl::Status& status) {
  auto loc = GetLocation(status);
  auto line = status.GetPayload(ToAbsl(kSourceLinePayload));
  if (!loc || !line.has_value() || loc->line <= 0) return FormatDiagnostic(status);
  std::string fake(static_cast<size_t>(loc->line - 1), '\n');
  fake += std::string(*line);
  return FormatDiagnostic(status, fake);
}

// ---- loaders ---------------------------------------------------------------------------------

absl::StatusOr<std::string> FileSystemLoader::Load(std::string_view name) const {
  std::filesystem::path rel(name);
  for (const auto& part : rel) {
    if (part == "..") return absl::NotFoundError(fmt::format("TemplateNotFound: '{}' not found", name));
  }
  if (rel.is_absolute()) return absl::NotFoundError(fmt::format("TemplateNotFound: '{}' not found", name));
  std::filesystem::path full = std::filesystem::path(root_) / rel;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(full, ec)) {
    return absl::NotFoundError(fmt::format("TemplateNotFound: '{}' not found", name));
  }
  std::ifstream in(full, std::ios::binary);
  if (!in) return absl::NotFoundError(fmt::format("TemplateNotFound: '{}' not found", name));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

MemoryLoader::MemoryLoader(std::vector<std::pair<std::string, std::string>> templates) {
  for (auto& [k, v] : templates) templates_[k] = std::move(v);
}

void MemoryLoader::Add(std::string name, std::string source) {
  templates_[std::move(name)] = std::move(source);
}

absl::StatusOr<std::string> MemoryLoader::Load(std::string_view name) const {
  auto it = templates_.find(ToAbsl(name));
  if (it == templates_.end())
    return absl::NotFoundError(fmt::format("TemplateNotFound: '{}' not found", name));
  return it->second;
}

// ---- Template --------------------------------------------------------------------------------

Template::Template(std::unique_ptr<internal::TemplateImpl> impl) : impl_(std::move(impl)) {}
Template::~Template() = default;
const std::string& Template::name() const { return impl_->name; }
const std::string& Template::source() const { return impl_->source; }
const std::vector<MacroInfo>& Template::macros() const { return impl_->macros; }
const std::vector<BlockDefinition>& Template::blocks() const { return impl_->block_defs; }

// ---- Environment -----------------------------------------------------------------------------

Environment::Environment(EnvironmentOptions options) : options_(options) {}
Environment::~Environment() = default;

void Environment::AddGlobal(std::string name, Value value) { globals_[std::move(name)] = std::move(value); }

void Environment::AddBlockTag(BlockTag tag) { block_tags_.push_back(std::move(tag)); }

absl::StatusOr<std::shared_ptr<const Template>> Environment::Parse(std::string_view source,
                                                                   std::string name) const {
  auto impl = std::make_unique<internal::TemplateImpl>();
  impl->name = std::move(name);
  impl->source = std::string(source);
  FLINKDBT_RETURN_IF_ERROR(internal::ParseTemplate(*this, impl.get()));
  return std::shared_ptr<const Template>(std::make_shared<Template>(std::move(impl)));
}

absl::StatusOr<std::shared_ptr<const Template>> Environment::GetTemplate(std::string_view name) const {
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = cache_.find(ToAbsl(name));
    if (it != cache_.end()) return it->second;
  }
  if (loader_ == nullptr) {
    return absl::NotFoundError(fmt::format("TemplateNotFound: '{}' not found (no loader)", name));
  }
  FLINKDBT_ASSIGN_OR_RETURN(std::string source, loader_->Load(name));
  FLINKDBT_ASSIGN_OR_RETURN(auto t, Parse(source, std::string(name)));
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto [it, inserted] = cache_.emplace(std::string(name), t);
  return it->second;
}

absl::StatusOr<std::string> Environment::Render(const Template& tmpl, const Value& context,
                                                const RenderOptions& render) const {
  internal::Renderer r(*this, render);
  if (render.source_map != nullptr) r.EnableSourceMap(render.source_map);
  std::string out;
  const internal::TemplateImpl& impl = tmpl.impl();
  out.reserve(std::max(impl.source.size() + 64, impl.output_hint.load(std::memory_order_relaxed)));
  absl::Status st = r.RenderRoot(tmpl.shared_from_this(), context, &out, nullptr);
  r.ReleaseCycles(nullptr);
  FLINKDBT_RETURN_IF_ERROR(st);
  impl.output_hint.store(out.size(), std::memory_order_relaxed);
  return out;
}

absl::StatusOr<Module> Environment::MakeModule(std::shared_ptr<const Template> tmpl, const Value& context,
                                               const RenderOptions& render) const {
  internal::Renderer r(*this, render);
  Module m;
  internal::Ref<internal::Frame> root;
  absl::Status st = r.RenderRoot(std::move(tmpl), context, &m.output, &root);
  r.ReleaseCycles(st.ok() ? root.get() : nullptr);
  if (!st.ok()) {
    if (root) root->vars.clear();
    return st;
  }
  std::vector<std::pair<Value, Value>> exports;
  for (const auto& [k, v] : root->vars) {
    if (!k.starts_with("_")) exports.emplace_back(Value::String(k), v);
  }
  m.exports = Value::Dict(std::move(exports));
  // The module's macros resolve free names through the context dict, which the caller usually fills
  // with those very macros: hold it weakly so that dict <-> macro cycle does not leak. The scope
  // handle keeps it alive as well.
  Value strong_context = root->context;
  if (root->context.is_mapping()) {
    root->weak_context = static_cast<const internal::DictObject*>(root->context.heap_ptr())->WeakRef();
    root->context = Value();
  }
  // The scope handle owns the root frame; dropping it breaks the frame <-> macro cycle.
  internal::Frame* raw = root.get();
  raw->refs.fetch_add(1, std::memory_order_relaxed);
  m.scope = std::shared_ptr<const void>(raw, [strong_context](const void* p) {
    auto* f = const_cast<internal::Frame*>(static_cast<const internal::Frame*>(p));
    auto vars = std::move(f->vars);
    f->vars.clear();
    f->index.clear();
    internal::Ref<internal::Frame> release(f);
  });
  return m;
}

absl::StatusOr<Value> Environment::Call(const Value& callable, std::vector<Value> args,
                                        std::vector<std::pair<std::string, Value>> kwargs,
                                        const RenderOptions& render) const {
  internal::Renderer r(*this, render);
  std::vector<std::pair<std::string_view, Value>> kw;
  kw.reserve(kwargs.size());
  for (const auto& [k, v] : kwargs) kw.emplace_back(k, v);
  auto result = r.Call(callable, CallArgs{args, kw});
  r.ReleaseCycles(nullptr);
  if (!result.ok() && internal::IsReturnSignal(result.status())) {
    return absl::InternalError("return() called outside a macro");
  }
  return result;
}

}  // namespace flinkdbt::jinja
