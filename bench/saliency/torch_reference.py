#!/usr/bin/env python3
"""ResNet-18 for the FullGrad benchmark: exports it (random seeded weights, BN with random running statistics,
224 x 224, dynamic batch, opset 17) and times FullGrad by PyTorch autograd on CPU, the reference Vigil is
compared with. Usage: torch_reference.py OUT_DIR THREADS"""
import os
import statistics
import sys
import time

import torch
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "saliency", "scripts"))
from make_golden import fullgrad, randomise_batchnorm, randomise_biases  # noqa: E402


def main(out_dir, threads):
    torch.set_num_threads(threads)
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(18)
    gen = torch.Generator().manual_seed(18)
    model = torchvision.models.resnet18(num_classes=1000)
    randomise_batchnorm(model, gen)
    randomise_biases(model, gen)
    for m in model.modules():
        if isinstance(m, torch.nn.ReLU):
            m.inplace = False
    model.eval()
    path = os.path.join(out_dir, "resnet18.onnx")
    if not os.path.exists(path):
        x = torch.randn(1, 3, 224, 224, generator=gen)
        torch.onnx.export(model, x, path, opset_version=17, input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    for batch, repeats in ((1, 7), (16, 5)):
        x = torch.randn(batch, 3, 224, 224, generator=gen)
        fullgrad(model, x)  # warm-up
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fullgrad(model, x)
            times.append((time.perf_counter() - t0) * 1000 / batch)
        with torch.no_grad():
            model(x)
            fw = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                model(x)
                fw.append((time.perf_counter() - t0) * 1000 / batch)
        # noise on a shared machine only adds time: report the minimum (and the median)
        print(f"pytorch batch={batch} threads={threads} forward_ms_per_image={min(fw):.1f} "
              f"fullgrad_ms_per_image={min(times):.1f} (min of {repeats}; medians "
              f"{statistics.median(fw):.1f} / {statistics.median(times):.1f})")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 2)
