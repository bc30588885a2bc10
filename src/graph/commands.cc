#include "flinkdbt/graph/commands.h"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "absl/strings/ascii.h"
#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/parallel.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/project/version.h"
#include "fmt/format.h"
#include "graph/compiled_writer.h"

namespace flinkdbt::graph {
namespace fs = std::filesystem;
using compile::ResourceType;
using project::Value;

namespace {

std::string NowIso() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:06d}Z", buf, us);
}

std::string Uuid4() {
  std::random_device rd;
  std::mt19937_64 gen((static_cast<uint64_t>(rd()) << 32) ^ rd());
  uint64_t a = gen(), b = gen();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", a >> 32, (a >> 16) & 0xffff, a & 0xffff, b >> 48,
                     b & 0xffffffffffffULL);
}

absl::Status WriteFileAtomically(const std::string& path, const std::string& contents) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return absl::InternalError(ToAbsl(fmt::format("cannot write {}", path)));
    out << contents;
    if (!out) return absl::InternalError(ToAbsl(fmt::format("cannot write {}", path)));
  }
  fs::rename(tmp, path, ec);
  if (ec) return absl::InternalError(ToAbsl(fmt::format("cannot write {}: {}", path, ec.message())));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ResourceType>> ResourceTypes(const std::vector<std::string>& names,
                                                        std::vector<ResourceType> defaults) {
  if (names.empty()) return defaults;
  std::vector<ResourceType> out;
  for (const auto& n : names) {
    if (n == "default") {
      out.insert(out.end(), defaults.begin(), defaults.end());
    } else if (n == "all") {
      for (ResourceType t :
           {ResourceType::kModel, ResourceType::kAnalysis, ResourceType::kSeed, ResourceType::kSnapshot,
            ResourceType::kSource, ResourceType::kTest, ResourceType::kExposure, ResourceType::kUnitTest}) {
        out.push_back(t);
      }
    } else {
      std::string name = n == "unit_test" || n == "unit" ? "unit_test" : n;
      ResourceType t;
      if (!compile::ParseResourceType(name, &t) || t == ResourceType::kMacro || t == ResourceType::kDoc) {
        return absl::InvalidArgumentError(
            ToAbsl(fmt::format("invalid resource type '{}': expected one of model, seed, snapshot, analysis, "
                               "source, test, unit_test, "
                               "exposure, default, all",
                               n)));
      }
      out.push_back(t);
    }
  }
  return out;
}

}  // namespace

LazyCompiler::LazyCompiler(std::shared_ptr<const project::LoadedProject> project,
                           compile::CompileOptions options)
    : project_(std::move(project)), options_(std::move(options)) {}

absl::StatusOr<compile::Compiler*> LazyCompiler::Get() {
  if (!compiler_) {
    FLINKDBT_ASSIGN_OR_RETURN(compiler_, compile::Compiler::Create(project_, options_));
    if (manifest_) compiler_->SetManifest(manifest_);
  }
  return compiler_.get();
}

absl::StatusOr<std::vector<compile::Compiler*>> LazyCompiler::Workers(int n) {
  std::vector<compile::Compiler*> out;
  FLINKDBT_ASSIGN_OR_RETURN(compile::Compiler * main, Get());
  out.push_back(main);
  while (static_cast<int>(forks_.size()) + 1 < n) {
    FLINKDBT_ASSIGN_OR_RETURN(std::unique_ptr<compile::Compiler> fork, main->Fork());
    forks_.push_back(std::move(fork));
  }
  for (int k = 1; k < n; ++k) out.push_back(forks_[k - 1].get());
  return out;
}

void LazyCompiler::ResetForks() { forks_.clear(); }

void LazyCompiler::SetManifest(std::shared_ptr<compile::Manifest> manifest) {
  manifest_ = manifest;
  forks_.clear();
  if (compiler_) compiler_->SetManifest(std::move(manifest));
}

absl::StatusOr<compile::ParseCapture> LazyCompiler::Capture(const compile::Node& node) {
  FLINKDBT_ASSIGN_OR_RETURN(compile::Compiler * c, Get());
  return c->Capture(node);
}

absl::StatusOr<std::optional<std::string>> LazyCompiler::GenerateName(std::string_view kind,
                                                                      const Value& custom,
                                                                      const compile::Node& node) {
  FLINKDBT_ASSIGN_OR_RETURN(compile::Compiler * c, Get());
  return c->GenerateName(kind, custom, node);
}

std::string PythonJsonDumps(const Value& v) { return project::ToPythonJson(v); }

