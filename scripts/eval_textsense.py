#!/usr/bin/env python
"""Measure the textsense engine: quality per language and label, speed, memory.

    python scripts/eval_textsense.py [--shared ../shared/data] [--markdown out.md]

Sentiment: Wisesight test (Thai) and XLM-T validation (en/it/de/fr/es/pt),
read from the shared data folder. Praise / complaint / attribution: the
separately written evaluation set everyweek/textsense/data/feedback_eval.jsonl
with evaluation-only names. Speed: end-to-end ``analyse_many`` in batches and
single ``analyse`` calls; load time in a fresh process; peak RSS.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from train_textsense import XLMT, default_shared, read_wisesight, read_xlmt  # noqa: E402

from everyweek.textsense.engine import Topic, analyse, analyse_many  # noqa: E402
from everyweek.textsense.engine.models import SENTIMENT_LABELS  # noqa: E402
from everyweek.textsense.engine.synth import FEEDBACK_LANGS, load_eval  # noqa: E402

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


def prf(y: np.ndarray, p: np.ndarray, cls: int = 1) -> tuple[float, float, float]:
    tp = int(((p == cls) & (y == cls)).sum())
    fp = int(((p == cls) & (y != cls)).sum())
    fn = int(((p != cls) & (y == cls)).sum())
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


def macro(y: np.ndarray, p: np.ndarray, k: int) -> tuple[float, float, float]:
    rows = [prf(y, p, c) for c in range(k)]
    return tuple(float(np.mean([r[i] for r in rows])) for i in range(3))  # type: ignore[return-value]


def load_time() -> tuple[float, float]:
    """(wall, CPU) seconds to import the engine and load every model."""
    code = (
        "import time;t=time.perf_counter();c=time.process_time();"
        "from everyweek.textsense.engine import warm_up;warm_up();"
        "print(time.perf_counter()-t, time.process_time()-c)"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    wall, cpu = out.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--shared", type=Path, default=default_shared())
    ap.add_argument("--markdown", type=Path, default=None, help="also write the tables here")
    ap.add_argument("--batch", type=int, default=256)
    args = ap.parse_args()
    lines: list[str] = []

    def out(s: str = "") -> None:
        print(s, flush=True)
        lines.append(s)

    t_load = load_time()

    # --- sentiment on public corpora
    out("### Sentiment (3 classes, macro over classes)")
    out("")
    out("| split | n | macro-F1 | precision | recall |")
    out("|---|---|---|---|---|")
    label_of = {label: i for i, label in enumerate(SENTIMENT_LABELS)}
    splits = {"th Wisesight test": read_wisesight(args.shared, "test")}
    splits.update({f"{k} XLM-T val": read_xlmt(args.shared, k, "val") for k in XLMT})
    speed_texts: list[str] = []
    for name, (texts, y) in splits.items():
        res = analyse_many(texts)
        p = np.array([label_of[r.sentiment] for r in res])
        pr, rc, f1 = macro(np.array(y), p, 3)
        out(f"| {name} | {len(y)} | {f1:.3f} | {pr:.3f} | {rc:.3f} |")
        speed_texts += texts[:300]

    # --- praise / complaint / attribution on the hand-written evaluation set
    examples = load_eval(random.Random(7), variants=2)
    out("")
    out(
        f"### Feedback evaluation set ({len(examples)} comments, written apart from training, unseen names)"
    )
    out("")
    out(
        "| lang | n | praise P | praise R | praise F1 | credited right | complaint P | complaint R | complaint F1 | sentiment macro-F1 | language right |"
    )
    out("|---|---|---|---|---|---|---|---|---|---|---|")
    totals: dict[str, list] = {k: [] for k in ("yp", "pp", "yc", "pc", "ys", "ps")}
    for lang in FEEDBACK_LANGS:
        ex = [e for e in examples if e.lang == lang]
        res = [analyse(e.text, agent=e.people[0], colleagues=e.people[1:]) for e in ex]
        yp = np.array([e.praise for e in ex])
        pp = np.array([int(r.praise) for r in res])
        yc = np.array([e.complaint for e in ex])
        pc = np.array([int(r.complaint) for r in res])
        ys = np.array([label_of[e.sentiment] for e in ex if e.sentiment])
        ps = np.array([label_of[r.sentiment] for e, r in zip(ex, res, strict=True) if e.sentiment])
        hits = [
            r.praised_person_id == e.credited_id
            for e, r in zip(ex, res, strict=True)
            if e.praise and r.praise
        ]
        lang_ok = np.mean([r.language == lang for r in res])
        p1, r1, f1 = prf(yp, pp)
        p2, r2, f2 = prf(yc, pc)
        sf = macro(ys, ps, 3)[2]
        out(
            f"| {lang} | {len(ex)} | {p1:.3f} | {r1:.3f} | {f1:.3f} | {np.mean(hits):.3f} | "
            f"{p2:.3f} | {r2:.3f} | {f2:.3f} | {sf:.3f} | {lang_ok:.3f} |"
        )
        for k, v in (("yp", yp), ("pp", pp), ("yc", yc), ("pc", pc), ("ys", ys), ("ps", ps)):
            totals[k].append(v)
        speed_texts += [e.text for e in ex]
    cat = {k: np.concatenate(v) for k, v in totals.items()}
    p1, r1, f1 = prf(cat["yp"], cat["pp"])
    p2, r2, f2 = prf(cat["yc"], cat["pc"])
    out(
        f"| all | {len(examples)} | {p1:.3f} | {r1:.3f} | {f1:.3f} | | {p2:.3f} | {r2:.3f} | {f2:.3f} | {macro(cat['ys'], cat['ps'], 3)[2]:.3f} | |"
    )

    # --- speed and memory
    rng = random.Random(3)
    rng.shuffle(speed_texts)
    batch_texts = (speed_texts * 2)[:2000]

    def timed(fn: Callable[[], object]) -> tuple[float, float]:
        w, c = time.perf_counter(), time.process_time()
        fn()
        return time.perf_counter() - w, time.process_time() - c

    def run_batches(topics: list[Topic] | None) -> None:
        for i in range(0, len(batch_texts), args.batch):
            analyse_many(batch_texts[i : i + args.batch], topics=topics or ())

    bw, bc = timed(lambda: run_batches(None))
    tw, tc = timed(lambda: run_batches(TOPICS))
    single_wall: list[float] = []
    single_cpu: list[float] = []
    for t in speed_texts[:300]:
        w, c = timed(functools.partial(analyse, t))
        single_wall.append(w * 1000)
        single_cpu.append(c * 1000)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(batch_texts)
    out("")
    out("### Speed and memory")
    out("")
    out(
        "Wall-clock figures depend on what else runs on the machine; CPU-time figures "
        "(one thread) do not. '2 cores' = two worker processes, i.e. twice the per-CPU rate."
    )
    out("")
    out("| measure | wall clock | CPU time |")
    out("|---|---|---|")
    out(
        f"| batch of {args.batch}, no topics: comments/s (one process) | {n / bw:.0f} | {n / bc:.0f} per CPU-s |"
    )
    out(f"| batch of {args.batch}, no topics: comments/s on 2 cores | | {2 * n / bc:.0f} |")
    out(
        f"| batch of {args.batch}, 6 topics: comments/s (one process) | {n / tw:.0f} | {n / tc:.0f} per CPU-s |"
    )
    out(
        f"| single comment, median / p95 ms | {statistics.median(single_wall):.1f} / "
        f"{np.percentile(single_wall, 95):.1f} | {statistics.median(single_cpu):.1f} / "
        f"{np.percentile(single_cpu, 95):.1f} |"
    )
    out(f"| model load, fresh process, s | {t_load[0]:.2f} | {t_load[1]:.2f} |")
    out(f"| peak RSS of this evaluation process | {rss:.0f} MB | |")
    out(
        f"| CPU cores / 1-min load average at the end | {os.cpu_count()} / {os.getloadavg()[0]:.1f} | |"
    )
    if args.markdown:
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {
                "batch_per_cpu_s": n / bc,
                "single_cpu_ms": statistics.median(single_cpu),
                "load": t_load,
                "rss_mb": rss,
            }
        )
    )


if __name__ == "__main__":
    main()
