/* Exercises every function of flinkdbt.h from C. Run under ASan by scripts/test.sh --sanitize. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flinkdbt/flinkdbt.h"

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
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

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (f == NULL) return;
  fputs(text, f);
  fclose(f);
}

/* Copies examples/quickstart to `dest`. */
static void copy_quickstart(const char *dest) {
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "cp -r '%s/examples/quickstart' '%s'", FLINKDBT_SOURCE_DIR, dest);
  CHECK(system(cmd) == 0);
}

/* Expects `status` to be an error with `code`, checks its object and frees it. */
static void expect_error(int status, flinkdbt_error **errp, int code) {
  flinkdbt_error *err = *errp;
  CHECK(status == code);
  CHECK(err != NULL && err->code == code && err->message != NULL && err->message[0] != '\0');
  flinkdbt_error_free(err);
  *errp = NULL;
}

/* Two threads each compile and list their own project at once. */
struct project_job {
  const char *dir;
  int ok;
};

static void *project_thread(void *arg) {
  struct project_job *job = (struct project_job *)arg;
  flinkdbt_project *p = NULL;
  flinkdbt_error *err = NULL;
  char *json = NULL;
  int i;
  job->ok = flinkdbt_project_open(&p, job->dir, job->dir, "local", NULL, &err) == FLINKDBT_OK;
  for (i = 0; job->ok && i < 3; ++i) {
    job->ok = flinkdbt_project_compile(p, "stg_orders+", NULL, NULL, &json, &err) == FLINKDBT_OK &&
              json != NULL && strstr(json, "\"model.my_flink_project.fct_revenue\"") != NULL;
    flinkdbt_string_free(json);
    json = NULL;
    if (job->ok) {
      job->ok = flinkdbt_project_list(p, NULL, NULL, NULL, &json, &err) == FLINKDBT_OK && json != NULL &&
                strstr(json, "source.my_flink_project.marketplace.orders") != NULL;
      flinkdbt_string_free(json);
      json = NULL;
    }
  }
  if (err != NULL) fprintf(stderr, "project thread: %s\n", err->message);
  flinkdbt_error_free(err);
  flinkdbt_project_free(p);
  return NULL;
}

/* One project shared by two threads: calls are serialized by the library. */
struct shared_job {
  flinkdbt_project *project;
  int ok;
};

static void *shared_thread(void *arg) {
  struct shared_job *job = (struct shared_job *)arg;
  int i;
  job->ok = 1;
  for (i = 0; job->ok && i < 3; ++i) {
    char *json = NULL;
    job->ok = flinkdbt_project_compile(job->project, "stg_orders", NULL, NULL, &json, NULL) == FLINKDBT_OK &&
              json != NULL && strstr(json, "compiled_code") != NULL;
    flinkdbt_string_free(json);
  }
  return NULL;
}

static void test_templates(void) {
  flinkdbt_error *err = NULL;
  char *out = NULL;
  CHECK(flinkdbt_render_template("Hello {{ name | upper }}{% for i in xs %},{{ i * 2 }}{% endfor %}",
                                 "{\"name\": \"bob\", \"xs\": [1, 2]}", &out, &err) == FLINKDBT_OK);
  CHECK(err == NULL && out != NULL && strcmp(out, "Hello BOB,2,4") == 0);
  flinkdbt_string_free(out);
  /* No context. */
  CHECK(flinkdbt_render_template("{{ 1 + 1 }}", NULL, &out, NULL) == FLINKDBT_OK);
  CHECK(out != NULL && strcmp(out, "2") == 0);
  flinkdbt_string_free(out);
  /* A syntax error names the template, line and column. */
  CHECK(flinkdbt_render_template("line one\n{{ foo( }}", "{}", &out, &err) ==
        FLINKDBT_ERROR_INVALID_ARGUMENT);
  CHECK(out == NULL);
  CHECK(err != NULL && err->file != NULL && strcmp(err->file, "<template>") == 0 && err->line == 2 &&
        err->column > 0);
  flinkdbt_error_free(err);
  err = NULL;
  /* A render error (division by zero) is an error too. */
  CHECK(flinkdbt_render_template("{{ 1 // 0 }}", NULL, &out, &err) != FLINKDBT_OK);
  CHECK(err != NULL && err->line == 1);
  flinkdbt_error_free(err);
  err = NULL;
  /* Bad contexts and arguments. */
  expect_error(flinkdbt_render_template("x", "{not json", &out, &err), &err, FLINKDBT_ERROR_INVALID_ARGUMENT);
  err = NULL;
  expect_error(flinkdbt_render_template("x", "[1, 2]", &out, &err), &err, FLINKDBT_ERROR_INVALID_ARGUMENT);
  err = NULL;
  expect_error(flinkdbt_render_template(NULL, NULL, &out, &err), &err, FLINKDBT_ERROR_INVALID_ARGUMENT);
  err = NULL;
  /* A runaway loop fails instead of hanging. */
  CHECK(flinkdbt_render_template(
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", NULL, &out,
            NULL) != FLINKDBT_OK);
  CHECK(out == NULL);
}

