"""Figures on the engine's separately written evaluation set, for before/after a retrain.

The full evaluation (public sentiment corpora, speed, memory) is ``scripts/eval_textsense.py``,
which ``everyweek textsense eval`` runs.
"""

from __future__ import annotations

import random

from everyweek.textsense import engine
from everyweek.textsense.engine.synth import FEEDBACK_LANGS, load_eval


def _prf(y: list[int], p: list[int]) -> tuple[float, float, float]:
    tp = sum(1 for a, b in zip(y, p, strict=True) if a and b)
    fp = sum(1 for a, b in zip(y, p, strict=True) if b and not a)
    fn = sum(1 for a, b in zip(y, p, strict=True) if a and not b)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return round(precision, 3), round(recall, 3), round(f1, 3)


def feedback_figures(variants: int = 1) -> dict[str, dict[str, float]]:
    """Per language: praise and complaint precision, recall and F1 with the current model."""
    examples = load_eval(random.Random(7), variants=variants)  # noqa: S311 - fixed sample
    out: dict[str, dict[str, float]] = {}
    for lang in FEEDBACK_LANGS:
        ex = [e for e in examples if e.lang == lang]
        res = [engine.analyse(e.text, agent=e.people[0], colleagues=e.people[1:]) for e in ex]
        row: dict[str, float] = {"n": len(ex)}
        for label in ("praise", "complaint"):
            p, r, f = _prf([getattr(e, label) for e in ex], [int(getattr(x, label)) for x in res])
            row.update({f"{label}_precision": p, f"{label}_recall": r, f"{label}_f1": f})
        out[lang] = row
    return out
