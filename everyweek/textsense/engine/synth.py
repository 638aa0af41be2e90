"""Turn the hand-written feedback data into labelled examples.

``{agent}`` / ``{colleague}`` placeholders are filled with the many ways a
customer writes a name: first name, full name, nickname, title + surname,
Thai honorific + nickname, lower case, small misspellings. Training and
evaluation use disjoint name lists (``data/names.json``), and the evaluation
sentences are a separate hand-written file, never these fragments.
"""

from __future__ import annotations

import json
import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .names import Person

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
FEEDBACK_LANGS = ("en", "it", "de", "fr", "es", "th")

_TITLES: dict[str, dict[str, list[str]]] = {
    "en": {"m": ["Mr", "Mr.", "Sir"], "f": ["Ms", "Mrs", "Miss", "Ms."]},
    "it": {
        "m": ["Sig.", "il signor", "Dott.", "signor"],
        "f": ["Sig.ra", "la signora", "Dott.ssa", "signora"],
    },
    "de": {"m": ["Herr", "Herrn", "Hr."], "f": ["Frau", "Fr."]},
    "fr": {"m": ["M.", "Monsieur", "monsieur"], "f": ["Mme", "Madame", "madame", "Mlle"]},
    "es": {"m": ["Sr.", "don", "el señor"], "f": ["Sra.", "doña", "la señora", "Srta."]},
}
_THAI_PREFIXES = ["น้อง", "น้อง", "น้อง", "พี่", "คุณ"]


@dataclass(frozen=True, slots=True)
class Example:
    text: str  # with real names filled in
    lang: str
    praise: int
    complaint: int
    sentiment: str | None  # "negative" / "neutral" / "positive" / None (mixed)
    people: tuple[Person, ...]  # agent first, then colleagues
    credited_id: int | str | None  # whom the praise goes to (None: no praise)
    single: bool = True  # one fragment (one clause), not a composition of two


