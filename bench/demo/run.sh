#!/usr/bin/env bash
# Wall time of the end-to-end demo (README's first command), as a user runs it:
#   mvn -B -q package -DskipTests && bench/demo/run.sh [--smoke] [runs] [extra vigil demo options...]
# Prints the load average before each run, the demo's first summary lines (total and per-stage
# times, attack figures) and the wall-clock time and peak RSS of the whole JVM. The demo's files
# go to a temporary folder; its progress (stderr) to demo.log there, shown when a run fails.
# The demo's own exit code is the check: non-zero unless the story held (quiet clean window, Stop
# over-predicted and low confidence found, email sent).
#   --smoke: one run of a smaller story (same stages, same real stack, agent, model and FullGrad):
#   100 baseline / 50 clean requests, 40 attacked + 10 clean signs, 100% sampling, minRecords 40.
source "$(dirname "$0")/../lib.sh"
runs="${1:-1}"
shift || true
smoke_options=()
[ "$SMOKE" = 1 ] && smoke_options=(--baseline-requests 100 --clean-requests 50 --attacked 40 --attack-clean 10
  --sampling 100 --min-records 40)
ensure_jar
need /usr/bin/time time
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for i in $(seq 1 "$runs"); do
  echo "run $i, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  if ! /usr/bin/time -o "$tmp/time" -f "  wall %e s, peak RSS %M KB" \
      java -jar "$JAR" demo --out "$tmp/out" "${smoke_options[@]}" "$@" > "$tmp/summary" 2> "$tmp/demo.log"; then
    tr '\r' '\n' < "$tmp/demo.log" | tail -5 >&2
    cat "$tmp/summary" >&2
    fail "the demo's story did not hold or the demo failed (run $i)"
  fi
  head -2 "$tmp/summary"
  cat "$tmp/time"
done
