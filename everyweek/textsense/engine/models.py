"""Model files: plain ``.npz`` arrays plus a JSON manifest (never pickles).

A model directory holds ``manifest.json``, one ``<head>.npz`` per head and
``langid.npz``. The packaged directory is ``everyweek/textsense/models``;
``EVERYWEEK_TEXTSENSE_MODEL_DIR`` or :func:`use_model_dir` select another
(e.g. one written by :func:`retrain_heads`).
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .linear import LinearHead

PACKAGE_MODEL_DIR = Path(__file__).resolve().parent.parent / "models"
HEADS = ("sentiment", "praise", "complaint")
SENTIMENT_LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True, slots=True)
class Bundle:
    version: str
    path: Path
    heads: dict[str, LinearHead]
    thresholds: dict[str, float]
    # per-language additive logit offsets for the sentiment head ("*" = default)
    sentiment_offsets: dict[str, tuple[float, float, float]]
    manifest: dict[str, Any]


def save_head(path: Path, head: LinearHead, version: str) -> None:
    np.savez_compressed(
        path,
        dense=head.dense.astype(np.float32),
        sparse=head.sparse.astype(np.float16),
        bias=head.bias.astype(np.float32),
        temperature=np.float32(head.temperature),
        version=np.array(version),
    )


def load_head(path: Path) -> LinearHead:
    with np.load(path, allow_pickle=False) as z:
        return LinearHead(
            dense=z["dense"].astype(np.float32),
            # float16 halves the file and the resident size; the gather in
            # Sparse.dot upcasts only the rows a batch touches.
            sparse=z["sparse"],
            bias=z["bias"].astype(np.float32),
            temperature=float(z["temperature"]),
        )


def load_bundle(path: Path) -> Bundle:
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    heads = {name: load_head(path / f"{name}.npz") for name in HEADS}
    offsets = {
        k: (float(v[0]), float(v[1]), float(v[2]))
        for k, v in manifest.get("sentiment_offsets", {}).items()
    }
    return Bundle(
        version=str(manifest["version"]),
        path=path,
        heads=heads,
        thresholds={k: float(v) for k, v in manifest.get("thresholds", {}).items()},
        sentiment_offsets=offsets,
        manifest=manifest,
    )


_lock = threading.Lock()
_bundle: Bundle | None = None
_override: Path | None = None


def model_dir() -> Path:
    if _override is not None:
        return _override
    env = os.environ.get("EVERYWEEK_TEXTSENSE_MODEL_DIR")
    return Path(env) if env else PACKAGE_MODEL_DIR


def use_model_dir(path: str | os.PathLike[str] | None) -> None:
    """Switch the process to another model directory (None: the default)."""
    global _override, _bundle
    with _lock:
        _override = Path(path) if path is not None else None
        _bundle = None


def get_bundle() -> Bundle:
    global _bundle
    if _bundle is None:
        with _lock:
            if _bundle is None:
                _bundle = load_bundle(model_dir())
    return _bundle
