#!/usr/bin/env bash
# Runs every bench script in smoke mode (small sizes, seconds each, the real servers, ONNX Runtime and
# sinks; each script checks its own result), one after the other, and fails when any fails.
# Usage: bench/smoke.sh   (after the README's build: mvn -B -q package -DskipTests; .ci/run runs it
# after mvn -B verify). Needs Debian's wrk, nginx, curl and time; the saliency smoke is the Java side
# only (no python3-torch). Logs: $SMOKE_LOGS (default: a temporary folder, kept when a script fails).
export SMOKE=1
source "$(dirname "$0")/lib.sh"
missing=()
for tool in wrk nginx curl python3 /usr/bin/time; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("$(basename "$tool")")
done
[ ${#missing[@]} = 0 ] || { echo "bench smoke: missing ${missing[*]}: apt-get install -y ${missing[*]}" >&2; exit 2; }
ensure_jar
logs="${SMOKE_LOGS:-$(mktemp -d /tmp/vigil-bench-smoke.XXXXXX)}"
mkdir -p "$logs"

# name | command (run from the repository root)
steps=(
  "saliency-io|java -Djava.awt.headless=true -cp $JAR bench/saliency-io/PreprocessRenderBench.java --smoke"
  "saliency|bench/saliency/run.sh --smoke"
  "embedded-stack|java -cp $JAR bench/embedded-stack/StackStartupBench.java --smoke"
  "monitor|bench/monitor/run.sh --smoke"
  "agent|bench/agent/run.sh --smoke"
  "demo|bench/demo/run.sh --smoke"
  "demo-train|bench/demo/train.sh --smoke"
  "signals|bench/signals/run.sh --smoke"
  "signals-squeezers|bench/signals/squeezers.sh --smoke"
)
failed=()
total0=$(date +%s%N)
printf '%-15s %-6s %8s %8s  %s\n' script result wall cpu "load average at start"
for step in "${steps[@]}"; do
  name="${step%%|*}"
  load="$(cut -d' ' -f1 /proc/loadavg)"
  t0=$(date +%s%N)
  # shellcheck disable=SC2086
  if /usr/bin/time -o "$logs/$name.cpu" -f '%U %S' ${step#*|} > "$logs/$name.log" 2>&1; then result=ok; else
    result=FAILED; failed+=("$name"); fi
  t1=$(date +%s%N)
  cpu=$(awk 'END { printf "%.1f", $1 + $2 }' "$logs/$name.cpu" 2>/dev/null || echo "?")
  printf '%-15s %-6s %7.1fs %7ss  %s\n' "$name" "$result" "$(( (t1 - t0) / 1000000 ))e-3" "$cpu" "$load"
  if [ "$result" = FAILED ]; then tail -15 "$logs/$name.log" | sed 's/^/    /'; fi
done
printf '%-15s %-6s %7.1fs\n' total "" "$(( ($(date +%s%N) - total0) / 1000000 ))e-3"
if [ ${#failed[@]} -gt 0 ]; then
  echo "bench smoke: FAILED: ${failed[*]} (logs in $logs)" >&2
  exit 1
fi
[ -n "${SMOKE_LOGS:-}" ] || rm -rf "$logs"
echo "bench smoke: all ${#steps[@]} passed"
