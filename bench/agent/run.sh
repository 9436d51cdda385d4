#!/usr/bin/env bash
# Capture agent benchmark: wrk on loopback against
#   direct  - nginx serving fixed responses (the "model server")
#   nginx   - the same through nginx as a plain reverse proxy (keep-alive upstream, no capture)
#   agent100 / agent10 - through `vigil agent` at 100% / 10% sampling, Kafka + S3 sinks on the
#             embedded stack (real broker, S3Proxy), agent JVM capped at -Xmx256m
# for 4 KB JSON request bodies and 50 KB PNG request bodies (each answered with 4 KB of JSON),
# at full load (wrk -c$CONNS) and at a fixed 1,000 req/s (open loop: bench/agent/Pace.java, since
# Debian packages neither wrk2 nor a wrk with -R; latency counts from each request's due time, so
# no coordinated omission). Prints a markdown table; figures go to bench/agent/RESULTS.md by hand.
# Exits 1 (after printing everything) when a request failed or, once the agent's backlog drained,
# a sink's shipped + dropped records do not add up to the sampled ones.
#
# Usage: bench/agent/run.sh [--smoke] [seconds-per-run]   (after the README's build; needs: apt-get install -y wrk nginx)
#   RATE=1000 paced rate; PCTS="100 10" agent sampling percentages; JFR_DIR=/some/dir records a JFR profile of each agent run there;
#   AGENT_JAVA_OPTS extra JVM flags of the agent (default -XX:ThreadPriorityPolicy=1, which lets the agent run its
#   capture threads below the event loops; set it to "" to measure without); AGENT_GC the collector (default -XX:+UseG1GC);
#   STACK_NICE=19 runs Kafka and S3Proxy at the lowest CPU priority, standing in for sinks on other machines;
#   S3_MAX_AGE=2s closes S3 objects sooner than the default 60 s (sinks.s3.objectMaxAge);
#   AGENT_JARS="label=jar ..." several agents side by side in one run (rows labelled; OPTS_<label> replaces that
#   agent's JVM flags); AGENT_HEAP (-Xmx256m); MODES="paced full", BODIES="req.json req.png" pick rows;
#   BUFFER_BYTES / S3_MAX_BYTES set agent.bufferBytes / sinks.s3.objectMaxBytes; PORT_BASE moves the eight ports.
#   Each row also prints the CPU seconds of the agent, the Kafka broker and the stack JVM (S3Proxy) during it;
#   each agent's time from launch to a 200 from /readyz is in the summary.
#   AGENT_JAR the agent's jar: the sidecar's lean deploy/agent/target/vigil-agent.jar (default, what the
#   agent image runs) or deploy/target/vigil.jar (`vigil agent` in the all-in-one jar, for comparison).
#   Before its rows each agent is warmed up with every body in BODIES, WARMUP_S (10) seconds each, in rounds until
#   its JIT compiler threads used under 5% of a core in the last round or JIT_SETTLE_S (240) seconds passed (the
#   summary says how long that took); KAFKA_COMPRESSION sets sinks.kafka.compression (zstd by default).
#   --smoke: EncodeBench for 0.3 s, then rows of 1 s (paced at 200 req/s, 0.5 s warm-up; full load with 8
#   connections): direct and nginx paced JSON and full-load PNG, the agent at 100% only (all four rows, after one
#   1 s warm-up round per body), S3_MAX_AGE=2s; the same nginx, stack, agent and sinks.
source "$(dirname "$0")/../lib.sh"
if [ "$SMOKE" = 1 ]; then
  : "${RATE:=200}" "${PCTS:=100}" "${CONNS:=8}" "${PACE_WARMUP:=0.5}" "${WARMUP_S:=1}" "${DRAIN_S:=30}" "${S3_MAX_AGE:=2s}"
  set -- "${1:-1}"