static void test_project(const char *dir) {
  char qs[600], qs2[600], broken[600], path[700];
  flinkdbt_error *err = NULL;
  flinkdbt_project *project = NULL;
  char *json = NULL;

  flinkdbt_project_free(NULL);
  snprintf(qs, sizeof qs, "%s/qs", dir);
  snprintf(qs2, sizeof qs2, "%s/qs2", dir);
  copy_quickstart(qs);
  copy_quickstart(qs2);

  /* Argument errors. */
  expect_error(flinkdbt_project_open(NULL, qs, qs, NULL, NULL, &err), &err, FLINKDBT_ERROR_INVALID_ARGUMENT);
  err = NULL;
  expect_error(flinkdbt_project_parse(NULL, &json, &err), &err, FLINKDBT_ERROR_INVALID_ARGUMENT);
  err = NULL;
  expect_error(flinkdbt_project_compile(NULL, NULL, NULL, NULL, &json, &err), &err,
               FLINKDBT_ERROR_INVALID_ARGUMENT);
  err = NULL;
  expect_error(flinkdbt_project_list(NULL, NULL, NULL, NULL, &json, &err), &err,
               FLINKDBT_ERROR_INVALID_ARGUMENT);
  err = NULL;
  expect_error(flinkdbt_project_render(NULL, "x", NULL, &json, &err), &err, FLINKDBT_ERROR_INVALID_ARGUMENT);
  err = NULL;
  CHECK(json == NULL);

  /* A project that does not exist. */
  snprintf(path, sizeof path, "%s/no_such_project", dir);
  CHECK(flinkdbt_project_open(&project, path, path, NULL, NULL, &err) != FLINKDBT_OK);
  CHECK(project == NULL && err != NULL && err->message != NULL);
  flinkdbt_error_free(err);
  err = NULL;

  /* A broken dbt_project.yml: the error names the file and the line. */
  snprintf(broken, sizeof broken, "%s/broken", dir);
  CHECK(mkdir(broken, 0755) == 0);
  snprintf(path, sizeof path, "%s/dbt_project.yml", broken);
  write_file(path, "name: 'broken'\nversion: '1.0'\nprofile: [unclosed\n");
  CHECK(flinkdbt_project_open(&project, broken, broken, NULL, NULL, &err) == FLINKDBT_ERROR_INVALID_ARGUMENT);
  CHECK(project == NULL);
  CHECK(err != NULL && err->file != NULL && strstr(err->file, "dbt_project.yml") != NULL && err->line >= 3);
  if (err != NULL)
    fprintf(stderr, "(expected) %s:%d:%d: %s\n", err->file ? err->file : "", err->line, err->column,
            err->message);
  flinkdbt_error_free(err);
  err = NULL;

  /* An unknown target. */
  CHECK(flinkdbt_project_open(&project, qs, qs, "nope", NULL, &err) != FLINKDBT_OK);
  CHECK(project == NULL && err != NULL && strstr(err->message, "nope") != NULL);
  flinkdbt_error_free(err);
  err = NULL;
  /* --vars that are not a mapping. */
  expect_error(flinkdbt_project_open(&project, qs, qs, NULL, "[1, 2]", &err), &err,
               FLINKDBT_ERROR_INVALID_ARGUMENT);
  err = NULL;

  CHECK(flinkdbt_project_open(&project, qs, qs, "local", "{greeting: hello}", &err) == FLINKDBT_OK);
  CHECK(err == NULL && project != NULL);
  if (project == NULL) return;

  /* Parse: the manifest, also written to target/manifest.json. */
  CHECK(flinkdbt_project_parse(project, &json, &err) == FLINKDBT_OK);
  CHECK(json != NULL && strstr(json, "\"model.my_flink_project.stg_orders\"") != NULL);
  CHECK(json != NULL && strstr(json, "\"dbt_schema_version\"") != NULL);
  flinkdbt_string_free(json);
  json = NULL;
  snprintf(path, sizeof path, "%s/target/manifest.json", qs);
  CHECK(exists(path));
  CHECK(flinkdbt_project_parse(project, NULL, &err) == FLINKDBT_OK);

  /* List: like ls --output json. */
  CHECK(flinkdbt_project_list(project, "stg_orders+", NULL, NULL, &json, &err) == FLINKDBT_OK);
  CHECK(json != NULL && json[0] == '[');
  CHECK(json != NULL && strstr(json, "\"unique_id\": \"model.my_flink_project.int_order_totals\"") != NULL);
  CHECK(json != NULL && strstr(json, "\"resource_type\": \"model\"") != NULL);
  CHECK(json != NULL && strstr(json, "src_orders") == NULL);
  flinkdbt_string_free(json);
  json = NULL;
  CHECK(flinkdbt_project_list(project, "stg_orders+", "fct_revenue", NULL, &json, &err) == FLINKDBT_OK);
  CHECK(json != NULL && strstr(json, "fct_revenue") == NULL && strstr(json, "int_order_totals") != NULL);
  flinkdbt_string_free(json);
  json = NULL;
  CHECK(flinkdbt_project_list(project, "no_such_model", NULL, NULL, &json, &err) == FLINKDBT_OK);
  CHECK(json != NULL && strcmp(json, "[]") == 0);
  flinkdbt_string_free(json);
  json = NULL;
  /* A selector that is not in selectors.yml. */
  CHECK(flinkdbt_project_list(project, NULL, NULL, "no_such_selector", &json, &err) != FLINKDBT_OK);
  CHECK(json == NULL && err != NULL);
  flinkdbt_error_free(err);
  err = NULL;

  /* Compile: the compiled nodes with their code. */
  CHECK(flinkdbt_project_compile(project, "stg_orders int_order_totals", NULL, NULL, &json, &err) ==
        FLINKDBT_OK);
  CHECK(json != NULL && json[0] == '[');
  CHECK(json != NULL && strstr(json, "\"compiled_code\"") != NULL);
  CHECK(json != NULL && strstr(json, "\"relation_name\"") != NULL);
  CHECK(json != NULL && strstr(json, "\"depends_on\"") != NULL);
  CHECK(json != NULL && strstr(json, "model.my_flink_project.int_order_totals") != NULL);
  CHECK(json != NULL && strstr(json, "model.my_flink_project.fct_revenue\",") == NULL);
  CHECK(json != NULL && strstr(json, "FROM `examples`.`marketplace`.`orders`") != NULL);
  flinkdbt_string_free(json);
  json = NULL;
  snprintf(path, sizeof path, "%s/target/compiled/my_flink_project/models/staging/stg_orders.sql", qs);
  CHECK(exists(path));

  /* Render in the project's context, with variables from JSON. */
  CHECK(flinkdbt_project_render(project, "{{ var('greeting') }} {{ who }} from {{ ref('stg_orders') }}",
                                "{\"who\": \"me\"}", &json, &err) == FLINKDBT_OK);
  CHECK(json != NULL && strncmp(json, "hello me from ", 14) == 0 && strstr(json, "stg_orders") != NULL);
  flinkdbt_string_free(json);
  json = NULL;
  CHECK(flinkdbt_project_render(project, "{{ ref('no_such_model') }}", NULL, &json, &err) != FLINKDBT_OK);
  CHECK(json == NULL && err != NULL && strstr(err->message, "no_such_model") != NULL);
  flinkdbt_error_free(err);
  err = NULL;
  /* A syntax error on the first line keeps the user's column (the context's variables do not shift it). */
  CHECK(flinkdbt_project_render(project, "ab {{ 1 + }}", "{\"x\": 1}", &json, &err) != FLINKDBT_OK);
  CHECK(err != NULL && err->line == 1 && err->column > 0 && err->column <= 13);
  flinkdbt_error_free(err);
  err = NULL;
  expect_error(flinkdbt_project_render(project, "x", "{\"not a name\": 1}", &json, &err), &err,
               FLINKDBT_ERROR_INVALID_ARGUMENT);
  err = NULL;
  expect_error(flinkdbt_project_render(project, NULL, NULL, &json, &err), &err,
               FLINKDBT_ERROR_INVALID_ARGUMENT);
  err = NULL;

  /* One project shared by two threads. */
  {
    struct shared_job a = {project, 0}, b = {project, 0};
    pthread_t ta, tb;
    CHECK(pthread_create(&ta, NULL, shared_thread, &a) == 0);
    CHECK(pthread_create(&tb, NULL, shared_thread, &b) == 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK(a.ok && b.ok);
  }
  flinkdbt_project_free(project);
  project = NULL;

  /* Two projects on two threads at once. */
  {
    struct project_job a = {qs, 0}, b = {qs2, 0};
    pthread_t ta, tb;
    CHECK(pthread_create(&ta, NULL, project_thread, &a) == 0);
    CHECK(pthread_create(&tb, NULL, project_thread, &b) == 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK(a.ok && b.ok);
  }

  /* A model with a Jinja error: compile names its file and line. */
  snprintf(path, sizeof path, "%s/models/staging/bad.sql", qs2);
  write_file(path, "SELECT 1 AS x\n-- {{ config(\n");
  CHECK(flinkdbt_project_open(&project, qs2, qs2, NULL, NULL, &err) == FLINKDBT_OK);
  CHECK(flinkdbt_project_compile(project, "bad", NULL, NULL, &json, &err) != FLINKDBT_OK);
  CHECK(json == NULL);
  CHECK(err != NULL && err->file != NULL && strstr(err->file, "bad.sql") != NULL && err->line == 2);
  if (err != NULL)
    fprintf(stderr, "(expected) %s:%d:%d: %s\n", err->file ? err->file : "", err->line, err->column,
            err->message);
  flinkdbt_error_free(err);
  err = NULL;
  flinkdbt_project_free(project);
}

/* Builds the quickstart on the local target through the runner and checks its run results. */
static void test_build_quickstart(const char *dir) {
  char qs[600];
  flinkdbt_runner *runner = NULL;
  flinkdbt_error *err = NULL;
  char *result = NULL;
  int exit_code = -1;
  const char *build_args[] = {"build", "--target", "local"};
  snprintf(qs, sizeof qs, "%s/qs_build", dir);
  copy_quickstart(qs);
  CHECK(flinkdbt_runner_new(&runner, &err) == FLINKDBT_OK);
  CHECK(flinkdbt_runner_set_cwd(runner, qs, &err) == FLINKDBT_OK);
  CHECK(flinkdbt_runner_invoke(runner, 3, build_args, &exit_code, &result, &err) == FLINKDBT_OK);
  CHECK(exit_code == 0);
  CHECK(result != NULL && strstr(result, "\"success\":true") != NULL);
  CHECK(result != NULL && strstr(result, "\"unique_id\": \"model.my_flink_project.fct_revenue\"") != NULL);
  CHECK(result != NULL && strstr(result, "\"status\": \"error\"") == NULL &&
        strstr(result, "\"status\": \"fail\"") == NULL);
  if (exit_code != 0 && result != NULL) fprintf(stderr, "%s\n", result);
  flinkdbt_string_free(result);
  flinkdbt_runner_free(runner);
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
  CHECK(flinkdbt_runner_invoke(runner, 1, null_entry, &exit_code, NULL, &err) ==
        FLINKDBT_ERROR_INVALID_ARGUMENT);
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

  test_templates();
  test_project(dir);
  test_build_quickstart(dir);

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