absl::StatusOr<ParsedProject> ParseLoaded(std::shared_ptr<const project::LoadedProject> project,
                                          const InvocationOptions& options) {
  bool version_check = true;
  if (options.version_check) {
    version_check = *options.version_check;
  } else if (auto it = project->env.find("DBT_VERSION_CHECK"); it != project->env.end()) {
    std::string v = absl::AsciiStrToLower(ToAbsl(it->second));
    version_check = !(v == "false" || v == "0" || v == "no" || v == "off");
  }
  if (version_check) FLINKDBT_RETURN_IF_ERROR(project::CheckRequiredDbtVersion(*project));
  ParsedProject out;
  out.project = project;
  out.threads = options.threads > 0 ? options.threads : DefaultThreadCount();
  out.warnings = project->warnings;
  compile::ParseOptions po;
  po.invocation_id = options.invocation_id.empty() ? Uuid4() : options.invocation_id;
  po.started_at = options.started_at.empty() ? NowIso() : options.started_at;
  po.static_parser = options.static_parser;
  po.threads = out.threads;
  compile::CompileOptions co = options.compile;
  co.invocation_id = po.invocation_id;
  co.run_started_at = po.started_at;
  if (co.scrubber == nullptr) co.scrubber = options.load.scrubber;
  // The Jinja context is built on first need: most models are read by the static extractor, and
  // building the context loads every macro of every package.
  auto lazy = std::make_shared<LazyCompiler>(project, co);
  po.renderer = lazy.get();
  FLINKDBT_ASSIGN_OR_RETURN(std::shared_ptr<compile::Manifest> manifest,
                            compile::ParseManifest(*project, po));
  out.manifest = manifest;
  out.warnings.insert(out.warnings.end(), manifest->warnings.begin(), manifest->warnings.end());
  lazy->SetManifest(manifest);
  out.compiler = lazy;
  FLINKDBT_ASSIGN_OR_RETURN(out.graph, Graph::Build(out.manifest));
  if (options.write_manifest) {
    out.manifest_path = (fs::path(project->target_path) / "manifest.json").string();
    FLINKDBT_RETURN_IF_ERROR(WriteFileAtomically(out.manifest_path, out.manifest->ToJson(0, out.threads)));
  }
  return out;
}

absl::StatusOr<ParsedProject> ParseCommand(const InvocationOptions& options) {
  project::LoadOptions load = options.load;
  load.file_threads = options.threads > 0 ? options.threads : DefaultThreadCount();
  project::Environment env = load.env ? *load.env : project::ProcessEnvironment();
  load.env = env;
  std::unique_ptr<project::ConfigRenderer> renderer;
  if (load.renderer == nullptr) {
    renderer = compile::MakeConfigRenderer(env, load.cli_vars, load.scrubber);
    load.renderer = renderer.get();
  }
  FLINKDBT_ASSIGN_OR_RETURN(std::shared_ptr<const project::LoadedProject> project,
                            project::LoadProject(load));
  return ParseLoaded(std::move(project), options);
}

absl::StatusOr<SelectionResult> PrepareCompile(const ParsedProject& parsed, const ListOptions& options) {
  std::vector<ResourceType> defaults = {ResourceType::kModel, ResourceType::kAnalysis, ResourceType::kTest,
                                        ResourceType::kSnapshot};
  FLINKDBT_ASSIGN_OR_RETURN(SelectionResult sel, SelectNodes(parsed, options, defaults));
  FLINKDBT_ASSIGN_OR_RETURN(compile::Compiler * compiler, parsed.compiler->Get());
  {
    std::vector<std::string> ids;
    ids.reserve(sel.selected.size());
    for (int id : sel.selected) ids.push_back(parsed.graph->node(id).unique_id);
    compiler->SetSelectedResources(ids);
  }
  if (options.defer) {
    std::string dir = options.defer_state_dir.empty() ? options.state_dir : options.defer_state_dir;
    if (dir.empty()) return absl::InvalidArgumentError("--defer needs --state or --defer-state");
    FLINKDBT_ASSIGN_OR_RETURN(PreviousState st, LoadPreviousState(dir));
    if (st.manifest.is_null()) {
      return absl::InvalidArgumentError(ToAbsl(fmt::format("--defer: no manifest.json in {}", dir)));
    }
    parsed.manifest->MergeFromArtifact(st.manifest);
    std::set<std::string> ids;
    for (int id : sel.selected) ids.insert(parsed.graph->node(id).unique_id);
    compiler->SetDefer(std::make_shared<const Value>(std::move(st.manifest)), options.favor_state,
                       std::move(ids));
  }
  parsed.compiler->ResetForks();  // forks carry the settings of their making
  return sel;
}

