// The C ABI's implementation: a thin shim over run::Invoke. No C++ exception crosses it: every entry
// point catches everything and turns it into an error object.
#include "flinkdbt/flinkdbt.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "flinkdbt/base/json_writer.h"
#include "flinkdbt/base/status.h"
#include "flinkdbt/base/strings.h"
#include "flinkdbt/run/api.h"
#include "flinkdbt/run/invocation.h"
#include "flinkdbt/version.h"

extern char** environ;

struct flinkdbt_runner {
  std::mutex mu;  // guards the settings below against concurrent setters
  flinkdbt_event_callback callback = nullptr;
  void* payload = nullptr;
  std::string cwd;
  std::map<std::string, std::string> env_overrides;
  std::vector<std::string> env_removed;
  std::atomic<bool> cancelled{false};
  std::atomic<bool> running{false};
};

// A project handle: the run layer's ProjectSession, which serializes calls on one project itself.
struct flinkdbt_project {
  std::unique_ptr<flinkdbt::run::ProjectSession> session;
};

namespace {

char* CopyString(std::string_view s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out == nullptr) return nullptr;
  std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return out;
}

int SetError(flinkdbt_error** err, int code, std::string_view message,
             const flinkdbt::SourceLocation* location = nullptr) {
  if (err == nullptr) return code;
  auto* e = static_cast<flinkdbt_error*>(std::calloc(1, sizeof(flinkdbt_error)));
  if (e == nullptr) {
    *err = nullptr;
    return code;
  }
  e->code = code;
  e->message = CopyString(message);
  if (location != nullptr && !location->file.empty()) {
    e->file = CopyString(location->file);
    e->line = location->line;
    e->column = location->column;
  }
  *err = e;
  return code;
}

int Ok(flinkdbt_error** err) {
  if (err != nullptr) *err = nullptr;
  return FLINKDBT_OK;
}

// Runs `body` (returning a status code), turning any escaping exception into an error.
template <typename Body>
int Guard(flinkdbt_error** err, Body body) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return SetError(err, FLINKDBT_ERROR_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    return SetError(err, FLINKDBT_ERROR_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return SetError(err, FLINKDBT_ERROR_INTERNAL, "internal error");
  }
}

// The C code for an absl::Status code.
int CodeOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return FLINKDBT_OK;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kAlreadyExists:
      return FLINKDBT_ERROR_INVALID_ARGUMENT;
    case absl::StatusCode::kNotFound:
      return FLINKDBT_ERROR_NOT_FOUND;
    case absl::StatusCode::kFailedPrecondition:
      return FLINKDBT_ERROR_FAILED_PRECONDITION;
    case absl::StatusCode::kCancelled:
    case absl::StatusCode::kAborted:
      return FLINKDBT_ERROR_CANCELLED;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return FLINKDBT_ERROR_UNAVAILABLE;
    default:
      return FLINKDBT_ERROR_INTERNAL;
  }
}

// An error object from a library status, with its location when it has one.
int StatusError(flinkdbt_error** err, const absl::Status& status) {
  std::optional<flinkdbt::SourceLocation> loc = flinkdbt::GetLocation(status);
  return SetError(err, CodeOf(status), flinkdbt::ToStd(status.message()), loc ? &*loc : nullptr);
}

// Returns a library result through a `char **` out-parameter (which may be NULL).
int ReturnString(flinkdbt_error** err, const absl::StatusOr<std::string>& result, char** out) {
  if (!result.ok()) return StatusError(err, result.status());
  if (out != nullptr) {
    *out = CopyString(*result);
    if (*out == nullptr) return SetError(err, FLINKDBT_ERROR_INTERNAL, "out of memory");
  }
  return Ok(err);
}

std::string OrEmpty(const char* s) { return s == nullptr ? std::string() : std::string(s); }

flinkdbt::run::NodeSelection Selection(const char* select, const char* exclude, const char* selector) {
  flinkdbt::run::NodeSelection selection;
  if (select != nullptr && *select != '\0') selection.select.emplace_back(select);
  if (exclude != nullptr && *exclude != '\0') selection.exclude.emplace_back(exclude);
  selection.selector = OrEmpty(selector);
  return selection;
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq != std::string::npos) env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

}  // namespace

