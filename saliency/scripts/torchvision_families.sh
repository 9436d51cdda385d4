#!/usr/bin/env bash
# Every torchvision image-classification family through Vigil's FullGrad: exports one model per family
# (torchvision_families.py, random weights, into WORK, default a temporary folder that is removed afterwards)
# and runs FamiliesRunner.java on them. Prints one "family | input | status" row per family, the rows of the
# table in saliency/README.md. Needs python3-torch, python3-torchvision, python3-onnx and Vigil's classes: the
# class path in VIGIL_CP, else deploy/target/vigil.jar (mvn -B -o package -pl deploy -am -DskipTests), else the
# compiled saliency module and its dependencies (maven-dependency-plugin). Usage: torchvision_families.sh [FAMILY...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-/usr/bin/python3}"
threads="${THREADS:-2}"
work="${WORK:-$(mktemp -d)}"
[ -n "${WORK:-}" ] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work/models"

"$python" "$here/torchvision_families.py" "$work/models" "$@" 2>/dev/null > "$work/export.txt"
cd "$root"
if [ -n "${VIGIL_CP:-}" ]; then
  cp="$VIGIL_CP"
elif [ -f deploy/target/vigil.jar ]; then
  cp=deploy/target/vigil.jar
else
  mvn -B -q -o dependency:build-classpath -pl saliency -Dmdep.outputFile="$work/classpath.txt" >/dev/null
  cp="saliency/target/classes:$(cat "$work/classpath.txt")"
fi
java -Xmx12g -Xss16m -cp "$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "$here/FamiliesRunner.java" \
  "$work/models" "$threads" 2>/dev/null > "$work/vigil.txt"

echo "| family | input | status |"
echo "|---|---|---|"
while IFS='|' read -r family size status; do
  file="$(echo "$family" | tr 'A-Z -' 'a-z__')@$size.onnx"
  if [ "$status" = exported ]; then
    status="$(grep -F "$file|" "$work/vigil.txt" | cut -d'|' -f2- | sed 's/^explains|\(.*\)/explains (\1 ms to build and run, batch 2)/; s/^fails|/fails: /')"
  fi
  echo "| $family | $size x $size | ${status:-not run} |"
done < "$work/export.txt"
