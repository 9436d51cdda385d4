#!/usr/bin/env bash
# Monitor benchmark: N capture records (default 1,000,000, ~1.1 KB, 43 classes, the last complete
# hour) written into the embedded stack's S3 server and Kafka broker (a separate JVM), then that
# window read by the monitor in a JVM limited to -Xmx512m, from S3 and from Kafka, three rounds
# each. Exits 1 when a round reads a different number of records than were written.
# Usage: bench/monitor/run.sh [--smoke] [N]   (after the README's build; WORK=dir keeps the
#   generated data between runs, reused for up to 6 days; ROUNDS=3)
#   --smoke: 1,000 records, one round per source, in a temporary WORK that is removed afterwards.
source "$(dirname "$0")/../lib.sh"
ensure_jar
if [ "$SMOKE" = 1 ]; then
  n="${1:-1000}"; rounds="${ROUNDS:-1}"
  work="$(mktemp -d /tmp/vigil-monitor-bench.XXXXXX)"; keep=0
else
  n="${1:-1000000}"; rounds="${ROUNDS:-3}"
  work="${WORK:-bench/monitor/work}"; keep=1
  mkdir -p "$work"
fi
log=(-Dlogback.configurationFile=bench/monitor/logback.xml)
compile_bench "$work/classes" bench/monitor/MonitorBench.java
cp="$work/classes:$JAR"
rm -f "$work/ready"
java -Xmx2g -cp "$cp" "${log[@]}" MonitorBench serve "$work" "$n" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; [ $keep = 1 ] || rm -rf "$work"' EXIT
while [ ! -f "$work/ready" ]; do
  kill -0 $server 2>/dev/null || fail "stack/generator failed"
  sleep 1
done
for source in s3 kafka; do
  java -Xmx512m -Xms512m -Drounds="$rounds" -cp "$cp" "${log[@]}" MonitorBench run "$source" "$work" \
    || fail "monitor over $source (see above)"
done