fi
DUR="${1:-10}"
CONNS="${CONNS:-32}"
RATE="${RATE:-1000}"
PCTS="${PCTS:-100 10}" # agent sampling percentages to run (0 = proxy only, no capture)
B="${PORT_BASE:-18080}" # all ports are B+0..B+7 (override when another stack holds the defaults)
P_DIRECT=$B P_NGINX=$((B+1)) P_AGENT=$((B+2)) P_ADMIN=$((B+3)) P_KAFKA=$((B+4)) P_S3=$((B+5)) P_SMTP=$((B+6)) P_IMAP=$((B+7))
need wrk wrk
need nginx nginx
need curl curl
need python3 python3
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
ensure_jar
AGENT_JAR="${AGENT_JAR:-deploy/agent/target/vigil-agent.jar}"
AGENT_JARS="${AGENT_JARS:-agent=$AGENT_JAR}" # label=jar ...: several agents side by side, same stack and nginx
for lj in $AGENT_JARS; do [ -f "${lj#*=}" ] || fail "${lj#*=} missing: build it with mvn -B -q package -DskipTests"; done
AGENT_HEAP="${AGENT_HEAP--Xmx256m}"
MODES="${MODES:-paced full}"
BODIES="${BODIES:-req.json req.png}"

WORK=$(mktemp -d /tmp/vigil-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

# ---- bodies ------------------------------------------------------------------------------
python3 - "$WORK" <<'PY'
import json, os, random, sys
w = sys.argv[1]
random.seed(1)
def js(n):
    s = json.dumps({"probabilities": [round(random.random(), 6) for _ in range(n)]})
    return s
body = js(1); i = 1
while len(body) < 4096: i += 1; body = js(i)
open(os.path.join(w, "req.json"), "w").write(js(i - 1).ljust(4096))
open(os.path.join(w, "resp.json"), "w").write(js(i - 1).ljust(4096))
png = bytearray(random.getrandbits(8) for _ in range(50 * 1024)); png[:8] = b"\x89PNG\r\n\x1a\n"
open(os.path.join(w, "req.png"), "wb").write(png)
PY
mkdir -p "$WORK/www" && cp "$WORK/resp.json" "$WORK/www/predict"
chmod -R a+rwX "$WORK" # nginx workers run as an unprivileged user

# ---- nginx: fixed-response upstream + plain reverse proxy ----------------------------------
cat > "$WORK/nginx.conf" <<NG
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/body; proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fcgi; uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
  client_max_body_size 20m; client_body_buffer_size 128k;
  keepalive_requests 1000000;
  upstream model { server 127.0.0.1:$P_DIRECT; keepalive 64; }
  server {
    listen 127.0.0.1:$P_DIRECT;
    root $WORK/www; default_type application/json;
    location / { error_page 405 =200 \$uri; }   # let POST read the static answer
  }
  server {
    listen 127.0.0.1:$P_NGINX;
    location / { proxy_pass http://model; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_request_buffering off; proxy_buffering off; }
  }
}
NG
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" -g 'daemon off;' & PIDS+=($!)

wait_port() { for _ in $(seq 1 240); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.5; done; echo "port $1 never opened" >&2; exit 1; }
wait_port $P_DIRECT
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary @"$WORK/req.json" "http://127.0.0.1:$P_DIRECT/predict")
[ "$code" = 200 ] || { echo "the fixed-response upstream answered $code, not 200; see $WORK/nginx-error.log" >&2; cat "$WORK/nginx-error.log" >&2; exit 1; }

# ---- embedded stack (Kafka + S3) ---------------------------------------------------------
nice -n "${STACK_NICE:-0}" java -jar "$JAR" stack --data-dir "$WORK/stack" --kafka-port $P_KAFKA --s3-port $P_S3 --smtp-port $P_SMTP --imap-port $P_IMAP \
  > "$WORK/stack.log" 2>&1 & PIDS+=($!)
