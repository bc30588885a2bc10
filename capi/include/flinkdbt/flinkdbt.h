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
 *    at a time; flinkdbt_runner_cancel() may be called from any thread while it runs.
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

#ifdef __cplusplus
}
#endif

#endif /* FLINKDBT_FLINKDBT_H_ */
