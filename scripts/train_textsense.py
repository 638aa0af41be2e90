#!/usr/bin/env python
"""Rebuild every textsense model, deterministically, from the data it names.

    python scripts/train_textsense.py [--shared ../shared/data] [--out DIR]

Reads (never copies) the sentiment corpora from the shared data folder:
  sentiment/wisesight-th/{train,valid,test}.jsonl   Thai, CC0 (q -> neutral)
  sentiment/xlmt/<language>/{train,val}_{text,labels}.txt   XLM-T tweets
and the hand-written praise / complaint data in everyweek/textsense/data/.
Writes langid.npz, sentiment.npz, praise.npz, complaint.npz and
manifest.json into everyweek/textsense/models/ (or --out).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time
from pathlib import Path

# single-threaded BLAS: faster than oversubscribed threads on a shared machine
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from everyweek.textsense.engine import embedding  # noqa: E402
from everyweek.textsense.engine.corpora import (  # noqa: E402
    XLMT,
    default_shared,
    read_wisesight,
    read_xlmt,
)
from everyweek.textsense.engine.features import clean, hash_features  # noqa: E402
from everyweek.textsense.engine.linear import LinearHead, calibrate_temperature, fit, softmax  # noqa: E402
from everyweek.textsense.engine.models import PACKAGE_MODEL_DIR, SENTIMENT_LABELS  # noqa: E402
from everyweek.textsense.engine.synth import compose_train  # noqa: E402
from everyweek.textsense.engine.training import (  # noqa: E402
    SEED,
    _take,
    feedback_arrays,
    fit_binary,
    threshold_for_f1,
    threshold_for_precision,
    write_bundle,
)

VERSION_PREFIX = "textsense-1"
LANGID_LANGS = (
    "en",
    "it",
    "de",
    "fr",
    "es",
    "pt",
    "nl",
    "pl",
    "ru",
    "tr",
    "id",
    "vi",
    "zh",
    "ja",
    "ko",
    "ar",
)
# held-out fragments come from the training distribution: aim 0.05 above the
# product target (precision >= 0.90 on unseen comments)
PRAISE_PRECISION_TARGET = 0.95
XLMT_WEIGHT = 2.0  # tweets per language are few next to Wisesight
FEEDBACK_SENTIMENT_WEIGHT = 1.0


def macro_f1(y: np.ndarray, p: np.ndarray, k: int = 3) -> float:
    f = []
    for c in range(k):
        tp = int(((p == c) & (y == c)).sum())
        fp = int(((p == c) & (y != c)).sum())
        fn = int(((p != c) & (y == c)).sum())
        f.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f))


class Cache:
    """Optional on-disk cache of embeddings (the slow part) for re-runs."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        if path:
            path.mkdir(parents=True, exist_ok=True)

    def embed(self, name: str, texts: list[str]) -> np.ndarray:
        key = hashlib.sha256("\x00".join(texts).encode("utf-8", "replace")).hexdigest()[:16]
        if self.path:
            f = self.path / f"{name}-{key}.npy"
            if f.exists():
                return np.load(f)
        t0 = time.perf_counter()
        vecs = embedding.embed(texts)
        print(
            f"  embedded {name}: {len(texts)} texts in {time.perf_counter() - t0:.0f}s", flush=True
        )
        if self.path:
            np.save(self.path / f"{name}-{key}.npy", vecs)
        return vecs


def build_langid(out: Path) -> None:
    """py3langid's model cut down to the languages in use, stored as a
    plain npz (its own file is LZMA-packed and takes ~5 s to open)."""
    import io
    import lzma

    from py3langid.langid import MODEL_DIR, MODEL_FILE

    with (
        lzma.open(MODEL_DIR / MODEL_FILE) as f,
        np.load(io.BytesIO(f.read()), allow_pickle=False) as z,
    ):
        d = {k: z[k] for k in z.files}
    classes = [str(c) for c in d["classes"]]
    keep = [i for i, c in enumerate(classes) if c in LANGID_LANGS and classes.index(c) == i]
    d["ptc"] = d["ptc"][:, keep]
    d["pc"] = d["pc"][keep]
    d["classes"] = d["classes"][keep]
    np.savez_compressed(out / "langid.npz", **d)


