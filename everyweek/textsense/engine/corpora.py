"""Readers of the public sentiment corpora in the shared data folder (never copied here).

<shared>/sentiment/wisesight-th/{train,valid,test}.jsonl          Thai, CC0
<shared>/sentiment/xlmt/<language>/{train,val}_{text,labels}.txt   XLM-T tweets
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

XLMT = {
    "en": "english",
    "it": "italian",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "pt": "portuguese",
}
WISESIGHT = {"neg": 0, "neu": 1, "q": 1, "pos": 2}  # questions carry no sentiment: neutral
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_REPO = Path(__file__).resolve().parents[3]


def default_shared() -> Path:
    """``$EVERYWEEK_SHARED_DATA``, else the first ``shared/data`` beside the checkout or a
    level up (a worktree lives one level deeper than the main checkout)."""
    env = os.environ.get("EVERYWEEK_SHARED_DATA")
    if env:
        return Path(env)
    for base in (_REPO.parent, _REPO.parent.parent):
        if (base / "shared" / "data").is_dir():
            return base / "shared" / "data"
    return _REPO.parent / "shared" / "data"


def read_wisesight(shared: Path, split: str) -> tuple[list[str], list[int]]:
    texts, labels = [], []
    path = shared / "sentiment" / "wisesight-th" / f"{split}.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            texts.append(row["texts"])
            labels.append(WISESIGHT[row["category"]])
    return texts, labels


def read_xlmt(shared: Path, lang: str, split: str) -> tuple[list[str], list[int]]:
    base = shared / "sentiment" / "xlmt" / XLMT[lang]
    raw = (base / f"{split}_text.txt").read_text(encoding="utf-8").split("\n")
    labels = [int(x) for x in (base / f"{split}_labels.txt").read_text().split()]
    texts = [_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), t) for t in raw[: len(labels)]]
    if len(texts) != len(labels):
        raise ValueError(f"XLM-T {lang} {split}: {len(texts)} texts for {len(labels)} labels")
    return texts, labels
