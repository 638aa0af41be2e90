"""``everyweek textsense eval`` runs the engine's evaluation in this process, on a slice."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from django.core.management import call_command

from everyweek.textsense.engine.evaluation import evaluate
from everyweek.textsense.engine.synth import FEEDBACK_LANGS


def _tiny_corpora(root: Path) -> Path:
    """A shared-data folder in the corpora's own formats: a few Wisesight and XLM-T rows."""
    ws = root / "sentiment" / "wisesight-th"
    ws.mkdir(parents=True)
    rows = [
        {"texts": "บริการดีมากค่ะ ประทับใจ", "category": "pos"},
        {"texts": "รอนานมาก แย่สุดๆ", "category": "neg"},
        {"texts": "เปิดกี่โมงคะ", "category": "q"},
        {"texts": "วันนี้ฝนตก", "category": "neu"},
    ]
    (ws / "test.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8"
    )
    en = root / "sentiment" / "xlmt" / "english"
    en.mkdir(parents=True)
    (en / "val_text.txt").write_text(
        "I love this, thank you!\nThis is the worst service ever\nThe shop opens at nine\n",
        encoding="utf-8",
    )
    (en / "val_labels.txt").write_text("2\n0\n1\n", encoding="utf-8")
    return root


def test_eval_command_prints_every_table_from_a_slice(db: Any, tmp_path: Path) -> None:
    shared = _tiny_corpora(tmp_path / "shared")
    md = tmp_path / "figures.md"
    out = io.StringIO()
    call_command(
        "textsense",
        "eval",
        "--shared",
        str(shared),
        "--limit",
        "4",
        "--speed-texts",
        "40",
        "--markdown",
        str(md),
        stdout=out,
    )
    text = out.getvalue()
    assert "| th Wisesight test | 4 |" in text
    assert "| en XLM-T val | 3 |" in text
    assert "it XLM-T val" not in text  # not in this folder: left out, not an error
    for lang in FEEDBACK_LANGS:
        assert f"| {lang} | 4 |" in text
    assert f"| all | {4 * len(FEEDBACK_LANGS)} |" in text
    assert "40 comments in batches of 256, no topics" in text
    assert "peak RSS" in text
    assert md.read_text(encoding="utf-8").strip() == text.strip()


def test_evaluation_without_the_public_corpora_still_scores_the_feedback_set(
    tmp_path: Path,
) -> None:
    lines: list[str] = []
    figures = evaluate(tmp_path / "nothing here", out=lines.append, limit=3, speed_texts_n=10)
    assert any("No public corpora" in line for line in lines)
    assert "sentiment" not in figures
    assert set(figures["feedback"]) == set(FEEDBACK_LANGS)
    assert all(row["n"] == 3 for row in figures["feedback"].values())
    assert 0.0 <= figures["feedback"]["en"]["praise_precision"] <= 1.0
    assert figures["speed"]["batch_per_s"] > 0