def sentiment_data(shared: Path, cache: Cache, feedback: list) -> dict:
    """Training rows (with per-row weights) and the evaluation splits."""
    tr_texts: list[str] = []
    tr_y: list[int] = []
    tr_w: list[float] = []
    tr_lang: list[str] = []

    def add(texts: list[str], labels: list[int], lang: str, weight: float) -> None:
        # class-balanced within each source: macro-F1 counts classes equally
        counts = np.bincount(labels, minlength=3).astype(float)
        for t, y in zip(texts, labels, strict=True):
            tr_texts.append(clean(t))
            tr_y.append(y)
            tr_w.append(weight * len(labels) / (3 * counts[y]))
            tr_lang.append(lang)

    t, y = read_wisesight(shared, "train")
    add(t, y, "th", 1.0)
    dev: dict[str, tuple[list[str], list[int]]] = {"th": read_wisesight(shared, "valid")}
    for lang in XLMT:
        t, y = read_xlmt(shared, lang, "train")
        add(t, y, lang, XLMT_WEIGHT)
    label_of = {label: i for i, label in enumerate(SENTIMENT_LABELS)}
    fb = [e for e in feedback if e.sentiment in label_of]
    add(
        [e.text for e in fb],
        [label_of[e.sentiment] for e in fb],
        "feedback",
        FEEDBACK_SENTIMENT_WEIGHT,
    )

    emb = cache.embed("sent-train", tr_texts)
    feats = hash_features(tr_texts)
    return {
        "emb": emb,
        "feats": feats,
        "y": np.array(tr_y, np.int64),
        "w": np.array(tr_w, np.float32),
        "lang": tr_lang,
        "dev": {
            k: (
                cache.embed(f"dev-{k}", [clean(x) for x in v[0]]),
                hash_features([clean(x) for x in v[0]]),
                np.array(v[1]),
            )
            for k, v in dev.items()
        },
    }


