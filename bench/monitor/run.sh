#!/usr/bin/env bash
# Monitor benchmark: N capture records (default 1,000,000, ~1.1 KB, 43 classes, one hour) written
# into the embedded stack's S3 server and Kafka broker (a separate JVM), then one window read by
# the monitor in a JVM limited to -Xmx512m, from S3 and from Kafka.
# Usage: bench/monitor/run.sh [N]     (WORK=dir to keep the generated data between runs)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-1000000}"
work="${WORK:-$here/work}"
mkdir -p "$work"
cd "$root"
if [ ! -f monitor-jobs/target/classes/dev/vigil/monitor/WindowMonitor.class ]; then
  mvn -B -q -o compile -pl monitor-jobs
fi
mvn -B -q -o dependency:build-classpath -pl monitor-jobs -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath.txt" >/dev/null
cp="monitor-jobs/target/classes:$(cat "$work/classpath.txt")"
rm -f "$work/ready"
java -Xmx2g -cp "$cp" -Dlogback.configurationFile="$here/logback.xml" "$here/MonitorBench.java" serve "$work" "$n" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
while [ ! -f "$work/ready" ]; do
  kill -0 $server 2>/dev/null || { echo "stack/generator failed" >&2; exit 1; }
  sleep 1
done
for source in s3 kafka; do
  java -Xmx512m -Xms512m -cp "$cp" -Dlogback.configurationFile="$here/logback.xml" "$here/MonitorBench.java" run "$source" "$work"
done