absl::StatusOr<std::vector<CompiledNode>> CompileCommand(const ParsedProject& parsed,
                                                         const ListOptions& options,
                                                         const std::optional<std::string>& inline_sql,
                                                         bool write_manifest) {
  std::vector<CompiledNode> out;
  if (inline_sql) {
    FLINKDBT_ASSIGN_OR_RETURN(compile::Compiler * compiler, parsed.compiler->Get());
    FLINKDBT_ASSIGN_OR_RETURN(std::string sql, compiler->CompileInline(*inline_sql));
    out.push_back(CompiledNode{"sql_operation." + parsed.project->root.config.name + ".inline_query",
                               "inline_query", "", std::move(sql)});
    return out;
  }
  FLINKDBT_ASSIGN_OR_RETURN(SelectionResult sel, PrepareCompile(parsed, options));
  // Compile in dependency order so errors surface upstream first.
  std::vector<int> order = parsed.graph->TopologicalOrder();
  std::vector<char> selected(parsed.graph->size(), 0);
  for (int id : sel.selected) selected[id] = 1;
  fs::path target(parsed.project->target_path);
  std::vector<compile::Node*> nodes;
  for (int id : order) {
    if (selected[id]) nodes.push_back(parsed.manifest->MutableNode(parsed.graph->node(id).unique_id));
  }
  // Files are written by a background thread while compilation goes on, in compile order as each
  // node and all before it are done; node->compiled_code stays alive in the manifest until the
  // writer finishes below.
  CompiledFileWriter writer;
  // compiled_path is "<target dir name>/compiled/<pkg>/<path>", '/'-separated; paths are joined as
  // strings (fs::path arithmetic per node was a visible part of compiling 30k nodes).
  auto dir_prefix = [](std::string dir) {
    if (!dir.empty() && dir.back() != '/') dir += '/';
    return dir;
  };
  const std::string target_abs = dir_prefix(target.string());
  const std::string target_rel =
      dir_prefix(fs::path(parsed.project->root.config.target_path).generic_string());
  absl::Status compiled = CompileNodes(parsed, nodes, [&](compile::Node& node) {
    if (!node.compiled) return;
    std::string_view rel = std::string_view(node.compiled_path).substr(node.compiled_path.find('/') + 1);
    // Compiled files are plain outputs (dbt rewrites them every run).
    std::string file = target_abs + std::string(rel);
    size_t slash = file.rfind('/');
    writer.Add(file.substr(0, slash), file.substr(slash + 1), node.compiled_code);
    out.push_back(CompiledNode{node.unique_id, node.name, target_rel + std::string(rel), node.compiled_code});
  });
  FLINKDBT_RETURN_IF_ERROR(writer.Finish());
  FLINKDBT_RETURN_IF_ERROR(compiled);
  if (write_manifest) {
    FLINKDBT_RETURN_IF_ERROR(
        WriteFileAtomically((target / "manifest.json").string(), parsed.manifest->ToJson(0, parsed.threads)));
  }
  return out;
}

namespace {

// No thread is started for work too small to gain from one (a fork builds its own context).
constexpr size_t kNodesPerThread = 64;

using LogLine = std::pair<std::string, std::string>;

// Runs `work(i, compiler)` for i in [0, n) on `compilers` (one per thread) and `commit(i)` in index
// order up to the first failing index, whose number is returned (n when none failed). log() lines
// of each index (after those already in `logs[i]`, if given) reach `sink` in index order, just
// before its commit (or the failure's return).
template <typename Work, typename Commit>
size_t RunOnWorkers(size_t n, const std::vector<compile::Compiler*>& compilers,
                    const std::function<void(std::string_view, std::string_view)>& sink, Work&& work,
                    Commit&& commit, std::vector<std::vector<LogLine>> logs = {}) {
  logs.resize(n);
  std::vector<size_t> current(compilers.size());
  for (size_t w = 0; w < compilers.size(); ++w) {
    compilers[w]->SetLog([&logs, &current, w](std::string_view level, std::string_view message) {
      logs[current[w]].emplace_back(std::string(level), std::string(message));
    });
  }
  auto flush = [&](size_t i) {
    for (const auto& [level, message] : logs[i]) {
      if (sink) sink(level, message);
    }
    logs[i].clear();
  };
  size_t taken = ParallelForOrdered(
      n, static_cast<int>(compilers.size()),
      [&](size_t i, int worker) {
        current[worker] = i;
        return work(i, *compilers[worker]);
      },
      [&](size_t i) {
        flush(i);
        commit(i);
      });
  for (compile::Compiler* c : compilers) c->SetLog(sink);
  if (taken < n) flush(taken);
  return taken;
}

int ThreadsFor(size_t items, int threads) {
  return std::max(1, static_cast<int>(std::min<size_t>(std::max(threads, 1), items / kNodesPerThread)));
}

}  // namespace