extern "C" {

void flinkdbt_error_free(flinkdbt_error* err) {
  if (err == nullptr) return;
  std::free(err->message);
  std::free(err->file);
  std::free(err);
}

void flinkdbt_string_free(char* s) { std::free(s); }

const char* flinkdbt_version(void) { return FLINKDBT_VERSION_STRING; }

int flinkdbt_abi_version(void) { return FLINKDBT_ABI_VERSION; }

int flinkdbt_runner_new(flinkdbt_runner** out, flinkdbt_error** err) {
  return Guard(err, [&] {
    if (out == nullptr)
      return SetError(err, FLINKDBT_ERROR_INVALID_ARGUMENT, "flinkdbt_runner_new: out is NULL");
    *out = new flinkdbt_runner();
    return Ok(err);
  });
}

void flinkdbt_runner_free(flinkdbt_runner* runner) { delete runner; }

int flinkdbt_runner_set_event_callback(flinkdbt_runner* runner, flinkdbt_event_callback callback,
                                       void* payload, flinkdbt_error** err) {
  return Guard(err, [&] {
    if (runner == nullptr) return SetError(err, FLINKDBT_ERROR_INVALID_ARGUMENT, "runner is NULL");
    std::lock_guard<std::mutex> lock(runner->mu);
    runner->callback = callback;
    runner->payload = payload;
    return Ok(err);
  });
}

int flinkdbt_runner_set_cwd(flinkdbt_runner* runner, const char* cwd, flinkdbt_error** err) {
  return Guard(err, [&] {
    if (runner == nullptr) return SetError(err, FLINKDBT_ERROR_INVALID_ARGUMENT, "runner is NULL");
    std::lock_guard<std::mutex> lock(runner->mu);
    runner->cwd = cwd == nullptr ? "" : cwd;
    return Ok(err);
  });
}

int flinkdbt_runner_setenv(flinkdbt_runner* runner, const char* name, const char* value,
                           flinkdbt_error** err) {
  return Guard(err, [&] {
    if (runner == nullptr) return SetError(err, FLINKDBT_ERROR_INVALID_ARGUMENT, "runner is NULL");
    if (name == nullptr || *name == '\0' || std::strchr(name, '=') != nullptr) {
      return SetError(err, FLINKDBT_ERROR_INVALID_ARGUMENT,
                      "flinkdbt_runner_setenv: the name must be non-empty and contain no '='");
    }
    std::lock_guard<std::mutex> lock(runner->mu);
    if (value == nullptr) {
      runner->env_overrides.erase(name);
      runner->env_removed.emplace_back(name);
    } else {
      runner->env_overrides[name] = value;
    }
    return Ok(err);
  });
}

int flinkdbt_runner_invoke(flinkdbt_runner* runner, int argc, const char* const* argv, int* exit_code,
                           char** result_json, flinkdbt_error** err) {
  if (result_json != nullptr) *result_json = nullptr;
  return Guard(err, [&] {
    if (runner == nullptr) return SetError(err, FLINKDBT_ERROR_INVALID_ARGUMENT, "runner is NULL");
    if (argc < 0 || (argc > 0 && argv == nullptr)) {
      return SetError(err, FLINKDBT_ERROR_INVALID_ARGUMENT, "flinkdbt_runner_invoke: argv is NULL");
    }
    std::vector<std::string> args;
    for (int i = 0; i < argc; ++i) {
      if (argv[i] == nullptr) {
        return SetError(err, FLINKDBT_ERROR_INVALID_ARGUMENT,
                        "flinkdbt_runner_invoke: argv has a NULL entry");
      }
      args.emplace_back(argv[i]);
    }
    bool expected = false;
    if (!runner->running.compare_exchange_strong(expected, true)) {
      return SetError(
          err, FLINKDBT_ERROR_FAILED_PRECONDITION,
          "flinkdbt_runner_invoke: an invocation is already running on this runner; use one runner "
          "per thread");
    }
    runner->cancelled.store(false);
    flinkdbt::run::InvocationIo io;
    {
      std::lock_guard<std::mutex> lock(runner->mu);
      io.cwd = runner->cwd;
      io.env = ProcessEnvironment();
      for (const std::string& name : runner->env_removed) io.env.erase(name);
      for (const auto& [name, value] : runner->env_overrides) io.env[name] = value;
      if (runner->callback != nullptr) {
        flinkdbt_event_callback cb = runner->callback;
        void* payload = runner->payload;
        io.on_event = [cb, payload](std::string_view json) {
          std::string copy(json);
          cb(copy.c_str(), payload);
        };
      }
    }
    io.cancelled = &runner->cancelled;
    // What the CLI would print, returned in the result (the events carry the same lines as JSON).
    std::string out_text, err_text;
    io.out = [&out_text](std::string_view t) { out_text.append(t); };
    io.err = [&err_text](std::string_view t) { err_text.append(t); };
    flinkdbt::run::InvocationResult result;
    try {
      result = flinkdbt::run::Invoke(args, io);
    } catch (...) {
      runner->running.store(false);
      throw;
    }
    runner->running.store(false);
    if (exit_code != nullptr) *exit_code = result.exit_code;
    if (result_json != nullptr) {
      flinkdbt::JsonWriter w;
      w.BeginObject()
          .Field("success", result.exit_code == flinkdbt::run::kExitSuccess)
          .Field("exit_code", result.exit_code)
          .Key("result")
          .Raw(result.result_json.empty() ? "null" : result.result_json)
          .Field("stdout", out_text)
          .Field("stderr", err_text)
          .EndObject();
      *result_json = CopyString(w.str());
    }
    return Ok(err);
  });
}

int flinkdbt_runner_cancel(flinkdbt_runner* runner, flinkdbt_error** err) {
  return Guard(err, [&] {
    if (runner == nullptr) return SetError(err, FLINKDBT_ERROR_INVALID_ARGUMENT, "runner is NULL");
    runner->cancelled.store(true);
    return Ok(err);
  });
}

int flinkdbt_project_open(flinkdbt_project** out, const char* project_dir, const char* profiles_dir,
                          const char* target, const char* vars, flinkdbt_error** err) {
  if (out != nullptr) *out = nullptr;
  return Guard(err, [&] {
    if (out == nullptr)
      return SetError(err, FLINKDBT_ERROR_INVALID_ARGUMENT, "flinkdbt_project_open: out is NULL");
    flinkdbt::run::ProjectSessionOptions options;
    options.project_dir = OrEmpty(project_dir);
    options.profiles_dir = OrEmpty(profiles_dir);
    options.target = OrEmpty(target);
    options.vars = OrEmpty(vars);
    absl::StatusOr<std::unique_ptr<flinkdbt::run::ProjectSession>> session =
        flinkdbt::run::ProjectSession::Open(options);
    if (!session.ok()) return StatusError(err, session.status());
    auto project = std::make_unique<flinkdbt_project>();
    project->session = *std::move(session);
    *out = project.release();
    return Ok(err);
  });
}

void flinkdbt_project_free(flinkdbt_project* project) { delete project; }

int flinkdbt_project_parse(flinkdbt_project* project, char** manifest_json, flinkdbt_error** err) {
  if (manifest_json != nullptr) *manifest_json = nullptr;
  return Guard(err, [&] {
    if (project == nullptr) return SetError(err, FLINKDBT_ERROR_INVALID_ARGUMENT, "project is NULL");
    return ReturnString(err, project->session->ParseManifestJson(), manifest_json);
  });
}

int flinkdbt_project_compile(flinkdbt_project* project, const char* select, const char* exclude,
                             const char* selector, char** nodes_json, flinkdbt_error** err) {
  if (nodes_json != nullptr) *nodes_json = nullptr;
  return Guard(err, [&] {
    if (project == nullptr) return SetError(err, FLINKDBT_ERROR_INVALID_ARGUMENT, "project is NULL");
    return ReturnString(err, project->session->CompileJson(Selection(select, exclude, selector)), nodes_json);
  });
}

int flinkdbt_project_list(flinkdbt_project* project, const char* select, const char* exclude,
                          const char* selector, char** nodes_json, flinkdbt_error** err) {
  if (nodes_json != nullptr) *nodes_json = nullptr;
  return Guard(err, [&] {
    if (project == nullptr) return SetError(err, FLINKDBT_ERROR_INVALID_ARGUMENT, "project is NULL");
    return ReturnString(err, project->session->ListJson(Selection(select, exclude, selector)), nodes_json);
  });
}

int flinkdbt_project_render(flinkdbt_project* project, const char* template_text, const char* context_json,
                            char** rendered, flinkdbt_error** err) {
  if (rendered != nullptr) *rendered = nullptr;
  return Guard(err, [&] {
    if (project == nullptr) return SetError(err, FLINKDBT_ERROR_INVALID_ARGUMENT, "project is NULL");
    if (template_text == nullptr) {
      return SetError(err, FLINKDBT_ERROR_INVALID_ARGUMENT, "flinkdbt_project_render: template_text is NULL");
    }
    return ReturnString(err, project->session->Render(template_text, OrEmpty(context_json)), rendered);
  });
}

int flinkdbt_render_template(const char* template_text, const char* context_json, char** rendered,
                             flinkdbt_error** err) {
  if (rendered != nullptr) *rendered = nullptr;
  return Guard(err, [&] {
    if (template_text == nullptr) {
      return SetError(err, FLINKDBT_ERROR_INVALID_ARGUMENT,
                      "flinkdbt_render_template: template_text is NULL");
    }
    return ReturnString(err, flinkdbt::run::RenderTemplate(template_text, OrEmpty(context_json)), rendered);
  });
}

}  // extern "C"
