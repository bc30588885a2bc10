#!/usr/bin/env bash
# End to end through the real REST client: flinkdbt-emulator (Confluent's sql/v1 API on loopback,
# backed by the embedded engine) serves a `confluent` target, and `flinkdbt debug` and `build` run the
# quickstart against it (everything the default selector picks passes; the unit test tagged
# known_failing fails with its diff when selected). No secret may reach the logs or artifacts.
# Usage: quickstart_emulator_e2e.sh FLINKDBT EMULATOR SOURCE_DIR WORK_DIR
set -euo pipefail
flinkdbt=$1 emulator=$2 source_dir=$3 work=$4/quickstart_emulator
rm -rf "$work" && mkdir -p "$work"
cp -r "$source_dir/examples/quickstart/." "$work/"
rm -rf "$work/target" "$work/logs"

"$emulator" --port 0 --organization org-e2e --environment env-e2e --api-key KEY-E2E \
  --api-secret SECRET-E2E-VALUE --pending-ms 5 --running-ms 5 --deleting-ms 5 >"$work/emulator.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/emulator.log")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "the emulator did not start"; cat "$work/emulator.log"; exit 1; }

# The example's own `emulator` target (profiles.yml), as the README shows it, pointed at this port.
export FLINKDBT_EMULATOR_ENDPOINT="http://127.0.0.1:$port" CONFLUENT_ORGANIZATION_ID=org-e2e \
  CONFLUENT_ENVIRONMENT_ID=env-e2e CONFLUENT_COMPUTE_POOL_ID=lfcp-e2e CONFLUENT_KAFKA_CLUSTER=cluster-e2e
export DBT_TARGET=emulator
export CONFLUENT_FLINK_API_KEY=KEY-E2E CONFLUENT_FLINK_API_SECRET=SECRET-E2E-VALUE
cd "$work"
"$flinkdbt" debug --profiles-dir . | tee debug.out
grep -q "All checks passed!" debug.out
"$flinkdbt" build --profiles-dir . | tee build.out
grep -q "Done. PASS=16 WARN=0 ERROR=0 SKIP=0 TOTAL=16" build.out
# The unit test tagged known_failing (left out by the default selector) fails with dbt's diff, exit 1.
set +e
"$flinkdbt" test --select tag:known_failing --profiles-dir . >failing.out 2>&1
rc=$?
set -e
cat failing.out
[ "$rc" -eq 1 ] || { echo "the known-failing unit test exited $rc, expected 1"; exit 1; }
grep -q "actual differs from expected" failing.out
grep -q "^+++" failing.out
grep -q "^---" failing.out
if grep -rq "SECRET-E2E-VALUE" logs target debug.out build.out failing.out; then
  echo "a secret reached the logs or artifacts"; exit 1
fi
echo "quickstart on the emulator: OK"
