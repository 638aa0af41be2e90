"""Softmax / logistic models over [dense embedding | hashed n-grams], in numpy.

One linear model sees both feature blocks, so no separate ensembling weights
have to be tuned; the two blocks get their own L2 strength because the
embedding is dense and small while the hashed block is sparse and wide.
Training is full-batch Adam, seeded and deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .features import N_BUCKETS, Sparse

F32 = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class LinearHead:
    """``softmax(E @ dense + X @ sparse + bias)``; binary heads have 2 classes."""

    dense: F32  # (dim, k)
    sparse: npt.NDArray[np.float16] | F32  # (N_BUCKETS, k)
    bias: F32  # (k,)
    temperature: float = 1.0

    def logits(self, emb: F32, feats: Sparse) -> F32:
        z = emb @ self.dense + feats.dot(self.sparse) + self.bias
        return (z / self.temperature).astype(np.float32)

    def proba(self, emb: F32, feats: Sparse) -> F32:
        return softmax(self.logits(emb, feats))


def softmax(z: F32) -> F32:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)


def fit(
    emb: F32,
    feats: Sparse,
    y: npt.NDArray[np.int64],
    n_classes: int,
    *,
    l2_dense: float = 1e-4,
    l2_sparse: float = 1e-5,
    sample_weight: F32 | None = None,
    epochs: int = 150,
    lr: float = 0.05,
    use_dense: bool = True,
    use_sparse: bool = True,
    init: LinearHead | None = None,
) -> LinearHead:
    """Fit by full-batch Adam on mean cross-entropy + L2 (deterministic).

    With ``init`` the fit starts from that head and the L2 penalty pulls
    towards it instead of towards zero: a fine-tune that keeps what the
    head learnt from data that is not at hand any more.
    """
    n, dim = emb.shape
    w = np.ones(n, np.float32) if sample_weight is None else sample_weight.astype(np.float32)
    w = w / w.sum()
    onehot = np.eye(n_classes, dtype=np.float32)[y]
    rows = feats.rows()
    vals = feats.values
    idx = feats.indices

    if init is not None:
        wd = init.dense.astype(np.float32).copy()
        ws = init.sparse.astype(np.float32).copy()
        b = init.bias.astype(np.float32).copy()
    else:
        wd = np.zeros((dim, n_classes), np.float32)
        ws = np.zeros((N_BUCKETS, n_classes), np.float32)
        b = np.log(np.maximum(onehot.T @ w, 1e-6)).astype(np.float32)
    wd0, ws0 = wd.copy(), ws.copy()
    params = [wd, ws, b]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, epochs + 1):
        z = b + (emb @ wd if use_dense else 0.0)
        if use_sparse and idx.size:
            z = z + feats.dot(ws)
        g = (softmax(z) - onehot) * w[:, None]  # dLoss/dz
        grads = [
            emb.T @ g + l2_dense * (wd - wd0) if use_dense else np.zeros_like(wd),
            np.zeros_like(ws),
            g.sum(axis=0),
        ]
        if use_sparse and idx.size:
            for c in range(n_classes):
                grads[1][:, c] = np.bincount(idx, weights=vals * g[rows, c], minlength=N_BUCKETS)
            grads[1] += l2_sparse * (ws - ws0)
        # a cosine-decayed step makes the end point stable across runs
        rate = lr * 0.5 * (1 + np.cos(np.pi * step / epochs))
        for p, gr, mm, vv in zip(params, grads, m, v, strict=True):
            mm *= beta1
            mm += (1 - beta1) * gr
            vv *= beta2
            vv += (1 - beta2) * gr * gr
            mhat = mm / (1 - beta1**step)
            vhat = vv / (1 - beta2**step)
            p -= (rate * mhat / (np.sqrt(vhat) + eps)).astype(np.float32)
    return LinearHead(dense=wd, sparse=ws, bias=b)


def calibrate_temperature(
    head: LinearHead, emb: F32, feats: Sparse, y: npt.NDArray[np.int64]
) -> LinearHead:
    """Pick the temperature minimising held-out log-loss (grid search)."""
    z = head.logits(emb, feats) * head.temperature
    best_t, best_loss = 1.0, np.inf
    for t in np.linspace(0.5, 3.0, 26):
        p = softmax((z / t).astype(np.float32))
        loss = -float(np.mean(np.log(p[np.arange(len(y)), y] + 1e-9)))
        if loss < best_loss:
            best_t, best_loss = float(t), loss
    return LinearHead(head.dense, head.sparse, head.bias, best_t)