STACK_PID=$!
wait_port $P_KAFKA; wait_port $P_S3; sleep 3
KAFKA_PID=$(pgrep -P "$STACK_PID" java | head -1 || true) # the broker runs in a child JVM of the stack
# CPU seconds of a JVM's JIT compiler threads (C1, C2) so far
jit_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ n = $0; sub(/^[0-9]+ \(/, "", n); if (n ~ /^C[12] Compi/) { split(substr($0, index($0, ") ") + 2), f, " "); s += f[12] + f[13] } } END { printf "%.2f", s / hz }' /proc/"$1"/task/*/stat 2>/dev/null || echo 0; }
# CPU seconds (user + system) of a process so far; 0 when it is gone
cpu_s() { [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] && awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$1/stat" || echo 0; }

agent_config() { # $1 = sampling percent
cat > "$WORK/agent-$1.yaml" <<YAML
endpoints:
  - name: bench
    upstream: http://127.0.0.1:$P_DIRECT
    sampling: {percent: $1}
sinks:
  kafka: {bootstrapServers: 127.0.0.1:$P_KAFKA, topic: "bench.{endpoint}.p$1"${KAFKA_COMPRESSION:+, compression: $KAFKA_COMPRESSION}}
  s3: {bucket: vigil, prefix: bench-p$1, endpointOverride: http://127.0.0.1:$P_S3, pathStyle: true,
       accessKeyId: vigil, secretAccessKey: vigil-local-secret${S3_MAX_AGE:+, objectMaxAge: $S3_MAX_AGE}${S3_MAX_BYTES:+, objectMaxBytes: $S3_MAX_BYTES}}
agent:
  listen: {host: 127.0.0.1, port: $P_AGENT}
  admin: {host: 127.0.0.1, port: $P_ADMIN}
  spool: {directory: $WORK/spool-$1}${BUFFER_BYTES:+
  bufferBytes: $BUFFER_BYTES}
YAML
}

AGENT_PID=""
start_agent() { # $1 = sampling percent, $2 = label, $3 = jar
  agent_config "$1"
  sed -i "s|spool-$1|spool-$2-$1|" "$WORK/agent-$1.yaml"
  local jfr=() cmd=()
  [ -n "${JFR_DIR:-}" ] && jfr=("-XX:StartFlightRecording=settings=profile,filename=$JFR_DIR/$2-$1.jfr")
  # the all-in-one jar names the command; the sidecar's jar is the command
  [ "$(basename "$3")" = vigil.jar ] && cmd=(agent)
  local t0; t0=$(date +%s%N)
  # OPTS_<label>, when set, replaces the agent's JVM flags for that jar (e.g. the image's flags next to the defaults)
  local flags="OPTS_$2"; flags="${!flags-$AGENT_HEAP ${AGENT_GC:--XX:+UseG1GC} ${AGENT_JAVA_OPTS--XX:ThreadPriorityPolicy=1}}"
  # shellcheck disable=SC2086
  java $flags "${jfr[@]}" -jar "$3" "${cmd[@]}" --config "$WORK/agent-$1.yaml" > "$WORK/$2-$1.log" 2>&1 &
  AGENT_PID=$!; PIDS+=($AGENT_PID)
  # ready = /readyz answers 200 (proxy and admin bound, the upstream reachable)
  READY_MS=""
  for _ in $(seq 1 3000); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P_ADMIN/readyz")" = 200 ]; then READY_MS=$(( ($(date +%s%N) - t0) / 1000000 )); break; fi
    kill -0 "$AGENT_PID" 2>/dev/null || { cat "$WORK/$2-$1.log" >&2; fail "the agent $2 exited at start"; }
    sleep 0.02
  done
  [ -n "$READY_MS" ] || fail "the agent $2 was not ready within 60 s"
  wait_port $P_AGENT
}
stop_agent() { kill -TERM "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true; }
metric() { # $1 metric name (prefix), $2 a label it must carry (optional)
  curl -s "http://127.0.0.1:$P_ADMIN/metrics" | awk -v m="$1" -v l="${2:-}" 'index($0, m) == 1 && index($0, l) { s += $NF } END { printf "%.0f", s }'
}
# Waits (at most DRAIN_S seconds) until the agent's capture backlog (spool, sink queues, buffer) is empty; sets waited, left.
drain() {
  waited=0
  while [ "$waited" -lt "${DRAIN_S:-120}" ]; do
    left=$(curl -s "http://127.0.0.1:$P_ADMIN/metrics" | awk '/^vigil_agent_(spool_size|sink_queue_size|buffer_size)_bytes/ { s += $NF } END { printf "%.0f", s }')
    [ "$left" = 0 ] && break
    sleep 1; waited=$((waited + 1))
  done
}
# Once drained, every sampled record was shipped or counted as dropped, by each sink.
check_accounting() { # $1 = sampling percent, $2 = label
  local sampled all sink shipped dropped a="${2:-agent}"
  drain
  if [ "$left" != 0 ]; then
    echo "$a $1%: backlog not drained after ${DRAIN_S:-120} s ($left bytes left): accounting not checked" >> "$WORK/agent-summary.txt"
    [ "$SMOKE" = 1 ] && echo "$a $1%: capture backlog not drained in ${DRAIN_S} s" >> "$WORK/failures.txt"
    return 0
  fi
  sampled=$(metric vigil_agent_capture_sampled_total)
  all=$(metric vigil_agent_capture_dropped_total 'sink="all"')
  [ "$1" = 0 ] || [ "$sampled" -gt 0 ] || echo "$a $1%: nothing sampled" >> "$WORK/failures.txt"
  for sink in kafka s3; do
    shipped=$(metric vigil_agent_capture_shipped_total "sink=\"$sink\"")
    dropped=$(metric vigil_agent_capture_dropped_total "sink=\"$sink\"")
    echo "$a $1% $sink: sampled $sampled = shipped $shipped + dropped $all (tap) + $dropped ($sink)" >> "$WORK/agent-summary.txt"
    [ "$sampled" = $((shipped + all + dropped)) ] \
      || echo "$a $1% $sink: sampled $sampled != shipped $shipped + dropped $all + $dropped" >> "$WORK/failures.txt"
  done
}

run_wrk() { # $1 label, $2 port, $3 body file, $4 content type, $5 mode(full|paced)
  local line s0 d0 a0 k0 t0
  a0=$(cpu_s "$AGENT_PID"); k0=$(cpu_s "$KAFKA_PID"); t0=$(cpu_s "$STACK_PID")
  if [ "$2" = "$P_AGENT" ]; then s0=$(metric vigil_agent_capture_sampled_total); d0=$(metric vigil_agent_capture_dropped_total); fi
  if [ "$5" = paced ]; then
    line=$("$WORK/pace" "http://127.0.0.1:$2/predict" "$3" "$4" "$RATE" "$DUR" 16 "${PACE_WARMUP:-2}" | grep '^RESULT')
  else
    line=$(BODY="$3" CTYPE="$4" DELAY_MS=0 wrk -t2 -c"$CONNS" -d"${DUR}s" --timeout 10s -s bench/agent/wrk-post.lua \
           "http://127.0.0.1:$2/predict" | grep '^RESULT')
  fi
  local cpu; cpu=$(awk -v a="$(cpu_s "$AGENT_PID")" -v a0="$a0" -v k="$(cpu_s "$KAFKA_PID")" -v k0="$k0" -v t="$(cpu_s "$STACK_PID")" -v t0="$t0" \
    'BEGIN { printf "%.1f / %.1f / %.1f", a - a0, k - k0, t - t0 }')
  if [ "$2" = "$P_AGENT" ]; then
    local s1 d1; s1=$(metric vigil_agent_capture_sampled_total); d1=$(metric vigil_agent_capture_dropped_total)
    echo "$1 $(basename "$3") $5: sampled $((s1 - s0)), dropped $((d1 - d0)) (so far; drops of records still queued show up in later rows)" >> "$WORK/capture-per-run.txt"
  fi
  # shellcheck disable=SC2086
  set -- "$@" $(echo "$line" | sed -E 's/.*errors=([0-9]+) non2xx=([0-9]+) requests=([0-9]+).*/\1 \2 \3/')
  [ "${6:-1}" = 0 ] && [ "${7:-1}" = 0 ] && [ "${8:-0}" -gt 0 ] \
    || echo "$1 $(basename "$3") $5: ${8:-no} requests, ${6:-?} errors, ${7:-?} non-2xx" >> "$WORK/failures.txt"
  echo "| $1 | $(basename "$3") | $5 | $(echo "$line" | sed -E 's/RESULT rps=([0-9.]+) p50=([0-9.]+) p99=([0-9.]+) p999=([0-9.]+) max=([0-9.]+) errors=([0-9]+) non2xx=([0-9]+) requests=([0-9]+)/\1 | \2 | \3 | \4 | \6+\7/') | $cpu | $(cut -d' ' -f1 /proc/loadavg) |"
}

# the paced generator, compiled once (java Pace.java would recompile per run)
compile_bench "$WORK/classes" bench/agent/Pace.java bench/agent/EncodeBench.java
printf '#!/bin/sh\nexec java -Xss512k -XX:TieredStopAtLevel=1 -cp "%s" Pace "$@"\n' "$WORK/classes" > "$WORK/pace" && chmod +x "$WORK/pace"
if [ "$SMOKE" = 1 ]; then
  java -cp "$WORK/classes:$JAR" EncodeBench 0.3 | tee "$WORK/encode.txt"
  [ "$(grep -c '^RESULT \(json\|png\) records=[1-9]' "$WORK/encode.txt")" = 2 ] || fail "EncodeBench printed no RESULT line for json and png"
fi

echo "agent JVM flags: $AGENT_HEAP ${AGENT_GC:--XX:+UseG1GC} ${AGENT_JAVA_OPTS--XX:ThreadPriorityPolicy=1}"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc), ${DUR}s per run, full load = wrk -t2 -c$CONNS, paced = open loop at $RATE req/s (Pace.java, 16 connections, ${PACE_WARMUP:-2} s warm-up not counted)"
echo
echo "| target | body | load | req/s | p50 ms | p99 ms | p99.9 ms | errors+non2xx | CPU s agent / kafka / S3Proxy | load1 after |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"
for mode in $MODES; do
  for body in $BODIES; do
    # the smoke measures the baselines once per mode: paced JSON, full-load PNG
    [ "$SMOKE" = 1 ] && [ "$mode $body" != "paced req.json" ] && [ "$mode $body" != "full req.png" ] && continue
    ct=application/json; [ "$body" = req.png ] && ct=image/png
    run_wrk direct $P_DIRECT "$WORK/$body" $ct $mode
    run_wrk nginx $P_NGINX "$WORK/$body" $ct $mode
  done
