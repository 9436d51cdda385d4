#!/usr/bin/env bash
# Trains the demo's SignNet with the shipped plan (vigil demo train) and prints per-epoch figures, the wall
# time, the peak RSS and whether the result is byte-identical to the model shipped in vigil.jar.
# Usage: bench/demo/train.sh [threads]   (default 2: the thread count of the shipped model)
set -euo pipefail
cd "$(dirname "$0")/../.."
threads="${1:-2}"
jar=deploy/target/vigil.jar
[ -f "$jar" ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 2; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
/usr/bin/time -f "peak RSS %M KB" java -jar "$jar" demo train --threads "$threads" --out "$out/signs.onnx" \
  2> >(grep -v '^\s*$' | tr '\r' '\n' | grep -E 'peak RSS' >&2)
end=$(date +%s.%N)
printf 'wall %.1f s, load average at end: %s\n' "$(echo "$end - $start" | bc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
shipped=$(unzip -p "$jar" dev/vigil/demo/model/traffic-signs.onnx | sha256sum | cut -d' ' -f1)
trained=$(sha256sum "$out/signs.onnx" | cut -d' ' -f1)
if [ "$shipped" = "$trained" ]; then echo "byte-identical to the shipped model ($shipped)"; else
  echo "differs from the shipped model: $trained vs $shipped (thread count $threads?)"; fi
