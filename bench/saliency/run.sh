#!/usr/bin/env bash
# FullGrad benchmark: ResNet-18 at 224 x 224 on CPU, batch 1 and 16 (override: BATCHES="1 16 64", DEVICE=cuda,
# MODELS="resnet18 convnext_tiny vit_b_16" for the transformer figures).
# Prints ms/image for the plain ONNX Runtime forward pass, for Vigil's FullGrad, and for FullGrad by PyTorch
# autograd (when python3-torch is installed; it also exports the models, which are not committed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${WORK:-$here/work}"
threads="${THREADS:-2}"
device="${DEVICE:-cpu}"
batches="${BATCHES:-1 16}"
models="${MODELS:-resnet18}"
python="${PYTHON:-/usr/bin/python3}"
mkdir -p "$work"

if "$python" -c "import torch, torchvision" 2>/dev/null; then
  BATCHES="$batches" "$python" "$here/torch_reference.py" "$work" "$threads" $models 2>/dev/null \
    | tee "$work/pytorch.txt"
else
  for model in $models; do
    if [ ! -f "$work/$model.onnx" ]; then
      echo "needs $work/$model.onnx or python3-torch + python3-torchvision to export it" >&2
      exit 2
    fi
  done
fi

cd "$root"
if [ ! -f saliency/target/classes/dev/vigil/saliency/FullGradExplainer.class ]; then
  mvn -B -q -o compile -pl saliency
fi
mvn -B -q -o dependency:build-classpath -pl saliency -Dmdep.outputFile="$work/classpath.txt" >/dev/null
cp="saliency/target/classes:$(cat "$work/classpath.txt")"
: > "$work/vigil.txt"
for model in $models; do
  java -Xmx8g -cp "$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn "$here/FullGradBench.java" \
    "$work/$model.onnx" "$threads" "$device" $batches 2>/dev/null | sed "s/^vigil /vigil model=$model /" \
    | tee -a "$work/vigil.txt"
done
