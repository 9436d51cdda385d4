#!/usr/bin/env python3
"""Golden FullGrad maps from PyTorch autograd, for Vigil's saliency tests.

Exports small torchvision architectures (random but seeded weights, BatchNorm in eval mode with non-trivial
running statistics) to ONNX, with a seeded input batch and the FullGrad map computed here by autograd, as in
the reference implementation of Srinivas & Fleuret (NeurIPS 2019):

    map = sum_c P(df/dx * x) + sum over rank-4 bias layers of interp(sum_c P(df/dz * b))
    P(t) = (|t| - min|t|) / (max(|t| - min|t|) + 1e-6), min/max over C x H x W per image

Bias layers (saliency/README.md, "Bias layers"): Conv2d with a bias and BatchNorm2d with its implicit bias
beta - mean * gamma / sqrt(var + eps) (channel axis 1; torchvision's LayerNorm2d too, its output is N x C x H x W);
LayerNorm with a bias and Linear with a bias (channel axis last). A channel-last output enters the map when it is
N x H x W x C on the image's grid (|H w - W h| < max(h, w)): P is taken with the channels moved first; or when it
is N x T x C tokens of a model with a patch grid gh x gw and T - gh gw in {0, 1, 2}: the leading tokens are
dropped and the rest laid row-major on the grid. Other outputs (rank 2, ...) enter completeness only.
In-place ReLUs would overwrite a hooked layer output and silently give the post-ReLU gradient, so every hook
hands the rest of the network a clone and keeps the original for autograd. Modules that are called functionally
(the projections inside nn.MultiheadAttention and Swin's attention) fire no hook and are no bias layers.

The transformer goldens (convnext_small, vit_small, swin_small) are computed in float64 (model and input cast
to double after the float32 export), so the reference carries no float32 round-off of its own.

Usage: python3 make_golden.py OUT_DIR [NAME...]   (Debian: apt-get install python3-torch python3-torchvision
python3-onnx); without names every golden is rewritten.
Writes NAME.onnx, NAME.input.npy (N x 3 x H x W float32), NAME.fullgrad.npy (N x 1 x H x W float32),
NAME.logits.npy and, for the opset test, NAME.opset11.onnx / NAME.opset13.onnx.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models.convnext import CNBlock, CNBlockConfig, ConvNeXt, LayerNorm2d
from torchvision.models.resnet import BasicBlock
from torchvision.models.swin_transformer import SwinTransformer
from torchvision.models.vgg import make_layers
from torchvision.models.vision_transformer import VisionTransformer


def randomise_batchnorm(model, gen):
    """Non-trivial affine parameters and running statistics, so BN is not the identity."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            with torch.no_grad():
                m.weight.copy_(0.5 + torch.rand(c, generator=gen))
                m.bias.copy_(0.2 * torch.randn(c, generator=gen))
                m.running_mean.copy_(0.2 * torch.randn(c, generator=gen))
                m.running_var.copy_(0.5 + torch.rand(c, generator=gen))


def randomise_biases(model, gen):
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is not None:
            with torch.no_grad():
                m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=gen))


