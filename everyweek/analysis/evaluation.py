"""Figures on the engine's separately written evaluation set, for before/after a retrain.

The full evaluation (public sentiment corpora, speed, memory) is
``everyweek.textsense.engine.evaluation.evaluate``, which ``everyweek textsense eval`` runs.
"""

from __future__ import annotations

import random

from everyweek.textsense.engine.evaluation import feedback_rows
from everyweek.textsense.engine.synth import load_eval


def feedback_figures(variants: int = 1) -> dict[str, dict[str, float]]:
    """Per language: praise and complaint precision, recall and F1 with the current model."""
    examples = load_eval(random.Random(7), variants=variants)  # noqa: S311 - fixed sample
    out: dict[str, dict[str, float]] = {}
    for row in feedback_rows(examples):
        out[row.lang] = {"n": row.n}
        for label, (p, r, f) in (("praise", row.praise), ("complaint", row.complaint)):
            out[row.lang].update(
                {
                    f"{label}_precision": round(p, 3),
                    f"{label}_recall": round(r, 3),
                    f"{label}_f1": round(f, 3),
                }
            )
    return out
