#!/usr/bin/env python
"""Measure the textsense engine: quality per language and label, speed, memory.

    python scripts/eval_textsense.py [--shared ../shared/data] [--markdown out.md] [--limit N]

The evaluation itself is ``everyweek.textsense.engine.evaluation`` (``everyweek textsense
eval`` runs the same); see its docstring for what is measured.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from everyweek.textsense.engine.corpora import default_shared  # noqa: E402
from everyweek.textsense.engine.evaluation import evaluate  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--shared", type=Path, default=default_shared())
    ap.add_argument("--markdown", type=Path, default=None, help="also write the tables here")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--limit", type=int, default=None, help="at most N texts per split / language")
    ap.add_argument("--speed-texts", type=int, default=2000, help="comments for the speed figures")
    args = ap.parse_args()
    lines: list[str] = []

    def out(s: str) -> None:
        print(s, flush=True)
        lines.append(s)

    figures = evaluate(
        args.shared, out=out, limit=args.limit, batch=args.batch, speed_texts_n=args.speed_texts
    )
    if args.markdown:
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(json.dumps(figures.get("speed", {})))


if __name__ == "__main__":
    main()
