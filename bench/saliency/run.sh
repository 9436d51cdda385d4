#!/usr/bin/env bash
# FullGrad benchmark: ResNet-18 at 224 x 224 on CPU, batch 1 and 16 (override: BATCHES="1 16 64", DEVICE=cuda).
# Prints ms/image for the plain ONNX Runtime forward pass, for Vigil's FullGrad, and for FullGrad by PyTorch
# autograd (when python3-torch is installed; it also exports the model, which is not committed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${WORK:-$here/work}"
threads="${THREADS:-2}"
device="${DEVICE:-cpu}"
batches="${BATCHES:-1 16}"
python="${PYTHON:-/usr/bin/python3}"
mkdir -p "$work"

if "$python" -c "import torch, torchvision" 2>/dev/null; then
  "$python" "$here/torch_reference.py" "$work" "$threads" 2>/dev/null | tee "$work/pytorch.txt"
elif [ ! -f "$work/resnet18.onnx" ]; then
  echo "needs $work/resnet18.onnx or python3-torch + python3-torchvision to export it" >&2
  exit 2
fi

cd "$root"
if [ ! -f saliency/target/classes/dev/vigil/saliency/FullGradExplainer.class ]; then
  mvn -B -q -o compile -pl saliency
fi
mvn -B -q -o dependency:build-classpath -pl saliency -Dmdep.outputFile="$work/classpath.txt" >/dev/null
cp="saliency/target/classes:$(cat "$work/classpath.txt")"
java -Xmx4g -cp "$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "$here/FullGradBench.java" \
  "$work/resnet18.onnx" "$threads" "$device" $batches 2>/dev/null | tee "$work/vigil.txt"
