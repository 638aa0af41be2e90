"""The one entry point: ``analyse`` / ``analyse_many``."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import embedding, language
from .emoji import emoji_sentiment, is_wordless
from .features import Sparse, clean, hash_features
from .linear import LinearHead, binary_inputs, softmax
from .models import SENTIMENT_LABELS, Bundle, get_bundle
from .names import Mention, NameIndex, Person, mask
from .topics import Topic, TopicScore, score_topics, sentence_spans

F32 = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class SentimentScores:
    negative: float
    neutral: float
    positive: float


@dataclass(frozen=True, slots=True)
class NameSpan:
    """Where the praised person is named: ``text[start:end]`` of the cleaned
    text (``Analysis.text``), title or honorific included."""

    start: int
    end: int
    text: str
    exact: bool  # False: matched despite a misspelling


@dataclass(frozen=True, slots=True)
class Analysis:
    text: str  # the cleaned, possibly shortened text that was analysed
    language: str  # ISO 639-1 code or "unknown"
    language_confidence: float
    sentiment: str  # "negative" | "neutral" | "positive"
    sentiment_scores: SentimentScores
    praise: bool
    praise_confidence: float  # P(the comment praises a person)
    praised_person_id: int | str | None
    praised_name: NameSpan | None  # None: praise without a recognised name
    complaint: bool
    complaint_confidence: float
    topics: tuple[TopicScore, ...]
    mentions: tuple[Mention, ...]  # every known person named in the text
    model_version: str


# Clause boundaries: sentence ends (not the dot of a title such as "Mr." or
# "Sig.ra") and contrastive conjunctions. Complaint is scored per clause, and
# with several people named, praise is credited clause by clause.
_NOT_TITLE = "".join(
    f"(?<!{t})"
    for t in (
        "mr",
        "ms",
        "dr",
        "sr",
        "hr",
        "fr",
        "mrs",
        "sra",
        "sig",
        "dott",
        "srta",
        "mme",
        r"\bm",
    )
)
_CLAUSE = re.compile(
    _NOT_TITLE + r"[.!?]+(?=\s|$)|[;\n]+"
    r"|,?\s+\b(?:but|however|although|ma|però|aber|jedoch|mais|cependant|pero|aunque)\b"
    r"|แต่|ส่วน",
    re.IGNORECASE,
)
MENTION_FLAG_SCALE = 1.0


def warm_up() -> None:
    """Load every model now (they load lazily otherwise)."""
    get_bundle()
    language.warm_up()
    embedding.warm_up()


def analyse(
    text: object,
    agent: Person | None = None,
    colleagues: Sequence[Person] = (),
    topics: Sequence[Topic] = (),
) -> Analysis:
    """Analyse one comment. Never raises on odd input (bytes, None, huge)."""
    return analyse_many([text], agents=agent, colleagues=colleagues, topics=topics)[0]


def analyse_many(
    texts: Sequence[object],
    agents: Person | Sequence[Person | None] | None = None,
    colleagues: Sequence[Person] = (),
    topics: Sequence[Topic] = (),
) -> list[Analysis]:
    """Analyse a batch; ``agents`` is one agent for all or one per text."""
    n = len(texts)
    if n == 0:
        return []
    if agents is None or isinstance(agents, Person):
        agent_list: list[Person | None] = [agents] * n
    else:
        agent_list = list(agents)
        if len(agent_list) != n:
            raise ValueError("agents must be one Person or one per text")
    bundle = get_bundle()
    cleaned = [clean(t) for t in texts]
    langs = [language.detect(t) for t in cleaned]

    mentions: list[list[Mention]] = []
    indexes: dict[tuple[object, ...], NameIndex] = {}
    for text, agent in zip(cleaned, agent_list, strict=True):
        people = _people(agent, colleagues)
        key = tuple(id(p) for p in people)
        index = indexes.get(key)
        if index is None:
            index = indexes[key] = NameIndex(people)
        mentions.append(index.find(text))
    # texts without words (emoji, symbols, binary noise) skip the learnt heads
    wordless = [is_wordless(t) for t in cleaned]
    masked = ["" if w else mask(t, m) for t, m, w in zip(cleaned, mentions, wordless, strict=True)]

    # One encoder pass gives the text vectors, the clause vectors complaint needs and the
    # sentence vectors topics need.
    spans = [clause_spans(t) for t in masked]
    sentences = [sentence_spans(t) for t in masked] if topics else [[] for _ in masked]
    emb, span_emb = embedding.embed_spans(
        masked, [c + s for c, s in zip(spans, sentences, strict=True)]
    )
    is_clause = np.asarray(
        [k < len(c) for c, s in zip(spans, sentences, strict=True) for k in range(len(c) + len(s))],
        np.bool_,
    )
    clause_emb = span_emb[is_clause]
    feats = hash_features(masked)
    flags = np.array([[MENTION_FLAG_SCALE if m else 0.0] for m in mentions], np.float32)
    sent_z = bundle.heads["sentiment"].logits(emb, feats)
    sent = sentiment_proba(bundle, sent_z, [lang for lang, _ in langs])
    dense = binary_inputs(emb, flags, softmax(sent_z))
    praise_p = bundle.heads["praise"].proba(dense, feats)[:, 1]
    complaint_p = _complaint(bundle, masked, spans, clause_emb, dense, feats)
    if topics:
        sent_owner = [i for i, ss in enumerate(sentences) for _ in ss]
        topic_scores = score_topics(
            cleaned, emb, topics, embedding.embed, sentence_vecs=(span_emb[~is_clause], sent_owner)
        )
    else:
        topic_scores = [() for _ in cleaned]

    t_praise = bundle.thresholds.get("praise", 0.5)
    t_complaint = bundle.thresholds.get("complaint", 0.5)
    out: list[Analysis] = []
    for i, text in enumerate(cleaned):
        empty = wordless[i]
        if empty:  # no words: the emoji decide the sentiment, nothing is praise or complaint
            sent[i] = emoji_sentiment(text)
            praise_p[i] = complaint_p[i] = 0.0
        praise = bool(praise_p[i] >= t_praise) and not empty
        person_id: int | str | None = None
        span: NameSpan | None = None
        if praise:
            person_id, span = _credit(bundle, text, mentions[i], agent_list[i])
        scores = SentimentScores(*(round(float(x), 4) for x in sent[i]))
        label = SENTIMENT_LABELS[int(np.argmax(sent[i]))]
        out.append(
            Analysis(
                text=text,
                language=langs[i][0],
                language_confidence=langs[i][1],
                sentiment=label,
                sentiment_scores=scores,
                praise=praise,
                praise_confidence=round(float(praise_p[i]), 4),
                praised_person_id=person_id,
                praised_name=span,
                complaint=bool(complaint_p[i] >= t_complaint) and not empty,
                complaint_confidence=round(float(complaint_p[i]), 4),
                topics=topic_scores[i],
                mentions=tuple(mentions[i]),
                model_version=bundle.version,
            )
        )
    return out


def clause_spans(text: str) -> list[tuple[int, int]]:
    """The clauses of a text with more than one, as character ranges (commas and spaces
    at their edges left out); [] for a one-clause text."""
    clauses = _clauses(text)
    if len(clauses) < 2:
        return []
    out = []
    for a, b in clauses:
        part = text[a:b]
        lo = a + len(part) - len(part.lstrip(" ,"))
        hi = a + len(part.rstrip(" ,"))
        if hi > lo:
            out.append((lo, hi))
    return out or [(0, len(text))]


def clause_complaint(
    complaint: LinearHead,
    sentiment: LinearHead,
    texts: Sequence[str],
    spans: Sequence[Sequence[tuple[int, int]]],
    emb: F32,
) -> tuple[F32, npt.NDArray[np.int64]]:
    """P(complaint) of each clause (``emb``: the clause vectors of ``embed_spans``) and,
    for each, the text it belongs to."""
    units = [t[a:b] for t, ss in zip(texts, spans, strict=True) for a, b in ss]
    owner = np.asarray([i for i, ss in enumerate(spans) for _ in ss], np.int64)
    ufeats = hash_features(units)
    flags = np.array([[MENTION_FLAG_SCALE if "Alex" in u else 0.0] for u in units], np.float32)
    dense = binary_inputs(emb, flags, sentiment.proba(emb, ufeats))
    return complaint.proba(dense, ufeats)[:, 1], owner


def _complaint(
    bundle: Bundle,
    masked: list[str],
    spans: list[list[tuple[int, int]]],
    clause_emb: F32,
    dense: F32,
    feats: Sparse,
) -> F32:
    """P(complaint): the most complaining clause decides, so "lovely agent,
    but the refund never came" is a complaint without teaching the head that
    praise words mean complaint."""
    p = bundle.heads["complaint"].proba(dense, feats)[:, 1]
    if not len(clause_emb):
        return p
    heads = bundle.heads
    up, owner = clause_complaint(heads["complaint"], heads["sentiment"], masked, spans, clause_emb)
    multi = np.unique(owner)
    best = np.zeros(len(masked), np.float32)
    np.maximum.at(best, owner, up)
    p[multi] = best[multi]
    return p


def sentiment_proba(bundle: Bundle, logits: F32, langs: Sequence[str]) -> F32:
    """Sentiment probabilities from the head's logits, with the per-language offsets."""
    z = logits
    offsets = bundle.sentiment_offsets
    if offsets:
        default = offsets.get("*", (0.0, 0.0, 0.0))
        z = z + np.array([offsets.get(lang, default) for lang in langs], np.float32)
    return softmax(z)


