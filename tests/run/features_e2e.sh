#!/usr/bin/env bash
# End to end on the embedded `local` target (or, with EMULATOR set, through the REST client against
# flinkdbt-emulator), as a user runs flinkdbt on real files: seeds (`seed`, in `build` in DAG order,
# ref() to a seed, an unchanged seed skipped, --full-refresh, a bad CSV -> file:line:col and exit 2),
# pre_hook/post_hook and on-run-start/on-run-end (rendered with `this` and `results`, reported as hook
# nodes and in run_results.json), store_failures, unit tests with format: sql and overrides (vars,
# env_vars, is_incremental), the run lock (a second run is refused with exit 2), and --defer --state.
# Usage: features_e2e.sh FLINKDBT WORK_DIR [EMULATOR]
set -euo pipefail
flinkdbt=$1 emulator=${3:-}
work=$2/features_e2e${emulator:+_emulator}
rm -rf "$work" && mkdir -p "$work"
cd "$work"
mkdir -p seeds models tests/fixtures

cat >dbt_project.yml <<'YAML'
name: 'features'
version: '1.0.0'
config-version: 2
profile: 'features'
seeds:
  features:
    country_codes:
      +column_types:
        population: DECIMAL(10, 2)
on-run-start:
  - "CREATE TABLE IF NOT EXISTS run_audit (event STRING, detail STRING)"
on-run-end:
  - "INSERT INTO run_audit VALUES ('end', '{{ results | length }} results, first {{ results[0].status }}')"
models:
  features:
    +materialized: view
YAML

if [ -z "$emulator" ]; then
  cat >profiles.yml <<'YAML'
features:
  target: local
  outputs:
    local:
      type: local
      threads: 2
YAML
else
  "$emulator" --port 0 --organization org-e2e --environment env-e2e --api-key KEY --api-secret SECRET \
    --pending-ms 5 --running-ms 5 --deleting-ms 5 >emulator.log 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' emulator.log)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "the emulator did not start"; cat emulator.log; exit 1; }
  cat >profiles.yml <<YAML
features:
  target: emulator
  outputs:
    emulator:
      type: confluent
      endpoint: "http://127.0.0.1:$port"
      organization_id: org-e2e
      environment_id: env-e2e
      compute_pool_id: lfcp-e2e
      flink_api_key: KEY
      flink_api_secret: SECRET
      dbname: cluster-e2e
      threads: 2
YAML
fi

cat >seeds/country_codes.csv <<'CSV'
code,name,population,member_since,eu
DE,Germany,83.2,1958-01-01,true
FR,"France, Republic of",68.4,1958-01-01,true
CH,Switzerland,8.8,,false
CSV

cat >models/eu_countries.sql <<'SQL'
{{ config(
    pre_hook="INSERT INTO run_audit VALUES ('pre', '{{ this }}')",
    post_hook=["INSERT INTO run_audit VALUES ('post', '{{ this.identifier }}')"]) }}
select code, name, population
from {{ ref('country_codes') }}
where eu {% if var('only_big', false) %} and population > {{ var('min_population') }}{% endif %}
{% if is_incremental() %} and code <> 'FR'{% endif %}
SQL

cat >models/schema.yml <<'YAML'
version: 2
models:
  - name: eu_countries
    columns:
      - name: code
        data_tests:
          - accepted_values:
              values: ['DE']
              config:
                store_failures: true
                severity: warn
unit_tests:
  - name: test_eu_sql_fixture
    model: eu_countries
    given:
      - input: ref('country_codes')
        format: sql
        rows: |
          select 'IT' as code, 'Italy' as name, cast(59.0 as decimal(10, 2)) as population,
                 cast(null as date) as member_since, true as eu
          union all
          select 'NO', 'Norway', cast(5.5 as decimal(10, 2)), cast(null as date), false
    expect:
      format: sql
      fixture: expect_italy
  - name: test_eu_overrides
    model: eu_countries
    overrides:
      vars: {only_big: true, min_population: 60}
      macros: {is_incremental: true}
    given:
      - input: ref('country_codes')
        rows:
          - {code: DE, name: Germany, population: 83.2, eu: true}
          - {code: FR, name: France, population: 68.4, eu: true}
          - {code: LU, name: Luxembourg, population: 0.7, eu: true}
    expect:
      rows:
        - {code: DE}
YAML
cat >tests/fixtures/expect_italy.sql <<'SQL'
select 'IT' as code, 'Italy' as name, cast(59.0 as decimal(10, 2)) as population
SQL

run() {  # run EXPECTED_RC args...
  local expect=$1
  shift
  set +e
  "$flinkdbt" "$@" --profiles-dir . >out.txt 2>&1
  local rc=$?
  set -e
  if [ "$rc" != "$expect" ]; then
    echo "flinkdbt $*: exit $rc, expected $expect"
    cat out.txt
    exit 1
  fi
}
expect_out() {  # expect_out REGEX what
  if ! grep -Eq -- "$1" out.txt; then
    echo "expected /$1/ ($2) in:"
    cat out.txt
    exit 1
  fi
}

