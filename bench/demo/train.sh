#!/usr/bin/env bash
# Trains the demo's SignNet with the shipped plan (vigil demo train) and prints per-epoch figures, the wall
# time, the peak RSS and whether the result is byte-identical to the model shipped in vigil.jar.
# Usage: bench/demo/train.sh [--smoke] [threads]   (default 2: the thread count of the shipped model)
#   Exits 1 when the model differs from the shipped one or its SHA-256 is not the one the trainer recorded.
#   --smoke: one epoch of 4 images per class (the same training graph, ONNX Runtime and AdamW; minutes
#   less); its model cannot match the shipped one, so only the recorded SHA-256 is checked.
source "$(dirname "$0")/../lib.sh"
threads="${1:-2}"
plan=()
[ "$SMOKE" = 1 ] && plan=(--epochs 1 --images-per-class 4)
ensure_jar
need /usr/bin/time time
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s%N)
/usr/bin/time -f "peak RSS %M KB" java -jar "$JAR" demo train --threads "$threads" "${plan[@]}" --out "$out/signs.onnx" \
  2> >(grep -v '^\s*$' | tr '\r' '\n' | grep -E 'peak RSS' >&2)
end=$(date +%s%N)
echo "wall $(( (end - start) / 1000000000 )).$(( (end - start) / 100000000 % 10 )) s, load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
trained=$(sha256sum "$out/signs.onnx" | cut -d' ' -f1)
grep -q "\"sha256\" : \"$trained\"" "$out/signs.json" || fail "the model's SHA-256 $trained is not the one in signs.json"
if [ "$SMOKE" = 1 ]; then echo "smoke: model written, SHA-256 $trained as recorded"; exit 0; fi
shipped=$( (cd "$out" && jar xf "$OLDPWD/$JAR" dev/vigil/demo/model/traffic-signs.onnx && sha256sum dev/vigil/demo/model/traffic-signs.onnx) | cut -d' ' -f1)
[ "$shipped" = "$trained" ] || fail "differs from the shipped model: $trained vs $shipped (thread count $threads?)"
echo "byte-identical to the shipped model ($shipped)"