done
for pct in $PCTS; do
for lj in $AGENT_JARS; do
  label=${lj%%=*}
  start_agent "$pct" "$label" "${lj#*=}"
  # Warm-up, not measured: rounds of WARMUP_S seconds per body until the JIT compilers are idle
  # (under 5% of a core over the last round) or JIT_SETTLE_S have passed. On 2 busy cores C2's queue
  # is long: an agent measured after a few seconds spent a third of its CPU compiling during the
  # rows, and hot proxy methods reached C2 only after 90 s; a sidecar runs for days, so rows measure
  # the compiled agent (the time it took is in the summary). Then the capture backlog drains (below).
  jit_t0=$(date +%s); rounds=0
  while :; do
    j0=$(jit_cpu "$AGENT_PID"); w0=$(date +%s%N)
    for body in $BODIES; do
      ct=application/json; [ "$body" = req.png ] && ct=image/png
      BODY="$WORK/$body" CTYPE=$ct DELAY_MS=0 wrk -t2 -c"$CONNS" -d"${WARMUP_S:-10}"s -s bench/agent/wrk-post.lua "http://127.0.0.1:$P_AGENT/predict" >/dev/null
    done
    rounds=$((rounds + 1))
    jit_share=$(awk -v j="$(jit_cpu "$AGENT_PID")" -v j0="$j0" -v w="$(( ($(date +%s%N) - w0) / 1000000 ))" 'BEGIN { printf "%.3f", (j - j0) / (w / 1000) }')
    { [ "$SMOKE" = 1 ] || awk -v s="$jit_share" 'BEGIN { exit !(s < 0.05) }' || [ $(( $(date +%s) - jit_t0 )) -ge "${JIT_SETTLE_S:-240}" ]; } && break
  done
  echo "$label $pct%: warm-up ${rounds} round(s) of ${WARMUP_S:-10} s per body, $(( $(date +%s) - jit_t0 )) s; JIT compilers at ${jit_share} of a core in the last round" >> "$WORK/agent-summary.txt"
  # The warm-up leaves a capture backlog (spooled records the sinks ship for a while): measure from
  # an idle agent, not while it drains (at most DRAIN_S seconds; what is left is reported).
  drain
  echo "$label $pct%: ready ${READY_MS} ms after the JVM was launched" >> "$WORK/agent-summary.txt"
  echo "$label $pct%: capture backlog after the warm-up drained in ${waited}s (left: ${left} bytes)" >> "$WORK/agent-summary.txt"
  for mode in $MODES; do
    for body in $BODIES; do
      ct=application/json; [ "$body" = req.png ] && ct=image/png
      run_wrk "$label $pct%" $P_AGENT "$WORK/$body" $ct $mode
    done
  done
  [ "$SMOKE" = 1 ] || sleep 3
  heap=$(curl -s "http://127.0.0.1:$P_ADMIN/metrics" | awk '/^jvm_memory_used_bytes\{area="heap"/ { s += $NF } END { printf "%.0f", s/1048576 }')
  hwm=$(awk '/VmHWM/ {print int($2/1024)}' /proc/$AGENT_PID/status)
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' /proc/$AGENT_PID/stat)
  rss=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$AGENT_PID/status)
  echo "${label^^} $pct%: CPU ${cpu} s (user+system, whole run incl. warm-up), peak RSS ${hwm} MB, RSS now ${rss} MB, heap used now ${heap} MB ($AGENT_HEAP), sampled $(metric vigil_agent_capture_sampled_total), shipped kafka $(metric 'vigil_agent_capture_shipped_total{sink="kafka"'), shipped s3 $(metric 'vigil_agent_capture_shipped_total{sink="s3"'), dropped $(metric vigil_agent_capture_dropped_total) [$(curl -s "http://127.0.0.1:$P_ADMIN/metrics" | awk '/^vigil_agent_capture_dropped_total/ { sub(/vigil_agent_capture_dropped_total/, ""); printf "%s=%.0f ", $1, $2 }')], spooled $(metric vigil_agent_capture_spooled_total), Kafka produce requests $(metric vigil_agent_kafka_produce_requests_total) for $(metric vigil_agent_kafka_produce_records_total) records" >> "$WORK/agent-summary.txt"
  echo "load after $label $pct%: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$WORK/agent-summary.txt"
  check_accounting "$pct" "$label"
  stop_agent
  grep -c OutOfMemoryError "$WORK/$label-$pct.log" >/dev/null && echo "${label^^} $pct%: OutOfMemoryError in log!" >> "$WORK/agent-summary.txt" || true
done
done
echo
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$WORK/agent-summary.txt"
[ -f "$WORK/capture-per-run.txt" ] && cat "$WORK/capture-per-run.txt"
if [ -f "$WORK/failures.txt" ]; then
  cat "$WORK/failures.txt" >&2
  fail "see the lines above"
fi
