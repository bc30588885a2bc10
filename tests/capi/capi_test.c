/* Exercises every function of flinkdbt.h from C. Run under ASan by scripts/test.sh --sanitize. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flinkdbt/flinkdbt.h"

static int failures = 0;

#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                     \
    }                                                                 \
  } while (0)

struct events {
  int count;
  int saw_started;
  flinkdbt_runner *cancel_on_start;
};

static void on_event(const char *event_json, void *payload) {
  struct events *ev = (struct events *)payload;
  ev->count++;
  if (strstr(event_json, "\"MainReportVersion\"") != NULL) {
    ev->saw_started = 1;
    if (ev->cancel_on_start != NULL) {
      flinkdbt_error *err = NULL;
      CHECK(flinkdbt_runner_cancel(ev->cancel_on_start, &err) == FLINKDBT_OK);
      CHECK(err == NULL);
    }
  }
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

int main(void) {
  char dir_template[] = "/tmp/flinkdbt_capi_XXXXXX";
  char *dir = mkdtemp(dir_template);
  CHECK(dir != NULL);
  if (dir == NULL) return 1;

  /* Version. */
  CHECK(strlen(flinkdbt_version()) >= 5);
  CHECK(flinkdbt_abi_version() == FLINKDBT_ABI_VERSION_C);

  /* NULL-safe frees. */
  flinkdbt_error_free(NULL);
  flinkdbt_string_free(NULL);
  flinkdbt_runner_free(NULL);

  /* Errors: a NULL handle gives an error object the caller frees. */
  flinkdbt_error *err = NULL;
  int exit_code = -1;
  CHECK(flinkdbt_runner_invoke(NULL, 0, NULL, &exit_code, NULL, &err) == FLINKDBT_ERROR_INVALID_ARGUMENT);
  CHECK(err != NULL && err->code == FLINKDBT_ERROR_INVALID_ARGUMENT && err->message != NULL);
  CHECK(err != NULL && err->file == NULL && err->line == 0);
  flinkdbt_error_free(err);
  err = NULL;
  CHECK(flinkdbt_runner_new(NULL, &err) == FLINKDBT_ERROR_INVALID_ARGUMENT);
  flinkdbt_error_free(err);
  /* The error out-parameter is optional. */
  CHECK(flinkdbt_runner_cancel(NULL, NULL) == FLINKDBT_ERROR_INVALID_ARGUMENT);

  flinkdbt_runner *runner = NULL;
  CHECK(flinkdbt_runner_new(&runner, &err) == FLINKDBT_OK && err == NULL && runner != NULL);
  struct events ev = {0, 0, NULL};
  CHECK(flinkdbt_runner_set_event_callback(runner, on_event, &ev, &err) == FLINKDBT_OK);
  CHECK(flinkdbt_runner_set_cwd(runner, dir, &err) == FLINKDBT_OK);

  /* --version through invoke, with the result object. */
  const char *version_args[] = {"--version"};
  char *result = NULL;
  CHECK(flinkdbt_runner_invoke(runner, 1, version_args, &exit_code, &result, &err) == FLINKDBT_OK);
  CHECK(exit_code == 0);
  CHECK(result != NULL && strstr(result, "\"success\":true") != NULL);
  /* What `flinkdbt --version` prints comes back in the result. */
  CHECK(result != NULL && strstr(result, "\"stdout\":\"flinkdbt ") != NULL);
  CHECK(result != NULL && strstr(result, flinkdbt_version()) != NULL);
  flinkdbt_string_free(result);
  result = NULL;

  /* init creates a project in the runner's working directory; events arrive through the callback. */
  const char *init_args[] = {"init", "c_project"};
  CHECK(flinkdbt_runner_invoke(runner, 2, init_args, &exit_code, &result, &err) == FLINKDBT_OK);
  CHECK(exit_code == 0);
  CHECK(ev.saw_started && ev.count >= 2);
  char path[512];
  snprintf(path, sizeof path, "%s/c_project/dbt_project.yml", dir);
  CHECK(exists(path));
  flinkdbt_string_free(result);
  result = NULL;

  /* Again: the folder exists, exit code 2, result says success false. */
  CHECK(flinkdbt_runner_invoke(runner, 2, init_args, &exit_code, &result, &err) == FLINKDBT_OK);
  CHECK(exit_code == 2);
  CHECK(result != NULL && strstr(result, "\"success\":false") != NULL);
  flinkdbt_string_free(result);
  result = NULL;

  /* Usage error. */
  const char *bad_args[] = {"--no-such-flag"};
  CHECK(flinkdbt_runner_invoke(runner, 1, bad_args, &exit_code, NULL, &err) == FLINKDBT_OK);
  CHECK(exit_code == 2);
  const char *null_entry[] = {NULL};
  CHECK(flinkdbt_runner_invoke(runner, 1, null_entry, &exit_code, NULL, &err) == FLINKDBT_ERROR_INVALID_ARGUMENT);
  flinkdbt_error_free(err);
  err = NULL;

  /* Environment overrides reach the invocation, and can be removed again. */
  CHECK(flinkdbt_runner_setenv(runner, "DBT_LOG_FORMAT", "xml", &err) == FLINKDBT_OK);
  const char *init2[] = {"init", "second"};
  CHECK(flinkdbt_runner_invoke(runner, 2, init2, &exit_code, NULL, &err) == FLINKDBT_OK);
  CHECK(exit_code == 2);
  CHECK(flinkdbt_runner_setenv(runner, "DBT_LOG_FORMAT", NULL, &err) == FLINKDBT_OK);
  CHECK(flinkdbt_runner_setenv(runner, "BAD=NAME", "x", &err) == FLINKDBT_ERROR_INVALID_ARGUMENT);
  CHECK(err != NULL && strstr(err->message, "'='") != NULL);
  flinkdbt_error_free(err);
  err = NULL;

  /* Cancel from inside the invocation (the event callback): the command stops with exit code 2 and
   * creates nothing. */
  ev.cancel_on_start = runner;
  CHECK(flinkdbt_runner_invoke(runner, 2, init2, &exit_code, NULL, &err) == FLINKDBT_OK);
  CHECK(exit_code == 2);
  snprintf(path, sizeof path, "%s/second", dir);
  CHECK(!exists(path));
  ev.cancel_on_start = NULL;
  /* The next invocation is not cancelled. */
  CHECK(flinkdbt_runner_invoke(runner, 2, init2, &exit_code, NULL, &err) == FLINKDBT_OK);
  CHECK(exit_code == 0);
  CHECK(exists(path));
  /* Cancel on an idle runner is harmless. */
  CHECK(flinkdbt_runner_cancel(runner, &err) == FLINKDBT_OK);
  CHECK(flinkdbt_runner_set_event_callback(runner, NULL, NULL, &err) == FLINKDBT_OK);
  CHECK(flinkdbt_runner_set_cwd(runner, NULL, &err) == FLINKDBT_OK);

  flinkdbt_runner_free(runner);

  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
  if (failures != 0) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("capi_c_test: all checks passed\n");
  return 0;
}
