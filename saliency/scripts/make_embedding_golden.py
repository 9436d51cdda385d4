#!/usr/bin/env python3
"""Golden penultimate activations from PyTorch, for Vigil's embedding extraction (saliency EmbeddingGraph).

Rebuilds the committed golden models of make_golden.py with the same seeds (so the weights are the ONNX files'
own: the logits are checked against NAME.logits.npy), runs NAME.input.npy through them and records the input of
the last nn.Linear -- the tensor EmbeddingGraph exposes by default (the input of the last Gemm/MatMul) -- with a
forward pre-hook, in float64.

Usage: /usr/bin/python3 saliency/scripts/make_embedding_golden.py [GOLDEN_DIR]   (Debian python3-torch,
python3-torchvision). Writes NAME.embedding.npy (N x D float32) for resnet_small, vgg_small and vit_small.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(__file__))
import make_golden  # noqa: E402

NAMES = ("resnet_small", "vgg_small", "vit_small")


def main(golden):
    for name, (make, size, grid, float64) in make_golden.architectures().items():
        if name not in NAMES:
            continue
        seed = sum(map(ord, name))
        torch.manual_seed(seed)
        gen = torch.Generator().manual_seed(seed)
        model = make()
        make_golden.randomise_batchnorm(model, gen)
        make_golden.randomise_biases(model, gen)
        make_golden.randomise_transformer(model, gen)
        model.eval()
        x = torch.tensor(np.load(os.path.join(golden, name + ".input.npy")))
        last = [m for m in model.modules() if isinstance(m, nn.Linear)][-1]
        seen = {}
        last.register_forward_pre_hook(lambda m, inputs: seen.__setitem__("x", inputs[0].detach().clone()))
        with torch.no_grad():
            logits = model.double()(x.double())
        expected = np.load(os.path.join(golden, name + ".logits.npy"))
        err = np.abs(logits.numpy() - expected).max()
        assert err < 1e-3, f"{name}: rebuilt model differs from the committed ONNX's logits by {err}"
        emb = seen["x"].reshape(x.shape[0], -1).numpy().astype(np.float32)
        np.save(os.path.join(golden, name + ".embedding.npy"), emb)
        print(f"{name}: embedding {emb.shape}, logits agree to {err:.2e}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src", "test",
                                                             "resources", "golden"))