def _people(agent: Person | None, colleagues: Sequence[Person]) -> list[Person]:
    people = [agent] if agent is not None else []
    seen = {agent.id} if agent is not None else set()
    for p in colleagues:
        if p.id not in seen:
            people.append(p)
            seen.add(p.id)
    return people


def _credit(
    bundle: Bundle, text: str, mentions: list[Mention], agent: Person | None
) -> tuple[int | str | None, NameSpan | None]:
    """Who is praised: the one person named, or, with several, the one whose
    clause reads most like praise; with nobody named, the credited agent."""
    agent_id = agent.id if agent is not None else None
    if not mentions:
        return agent_id, None
    distinct = list(dict.fromkeys(m.person_id for m in mentions))
    if len(distinct) == 1:
        m = next(m for m in mentions if m.exact) if any(m.exact for m in mentions) else mentions[0]
        return m.person_id, NameSpan(m.start, m.end, m.surface, m.exact)
    clauses = _clauses(text)
    best: tuple[float, int, Mention] | None = None
    clause_texts = []
    for m in mentions:
        lo, hi = next(((a, b) for a, b in clauses if a <= m.start < b), (0, len(text)))
        clause_texts.append(
            mask(text[lo:hi], [_shift(x, lo) for x in mentions if lo <= x.start < hi])
        )
    emb = embedding.embed(clause_texts)
    flags = np.ones((len(clause_texts), 1), np.float32) * MENTION_FLAG_SCALE
    feats = hash_features(clause_texts)
    dense = binary_inputs(emb, flags, bundle.heads["sentiment"].proba(emb, feats))
    p = bundle.heads["praise"].proba(dense, feats)[:, 1]
    for m, score in zip(mentions, p, strict=True):
        # ties go to the credited agent, then to the first-named person
        rank = (float(score), 1 if m.person_id == agent_id else 0, m)
        if best is None or rank[:2] > best[:2]:
            best = rank
    assert best is not None
    m = best[2]
    return m.person_id, NameSpan(m.start, m.end, m.surface, m.exact)


def _clauses(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for sep in _CLAUSE.finditer(text):
        if sep.start() > pos:
            out.append((pos, sep.start()))
        pos = sep.end()
    if pos < len(text):
        out.append((pos, len(text)))
    return out or [(0, len(text))]


def _shift(m: Mention, offset: int) -> Mention:
    return Mention(
        m.person_id,
        m.start - offset,
        m.end - offset,
        m.surface,
        m.exact,
        m.name_start - offset if m.name_start >= 0 else -1,
    )


def timed_load() -> float:
    """Seconds to load every model (for the evaluation script)."""
    t0 = time.perf_counter()
    warm_up()
    return time.perf_counter() - t0
