/* A tiny program built against an installed flinkdbt, the way a user's project would build. */
#include <flinkdbt/flinkdbt.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: consumer EXPECTED_VERSION\n");
    return 2;
  }
  if (strcmp(flinkdbt_version(), argv[1]) != 0) {
    fprintf(stderr, "flinkdbt_version() is %s, expected %s\n", flinkdbt_version(), argv[1]);
    return 1;
  }
  flinkdbt_runner *runner = NULL;
  flinkdbt_error *err = NULL;
  if (flinkdbt_runner_new(&runner, &err) != FLINKDBT_OK) {
    fprintf(stderr, "flinkdbt_runner_new: %s\n", err != NULL ? err->message : "?");
    flinkdbt_error_free(err);
    return 1;
  }
  const char *args[] = {"--version"};
  int exit_code = -1;
  char *result = NULL;
  int rc = flinkdbt_runner_invoke(runner, 1, args, &exit_code, &result, &err);
  int ok =
      rc == FLINKDBT_OK && exit_code == 0 && result != NULL && strstr(result, "\"success\":true") != NULL;
  if (!ok)
    fprintf(stderr, "invoke --version: rc=%d exit_code=%d result=%s\n", rc, exit_code,
            result ? result : "NULL");
  flinkdbt_string_free(result);
  flinkdbt_error_free(err);
  flinkdbt_runner_free(runner);
  /* The direct functions are there too. */
  char *rendered = NULL;
  err = NULL;
  if (flinkdbt_render_template("{{ a * 2 }}", "{\"a\": 21}", &rendered, &err) != FLINKDBT_OK ||
      strcmp(rendered, "42") != 0) {
    fprintf(stderr, "render_template: %s\n", err != NULL ? err->message : (rendered ? rendered : "NULL"));
    ok = 0;
  }
  flinkdbt_string_free(rendered);
  flinkdbt_error_free(err);
  if (ok) printf("consumer: flinkdbt %s, --version exit code 0\n", flinkdbt_version());
  return ok ? 0 : 1;
}
