#!/usr/bin/env python3
"""Golden model-quality figures for Vigil's monitor tests, from the definitions, in float64.

An implementation independent of Vigil's Java (and of scikit-learn, absent from Debian's python3):

* Isotonic regression (non-decreasing, weighted). Tied x are pooled first (weighted mean y, summed
  weight), as scikit-learn does; the fit at unique point i is then the max-min formula
      f_i = max_{j <= i} min_{k >= i} (sum_{t=j..k} w_t y_t) / (sum_{t=j..k} w_t)
  (Barlow, Bartholomew, Bremner & Brunk 1972, Theorem 1.4), evaluated by brute force: no
  pool-adjacent-violators here. Predictions interpolate linearly between the fitted points and
  clip outside them (numpy.interp), as scikit-learn's IsotonicRegression(out_of_bounds="clip").
* Classification metrics from a confusion matrix C (row = true, column = predicted): accuracy
  trace / total; per class P = C_cc / colsum, R = C_cc / rowsum (None when undefined),
  F1 = 2PR / (P + R) with undefined P or R taken as 0 (scikit-learn's zero_division=0), 0 when
  P + R = 0; macro-F1 the mean F1 over classes present as a label or a prediction.
* CBPE (NannyML): calibrate top-1 confidence -> correct on a labelled reference set with the
  isotonic regression above; estimated accuracy of a set = mean calibrated confidence.

Usage: python3 quality_golden.py OUT.json   (writes monitor-jobs/src/test/resources/golden/quality.json)
"""
import json
import sys

import numpy as np


def pool_ties(x, y, w):
    order = np.argsort(x, kind="stable")
    x, y, w = x[order], y[order], w[order]
    ux, uy, uw = [], [], []
    for xi, yi, wi in zip(x, y, w):
        if ux and xi == ux[-1]:
            uy[-1] += wi * yi
            uw[-1] += wi
        else:
            ux.append(xi)
            uy.append(wi * yi)
            uw.append(wi)
    uw = np.array(uw, dtype=np.float64)
    return np.array(ux, dtype=np.float64), np.array(uy, dtype=np.float64) / uw, uw


def isotonic(x, y, w):
    ux, uy, uw = pool_ties(np.asarray(x, np.float64), np.asarray(y, np.float64), np.asarray(w, np.float64))
    n = len(ux)
    wy = uw * uy
    fit = np.empty(n)
    for i in range(n):
        best = -np.inf
        for j in range(i + 1):
            worst = np.inf
            for k in range(i, n):
                worst = min(worst, wy[j:k + 1].sum() / uw[j:k + 1].sum())
            best = max(best, worst)
        fit[i] = best
    return ux, fit


def metrics(truth, pred, k):
    c = np.zeros((k, k), dtype=np.int64)
    for t, p in zip(truth, pred):
        c[t, p] += 1
    total = c.sum()
    rows, cols = c.sum(axis=1), c.sum(axis=0)
    classes, f1s = [], []
    for i in range(k):
        if rows[i] == 0 and cols[i] == 0:
            continue
        p = None if cols[i] == 0 else c[i, i] / cols[i]
        r = None if rows[i] == 0 else c[i, i] / rows[i]
        pp, rr = p or 0.0, r or 0.0
        f1 = 0.0 if pp + rr == 0 else 2 * pp * rr / (pp + rr)
        classes.append({"index": i, "support": int(rows[i]), "predicted": int(cols[i]),
                        "precision": p, "recall": r, "f1": f1})
        f1s.append(f1)
    return {"confusion": c.tolist(), "accuracy": float(np.trace(c) / total), "macroF1": float(np.mean(f1s)),
            "classes": classes}


def main(out):
    rng = np.random.default_rng(20261202)
    iso = []
    for case, (n, ties, real) in enumerate([(12, False, False), (40, True, False), (60, True, True), (1, False, True)]):
        x = rng.uniform(0.2, 1.0, n)
        if ties:
            x = np.round(x, 1)  # many tied confidences
        y = rng.uniform(0, 1, n) if real else (rng.uniform(0, 1, n) < x).astype(np.float64)
        w = rng.integers(1, 5, n).astype(np.float64)
        ux, fit = isotonic(x, y, w)
        q = np.concatenate([[0.0, 0.1, 1.0], rng.uniform(0, 1, 10), ux[: min(3, len(ux))]])
        iso.append({"x": x.tolist(), "y": y.tolist(), "w": w.tolist(), "fitX": ux.tolist(), "fitY": fit.tolist(),
                    "query": q.tolist(), "predicted": np.interp(q, ux, fit).tolist()})

    met = []
    for k, n, absent in [(5, 200, 3), (8, 57, 6), (3, 30, None)]:
        truth = rng.integers(0, k, n)
        pred = np.where(rng.uniform(0, 1, n) < 0.6, truth, rng.integers(0, k, n))
        if absent is not None:  # a class neither labelled nor predicted
            truth = np.where(truth == absent, 0, truth)
            pred = np.where(pred == absent, 0, pred)
            truth = np.where(truth == k - 1, 1, truth)  # class k-1: predicted, never labelled (recall None)
            pred = np.where(pred == 2, 1, pred)  # class 2: labelled, never predicted (precision None)
        met.append({"k": k, "truth": truth.tolist(), "predicted": pred.tolist(), **metrics(truth, pred, k)})

    ref_conf = rng.uniform(0.3, 1.0, 400)
    ref_correct = (rng.uniform(0, 1, 400) < ref_conf ** 2).astype(np.float64)  # over-confident model
    ux, fit = isotonic(ref_conf, ref_correct, np.ones(400))
    analysis = rng.uniform(0.3, 1.0, 150) ** 0.5
    cbpe = {"referenceConfidence": ref_conf.tolist(), "referenceCorrect": ref_correct.tolist(),
            "analysisConfidence": analysis.tolist(),
            "estimatedAccuracy": float(np.mean(np.interp(analysis, ux, fit)))}

    with open(out, "w") as f:
        json.dump({"isotonic": iso, "metrics": met, "cbpe": cbpe}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
