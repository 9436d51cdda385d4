#!/usr/bin/env bash
# Model-side signals on the demo model, CPU (2 threads): the issue's evidence -- share of PGD images and of clean
# signs screened as adversarial by feature squeezing, input drift (MMD, BBSD) on the attack window and on a
# natural-shift window (brightness, blur, noise, JPEG), false alarms over repeated clean windows -- and the cost:
# ms per sample for embeddings (decode, pre-process, forward) and for screening (three forward passes), ms per
# window for the tests (MMD with 500 permutations, BBSD, PCA), next to the anchor (the bare forward pass).
# Usage: bench/signals/run.sh [--smoke]   (after the README's build)
#   --smoke: small sizes (60 baseline signs, 8 PGD images, 2 clean windows), only checks the figures are sane.
source "$(dirname "$0")/../lib.sh"
ensure_jar
work="$(mktemp -d /tmp/vigil-signals-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && jar xf "$OLDPWD/$JAR" dev/vigil/demo/model/traffic-signs.onnx)
args=()
[ "$SMOKE" = 1 ] && args=(--smoke)
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
java -Djava.awt.headless=true -cp "$JAR" bench/signals/SignalsBench.java \
  "$work/dev/vigil/demo/model/traffic-signs.onnx" "${args[@]}"
