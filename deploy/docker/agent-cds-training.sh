#!/bin/bash
# Writes the sidecar's AppCDS archive (JDK 17 dynamic archive): starts vigil-agent.jar once with
# -XX:ArchiveClassesAtExit, sends a request through its proxy and asks its admin port, then stops
# it with SIGTERM; the JVM writes every class it loaded (proxy, capture, both sinks' clients,
# logging, metrics) to the archive as it exits. Run by the Dockerfile's agent stage at build time,
# with the same jar path and GC as the image's ENTRYPOINT (a mismatch only makes the JVM skip the
# archive with a warning). Nothing listens on the sinks' addresses: the clients are built and
# tried, which is what a real start loads too.
#
# Usage: agent-cds-training.sh JAR ARCHIVE [JVM flags...]
set -euo pipefail
jar=$1 archive=$2; shift 2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/agent.yaml" <<YAML
endpoints:
  - name: training
    upstream: http://127.0.0.1:9
    sampling: {percent: 100}
sinks:
  kafka: {bootstrapServers: "127.0.0.1:9", topic: training}
  s3: {bucket: training, endpointOverride: "http://127.0.0.1:9", pathStyle: true, accessKeyId: training, secretAccessKey: training}
agent:
  listen: {host: 127.0.0.1, port: 18181}
  admin: {host: 127.0.0.1, port: 18182}
  spool: {directory: $dir/spool}
  shutdownGrace: 2s
YAML
java "$@" -XX:ArchiveClassesAtExit="$archive" -jar "$jar" --config "$dir/agent.yaml" > "$dir/agent.log" 2>&1 &
pid=$!
http() { # $1 port, $2 request line, $3 body: one HTTP/1.0 exchange over bash's /dev/tcp
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf '%s HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' "$2" "${#3}" "$3" >&3
  cat <&3 > /dev/null || true
  exec 3<&-
}
for _ in $(seq 1 300); do
  http 18182 "GET /healthz" "" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$dir/agent.log" >&2; echo "agent-cds-training: the agent exited at start" >&2; exit 1; }
  sleep 0.1
done
http 18181 "POST /predict" '{"inputs": [1, 2, 3]}'   # 502 (no model here), captured as an upstream error
http 18182 "GET /readyz" ""
http 18182 "GET /metrics" ""
kill -TERM "$pid"
wait "$pid" || true
[ -s "$archive" ] || { cat "$dir/agent.log" >&2; echo "agent-cds-training: no archive written to $archive" >&2; exit 1; }
echo "agent-cds-training: $(du -h "$archive" | cut -f1) archive at $archive"
