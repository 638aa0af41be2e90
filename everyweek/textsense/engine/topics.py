"""Topic matching against an editable taxonomy of example phrases.

Each topic is a key plus example phrases in any language; a comment's score
for a topic is the best cosine similarity between the comment (whole, and
each sentence) and any example, in the multilingual embedding space, so an
Italian comment matches English examples too. A literal occurrence of an
example in the text adds a bonus. Example embeddings are cached.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .names import fold

MIN_SCORE = 0.35
LITERAL_BONUS = 0.15
_SENTENCE = re.compile(r"(?<=[.!?。\n])\s+|\s*[;\n]\s*")


@dataclass(frozen=True, slots=True)
class Topic:
    key: str
    examples: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class TopicScore:
    key: str
    score: float
    nearest_example: str


Embed = Callable[[list[str]], npt.NDArray[np.float32]]

_cache_lock = threading.Lock()
_cache: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
_CACHE_MAX = 4096


def _example_vectors(examples: list[str], embed: Embed) -> npt.NDArray[np.float32]:
    with _cache_lock:
        missing = [e for e in dict.fromkeys(examples) if e not in _cache]
    if missing:
        vecs = embed(missing)
        with _cache_lock:
            for e, v in zip(missing, vecs, strict=True):
                _cache[e] = v
                _cache.move_to_end(e)
            while len(_cache) > _CACHE_MAX:
                _cache.popitem(last=False)
    with _cache_lock:
        return (
            np.stack([_cache[e] for e in examples]) if examples else np.zeros((0, 512), np.float32)
        )


def sentence_spans(text: str, limit: int = 8) -> list[tuple[int, int]]:
    """The first ``limit`` sentences of a text with more than one, as character ranges."""
    out: list[tuple[int, int]] = []
    pos = 0
    for sep in [*_SENTENCE.finditer(text), None]:
        end = sep.start() if sep is not None else len(text)
        part = text[pos:end]
        lo = pos + len(part) - len(part.lstrip())
        hi = pos + len(part.rstrip())
        if hi > lo:
            out.append((lo, hi))
        if sep is not None:
            pos = sep.end()
    return out[:limit] if len(out) > 1 else []


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text, limit=len(text) + 1)]


def score_topics(
    texts: list[str],
    text_vecs: npt.NDArray[np.float32],
    topics: Sequence[Topic],
    embed: Embed,
    min_score: float = MIN_SCORE,
    sentence_vecs: tuple[npt.NDArray[np.float32], Sequence[int]] | None = None,
) -> list[tuple[TopicScore, ...]]:
    """For each text, topics scoring at least ``min_score``, best first.

    ``sentence_vecs``: the vectors of the texts' ``sentence_spans`` and the text each
    belongs to, when the caller has them already (else they are embedded here).
    """
    topics = [t for t in topics if t.key and any(e and e.strip() for e in t.examples)]
    if not topics or not texts:
        return [() for _ in texts]
    owners: list[int] = []
    examples: list[str] = []
    for ti, topic in enumerate(topics):
        for e in topic.examples:
            if e and e.strip():
                owners.append(ti)
                examples.append(e.strip())
    ex_vecs = _example_vectors(examples, embed)
    owner = np.asarray(owners)

    # Sentences of multi-sentence comments, so a comment about three things
    # still matches each of them strongly.
    if sentence_vecs is None:
        sent_owner: Sequence[int] = [i for i, t in enumerate(texts) for _ in sentence_spans(t)]
        sent_texts = [t[a:b] for t in texts for a, b in sentence_spans(t)]
        sent_vecs = embed(sent_texts) if sent_texts else np.zeros((0, ex_vecs.shape[1]), np.float32)
    else:
        sent_vecs, sent_owner = sentence_vecs

    sims = text_vecs @ ex_vecs.T  # (n_texts, n_examples)
    if len(sent_owner):
        ssims = sent_vecs @ ex_vecs.T
        for row, i in enumerate(sent_owner):
            np.maximum(sims[i], ssims[row], out=sims[i])
    folded_examples = [fold(e) for e in examples]
    out: list[tuple[TopicScore, ...]] = []
    for i, t in enumerate(texts):
        ft = fold(t)
        row = sims[i].copy()
        for j, fe in enumerate(folded_examples):
            if len(fe) >= 4 and fe in ft:
                row[j] += LITERAL_BONUS
        scores: list[TopicScore] = []
        for ti, topic in enumerate(topics):
            cols = np.flatnonzero(owner == ti)
            j = int(cols[np.argmax(row[cols])])
            best = min(1.0, float(row[j]))
            if best >= min_score:
                scores.append(TopicScore(topic.key, round(best, 4), examples[j]))
        scores.sort(key=lambda x: -x.score)
        out.append(tuple(scores))
    return out