def randomise_transformer(model, gen):
    """LayerNorm affine parameters, attention projection biases, ConvNeXt layer scales and ViT's zero-initialised
    head away from their initial 1 / 0 / 1e-6 / 0, so every bias layer and every block matters."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Linear) and not m.weight.any():
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen) / m.in_features ** 0.5)
            if isinstance(m, nn.LayerNorm) and m.elementwise_affine:
                m.weight.copy_(0.5 + torch.rand(m.weight.shape, generator=gen))
                m.bias.copy_(0.2 * torch.randn(m.bias.shape, generator=gen))
            elif isinstance(m, nn.MultiheadAttention) and m.in_proj_bias is not None:
                m.in_proj_bias.copy_(0.1 * torch.randn(m.in_proj_bias.shape, generator=gen))
            elif isinstance(m, CNBlock):
                m.layer_scale.copy_(0.3 + 0.4 * torch.rand(m.layer_scale.shape, generator=gen))


class SmallResNet(nn.Module):
    """ResNet-shaped: torchvision's stem and BasicBlocks with few channels."""

    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        down = nn.Sequential(nn.Conv2d(8, 16, 1, 2, bias=False), nn.BatchNorm2d(16))
        self.layer1 = nn.Sequential(BasicBlock(8, 8), BasicBlock(8, 16, 2, down))
        down2 = nn.Sequential(nn.Conv2d(16, 32, 1, 2, bias=False), nn.BatchNorm2d(32))
        self.layer2 = nn.Sequential(BasicBlock(16, 32, 2, down2))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(32, classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class SmallVgg(nn.Module):
    """VGG-shaped: torchvision's make_layers (conv with bias, ReLU, max pools) and a dropout classifier."""

    def __init__(self, classes=10):
        super().__init__()
        self.features = make_layers([8, "M", 16, "M", 32, 32, "M"], batch_norm=False)
        self.classifier = nn.Sequential(nn.Linear(32 * 4 * 4, 64), nn.ReLU(True), nn.Dropout(),
                                        nn.Linear(64, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


def architectures():
    return {
        # name: (constructor, input size, patch grid of token models or None, reference in float64)
        "resnet_small": (lambda: SmallResNet(), 32, None, False),
        "vgg_small": (lambda: SmallVgg(), 32, None, False),
        "densenet_small": (lambda: torchvision.models.DenseNet(growth_rate=8, block_config=(2, 2, 2),
                                                               num_init_features=16, bn_size=2,
                                                               num_classes=10), 32, None, False),
        "mobilenet_v2": (lambda: torchvision.models.mobilenet_v2(width_mult=0.25, num_classes=10), 32, None, False),
        # ConvNeXt: patchify stem, LayerNorm2d, depthwise 7x7, channels-last LayerNorm + Linear + GELU, layer scale
        "convnext_small": (lambda: ConvNeXt([CNBlockConfig(16, 32, 2), CNBlockConfig(32, None, 2)],
                                            stochastic_depth_prob=0.0, num_classes=10), 32, None, True),
        # ViT: 8x8 patches of a 32x32 image (4x4 grid + class token), 2 encoder layers of width 16, 2 heads
        "vit_small": (lambda: VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2,
                                                hidden_dim=16, mlp_dim=32, num_classes=10), 32, (4, 4), True),
        # Swin: 4x4 patches (8x8 grid), 4x4 windows shifted by 2 (attention mask), patch merging to 4x4
        "swin_small": (lambda: SwinTransformer(patch_size=[4, 4], embed_dim=16, depths=[2, 2], num_heads=[2, 4],
                                               window_size=[4, 4], stochastic_depth_prob=0.0, num_classes=10),
                       32, None, True),
    }


def bias_layers(model):
    """(module, bias, channel axis) for every Conv2d with a bias, BatchNorm2d (implicit bias), LayerNorm2d
    (axis 1), LayerNorm with a bias and Linear with a bias (axis -1)."""
    layers = []
    for m in model.modules():
        if isinstance(m, nn.Conv2d) and m.bias is not None:
            layers.append((m, m.bias.detach(), 1))
        elif isinstance(m, nn.BatchNorm2d):
            b = m.bias - m.running_mean * m.weight / torch.sqrt(m.running_var + m.eps)
            layers.append((m, b.detach(), 1))
        elif isinstance(m, LayerNorm2d) and m.bias is not None:
            layers.append((m, m.bias.detach(), 1))
        elif isinstance(m, (nn.LayerNorm, nn.Linear)) and m.bias is not None:
            layers.append((m, m.bias.detach(), -1))
    return layers


def on_image(z, axis, h, w, grid):
    """z (channel axis `axis`) as N x C x H x W on the image, or None when it enters completeness only."""
    if axis == 1:
        return z if z.dim() == 4 else None
    if z.dim() == 4 and abs(z.shape[1] * w - z.shape[2] * h) < max(h, w):
        return z.permute(0, 3, 1, 2)
    if z.dim() == 3 and grid is not None and 0 <= z.shape[1] - grid[0] * grid[1] <= 2:
        patches = z[:, z.shape[1] - grid[0] * grid[1]:, :]
        return patches.reshape(z.shape[0], grid[0], grid[1], z.shape[2]).permute(0, 3, 1, 2)
    return None


def post_process(t, eps=1e-6):
    """P(t) of the reference implementation: |t|, then per-image min-max over C x H x W."""
    t = t.abs()
    flat = t.view(t.size(0), -1)
    t = t - flat.min(1, keepdim=True)[0].view(-1, 1, 1, 1)
    flat = t.view(t.size(0), -1)
    return t / (flat.max(1, keepdim=True)[0].view(-1, 1, 1, 1) + eps)


def fullgrad(model, x, target=None, grid=None):
    """FullGrad maps N x 1 x H x W, logits and targets (argmax when target is None); grid: patch grid of a token
    model."""
    layers = bias_layers(model)
    outputs = {}

    def hook(module, inputs, output):
        outputs[module] = output
        return output.clone()  # downstream in-place ops must not touch the tensor we differentiate against

    handles = [m.register_forward_hook(hook) for m, _, _ in layers]
    try:
        x = x.clone().requires_grad_(True)
        logits = model(x)
    finally:
        for h in handles:
            h.remove()
    if target is None:
        target = logits.argmax(1)
    f = logits.gather(1, target.view(-1, 1)).sum()
    layers = [(m, b, axis) for m, b, axis in layers if m in outputs]  # functional calls fire no hook
    zs = [outputs[m] for m, _, _ in layers]
    grads = torch.autograd.grad(f, [x] + zs, allow_unused=True)
    h, w = x.shape[2], x.shape[3]
    cam = post_process(grads[0] * x).sum(1, keepdim=True)
    completeness = (grads[0] * x).sum().item()
    for (m, b, axis), g in zip(layers, grads[1:]):
        if g is None:
            continue
        shape = [1] * g.dim()
        shape[axis] = -1
        t = g * b.view(shape)
        completeness += t.sum().item()
        t = on_image(t, axis, h, w, grid)
        t = t.contiguous() if t is not None else None
        if t is not None:
            part = post_process(t)
            cam = cam + F.interpolate(part, size=(h, w), mode="bilinear", align_corners=True).sum(1, keepdim=True)
    return cam.detach(), logits.detach(), target, completeness


def export(model, x, path, opset):
    torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=True)


def main(out_dir, names):
    os.makedirs(out_dir, exist_ok=True)
    for name, (make, size, grid, float64) in architectures().items():
        if names and name not in names:
            continue
        seed = sum(map(ord, name))
        torch.manual_seed(seed)
        gen = torch.Generator().manual_seed(seed)
        model = make()
        randomise_batchnorm(model, gen)
        randomise_biases(model, gen)
        randomise_transformer(model, gen)
        for m in model.modules():
            if isinstance(m, nn.ReLU):
                m.inplace = False
        model.eval()
        x = torch.randn(2, 3, size, size, generator=gen)
        export(model, x, os.path.join(out_dir, name + ".onnx"), 17)
        if float64:
            cam, logits, target, completeness = fullgrad(model.double(), x.double(), grid=grid)
        else:
            cam, logits, target, completeness = fullgrad(model, x, grid=grid)
        f = logits.gather(1, target.view(-1, 1)).sum().item()
        if name in ("resnet_small", "mobilenet_v2"):
            export(model, x, os.path.join(out_dir, name + ".opset11.onnx"), 11)
            export(model, x, os.path.join(out_dir, name + ".opset13.onnx"), 13)
        np.save(os.path.join(out_dir, name + ".input.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(out_dir, name + ".fullgrad.npy"), cam.numpy().astype(np.float32))
        np.save(os.path.join(out_dir, name + ".logits.npy"), logits.numpy().astype(np.float32))
        params = sum(p.numel() for p in model.parameters())
        print(f"{name}: {params} parameters, input {tuple(x.shape)}, targets {target.tolist()}, "
              f"f={f:.6f} completeness={completeness:.6f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src", "test",
                                                              "resources", "golden"), sys.argv[2:])
