#!/usr/bin/env bash
# Feature squeezing's squeezer sets and false-positive rates on the demo model (issue 15's screening
# goals): per seed, thresholds calibrated on a clean baseline as BaselineSignals does, then the shares of
# PGD images, clean signs and each corruption (brightness, blur, noise, JPEG) above them; the clean share's
# mean over seeds with its 95% t-interval. The production default (5-bit + 2x2 median, rate 0.05) is the row
# set=b5+m2 rate=0.05, measured in the same run as the alternatives.
# Usage: bench/signals/squeezers.sh [--smoke] [SEEDS]   (after the README's build; SEEDS default 7,8,9,10,11)
#   --smoke: seeds 7,8 at small sizes (60 baseline, 4 PGD, 40 clean, 40 corrupted); checks shares are sane.
source "$(dirname "$0")/../lib.sh"
ensure_jar
work="$(mktemp -d /tmp/vigil-squeezers-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && jar xf "$OLDPWD/$JAR" dev/vigil/demo/model/traffic-signs.onnx)
args=()
[ "$SMOKE" = 1 ] && args=(--smoke)
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
java -Djava.awt.headless=true -cp "$JAR" bench/signals/SqueezerSweep.java \
  "$work/dev/vigil/demo/model/traffic-signs.onnx" "${args[@]}" "$@"
