#!/usr/bin/env python3
"""Models for the FullGrad benchmark: exports each (random seeded weights, BN with random running statistics,
transformer LayerNorms, biases and zero-initialised heads randomised as for the goldens, 224 x 224, dynamic
batch, opset 17) and times FullGrad by PyTorch autograd on CPU, the reference Vigil is compared with.
Usage: torch_reference.py OUT_DIR THREADS [MODEL...] with MODEL one of resnet18 (default), convnext_tiny,
vit_b_16; BATCHES (env, default "1 16") sets the batch sizes."""
import os
import statistics
import sys
import time

import torch
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "saliency", "scripts"))
from make_golden import fullgrad, randomise_batchnorm, randomise_biases, randomise_transformer  # noqa: E402

# name: (constructor, patch grid of a token model at 224 or None)
MODELS = {
    "resnet18": (lambda: torchvision.models.resnet18(num_classes=1000), None),
    "convnext_tiny": (lambda: torchvision.models.convnext_tiny(num_classes=1000), None),
    "vit_b_16": (lambda: torchvision.models.vit_b_16(num_classes=1000), (14, 14)),
}


def main(out_dir, threads, names, batches):
    torch.set_num_threads(threads)
    os.makedirs(out_dir, exist_ok=True)
    for name in names:
        make, grid = MODELS[name]
        torch.manual_seed(18)
        gen = torch.Generator().manual_seed(18)
        model = make()
        randomise_batchnorm(model, gen)
        randomise_biases(model, gen)
        randomise_transformer(model, gen)  # no-op for resnet18
        for m in model.modules():
            if isinstance(m, torch.nn.ReLU):
                m.inplace = False
        model.eval()
        path = os.path.join(out_dir, name + ".onnx")
        if not os.path.exists(path):
            x = torch.randn(1, 3, 224, 224, generator=gen)
            torch.onnx.export(model, x, path, opset_version=17, input_names=["input"], output_names=["logits"],
                              dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
        for batch in batches:
            repeats = 7 if batch == 1 else 5
            x = torch.randn(batch, 3, 224, 224, generator=gen)
            fullgrad(model, x, grid=grid)  # warm-up
            times = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                fullgrad(model, x, grid=grid)
                times.append((time.perf_counter() - t0) * 1000 / batch)
            with torch.no_grad():
                model(x)
                fw = []
                for _ in range(repeats):
                    t0 = time.perf_counter()
                    model(x)
                    fw.append((time.perf_counter() - t0) * 1000 / batch)
            # noise on a shared machine only adds time: report the minimum (and the median)
            print(f"pytorch model={name} batch={batch} threads={threads} forward_ms_per_image={min(fw):.1f} "
                  f"fullgrad_ms_per_image={min(times):.1f} (min of {repeats}; medians "
                  f"{statistics.median(fw):.1f} / {statistics.median(times):.1f})", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2, sys.argv[3:] or ["resnet18"],
         [int(b) for b in os.environ.get("BATCHES", "1 16").split()])
