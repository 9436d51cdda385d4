#!/usr/bin/env python3
"""Golden figures for Vigil's model-side signal statistics (monitor-jobs dev.vigil.monitor.signals),
computed independently in float64 with torch and numpy/scipy (Debian: apt-get install python3-torch
python3-scipy).

  MMD^2_u  unbiased estimator (Gretton et al. 2012, Lemma 6), RBF kernel exp(-d^2 / (2 sigma^2)),
           sigma = median Euclidean distance between distinct points of the pooled sample (torch.cdist)
  exact p  the permutation p-value over EVERY split of a tiny pooled sample (m = n = 4: 70 splits),
           p = #{MMD^2_split >= MMD^2} / #splits, which the Monte-Carlo p-value must approach
  KS       two-sample statistic and the asymptotic p-value scipy.special.kolmogorov(sqrt(mn/(m+n)) D)
  BBSD     min(1, K * min_k p_k) over the soft-max columns
  PCA      numpy.linalg.eigh of the pooled covariance; each component's largest-magnitude coordinate
           made positive; projections of both samples on the first two

Usage: /usr/bin/python3 monitor-jobs/scripts/make_signals_golden.py [OUT.json]
"""
import itertools
import json
import os
import sys

import numpy as np
import torch
from scipy.special import kolmogorov


def mmd2_unbiased(x, y, sigma):
    z = torch.cat([x, y])
    k = torch.exp(-torch.cdist(z, z) ** 2 / (2 * sigma ** 2))
    m, n = len(x), len(y)
    kxx, kyy, kxy = k[:m, :m], k[m:, m:], k[:m, m:]
    return ((kxx.sum() - kxx.diagonal().sum()) / (m * (m - 1))
            + (kyy.sum() - kyy.diagonal().sum()) / (n * (n - 1)) - 2 * kxy.mean()).item()


def median_sigma(x, y):
    z = torch.cat([x, y])
    d = torch.cdist(z, z)
    iu = torch.triu_indices(len(z), len(z), offset=1)
    return torch.median(d[iu[0], iu[1]]).item() if len(iu[0]) % 2 == 1 else float(
        np.median(d[iu[0], iu[1]].numpy()))


def ks(a, b):
    a, b = np.sort(a), np.sort(b)
    grid = np.concatenate([a, b])
    fa = np.searchsorted(a, grid, side="right") / len(a)
    fb = np.searchsorted(b, grid, side="right") / len(b)
    d = np.max(np.abs(fa - fb))
    en = len(a) * len(b) / (len(a) + len(b))
    return float(d), float(kolmogorov(np.sqrt(en) * d))


def pca(x, y):
    z = np.concatenate([x, y])
    mean = z.mean(0)
    c = np.cov((z - mean).T)
    w, v = np.linalg.eigh(c)
    order = np.argsort(w)[::-1][:2]
    comps = v[:, order].T
    for i in range(2):
        if comps[i][np.argmax(np.abs(comps[i]))] < 0:
            comps[i] = -comps[i]
    return comps, w[order], np.trace(c), (x - mean) @ comps.T, (y - mean) @ comps.T


def main(out):
    rng = np.random.default_rng(15)
    x = rng.normal(0, 1, (40, 8)).astype(np.float32)
    y = (rng.normal(0, 1, (30, 8)) + np.array([0.6, 0, 0, 0.3, 0, 0, 0, 0])).astype(np.float32)
    x64, y64 = torch.tensor(x, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    sigma = median_sigma(x64, y64)
    mmd2 = mmd2_unbiased(x64, y64, sigma)

    # Tiny samples for the exact permutation p-value.
    tx = rng.normal(0, 1, (4, 3)).astype(np.float32)
    ty = (rng.normal(0, 1, (4, 3)) + 0.8).astype(np.float32)
    tz = torch.tensor(np.concatenate([tx, ty]), dtype=torch.float64)
    tsigma = median_sigma(tz[:4], tz[4:])
    observed = mmd2_unbiased(tz[:4], tz[4:], tsigma)
    splits = list(itertools.combinations(range(8), 4))
    at_least = 0
    for s in splits:
        rest = [i for i in range(8) if i not in s]
        if mmd2_unbiased(tz[list(s)], tz[rest], tsigma) >= observed - 1e-12:
            at_least += 1
    exact_p = at_least / len(splits)

    # Soft-max-like outputs for KS and BBSD: 3 classes.
    def softmax(l):
        e = np.exp(l - l.max(1, keepdims=True))
        return e / e.sum(1, keepdims=True)
    px = softmax(rng.normal(0, 1, (60, 3))).astype(np.float32)
    py = softmax(rng.normal(0, 1, (50, 3)) + np.array([0.7, 0, 0])).astype(np.float32)
    ks_cols = [ks(px[:, c].astype(np.float64), py[:, c].astype(np.float64)) for c in range(3)]
    bbsd = min(1.0, 3 * min(p for _, p in ks_cols))

    comps, var, total, projx, projy = pca(x.astype(np.float64), y.astype(np.float64))
    doc = {
        "x": x.tolist(), "y": y.tolist(), "sigma": sigma, "mmd2": mmd2,
        "tinyX": tx.tolist(), "tinyY": ty.tolist(), "tinyMmd2": observed, "tinyExactP": exact_p,
        "softmaxX": px.tolist(), "softmaxY": py.tolist(),
        "ksD": [d for d, _ in ks_cols], "ksP": [p for _, p in ks_cols], "bbsdP": bbsd,
        "pcaComponents": comps.tolist(), "pcaVariances": var.tolist(), "pcaTotalVariance": float(total),
        "pcaProjectionX": projx.tolist(), "pcaProjectionY": projy.tolist(),
    }
    with open(out, "w") as f:
        json.dump(doc, f)
    print(f"sigma={sigma:.6f} mmd2={mmd2:.6f} tiny exact p={exact_p:.4f} bbsd p={bbsd:.4g} -> {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src", "test",
                                                             "resources", "golden", "signals.json"))
