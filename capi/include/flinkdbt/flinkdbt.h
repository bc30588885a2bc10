/* flinkdbt's C ABI: the stable interface C programs, Go, Rust and Python link against.
 *
 * C99, usable from C++. Conventions (learned from sqlite3, duckdb and leveldb's c.h):
 *  - Every call that can fail returns an int status (FLINKDBT_OK or an FLINKDBT_ERROR_* code) and takes
 *    an optional `flinkdbt_error **err` last argument. On failure, when err is not NULL, *err receives a
 *    new error object the caller frees with flinkdbt_error_free(); on success *err is set to NULL.
 *    There is no thread-local "last error".
 *  - Handles are opaque. Every *_free function accepts NULL.
 *  - Strings returned through `char **` are NUL-terminated UTF-8 owned by the caller, freed with
 *    flinkdbt_string_free(). Strings passed in are borrowed for the duration of the call.
 *  - No C++ exception ever crosses this boundary.
 *  - Thread safety: functions on different handles may run concurrently. A runner runs one invocation
 *    at a time; flinkdbt_runner_cancel() may be called from any thread while it runs. A project
 *    handle may be shared by several threads: calls on one project are serialized internally (they
 *    wait for each other), calls on different projects run at once. flinkdbt_render_template(),
 *    flinkdbt_version() and the *_free functions may be called from any thread. An error object
 *    or a returned string belongs to the caller alone.
 *
 * Stability: what is declared here is stable within FLINKDBT_ABI_VERSION, the major version in the
 * shared library's SONAME (libflinkdbt.so.1). */
#ifndef FLINKDBT_FLINKDBT_H_
#define FLINKDBT_FLINKDBT_H_

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define FLINKDBT_API __attribute__((visibility("default")))
#else
#define FLINKDBT_API
#endif

#define FLINKDBT_VERSION_MAJOR_C 0
#define FLINKDBT_ABI_VERSION_C 1

/* ---- Status codes -------------------------------------------------------------------------- */
#define FLINKDBT_OK 0
#define FLINKDBT_ERROR_INVALID_ARGUMENT 1 /* bad input: a NULL handle, malformed JSON, bad template */
#define FLINKDBT_ERROR_NOT_FOUND 2        /* a file, project or node that does not exist */
#define FLINKDBT_ERROR_FAILED_PRECONDITION 3
#define FLINKDBT_ERROR_CANCELLED 4
#define FLINKDBT_ERROR_UNAVAILABLE 5      /* a backend could not be reached */
#define FLINKDBT_ERROR_INTERNAL 6

/* ---- Errors -------------------------------------------------------------------------------- */
/* An error with the place in the user's files that caused it. All strings are owned by the error. */
typedef struct flinkdbt_error {
  int code;            /* one of FLINKDBT_ERROR_* */
  char *message;       /* never NULL */
  char *file;          /* NULL when the error has no file */
  int line;            /* 1-based; 0 when unknown */
  int column;          /* 1-based, in code points; 0 when unknown */
} flinkdbt_error;

/* Frees an error and its strings. NULL-safe. */
FLINKDBT_API void flinkdbt_error_free(flinkdbt_error *err);

/* Frees a string this library returned. NULL-safe. */
FLINKDBT_API void flinkdbt_string_free(char *s);

/* ---- Version ------------------------------------------------------------------------------- */
/* "MAJOR.MINOR.PATCH", the same string `flinkdbt --version` prints. Static: never free it. */
FLINKDBT_API const char *flinkdbt_version(void);

/* The ABI version this library implements (the SONAME major). */
FLINKDBT_API int flinkdbt_abi_version(void);

/* ---- Runner: invoke any command as the CLI takes it ------------------------------------------ */
typedef struct flinkdbt_runner flinkdbt_runner;

/* Called with each event as a JSON object ({"data": {...}, "info": {...}}), secrets redacted.
 * `event_json` is borrowed for the duration of the call. Called from the invoking thread or from the
 * command's worker threads: the callback must be thread-safe. */
typedef void (*flinkdbt_event_callback)(const char *event_json, void *payload);

/* Creates a runner. *out receives the handle, freed with flinkdbt_runner_free(). */
FLINKDBT_API int flinkdbt_runner_new(flinkdbt_runner **out, flinkdbt_error **err);

/* Frees a runner. NULL-safe. Must not be called while an invocation runs on it. */
FLINKDBT_API void flinkdbt_runner_free(flinkdbt_runner *runner);

/* Sets (or, with NULL, clears) the event callback for later invocations. */
FLINKDBT_API int flinkdbt_runner_set_event_callback(flinkdbt_runner *runner, flinkdbt_event_callback callback,
                                                    void *payload, flinkdbt_error **err);

/* Sets the working directory relative paths resolve against (NULL: the process's). Copied. */
FLINKDBT_API int flinkdbt_runner_set_cwd(flinkdbt_runner *runner, const char *cwd, flinkdbt_error **err);

/* Sets an environment variable seen by later invocations only (the process environment is not
 * changed); a NULL value removes it. Invocations see the process environment plus these. */
FLINKDBT_API int flinkdbt_runner_setenv(flinkdbt_runner *runner, const char *name, const char *value,
                                        flinkdbt_error **err);