# --- seeds -----------------------------------------------------------------------------------------
run 0 seed
expect_out "OK loaded seed file [^ ]*country_codes" "seed loaded"
expect_out "INSERT 3" "seed row count"
run 0 seed
expect_out "OK skipped seed file [^ ]*country_codes" "an unchanged seed is skipped"
run 0 show --inline "select name, population, member_since from {{ ref('country_codes') }} where code = 'FR'" --output json
expect_out '"name":"France, Republic of","population":"?68.40"?,"member_since":"1958-01-01"' "typed seed values"
run 0 seed --full-refresh
expect_out "OK loaded seed file" "--full-refresh reloads"
# A bad CSV: file:line:col and exit 2, before anything is submitted.
cp seeds/country_codes.csv country_codes.good
printf 'code,name,population,member_since,eu\nDE,Germany,83.2\n' >seeds/country_codes.csv
run 2 seed
expect_out "seeds/country_codes.csv:2:1: error: this row has 3 fields, the header has 5" "bad CSV location"
cp country_codes.good seeds/country_codes.csv

# --- build: seeds, hooks, unit tests, data tests in DAG order ---------------------------------------
run 0 build
expect_out "Running 1 on-run-start hook" "on-run-start reported"
expect_out "OK hook: features.on-run-start.0" "on-run-start hook node"
expect_out "OK hook: features.on-run-end.0" "on-run-end hook node"
expect_out "PASS test_eu_sql_fixture" "format: sql unit test"
expect_out "PASS test_eu_overrides" "overrides unit test"
expect_out "WARN 1 accepted_values_eu_countries_code__DE" "store_failures test warns"
grep -q '"unique_id": *"operation.features.features-on-run-start-0"' target/run_results.json ||
  { echo "hook missing from run_results.json"; exit 1; }
run 0 show --inline "select event, detail from run_audit" --output json --limit 20
expect_out '"event":"pre","detail":"`[^`]*`.`[^`]*`.`eu_countries`"' "pre_hook rendered {{ this }}"
expect_out '"event":"post","detail":"eu_countries"' "post_hook ran"
expect_out '"event":"end","detail":"[0-9]+ results, first success"' "on-run-end saw results"
# store_failures: the failing row (FR) in the test's audit relation.
run 0 show --inline "select value_field from accepted_values_eu_countries_code__DE" --output json
expect_out '"value_field":"FR"' "stored failures"

# --- the run lock ------------------------------------------------------------------------------------
# (On `local`, run_test's RunLockTest holds the lock from another client while the CLI runs.)
if [ -n "$emulator" ]; then
  # Another run (another host) holds the lock statement: this one is refused with exit 2.
  lock_sql="SELECT 'flinkdbt-run-lock' AS lock_kind, 'inv-other' AS invocation_id, 'ci-runner-9' AS host, 77 AS pid, 'build' AS command, '2026-11-28T09:00:00Z' AS started_at"
  base="http://127.0.0.1:$port/sql/v1/organizations/org-e2e/environments/env-e2e/statements"
  curl -sf -u KEY:SECRET -H 'Content-Type: application/json' -X POST "$base" \
    -d "{\"name\":\"dbt-features-run-lock\",\"spec\":{\"statement\":\"$lock_sql\",\"properties\":{\"sql.current-catalog\":\"env-e2e\",\"sql.current-database\":\"cluster-e2e\"}}}" >/dev/null
  run 2 build
  expect_out "another flinkdbt run of project 'features' is in progress" "lock refused"
  expect_out "ci-runner-9" "lock holder named"
  curl -sf -u KEY:SECRET -X DELETE "$base/dbt-features-run-lock" >/dev/null
  run 0 run --select eu_countries
fi

# --- --defer --state ---------------------------------------------------------------------------------
cat >models/upstream.sql <<'SQL'
{{ config(alias=var('upstream_alias', 'upstream')) }}
select code from {{ ref('country_codes') }}
SQL
cat >models/downstream.sql <<'SQL'
select count(*) as n from {{ ref('upstream') }}
SQL
run 0 run --select upstream --vars '{upstream_alias: upstream_prod}'
rm -rf state && cp -r target state
# `upstream` does not exist under its own name: without --defer, downstream fails ...
run 1 run --select downstream
# ... with --defer it reads the state's relation (upstream_prod).
run 0 run --select downstream --defer --state state
expect_out "OK created sql view model [^ ]*downstream" "deferred ref"
grep -q 'upstream_prod' target/run_results.json ||
  { echo "downstream did not read the deferred relation"; cat target/run_results.json; exit 1; }

# --- a failing pre_hook fails its model (exit 1), and nothing of it is deployed ------------------------
cat >models/bad_hook.sql <<'SQL'
{{ config(pre_hook="INSERT INTO no_such_table VALUES (1)") }}
select 1 as x
SQL
run 1 run --select bad_hook
expect_out "ERROR creating sql view model [^ ]*bad_hook" "pre_hook failure"
expect_out "hook failed" "pre_hook failure message"
run 1 show --inline "select x from bad_hook"

echo "features end to end${emulator:+ (emulator)}: OK"
