#!/usr/bin/env bash
# FullGrad benchmark: ResNet-18 at 224 x 224 on CPU, batch 1 and 16 (override: BATCHES="1 16 64", DEVICE=cuda,
# MODELS="resnet18 convnext_tiny vit_b_16" for the transformer figures).
# Prints ms/image for the plain ONNX Runtime forward pass, for Vigil's FullGrad, and for FullGrad by PyTorch
# autograd (when python3-torch is installed; it also exports the models, which are not committed), then one
# `summary` line per model and batch with all three figures of this run and the two ratios (FullGrad / forward,
# PyTorch / Vigil), and the load average before and after. PROFILE=1 also prints ONNX Runtime's kernel time
# per op type for the plain and the augmented model (traces in $WORK/profile).
# FullGradBench exits 1 when a map is not finite, negative or all zero, or its logits differ from the forward pass.
# Usage: bench/saliency/run.sh [--smoke]   (after the README's build)
#   --smoke: the Java side only (ONNX Runtime, Vigil's FullGrad) on the demo model shipped in vigil.jar
#   (SignNet, 64 x 64), batch 1 and 4, 2 repeats; no PyTorch, so no python3-torch needed.
source "$(dirname "$0")/../lib.sh"
threads="${THREADS:-2}"
device="${DEVICE:-cpu}"
python="${PYTHON:-/usr/bin/python3}"
ensure_jar
load_before="$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)"

if [ "$SMOKE" = 1 ]; then
  work="$(mktemp -d /tmp/vigil-saliency-bench.XXXXXX)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && jar xf "$OLDPWD/$JAR" dev/vigil/demo/model/traffic-signs.onnx)
  models=(traffic-signs)
  model_file() { echo "$work/dev/vigil/demo/model/traffic-signs.onnx"; }
  batches="${BATCHES:-1 4}"
  repeats=(-Drepeats="${REPEATS:-2}")
  echo "smoke: Java side only (ONNX Runtime + Vigil's FullGrad) on the demo model from $JAR; the PyTorch reference and the model exports (python3-torch) are not run"
else
  work="${WORK:-bench/saliency/work}"
  mkdir -p "$work"
  read -r -a models <<< "${MODELS:-resnet18}"
  model_file() { echo "$work/$1.onnx"; }
  batches="${BATCHES:-1 16}"
  repeats=()
  : > "$work/pytorch.txt"
  if "$python" -c "import torch, torchvision" 2>/dev/null; then
    BATCHES="$batches" "$python" bench/saliency/torch_reference.py "$work" "$threads" "${models[@]}" 2>/dev/null \
      | tee "$work/pytorch.txt"
  else
    for m in "${models[@]}"; do
      [ -f "$(model_file "$m")" ] || {
        echo "needs $(model_file "$m") or python3-torch + python3-torchvision to export it (apt-get install -y python3-torch python3-torchvision)" >&2
        exit 2
      }
    done
  fi
fi

: > "$work/vigil.txt"
for m in "${models[@]}"; do
  # shellcheck disable=SC2086
  java -Xmx8g "${repeats[@]}" ${PROFILE:+-Dprofile="$work/profile"} -cp "$JAR" bench/saliency/FullGradBench.java \
    "$(model_file "$m")" "$threads" "$device" $batches \
    | sed "s/^vigil /vigil model=$m /" | tee -a "$work/vigil.txt"
done

# One line per model and batch with every figure of this run (minimum over repeats, ms per image).
load_after="$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)"
[ -f "$work/pytorch.txt" ] || : > "$work/pytorch.txt"
awk -v before="$load_before" -v after="$load_after" '
  function field(key,   i) { for (i = 1; i <= NF; i++) if (index($i, key "=") == 1) return substr($i, length(key) + 2); return "" }
  FILENAME == ARGV[1] { if ($1 == "pytorch") torch[field("model") " " field("batch")] = field("fullgrad_ms_per_image"); next }
  $1 == "vigil" {
    key = field("model") " " field("batch"); fw = field("forward_ms_per_image"); fg = field("fullgrad_ms_per_image")
    pt = (key in torch) ? torch[key] : ""
    printf "summary model=%s batch=%s ort_forward_ms=%s vigil_fullgrad_ms=%s pytorch_fullgrad_ms=%s fullgrad_over_forward=%.2fx pytorch_over_vigil=%s load=%s->%s\n",
      field("model"), field("batch"), fw, fg, (pt == "" ? "n/a" : pt), fg / fw,
      (pt == "" ? "n/a" : sprintf("%.1fx", pt / fg)), before, after
  }' "$work/pytorch.txt" "$work/vigil.txt"
