"""Text cleaning and hashed n-gram features.

The hashing is a polynomial over code points computed with numpy on a whole
batch at once, so it is deterministic across processes (unlike ``hash()``)
and fast enough that the n-gram model is never the bottleneck.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

# Longer texts are cut: the opening of a comment carries its tone, and the
# cap bounds the time and memory any single input can take.
MAX_CHARS = 2000
HASH_BITS = 19
N_BUCKETS = 1 << HASH_BITS
CHAR_ORDERS = (1, 2, 3, 4, 5)

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_DIGITS = re.compile(r"\d")
# Elongations ("sooooo", "!!!!!", Thai laughter "55555") carry intensity but
# every length would otherwise be a different feature.
_REPEAT = re.compile(r"(.)\1{2,}")
_WORD = re.compile(r"\w+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")

_P = np.uint64(1_000_003)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_SHIFT = np.uint64(64 - HASH_BITS)


def clean(text: object) -> str:
    """Make any input a safe, bounded ``str``: never raises.

    Lone surrogates and undecodable bytes become U+FFFD, control characters
    are dropped and whitespace is collapsed.
    """
    if isinstance(text, bytes | bytearray):
        text = bytes(text[: MAX_CHARS * 4]).decode("utf-8", "replace")
    elif not isinstance(text, str):
        text = "" if text is None else str(text)
    text = text[:MAX_CHARS]
    text = text.encode("utf-8", "replace").decode("utf-8", "replace")
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def normalise(text: str) -> str:
    """Lower-case, mask URLs, mentions and digits, shorten elongations."""
    text = text.casefold()
    text = _URL.sub(" http ", text)
    text = _MENTION.sub(" @user ", text)
    text = _DIGITS.sub("0", text)
    text = _REPEAT.sub(r"\1\1\1", text)
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Sparse:
    """Rows of hashed features in CSR form (values are L2-normalised)."""

    indices: npt.NDArray[np.int64]
    values: npt.NDArray[np.float32]
    indptr: npt.NDArray[np.int64]

    @property
    def n_rows(self) -> int:
        return len(self.indptr) - 1

    def dot(self, weights: npt.NDArray[np.floating]) -> npt.NDArray[np.float32]:
        """``X @ weights`` for a (N_BUCKETS, k) weight matrix."""
        out = np.zeros((self.n_rows, weights.shape[1]), dtype=np.float32)
        if self.indices.size == 0:
            return out
        contrib = weights[self.indices].astype(np.float32) * self.values[:, None]
        lengths = np.diff(self.indptr)
        nonempty = lengths > 0
        out[nonempty] = np.add.reduceat(contrib, self.indptr[:-1][nonempty], axis=0)
        return out

    def rows(self) -> npt.NDArray[np.int64]:
        """Row number of every stored value."""
        return np.repeat(np.arange(self.n_rows, dtype=np.int64), np.diff(self.indptr))


def _bucket(h: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    return ((h * _MIX) >> _SHIFT).astype(np.int64)


def _word_hashes(text: str) -> list[int]:
    words = _WORD.findall(text)
    out = [zlib.crc32(b"w" + w.encode("utf-8", "replace")) for w in words]
    out += [zlib.crc32(b"b" + f"{a} {b}".encode("utf-8", "replace")) for a, b in pairwise(words)]
    return out


def hash_features(texts: list[str]) -> Sparse:
    """Character 1-5-grams plus word uni/bigrams of normalised texts."""
    norm = [normalise(t) for t in texts]
    codes = [np.frombuffer((" " + t + " ").encode("utf-32-le"), dtype=np.uint32) for t in norm]
    lens = np.fromiter((len(c) for c in codes), dtype=np.int64, count=len(codes))
    flat = np.concatenate(codes).astype(np.uint64) if codes else np.zeros(0, np.uint64)
    doc = np.repeat(np.arange(len(codes), dtype=np.int64), lens)

    parts_idx: list[npt.NDArray[np.int64]] = []
    parts_doc: list[npt.NDArray[np.int64]] = []
    h = flat.copy()
    for n in CHAR_ORDERS:
        if n > 1:
            # h[i] covers flat[i : i + n]; only windows inside one text count
            h = h[:-1] * _P + flat[n - 1 :]
        if h.size == 0:
            break
        valid = doc[: h.size] == doc[n - 1 : n - 1 + h.size]
        salted = h[valid] + np.uint64(n) * np.uint64(0x1000193)
        parts_idx.append(_bucket(salted))
        parts_doc.append(doc[: h.size][valid])

    for i, t in enumerate(norm):
        wh = _word_hashes(t)
        if wh:
            parts_idx.append(_bucket(np.asarray(wh, dtype=np.uint64)))
            parts_doc.append(np.full(len(wh), i, dtype=np.int64))

    if parts_idx:
        idx = np.concatenate(parts_idx)
        dd = np.concatenate(parts_doc)
        order = np.argsort(dd, kind="stable")
        idx, dd = idx[order], dd[order]
    else:
        idx = np.zeros(0, np.int64)
        dd = np.zeros(0, np.int64)
    counts = np.bincount(dd, minlength=len(texts))
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    norms = np.sqrt(np.maximum(counts, 1)).astype(np.float32)
    values = (1.0 / norms)[dd].astype(np.float32)
    return Sparse(indices=idx, values=values, indptr=indptr)