def clause_max(h: LinearHead, sentiment: LinearHead, texts: list[str]) -> np.ndarray:
    """Complaint probability as the analyser computes it (max over clauses, the clause
    vectors from the same one-pass encoding)."""
    from everyweek.textsense.engine.analyser import clause_complaint, clause_spans

    spans = [clause_spans(t) or [(0, len(t))] for t in texts]
    _, emb = embedding.embed_spans(texts, spans)
    p, owner = clause_complaint(h, sentiment, texts, spans, emb)
    out = np.zeros(len(texts))
    np.maximum.at(out, owner, p)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--shared", type=Path, default=default_shared(), help="shared data folder")
    ap.add_argument("--out", type=Path, default=PACKAGE_MODEL_DIR, help="model directory to write")
    ap.add_argument("--cache", type=Path, default=None, help="embedding cache folder (optional)")
    ap.add_argument("--epochs", type=int, default=10, help="sentiment head epochs")
    args = ap.parse_args()
    t_start = time.perf_counter()
    np.random.seed(SEED)
    args.out.mkdir(parents=True, exist_ok=True)
    cache = Cache(args.cache)

    print("language id: cutting py3langid down to", ", ".join(LANGID_LANGS), flush=True)
    build_langid(args.out)

    print("feedback data: composing praise / complaint training examples", flush=True)
    examples = compose_train(random.Random(SEED))
    train_part = compose_train(random.Random(SEED + 2), part=("train", 3))
    hold_part = compose_train(random.Random(SEED + 3), per_lang=260, part=("holdout", 3))

    print("sentiment: reading corpora and embedding", flush=True)
    data = sentiment_data(args.shared, cache, examples)
    t0 = time.perf_counter()
    head = fit(
        data["emb"],
        data["feats"],
        data["y"],
        3,
        l2_dense=1e-4,
        l2_sparse=1e-5,
        sample_weight=data["w"],
        epochs=args.epochs,
        lr=0.03,
        batch_size=2048,
        seed=SEED,
    )
    print(f"  sentiment head fitted in {time.perf_counter() - t0:.0f}s", flush=True)
    th_emb, th_feats, th_y = data["dev"]["th"]
    head = calibrate_temperature(head, th_emb, th_feats, th_y)
    print(f"  temperature {head.temperature:.2f} (Wisesight valid log-loss)", flush=True)
    print(
        f"  Wisesight valid macro-F1 {macro_f1(th_y, np.argmax(head.logits(th_emb, th_feats), 1)):.3f}"
    )
    # Per-language logit offsets tuned on small dev splits were tried and
    # did not carry over to the evaluation splits: none are used.
    offsets: dict[str, list[float]] = {}

    print("praise / complaint: thresholds from a held-out third of the fragments", flush=True)
    heads: dict[str, LinearHead] = {"sentiment": head}
    thresholds: dict[str, float] = {}
    tr = feedback_arrays(train_part, random.Random(SEED + 4))
    ho = feedback_arrays(hold_part, random.Random(SEED + 5))
    full = feedback_arrays(examples, random.Random(SEED + 1))
    for name in ("praise", "complaint"):
        rows = tr.rows(name)
        h = fit_binary(tr.dense(head)[rows], _take(tr.feats, rows), tr.labels(name)[rows])
        if name == "praise":
            p = h.proba(ho.dense(head), ho.feats)[:, 1]
        else:  # as at run time: the most complaining clause
            p = clause_max(h, head, ho.texts)
        yh = ho.labels(name)
        # praise: the precision the product promises; complaint: best F1
        if name == "praise":
            thresholds[name] = threshold_for_precision(p, yh, PRAISE_PRECISION_TARGET)
        else:
            thresholds[name] = threshold_for_f1(p, yh)
        pred = p >= thresholds[name]
        prec = (pred & (yh == 1)).sum() / max(1, pred.sum())
        rec = (pred & (yh == 1)).sum() / max(1, (yh == 1).sum())
        print(
            f"  {name}: threshold {thresholds[name]:.2f} held-out precision {prec:.3f} recall {rec:.3f}",
            flush=True,
        )
        rows = full.rows(name)
        heads[name] = fit_binary(
            full.dense(head)[rows], _take(full.feats, rows), full.labels(name)[rows]
        )

    # the version names the data and the code that turned it into arrays
    digest = hashlib.sha256()
    sources = sorted((REPO / "everyweek" / "textsense" / "data").glob("*"))
    sources += sorted((REPO / "everyweek" / "textsense" / "engine").glob("*.py"))
    sources.append(Path(__file__).resolve())
    for f in sources:
        digest.update(f.read_bytes())
    version = f"{VERSION_PREFIX}.{digest.hexdigest()[:8]}"
    info = {
        "trained_by": "scripts/train_textsense.py",
        "seed": SEED,
        "data": {
            "sentiment": "Wisesight sentiment train (CC0; q as neutral), XLM-T sentiment train en/it/de/fr/es/pt "
            "(all), composed feedback fragments; class-balanced per source",
            "praise_complaint": "everyweek/textsense/data/feedback_train_fragments.json + names.json (train names)",
        },
        "sentiment_epochs": args.epochs,
    }
    write_bundle(args.out, version, heads, thresholds, offsets, info)
    print(f"wrote {args.out} version {version} in {time.perf_counter() - t_start:.0f}s", flush=True)

    print("figures (evaluation splits, never trained on):", flush=True)
    evals = {"th (Wisesight test)": read_wisesight(args.shared, "test")}
    evals.update({f"{k} (XLM-T val)": read_xlmt(args.shared, k, "val") for k in XLMT})
    for name, (texts, y) in evals.items():
        texts = [clean(t) for t in texts]
        emb = cache.embed(f"eval-{name.split()[0]}", texts)
        z = head.logits(emb, hash_features(texts))
        print(
            f"  sentiment {name}: macro-F1 {macro_f1(np.array(y), np.argmax(softmax(z), 1)):.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