def load_json(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def people_from_names(
    split: str, lang: str, id_base: int = 0
) -> list[tuple[Person, str, dict[str, Any]]]:
    """(Person, gender, raw record) for each invented name of a split."""
    out = []
    for i, rec in enumerate(load_json("names.json")[split][lang]):
        person = Person(
            id=id_base + i,
            name=f"{rec['first']} {rec['last']}",
            nicknames=tuple(rec.get("nicknames", ())),
        )
        out.append((person, rec.get("gender", "f"), rec))
    return out


def misspell(name: str, rng: random.Random) -> str:
    """One small, realistic typo."""
    if any("\u0e00" <= ch <= "\u0e7f" for ch in name):
        # Thai: drop a tone mark or silent letter, else a vowel sign
        for mark in ("\u0e4c", "\u0e48", "\u0e49", "\u0e4a", "\u0e4b"):
            if mark in name:
                i = name.index(mark)
                cut = i - 1 if mark == "\u0e4c" else i
                return name[:cut] + name[i + 1 :]
        return name
    if len(name) < 5:
        return name
    kind = rng.randrange(4)
    i = rng.randrange(1, len(name) - 2)
    if kind == 0:  # swap neighbours
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == 1:  # drop a letter
        return name[:i] + name[i + 1 :]
    if kind == 2:  # double a letter
        return name[:i] + name[i] + name[i:]
    stripped = "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    )
    if stripped != name:
        return stripped
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def surface(
    person: Person,
    gender: str,
    rec: dict[str, Any],
    lang: str,
    rng: random.Random,
    typo_p: float = 0.12,
) -> str:
    """One way a customer might write this person's name."""
    first, last = str(rec["first"]), str(rec["last"])
    nicks = list(person.nicknames)
    if lang == "th":
        latin = [n for n in nicks if n.isascii()]
        thai_nicks = [n for n in nicks if not n.isascii()]
        r = rng.random()
        if r < 0.55 and thai_nicks:
            name = rng.choice(thai_nicks)
            if rng.random() < typo_p:
                name = misspell(name, rng)
            return rng.choice(_THAI_PREFIXES) + name
        if r < 0.7 and latin:
            return rng.choice(_THAI_PREFIXES) + rng.choice(["", " "]) + rng.choice(latin)
        if r < 0.9:
            name = misspell(first, rng) if rng.random() < typo_p else first
            return "คุณ" + name
        return f"คุณ{first} {last}"
    r = rng.random()
    if r < 0.35:
        name = first
    elif r < 0.5:
        name = f"{first} {last}"
    elif r < 0.62 and nicks:
        name = rng.choice(nicks)
    elif r < 0.85:
        name = f"{rng.choice(_TITLES[lang][gender])} {last}"
    else:
        name = first
    if rng.random() < typo_p:
        parts = name.split(" ")
        j = rng.randrange(len(parts))
        if len(parts[j]) >= 5:
            parts[j] = misspell(parts[j], rng)
        name = " ".join(parts)
    if rng.random() < 0.1:
        name = name.lower()
    return name


def _join(lang: str, a: str, b: str, connector: str) -> str:
    a = a.rstrip()
    if lang == "th":
        return f"{a} {connector}{b}" if connector else f"{a} {b}"
    if connector:
        a = a.rstrip(".!")
        b = b[:1].lower() + b[1:] if not b[:2].isupper() and not b.startswith("{") else b
        return f"{a}, {connector} {b}"
    return f"{a} {b}"


def _dress(lang: str, text: str, frag: dict[str, Any], rng: random.Random) -> str:
    opener = rng.choice(frag["openers"])
    closer = rng.choice(frag["closers"])
    sep = " "
    if opener:
        if opener.endswith(",") and text[:1].isupper() and not text[1:2].isupper():
            text = text[:1].lower() + text[1:]
        text = f"{opener}{sep}{text}"
    if closer:
        text = f"{text}{sep}{closer}"
    if rng.random() < 0.15:
        text = text.lower()
    if rng.random() < 0.1:
        text = text.rstrip(".!")
    return text


_CONTENT = (
    "praise_named",
    "praise_unnamed",
    "praise_company",
    "complaint",
    "complaint_named",
    "neutral",
    "neutral_named",
    "sarcasm",
    "mixed",
)


def compose_train(
    rng: random.Random,
    per_lang: int = 520,
    langs: Sequence[str] = FEEDBACK_LANGS,
    part: tuple[str, int] | None = None,
) -> list[Example]:
    """Seeded composition of the training fragments (see module docstring).

    ``part=("holdout", k)`` uses only every k-th fragment of each category and
    ``("train", k)`` the others, so thresholds can be chosen on sentences the
    fitted head has never seen.
    """
    frags = load_json("feedback_train_fragments.json")
    out: list[Example] = []
    for li, lang in enumerate(langs):
        frag = frags[lang]
        pool = people_from_names("train", lang, id_base=1000 * (li + 1))
        cats = {k: frag[k] for k in frag if isinstance(frag[k], list)}
        if part is not None:
            which, k = part
            for key in _CONTENT:
                cats[key] = [
                    x for i, x in enumerate(cats[key]) if (i % k == 0) == (which == "holdout")
                ]
        recipes: list[tuple[str, float]] = [
            ("praise_named", 0.18),
            ("praise_unnamed", 0.07),
            ("praise_company", 0.1),
            ("complaint", 0.13),
            ("complaint_named", 0.09),
            ("neutral", 0.05),
            ("neutral_named", 0.07),
            ("sarcasm", 0.05),
            ("mixed", 0.04),
            ("company+named", 0.05),
            ("complaint+named", 0.06),
            ("named+complaint", 0.05),
            ("company+complaint", 0.05),
            ("neutral+named", 0.04),
            ("named_colleague", 0.04),
        ]
        names, weights = zip(*recipes, strict=True)
        for _ in range(per_lang):
            recipe = rng.choices(names, weights)[0]
            out.append(_compose_one(lang, recipe, cats, frag, pool, rng))
    return out


def _compose_one(
    lang: str,
    recipe: str,
    cats: dict[str, list[Any]],
    frag: dict[str, Any],
    pool: list[tuple[Person, str, dict[str, Any]]],
    rng: random.Random,
) -> Example:
    picks = rng.sample(range(len(pool)), k=min(4, len(pool)))
    agent, agent_g, agent_rec = pool[picks[0]]
    colleagues = [pool[i][0] for i in picks[1:]]
    col, col_g, col_rec = pool[picks[1]]
    praise = complaint = 0
    sentiment: str | None
    credited: int | str | None = None
    target = "agent"
    if recipe == "mixed":
        text, praise, complaint = rng.choice(cats["mixed"])
        sentiment = None
    elif recipe in ("praise_named", "praise_unnamed", "named_colleague"):
        key = "praise_unnamed" if recipe == "praise_unnamed" else "praise_named"
        text, praise, sentiment = rng.choice(cats[key]), 1, "positive"
        if recipe == "named_colleague":
            target = "colleague"
    elif recipe == "praise_company":
        text, sentiment = rng.choice(cats["praise_company"]), "positive"
    elif recipe in ("complaint", "sarcasm", "complaint_named"):
        text, complaint, sentiment = rng.choice(cats[recipe]), 1, "negative"
    elif recipe in ("neutral", "neutral_named"):
        text, sentiment = rng.choice(cats[recipe]), "neutral"
    elif recipe == "company+named":
        a, b = rng.choice(cats["praise_company"]), rng.choice(cats["praise_named"])
        text, praise, sentiment = _join(lang, a, b, rng.choice(frag["and"])), 1, "positive"
    elif recipe == "complaint+named":
        a, b = (
            rng.choice(cats["complaint"]),
            rng.choice(cats["praise_named"] + cats["praise_unnamed"]),
        )
        text, praise, complaint, sentiment = _join(lang, a, b, rng.choice(frag["but"])), 1, 1, None
    elif recipe == "named+complaint":
        a, b = rng.choice(cats["praise_named"]), rng.choice(cats["complaint"])
        text, praise, complaint, sentiment = _join(lang, a, b, rng.choice(frag["but"])), 1, 1, None
    elif recipe == "company+complaint":
        a, b = rng.choice(cats["praise_company"]), rng.choice(cats["complaint"])
        text, complaint, sentiment = _join(lang, a, b, rng.choice(frag["but"])), 1, "negative"
    else:  # neutral+named
        a, b = rng.choice(cats["neutral"]), rng.choice(cats["praise_named"])
        text, praise, sentiment = _join(lang, a, b, ""), 1, "positive"
    text = _dress(lang, text, frag, rng)
    if "{agent}" in text:
        if target == "colleague":
            text = text.replace("{agent}", surface(col, col_g, col_rec, lang, rng))
        else:
            text = text.replace("{agent}", surface(agent, agent_g, agent_rec, lang, rng))
    if praise:
        credited = col.id if target == "colleague" and "{" not in text else agent.id
    return Example(
        text=text,
        lang=lang,
        praise=int(praise),
        complaint=int(complaint),
        sentiment=sentiment,
        people=(agent, *colleagues),
        credited_id=credited,
        single=recipe not in _COMPOUND,
    )


_COMPOUND = frozenset(
    {
        "mixed",
        "company+named",
        "complaint+named",
        "named+complaint",
        "company+complaint",
        "neutral+named",
    }
)


def load_eval(rng: random.Random, variants: int = 2) -> list[Example]:
    """The separately written evaluation set, names from the eval list.

    Each sentence is instantiated ``variants`` times with different people
    and name spellings, so attribution is tested on several surface forms.
    """
    rows = [
        json.loads(line)
        for line in (DATA_DIR / "feedback_eval.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    out: list[Example] = []
    for row in rows:
        lang = row["lang"]
        pool = people_from_names("eval", lang, id_base=9000 + 100 * FEEDBACK_LANGS.index(lang))
        n = variants if ("{agent}" in row["text"] or "{colleague}" in row["text"]) else 1
        for _ in range(n):
            picks = rng.sample(range(len(pool)), k=min(4, len(pool)))
            agent, ag, arec = pool[picks[0]]
            col, cg, crec = pool[picks[1]]
            text = row["text"]
            text = text.replace("{agent}", surface(agent, ag, arec, lang, rng))
            text = text.replace("{colleague}", surface(col, cg, crec, lang, rng))
            credited: int | str | None = None
            if row["praise"]:
                credited = col.id if row.get("credit") == "colleague" else agent.id
            out.append(
                Example(
                    text=text,
                    lang=lang,
                    praise=int(row["praise"]),
                    complaint=int(row["complaint"]),
                    sentiment=row.get("sentiment"),
                    people=(agent, *(pool[i][0] for i in picks[1:])),
                    credited_id=credited,
                )
            )
    return out
