#!/usr/bin/env python
"""Benchmark: the two phases of `everyweek demo --reset` on an already loaded demo.

    export EVERYWEEK_DATA_DIR=/tmp/demo-bench   # a scratch data directory: the demo is reloaded
    everyweek demo --no-serve                   # load it once (not timed)
    flock /tmp/bench.lock .venv/bin/python -u scripts/bench_demo.py

Times `generator.delete_generated()` (every generated row, rollups kept right) and then
`generator.generate()` (a year of every domain, standards evaluated, rollups rebuilt), and
prints both with the rows deleted and the load average.
"""

from __future__ import annotations

import os
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "everyweek.settings")
    django.setup()
    from everyweek.demo import generator

    start = time.perf_counter()
    deleted = generator.delete_generated()
    middle = time.perf_counter()
    generator.generate(seed=generator.DEFAULT_SEED, days=365)
    end = time.perf_counter()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"deleted {deleted} rows in {middle - start:.1f} s; generated in {end - middle:.1f} s; "
        f"load {load}",
        flush=True,
    )


if __name__ == "__main__":
    main()