std::vector<absl::StatusOr<compile::ParseCapture>> LazyCompiler::CaptureAll(
    const std::vector<const compile::Node*>& nodes, int threads) {
  threads = ThreadsFor(nodes.size(), threads);
  if (threads == 1) return ParseRenderer::CaptureAll(nodes, 1);
  absl::StatusOr<std::vector<compile::Compiler*>> compilers = Workers(threads);
  if (!compilers.ok()) return {compilers.status()};
  std::vector<absl::StatusOr<compile::ParseCapture>> out(nodes.size(), absl::UnknownError(""));
  size_t taken = RunOnWorkers(
      nodes.size(), *compilers, options_.log,
      [&](size_t i, compile::Compiler& c) {
        out[i] = c.Capture(*nodes[i]);
        return out[i].ok();
      },
      [](size_t) {});
  out.resize(std::min(nodes.size(), taken + 1));
  return out;
}

namespace {

// One thread compiles each ephemeral model inside the first node (in order) that is it or refs it,
// directly or through other ephemerals. Those nodes are marked here: CompileNodes compiles them
// first, in order, so that each ephemeral is rendered inside the same node as on one thread (its
// log() lines among that node's) and every other node finds its ephemeral parents compiled.
std::vector<char> FirstEphemeralUsers(const Graph& g, const std::vector<compile::Node*>& nodes) {
  std::vector<char> seen(g.size(), 0), first(nodes.size(), 0);
  std::vector<int> stack;
  for (size_t i = 0; i < nodes.size(); ++i) {
    int id = g.Find(nodes[i]->unique_id);
    if (id < 0) continue;
    stack.assign(1, id);
    while (!stack.empty()) {
      int v = stack.back();
      stack.pop_back();
      if (g.node(v).is_ephemeral()) {
        if (seen[v]) continue;
        seen[v] = 1;
        first[i] = 1;
      } else if (v != id) {
        continue;  // only the node itself and ephemeral parents lead further
      }
      for (int p : g.parents(v)) stack.push_back(p);
    }
  }
  return first;
}

}  // namespace

absl::Status CompileNodes(const ParsedProject& parsed, const std::vector<compile::Node*>& nodes,
                          const std::function<void(compile::Node&)>& done) {
  // Nodes compiled already (e.g. by the run layer's validation) need no thread.
  size_t pending =
      std::count_if(nodes.begin(), nodes.end(), [](const compile::Node* n) { return !n->compiled; });
  int threads = ThreadsFor(pending, parsed.threads);
  FLINKDBT_ASSIGN_OR_RETURN(std::vector<compile::Compiler*> compilers, parsed.compiler->Workers(threads));
  if (threads == 1) {
    for (compile::Node* node : nodes) {
      FLINKDBT_RETURN_IF_ERROR(compilers[0]->CompileNode(*node));
      done(*node);
    }
    return absl::OkStatus();
  }
  // Nodes that compile an ephemeral first are compiled in order on the first compiler (their log
  // lines kept for their turn), up to the first error; the workers then take every node in order.
  std::vector<char> early = FirstEphemeralUsers(*parsed.graph, nodes);
  std::vector<absl::Status> status(nodes.size());
  std::vector<std::vector<LogLine>> early_logs(nodes.size());
  std::vector<char> compiled_early(nodes.size(), 0);
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!early[i]) continue;
    compilers[0]->SetLog([&early_logs, i](std::string_view level, std::string_view message) {
      early_logs[i].emplace_back(std::string(level), std::string(message));
    });
    status[i] = compilers[0]->CompileNode(*nodes[i]);
    compiled_early[i] = 1;
    if (!status[i].ok()) break;
  }
  const auto& sink = parsed.compiler->options().log;
  compilers[0]->SetLog(sink);
  size_t taken = RunOnWorkers(
      nodes.size(), compilers, sink,
      [&](size_t i, compile::Compiler& c) {
        if (!compiled_early[i]) status[i] = c.CompileNode(*nodes[i]);
        return status[i].ok();
      },
      [&](size_t i) { done(*nodes[i]); }, std::move(early_logs));
  return taken == nodes.size() ? absl::OkStatus() : status[taken];
}

