#!/usr/bin/env python
"""Speed and memory of the textsense engine, end to end (``analyse_many`` from raw text to
language, sentiment, praise, complaint and topics), on the evaluation comments.

    python scripts/bench_textsense.py [--n 2000] [--batch 256] [--workers 2] [--markdown out.md]

Measures, each in its own fresh process so one does not warm the other:
  * model load time and resident memory after loading and after a batch run;
  * batches in one process (one BLAS thread, the default), with and without 6 topics;
  * batches on ``--workers`` processes at once, each with half of the comments (the
    "2 cores" figure: wall clock from the first start to the last finish);
  * single-comment latency (median / p95 over 300 comments).
The machine's load (``uptime``) is printed with the figures: on a shared machine the wall
clock depends on what else runs, CPU time much less.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def comments(n: int) -> list[str]:
    """The speed set: 300 of each public split (when present) and the feedback evaluation set."""
    from everyweek.textsense.engine.corpora import default_shared
    from everyweek.textsense.engine.evaluation import sentiment_splits
    from everyweek.textsense.engine.synth import load_eval

    texts: list[str] = []
    for split_texts, _ in sentiment_splits(default_shared()).values():
        texts += split_texts[:300]
    texts += [e.text for e in load_eval(random.Random(7), variants=2)]
    random.Random(3).shuffle(texts)
    return (texts * (n // len(texts) + 1))[:n]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run(texts: list[str], batch: int, topics: bool) -> dict[str, float]:
    from everyweek.textsense.engine import analyse_many
    from everyweek.textsense.engine.evaluation import TOPICS

    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(texts), batch):
        analyse_many(texts[i : i + batch], topics=TOPICS if topics else ())
    return {"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}


def worker(job: dict) -> dict:
    """One fresh process: load, then the job; returns timings and peak RSS."""
    t0, c0 = time.perf_counter(), time.process_time()
    from everyweek.textsense.engine import analyse, warm_up

    warm_up()
    out: dict = {"load_wall": time.perf_counter() - t0, "load_cpu": time.process_time() - c0}
    out["rss_loaded_mb"] = _rss_mb()
    if job.get("start_at"):
        time.sleep(max(0.0, job["start_at"] - time.time()))  # start together
    out["started"] = time.time()
    texts = job["texts"]
    if job["kind"] == "batch":
        out.update(_run(texts, job["batch"], job["topics"]))
    elif job["kind"] == "single":
        ms = []
        for t in texts:
            w = time.perf_counter()
            analyse(t)
            ms.append((time.perf_counter() - w) * 1000)
        out["median_ms"] = statistics.median(ms)
        out["p95_ms"] = sorted(ms)[int(0.95 * (len(ms) - 1))]
    out["finished"] = time.time()
    out["rss_mb"] = _rss_mb()
    return out


def in_fresh(jobs: list[dict]) -> list[dict]:
    ctx = mp.get_context("spawn")  # a fresh interpreter each: nothing loaded yet
    with ctx.Pool(len(jobs)) as pool:
        return pool.map(worker, jobs)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--markdown", type=Path, default=None)
    args = ap.parse_args()
    texts = comments(args.n)
    uptime_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()  # noqa: S607

    one = in_fresh([{"kind": "batch", "texts": texts, "batch": args.batch, "topics": False}])[0]
    topics = in_fresh([{"kind": "batch", "texts": texts, "batch": args.batch, "topics": True}])[0]
    single = in_fresh([{"kind": "single", "texts": texts[:300]}])[0]
    start_at = time.time() + 8  # after every worker has loaded
    share = [texts[i :: args.workers] for i in range(args.workers)]
    par = in_fresh(
        [
            {
                "kind": "batch",
                "texts": s,
                "batch": args.batch,
                "topics": False,
                "start_at": start_at,
            }
            for s in share
        ]
    )
    par_wall = max(r["finished"] for r in par) - min(r["started"] for r in par)
    uptime_after = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()  # noqa: S607

    n = len(texts)
    rows = [
        (
            f"batches of {args.batch}, one process, no topics: comments/s",
            f"{n / one['wall']:.0f}",
            f"{n / one['cpu']:.0f} per CPU-s",
        ),
        (
            f"batches of {args.batch}, one process, 6 topics: comments/s",
            f"{n / topics['wall']:.0f}",
            f"{n / topics['cpu']:.0f} per CPU-s",
        ),
        (
            f"batches of {args.batch}, {args.workers} processes at once, no topics: comments/s",
            f"{n / par_wall:.0f}",
            f"{n / sum(r['cpu'] for r in par):.0f} per CPU-s",
        ),
        (
            "single comment, median / p95 ms",
            f"{single['median_ms']:.1f} / {single['p95_ms']:.1f}",
            "",
        ),
        (
            "model load, fresh process (imports included), s",
            f"{one['load_wall']:.2f}",
            f"{one['load_cpu']:.2f}",
        ),
        (
            "resident memory: loaded / after the batch run (peak), MB",
            f"{one['rss_loaded_mb']:.0f} / {one['rss_mb']:.0f}",
            "",
        ),
        ("resident memory with 6 topics (peak), MB", f"{topics['rss_mb']:.0f}", ""),
    ]
    lines = [
        f"`python scripts/bench_textsense.py --n {n} --batch {args.batch} --workers {args.workers}`"
        f" ({os.cpu_count()} CPUs, shared with other jobs)",
        "",
        f"- `uptime` before: {uptime_before}",
        f"- `uptime` after: {uptime_after}",
        "",
        "| measure | wall clock | CPU time |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
    ]
    print("\n".join(lines))
    if args.markdown:
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {
                "one": one | {"texts": None},
                "topics": topics,
                "single": single,
                "parallel_wall": par_wall,
            },
            default=str,
        )[:2000]
    )


if __name__ == "__main__":
    main()
