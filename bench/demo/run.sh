#!/usr/bin/env bash
# Wall time of the end-to-end demo (README's first command), as a user runs it:
#   mvn -B -q package -DskipTests && bench/demo/run.sh [runs] [extra vigil demo options...]
# Prints the load average before each run, the demo's first summary lines (total and per-stage
# times, attack figures) and the wall-clock time and peak RSS of the whole JVM. The demo's files
# go to a temporary folder; its progress (stderr) to demo.log there, shown when a run fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-1}"
shift || true
jar=deploy/target/vigil.jar
[ -f "$jar" ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 2; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for i in $(seq 1 "$runs"); do
  echo "run $i, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  if ! /usr/bin/time -o "$tmp/time" -f "  wall %e s, peak RSS %M KB" \
      java -jar "$jar" demo --out "$tmp/out" "$@" > "$tmp/summary" 2> "$tmp/demo.log"; then
    tr '\r' '\n' < "$tmp/demo.log" | tail -5 >&2
    exit 1
  fi
  head -2 "$tmp/summary"
  cat "$tmp/time"
done