/* Runs one command with `argv` exactly as the CLI takes it, without the program name:
 * {"build", "--select", "stg_orders+"}. Nothing is printed: every event goes to the event callback,
 * and what the CLI would print is returned in the result. *exit_code receives dbt's exit code
 * (0 success, 1 a node failed, 2 usage, parse or compile error, or cancelled). When result_json is
 * not NULL, *result_json receives {"success": bool, "exit_code": n, "result": <run results or
 * null>, "stdout": "...", "stderr": "..."}, freed with flinkdbt_string_free(). Returns FLINKDBT_OK
 * whenever the command ran, whatever its exit code. */
FLINKDBT_API int flinkdbt_runner_invoke(flinkdbt_runner *runner, int argc, const char *const *argv, int *exit_code,
                                        char **result_json, flinkdbt_error **err);

/* Cancels the invocation running on `runner`, from any thread; a no-op when none runs. The invocation
 * submits no new statement, cleans up and returns with exit code 2. */
FLINKDBT_API int flinkdbt_runner_cancel(flinkdbt_runner *runner, flinkdbt_error **err);

/* ---- Project: parse, compile, list and render without the CLI ------------------------------- */
typedef struct flinkdbt_project flinkdbt_project;

/* Opens the project in `project_dir` (NULL: the current directory's project, as the CLI finds it):
 * reads dbt_project.yml, profiles.yml (from `profiles_dir`; NULL: $DBT_PROFILES_DIR, else the
 * project directory when it holds profiles.yml, else the current directory, then ~/.dbt) resolved
 * for `target` (NULL: the profile's default), packages and every project file. `vars` (NULL: none)
 * is a YAML or JSON mapping, as --vars takes it. The environment is the process's, read now. Nothing
 * is parsed yet and no target is contacted. On success *out receives the handle, freed with
 * flinkdbt_project_free(); on failure *out is NULL and the error names the file, line and column at
 * fault (a broken YAML file, an unknown target...). All strings are borrowed for the call. */
FLINKDBT_API int flinkdbt_project_open(flinkdbt_project **out, const char *project_dir, const char *profiles_dir,
                                       const char *target, const char *vars, flinkdbt_error **err);

/* Frees a project. NULL-safe. Must not be called while another thread uses the project. */
FLINKDBT_API void flinkdbt_project_free(flinkdbt_project *project);

/* Parses the project as read by flinkdbt_project_open (as `flinkdbt parse` does, writing
 * target/manifest.json). When manifest_json is not NULL, *manifest_json receives manifest.json's
 * text (dbt's v12 manifest), freed with flinkdbt_string_free(). Later compile/list/render calls use
 * this parse; they parse on first use when this was never called. */
FLINKDBT_API int flinkdbt_project_parse(flinkdbt_project *project, char **manifest_json, flinkdbt_error **err);

/* Compiles the selected nodes as `flinkdbt compile --select S --exclude E --selector N` does
 * (writing target/compiled/). `select` and `exclude` hold space-separated selection methods
 * ("stg_orders+ tag:nightly"); NULL or "" selects every model, test, analysis and snapshot, and
 * excludes nothing; `selector` names a selectors.yml entry (NULL: none). *nodes_json receives a JSON
 * array of the compiled nodes, each its manifest node object (unique_id, name, resource_type,
 * compiled_code, relation_name, config, depends_on, ...), in compilation order; freed with
 * flinkdbt_string_free(). A Jinja error in a model gives that model's file, line and column. */
FLINKDBT_API int flinkdbt_project_compile(flinkdbt_project *project, const char *select, const char *exclude,
                                          const char *selector, char **nodes_json, flinkdbt_error **err);

/* Lists the selected nodes as `flinkdbt ls --output json` does (same arguments as
 * flinkdbt_project_compile; every resource type by default). *nodes_json receives a JSON array of
 * objects (unique_id, name, resource_type, package_name, alias, config, depends_on, tags,
 * original_file_path, source_name), sorted by unique_id; freed with flinkdbt_string_free(). */
FLINKDBT_API int flinkdbt_project_list(flinkdbt_project *project, const char *select, const char *exclude,
                                       const char *selector, char **nodes_json, flinkdbt_error **err);

/* Renders `template_text` in the project's dbt context (ref, source, var, config, this, target, the
 * project's macros...), as `flinkdbt compile --inline` does. `context_json` (NULL: none) is a JSON
 * object whose keys become variables of the template. *rendered receives the text, freed with
 * flinkdbt_string_free(). Errors locate the template's line and column. */
FLINKDBT_API int flinkdbt_project_render(flinkdbt_project *project, const char *template_text,
                                         const char *context_json, char **rendered, flinkdbt_error **err);

/* ---- Templates without a project ---------------------------------------------------------- */
/* Renders a Jinja template with `context_json` (NULL: none; else a JSON object) as its context, on
 * flinkdbt's template engine configured as dbt configures Jinja2 (no dbt context). *rendered receives
 * the text, freed with flinkdbt_string_free(). Syntax and render errors give file "<template>" and the
 * line and column. Runaway templates (loops of more than ten million steps) fail instead of hanging. */
FLINKDBT_API int flinkdbt_render_template(const char *template_text, const char *context_json, char **rendered,
                                          flinkdbt_error **err);

#ifdef __cplusplus
}
#endif

#endif /* FLINKDBT_FLINKDBT_H_ */
