"""Behaviour of the offline text engine (pure pytest, no database).

Runs with or without pytest-django; nothing here asserts a timing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from everyweek.textsense.engine import (
    Analysis,
    LabelledExample,
    Person,
    Topic,
    analyse,
    analyse_many,
    retrain_heads,
    use_model_dir,
)
from everyweek.textsense.engine.models import PACKAGE_MODEL_DIR
from everyweek.textsense.engine.names import NameIndex

MIND = Person(id=11, name="ศิริพร จันทร์เพ็ญ", nicknames=["มายด์", "Mind"])
FON = Person(id=12, name="กนกวรรณ ทองดี", nicknames=["ฝน"])
BEER = Person(id=13, name="ปิยะพงษ์ ศรีสุข", nicknames=["เบียร์"])
GIULIA = Person(id=21, name="Giulia Bianchi")
MARCO = Person(id=22, name="Marco Esposito", nicknames=["Marchino"])
KRUEGER = Person(id=31, name="Matthias Krüger", nicknames=["Matze"])
ANNA = Person(id=32, name="Anna Schmidt")
JENNIFER = Person(id=41, name="Jennifer Walsh", nicknames=["Jen"])
ROB = Person(id=42, name="Robert Kowalski", nicknames=["Rob"])


def test_thai_nickname_praise_is_credited_to_the_right_colleague() -> None:
    r = analyse("ขอบคุณน้องมายด์มากค่ะ บริการดีมาก", agent=BEER, colleagues=[FON, MIND])
    assert r.language == "th"
    assert r.praise
    assert r.praised_person_id == MIND.id
    assert r.praised_name is not None
    assert r.praised_name.text == "น้องมายด์"
    assert r.text[r.praised_name.start : r.praised_name.end] == "น้องมายด์"
    assert r.sentiment == "positive"


def test_italian_praise_with_a_title() -> None:
    r = analyse(
        "Ringrazio la Sig.ra Bianchi per la pazienza e la competenza, davvero gentilissima.",
        agent=MARCO,
        colleagues=[GIULIA],
    )
    assert r.language == "it"
    assert r.praise
    assert r.praised_person_id == GIULIA.id
    assert r.praised_name is not None and r.praised_name.text == "Sig.ra Bianchi"


def test_german_praise_with_a_title() -> None:
    r = analyse(
        "Herr Krüger war sehr freundlich und hat mein Problem sofort gelöst.",
        agent=ANNA,
        colleagues=[KRUEGER],
    )
    assert r.language == "de"
    assert r.praise
    assert r.praised_person_id == KRUEGER.id


def test_misspelt_name_still_matches() -> None:
    r = analyse(
        "Jenifer was amazing, so patient and helpful. Thank you!", agent=ROB, colleagues=[JENNIFER]
    )
    assert r.praise
    assert r.praised_person_id == JENNIFER.id
    assert r.praised_name is not None and not r.praised_name.exact


def test_praise_without_a_name_credits_the_agent() -> None:
    r = analyse(
        "The lady on the phone was lovely and very patient with me.",
        agent=ROB,
        colleagues=[JENNIFER],
    )
    assert r.praise
    assert r.praised_person_id == ROB.id
    assert r.praised_name is None


def test_praise_of_the_company_only_is_not_praise_of_a_person() -> None:
    r = analyse("Great company, the app is easy to use and delivery was fast.", agent=ROB)
    assert not r.praise
    assert r.praised_person_id is None
    assert r.sentiment == "positive"


def test_complaint_is_detected() -> None:
    r = analyse(
        "I waited fifty minutes on hold and my refund still hasn't arrived. Unacceptable.",
        agent=ROB,
    )
    assert r.complaint
    assert not r.praise
    assert r.sentiment == "negative"


def test_a_named_person_who_is_criticised_is_not_praised() -> None:
    r = analyse("Rob was rude and hung up on me twice.", agent=ROB)
    assert not r.praise
    assert r.complaint
    assert [m.person_id for m in r.mentions] == [ROB.id]


def test_short_thai_nickname_needs_an_honorific() -> None:
    # ฝน means rain: a bare occurrence is not a mention of Fon
    index = NameIndex([FON])
    assert index.find("ฝนตกหนักมาก ของเปียกหมด") == []
    assert [m.person_id for m in index.find("ขอบคุณพี่ฝนนะคะ")] == [FON.id]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t ",
        "🙂🙂🙂👍",
        "x" * 100_000,
        "great service " * 7_000,
        b"\xff\xfe\x00\x81garbage\x00\xc3",
        "bad \ud800 surrogate \udfff",
        "\x00\x01\x02",
        None,
        12345,
    ],
)
def test_odd_input_gives_a_clean_result(text: object) -> None:
    r = analyse(text, agent=ROB, colleagues=[JENNIFER])
    assert isinstance(r, Analysis)
    assert r.sentiment in {"negative", "neutral", "positive"}
    total = r.sentiment_scores.negative + r.sentiment_scores.neutral + r.sentiment_scores.positive
    assert total == pytest.approx(1.0, abs=1e-3)
    assert 0.0 <= r.praise_confidence <= 1.0
    assert 0.0 <= r.complaint_confidence <= 1.0
    assert len(r.text) <= 2000
    r.text.encode("utf-8")  # no lone surrogates left


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂", "ok merci", "super", "top!", "grazie"])
def test_too_little_text_is_unknown_language(text: str) -> None:
    r = analyse(text)
    assert r.language == "unknown"
    if not text.strip():
        assert not r.praise and not r.complaint and r.sentiment == "neutral"


def test_thai_is_recognised_by_script_even_when_short() -> None:
    assert analyse("ดีมาก").language == "th"
    assert analyse("โทรไปเปลี่ยนที่อยู่ OK").language == "th"


def test_language_of_ordinary_comments() -> None:
    got = [
        r.language
        for r in analyse_many(
            [
                "The engineer arrived on time and fixed everything quickly.",
                "Il tecnico è arrivato puntuale e ha risolto tutto velocemente.",
                "Der Techniker kam pünktlich und hat alles schnell repariert.",
                "Le technicien est arrivé à l'heure et a tout réparé rapidement.",
                "El técnico llegó puntual y lo arregló todo rápidamente.",
                "O técnico chegou na hora e resolveu tudo rapidamente.",
            ]
        )
    ]
    assert got == ["en", "it", "de", "fr", "es", "pt"]


def test_topics_report_the_nearest_example() -> None:
    topics = [
        Topic("waiting_time", ["long wait on hold", "attesa lunga"]),
        Topic("billing", ["wrong invoice", "charged twice"]),
        Topic("delivery", ["parcel arrived late", "pacco in ritardo"]),
    ]
    r = analyse("Ho dovuto aspettare un'ora in attesa prima di parlare con qualcuno", topics=topics)
    assert r.topics, "expected at least one topic"
    assert r.topics[0].key == "waiting_time"
    assert r.topics[0].nearest_example in {"long wait on hold", "attesa lunga"}
    assert all(a.score >= b.score for a, b in zip(r.topics, r.topics[1:], strict=False))
    r = analyse("You charged me twice this month", topics=topics)
    assert r.topics[0].key == "billing"
    assert r.topics[0].nearest_example == "charged twice"


def test_batch_matches_single_and_takes_one_agent_per_text() -> None:
    texts = ["Thank you Jen, you were brilliant!", "Thank you Rob, you were brilliant!"]
    batch = analyse_many(texts, agents=[JENNIFER, ROB], colleagues=[JENNIFER, ROB])
    assert [r.praised_person_id for r in batch] == [JENNIFER.id, ROB.id]
    single = analyse(texts[0], agent=JENNIFER, colleagues=[ROB])
    assert single.praise == batch[0].praise
    assert single.sentiment_scores == pytest.approx(batch[0].sentiment_scores)
    with pytest.raises(ValueError):
        analyse_many(texts, agents=[ROB])


def test_model_version_comes_from_the_shipped_manifest() -> None:
    manifest = json.loads((PACKAGE_MODEL_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert analyse("ok").model_version == manifest["version"]
    for name in ("sentiment", "praise", "complaint"):
        assert (PACKAGE_MODEL_DIR / f"{name}.npz").exists()
    assert not list(PACKAGE_MODEL_DIR.glob("*.pkl"))


def test_retrain_heads_writes_a_new_version_and_keeps_the_old(tmp_path: Path) -> None:
    before = analyse("ok").model_version
    corrections = [
        LabelledExample(
            "Il fattorino Beppe è stato un angelo",
            praise=True,
            complaint=False,
            sentiment="positive",
        ),
        LabelledExample("Servizio lento ma almeno cortese", complaint=True),
    ]
    new_dir = retrain_heads(corrections, out_root=tmp_path, base_examples_per_lang=25)
    assert new_dir.parent == tmp_path
    assert (new_dir / "manifest.json").exists()
    assert (PACKAGE_MODEL_DIR / "manifest.json").exists()
    try:
        use_model_dir(new_dir)
        after = analyse("ok")
        assert after.model_version != before
        assert after.model_version.startswith(before.split("+")[0])
    finally:
        use_model_dir(None)
    assert analyse("ok").model_version == before


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [
        ("🙂🙂🙂", "positive"),
        ("👍👍", "positive"),
        ("❤️ 😍", "positive"),
        ("😡😡", "negative"),
        ("👎", "negative"),
        (":(", "negative"),
        ("🙂😡", "neutral"),
        ("!!! ??? ...", "neutral"),
        ("", "neutral"),
        ("12345 678", "neutral"),
    ],
)
def test_texts_without_words_are_read_from_their_emoji(text: str, sentiment: str) -> None:
    r = analyse(text, agent=ROB, colleagues=[JENNIFER])
    assert r.sentiment == sentiment
    assert not r.complaint and r.complaint_confidence == 0.0
    assert not r.praise and r.praised_person_id is None
    assert r.language == "unknown"


def test_binary_noise_is_never_a_complaint_or_praise() -> None:
    noise = bytes(range(128, 256)) * 40
    r = analyse(noise, agent=ROB)
    assert not r.complaint and not r.praise
    assert r.sentiment == "neutral"


def test_emoji_next_to_words_still_go_through_the_models() -> None:
    r = analyse("The refund never arrived and nobody answers my emails 😡", agent=ROB)
    assert r.complaint
    assert r.sentiment == "negative"
    batch = analyse_many(["🙂🙂🙂", "The refund never arrived and nobody answers my emails 😡"])
    assert [x.complaint for x in batch] == [False, True]
