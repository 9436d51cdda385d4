#!/usr/bin/env python3
"""Exports one model of every torchvision image-classification family to ONNX for Vigil's FullGrad table.

Random seeded weights (weights=None, no download), 10 classes, eval mode, opset 17, dynamic batch, at the
smallest input the architecture allows: 64 x 64 where it adapts; AlexNet and VGG need 224 (their adaptive
average pool must divide), Inception v3 needs >= 75, MaxViT its partition-aligned 224; ViT is built for 64
(image_size=64, so 4 x 4 patches). The files are large (up to ~500 MB) and go to OUT_DIR only, never into git.

Usage: torchvision_families.py OUT_DIR [NAME...]; prints "NAME SIZE exported" or "NAME SIZE export-failed: why"
per family (Debian: apt-get install python3-torch python3-torchvision python3-onnx).
"""
import os
import sys
import warnings

import torch
import torchvision.models as M

FAMILIES = {
    # family: (builder, input size)
    "AlexNet": (lambda: M.alexnet(num_classes=10), 224),
    "VGG": (lambda: M.vgg11_bn(num_classes=10), 224),
    "ResNet": (lambda: M.resnet18(num_classes=10), 64),
    "ResNeXt": (lambda: M.resnext50_32x4d(num_classes=10), 64),
    "Wide ResNet": (lambda: M.wide_resnet50_2(num_classes=10), 64),
    "SqueezeNet": (lambda: M.squeezenet1_1(num_classes=10), 64),
    "DenseNet": (lambda: M.densenet121(num_classes=10), 64),
    "Inception v3": (lambda: M.inception_v3(num_classes=10, aux_logits=False, init_weights=False), 75),
    "GoogLeNet": (lambda: M.googlenet(num_classes=10, aux_logits=False, init_weights=False), 64),
    "ShuffleNet v2": (lambda: M.shufflenet_v2_x0_5(num_classes=10), 64),
    "MobileNet v2": (lambda: M.mobilenet_v2(num_classes=10), 64),
    "MobileNet v3": (lambda: M.mobilenet_v3_small(num_classes=10), 64),
    "MNASNet": (lambda: M.mnasnet0_5(num_classes=10), 64),
    "EfficientNet": (lambda: M.efficientnet_b0(num_classes=10), 64),
    "EfficientNet-V2": (lambda: M.efficientnet_v2_s(num_classes=10), 64),
    "RegNet": (lambda: M.regnet_y_400mf(num_classes=10), 64),
    "ConvNeXt": (lambda: M.convnext_tiny(num_classes=10), 64),
    "ViT": (lambda: M.vit_b_16(num_classes=10, image_size=64), 64),
    "Swin": (lambda: M.swin_t(num_classes=10), 64),
    "Swin v2": (lambda: M.swin_v2_t(num_classes=10), 64),
    "MaxViT": (lambda: M.maxvit_t(num_classes=10), 224),
}


def zero_symbolic(g, self):
    """aten::zero as Mul by 0: PyTorch 1.13 cannot export Tensor.zero_(), which Swin v2's attention applies to
    its key bias (torchvision 0.14 swin_transformer.shifted_window_attention); newer PyTorch exports it itself."""
    return g.op("Mul", self, g.op("Constant", value_t=torch.tensor(0.0)))


def file_name(family):
    return family.lower().replace(" ", "_").replace("-", "_")


def main(out_dir, names):
    warnings.filterwarnings("ignore")
    torch.onnx.register_custom_op_symbolic("aten::zero", zero_symbolic, 17)
    os.makedirs(out_dir, exist_ok=True)
    for family, (make, size) in FAMILIES.items():
        if names and family not in names:
            continue
        torch.manual_seed(sum(map(ord, family)))
        path = os.path.join(out_dir, f"{file_name(family)}@{size}.onnx")
        try:
            model = make().eval()
            x = torch.randn(1, 3, size, size)
            torch.onnx.export(model, x, path, opset_version=17, input_names=["input"], output_names=["logits"],
                              dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
            print(f"{family}|{size}|exported", flush=True)
        except Exception as e:  # noqa: BLE001 - the table records why
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            print(f"{family}|{size}|export-failed: {type(e).__name__}: {first[:160]}", flush=True)
        finally:
            del make


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