absl::StatusOr<SelectionResult> SelectNodes(const ParsedProject& parsed, const ListOptions& options,
                                            std::vector<ResourceType> default_types) {
  SelectOptions so;
  so.select = options.select;
  so.exclude = options.exclude;
  so.selector = options.selector;
  FLINKDBT_ASSIGN_OR_RETURN(so.indirect_selection, ParseIndirectSelection(options.indirect_selection));
  FLINKDBT_ASSIGN_OR_RETURN(so.resource_types, ResourceTypes(options.resource_types, default_types));
  if (!options.exclude_resource_types.empty()) {
    FLINKDBT_ASSIGN_OR_RETURN(so.exclude_resource_types, ResourceTypes(options.exclude_resource_types, {}));
  }
  so.root_project = parsed.project->root.config.name;
  so.selectors = parsed.project->selectors;
  PreviousState state;
  if (!options.state_dir.empty()) {
    FLINKDBT_ASSIGN_OR_RETURN(state, LoadPreviousState(options.state_dir));
    so.state = &state;
  }
  FLINKDBT_ASSIGN_OR_RETURN(SelectionSpec spec, BuildSpec(so));
  return Select(*parsed.graph, spec, so);
}

absl::StatusOr<ListResult> ListCommand(const ParsedProject& parsed, const ListOptions& options) {
  if (options.output != "selector" && options.output != "name" && options.output != "path" &&
      options.output != "json") {
    return absl::InvalidArgumentError(
        ToAbsl(fmt::format("invalid --output '{}': expected selector, name, path or json", options.output)));
  }
  std::vector<ResourceType> defaults = {ResourceType::kModel,   ResourceType::kSeed, ResourceType::kSnapshot,
                                        ResourceType::kSource,  ResourceType::kTest, ResourceType::kExposure,
                                        ResourceType::kUnitTest};
  FLINKDBT_ASSIGN_OR_RETURN(SelectionResult sel, SelectNodes(parsed, options, defaults));
  ListResult out;
  out.warnings = sel.warnings;
  std::vector<std::string> keys = options.output_keys;
  if (keys.empty()) {
    keys = {"alias",  "name",          "package_name", "depends_on",         "tags",
            "config", "resource_type", "source_name",  "original_file_path", "unique_id"};
  }
  enum class Output { kSelector, kName, kPath, kJson };
  const Output mode = options.output == "name"       ? Output::kName
                      : options.output == "path"     ? Output::kPath
                      : options.output == "selector" ? Output::kSelector
                                                     : Output::kJson;
  if (mode != Output::kJson) {
    // Lines come out in unique_id order, but the nodes are visited in id (memory) order and each
    // line is put in its slot: on large graphs the scattered node reads dominated `ls`.
    const Graph& g = *parsed.graph;
    std::vector<int> slot(g.size(), -1);
    for (size_t k = 0; k < sel.selected.size(); ++k) slot[sel.selected[k]] = static_cast<int>(k);
    out.lines.resize(sel.selected.size());
    for (size_t id = 0; id < slot.size(); ++id) {
      if (slot[id] < 0) continue;
      const compile::Node& n = g.node(static_cast<int>(id));
      std::string& line = out.lines[slot[id]];
      if (mode == Output::kName) {
        line = n.search_name();
      } else if (mode == Output::kPath) {
        line = n.original_file_path;
      } else {
        switch (n.resource_type) {
          case ResourceType::kSource:
            line = fmt::format("source:{}.{}.{}", n.package_name, n.source_name, n.name);
            break;
          case ResourceType::kExposure:
            line = fmt::format("exposure:{}.{}", n.package_name, n.name);
            break;
          case ResourceType::kUnitTest:
            line = fmt::format("unit_test:{}.{}", n.package_name, n.name);
            break;
          default: {
            size_t len = n.fqn.size();
            for (const auto& part : n.fqn) len += part.size();
            line.reserve(len);
            for (size_t i = 0; i < n.fqn.size(); ++i) {
              if (i) line += '.';
              line += n.fqn[i];
            }
          }
        }
      }
    }
  }
  if (mode == Output::kJson) out.lines.reserve(sel.selected.size());
  for (size_t k = 0; mode == Output::kJson && k < sel.selected.size(); ++k) {
    const compile::Node& n = parsed.graph->node(sel.selected[k]);
    {
      JsonWriter w;
      compile::WriteNodeJson(w, n);
      FLINKDBT_ASSIGN_OR_RETURN(Value full, project::ParseJson(w.str(), "node"));
      Value filtered = Value::MakeMap();
      for (const auto& [k, v] : full.map()) {
        if (std::find(keys.begin(), keys.end(), k) != keys.end()) filtered.map().emplace_back(k, v);
      }
      out.lines.push_back(PythonJsonDumps(filtered));
    }
  }
  if (sel.selected.empty()) out.warnings.push_back("No nodes selected!");
  return out;
}

}  // namespace flinkdbt::graph
