"""Softmax / logistic models over [dense embedding | hashed n-grams], in numpy.

One linear model sees both feature blocks, so no separate ensembling weights
have to be tuned; the two blocks get their own L2 strength because the
embedding is dense and small while the hashed block is sparse and wide.
Training is mini-batch Adam, seeded and deterministic.
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


def binary_inputs(emb: F32, flags: F32, sentiment: F32) -> F32:
    """Dense input of the praise and complaint heads: the embedding, the
    "a known person is named" flag and the sentiment head's probabilities
    (trained on far more text than the hand-written feedback data)."""
    return np.hstack([emb, flags, sentiment]).astype(np.float32)


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
    epochs: int = 12,
    lr: float = 0.01,
    batch_size: int = 2048,
    init: LinearHead | None = None,
    seed: int = 0,
) -> LinearHead:
    """Fit by mini-batch Adam on weighted cross-entropy + L2 (seeded).

    With ``init`` the fit starts from that head and the L2 penalty pulls
    towards it instead of towards zero: a fine-tune that keeps what the
    head learnt from data that is not at hand any more.
    """
    n, dim = emb.shape
    rng = np.random.default_rng(seed)
    w_all = np.ones(n, np.float32) if sample_weight is None else sample_weight.astype(np.float32)
    onehot_all = np.eye(n_classes, dtype=np.float32)[y]
    if init is not None:
        wd = init.dense.astype(np.float32).copy()
        ws = init.sparse.astype(np.float32).copy()
        b = init.bias.astype(np.float32).copy()
    else:
        wd = np.zeros((dim, n_classes), np.float32)
        ws = np.zeros((N_BUCKETS, n_classes), np.float32)
        prior = onehot_all.T @ (w_all / w_all.sum())
        b = np.log(np.maximum(prior, 1e-6)).astype(np.float32)
    wd0, ws0 = wd.copy(), ws.copy()
    m = [np.zeros_like(wd), np.zeros_like(b)]
    v = [np.zeros_like(wd), np.zeros_like(b)]
    ms = np.zeros_like(ws)
    vs = np.zeros_like(ws)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    n_batches = max(1, -(-n // batch_size))
    total = epochs * n_batches
    step = 0
    for _ in range(epochs):
        order = rng.permutation(n)
        for k in range(n_batches):
            rows_b = order[k * batch_size : (k + 1) * batch_size]
            if rows_b.size == 0:
                continue
            xb = _take_rows(feats, rows_b)
            eb = emb[rows_b]
            wb = w_all[rows_b] / w_all[rows_b].sum()
            z = eb @ wd + b + xb.dot(ws)
            g = (softmax(z) - onehot_all[rows_b]) * wb[:, None]  # dLoss/dz
            # Lazy Adam on the hashed block: only buckets present in the batch
            # are updated (and decayed), which keeps small fits cheap.
            uniq, inv = np.unique(xb.indices, return_inverse=True)
            local = xb.rows()
            gs = np.empty((uniq.size, n_classes), np.float32)
            for c in range(n_classes):
                gs[:, c] = np.bincount(inv, weights=xb.values * g[local, c], minlength=uniq.size)
            gs += l2_sparse * (ws[uniq] - ws0[uniq])
            step += 1
            # cosine-decayed steps make the end point stable across runs
            rate = lr * 0.5 * (1 + np.cos(np.pi * step / total))
            c1, c2 = 1 - beta1**step, 1 - beta2**step
            for p, gr, mm, vv in zip(
                (wd, b), (eb.T @ g + l2_dense * (wd - wd0), g.sum(axis=0)), m, v, strict=True
            ):
                mm *= beta1
                mm += (1 - beta1) * gr
                vv *= beta2
                vv += (1 - beta2) * gr * gr
                p -= (rate / c1) * mm / (np.sqrt(vv / c2) + eps)
            ms_u = beta1 * ms[uniq] + (1 - beta1) * gs
            vs_u = beta2 * vs[uniq] + (1 - beta2) * gs * gs
            ms[uniq] = ms_u
            vs[uniq] = vs_u
            ws[uniq] -= (rate / c1) * ms_u / (np.sqrt(vs_u / c2) + eps)
    return LinearHead(dense=wd, sparse=ws, bias=b)


def _take_rows(x: Sparse, rows: npt.NDArray[np.int64]) -> Sparse:
    """The given rows of a CSR matrix, vectorised."""
    lengths = np.diff(x.indptr)[rows]
    indptr = np.zeros(len(rows) + 1, np.int64)
    np.cumsum(lengths, out=indptr[1:])
    pos = np.repeat(x.indptr[rows] - indptr[:-1], lengths) + np.arange(indptr[-1])
    return Sparse(indices=x.indices[pos], values=x.values[pos], indptr=indptr)


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
