"""Find mentions of known people (the credited agent and colleagues) in text.

Matches first names, surnames, full names and nicknames, after an optional
title ("Sig.ra", "Frau", "Mr", Thai "น้อง"/"พี่"/"คุณ"), tolerating small
misspellings. Thai has no spaces between words, so Thai names are found as
substrings; short Thai nicknames (which are often ordinary words: ฝน "rain",
ต้น "tree") only count right after a Thai honorific.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz.distance import OSA


@dataclass(frozen=True, slots=True)
class Person:
    """Someone who may be praised. ``id`` is whatever the caller uses."""

    id: int | str
    name: str
    nicknames: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Mention:
    person_id: int | str
    start: int  # character offsets in the analysed text, title included
    end: int
    surface: str
    exact: bool
    name_start: int = -1  # where the name itself starts (after any title)


TITLES: frozenset[str] = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "sir",
        "madam",
        "madame",
        "mme",
        "mlle",
        "monsieur",
        "m",
        "mademoiselle",
        "sig",
        "sigra",
        "signora",
        "signor",
        "signore",
        "signorina",
        "signa",
        "dott",
        "dottssa",
        "dottoressa",
        "dottor",
        "ing",
        "avv",
        "prof",
        "geom",
        "rag",
        "frau",
        "herr",
        "hr",
        "fr",
        "fräulein",
        "frl",
        "sr",
        "sra",
        "srta",
        "señor",
        "señora",
        "señorita",
        "don",
        "doña",
        "dña",
        "srs",
    ]
)
THAI_TITLES: tuple[str, ...] = ("น้อง", "พี่", "คุณ", "นาย", "นางสาว", "นาง", "เจ๊", "เฮีย", "ป้า", "ลุง")

# Names that are also everyday words: only trusted when capitalised or after
# a title, so "the bill was wrong" is not a mention of Bill.
COMMON_WORDS: frozenset[str] = frozenset(
    [
        "bill",
        "will",
        "max",
        "grace",
        "rose",
        "mark",
        "may",
        "june",
        "hope",
        "joy",
        "faith",
        "rich",
        "sandy",
        "pat",
        "sue",
        "art",
        "ray",
        "don",
        "sunny",
        "summer",
        "august",
        "angel",
        "dash",
        "chase",
        "drew",
        "gene",
        "jack",
        "lou",
        "lu",
        "miles",
        "nick",
        "page",
        "penny",
        "rob",
        "robin",
        "rusty",
        "sky",
        "star",
        "victor",
        "viola",
        "vale",
        "fede",
        "fra",
        "ste",
        "dado",
        "marti",
        "isa",
        "elo",
        "ale",
        "ju",
        "matt",
        "tom",
        "hanna",
        "flo",
        "susi",
        "soph",
        "em",
        "jen",
        "ollie",
        "dan",
        "rosa",
        "pia",
        "mara",
        "bea",
        "sol",
        "luz",
        "paz",
        "angeles",
        "pilar",
        "dolores",
        "amparo",
    ]
)

_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['\u2019\-.](?=[^\W\d_]))*")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_NAME_SPLIT = re.compile(r"[\s]+")


def fold(s: str) -> str:
    """Case- and accent-insensitive key ("Müller" -> "muller")."""
    s = unicodedata.normalize("NFKD", s.casefold())
    s = "".join(ch for ch in s if not unicodedata.combining(ch) or _THAI.match(ch))
    return s.replace("\u2019", "'").replace(".", "")


def _is_thai(s: str) -> bool:
    return bool(_THAI.search(s))


@dataclass(frozen=True, slots=True)
class _Form:
    person_id: int | str
    tokens: tuple[str, ...]  # folded tokens of this form
    priority: int  # lower wins ties: full name < first/last < nickname


class NameIndex:
    """Precomputed lookup over a set of people; build once per call."""

    def __init__(self, people: Iterable[Person]) -> None:
        self.people = list(people)
        self.latin: dict[str, list[_Form]] = {}  # first folded token -> forms
        self.latin_single: list[tuple[str, _Form]] = []
        self.thai: list[tuple[str, _Form]] = []
        for person in self.people:
            for form, prio in _forms(person):
                if _is_thai(form):
                    self.thai.append((form, _Form(person.id, (form,), prio)))
                    continue
                toks = tuple(fold(t) for t in _TOKEN.findall(form))
                if not toks or (len(toks) == 1 and len(toks[0]) < 2):
                    continue
                f = _Form(person.id, toks, prio)
                self.latin.setdefault(toks[0], []).append(f)
                if len(toks) == 1:
                    self.latin_single.append((toks[0], f))

    def find(self, text: str) -> list[Mention]:
        if not self.people or not text:
            return []
        found = self._find_latin(text) + self._find_thai(text)
        return _dedupe(found)

    def _find_latin(self, text: str) -> list[Mention]:
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        folded = [fold(t) for _, _, t in tokens]
        out: list[Mention] = []
        i = 0
        while i < len(tokens):
            start, _, raw = tokens[i]
            titled = i > 0 and folded[i - 1] in TITLES
            title_start = tokens[i - 1][0] if titled else start
            best = self._match_at(folded, i)
            if best is not None:
                form, n = best
                ok = (
                    len(form.tokens) > 1
                    or titled
                    or folded[i] not in COMMON_WORDS
                    or raw[:1].isupper()
                )
                if ok:
                    end = tokens[i + n - 1][1]
                    out.append(
                        Mention(
                            form.person_id, title_start, end, text[title_start:end], True, start
                        )
                    )
                    i += n
                    continue
            fuzzy = self._fuzzy(folded[i], raw, titled)
            if fuzzy is not None:
                end = tokens[i][1]
                out.append(
                    Mention(fuzzy.person_id, title_start, end, text[title_start:end], False, start)
                )
            i += 1
        return out

    def _match_at(self, folded: list[str], i: int) -> tuple[_Form, int] | None:
        best: tuple[_Form, int] | None = None
        for form in self.latin.get(folded[i], ()):
            n = len(form.tokens)
            if tuple(folded[i : i + n]) == form.tokens and (
                best is None or n > best[1] or (n == best[1] and form.priority < best[0].priority)
            ):
                best = (form, n)
        return best

    def _fuzzy(self, tok: str, raw: str, titled: bool) -> _Form | None:
        # Misspellings only for name-like tokens: capitalised or after a title,
        # and long enough that one edit is not a different common word.
        if len(tok) < 4 or not (titled or raw[:1].isupper()):
            return None
        best: _Form | None = None
        best_d = 99
        for cand, form in self.latin_single:
            if (
                len(cand) < 4
                or abs(len(cand) - len(tok)) > 2
                or (cand[0] != tok[0] and len(cand) < 6)
            ):
                continue
            limit = 1 if len(cand) < 7 else 2
            d = OSA.distance(tok, cand, score_cutoff=limit)
            if d <= limit and (
                d < best_d or (d == best_d and best and form.priority < best.priority)
            ):
                best, best_d = form, d
        return best

    def _find_thai(self, text: str) -> list[Mention]:
        if not self.thai or not _is_thai(text):
            return []
        out: list[Mention] = []
        for name, form in self.thai:
            for m in re.finditer(re.escape(name), text):
                title = _thai_title_before(text, m.start())
                if len(name) < 4 and title is None:
                    continue
                start = m.start() - len(title) if title else m.start()
                out.append(
                    Mention(form.person_id, start, m.end(), text[start : m.end()], True, m.start())
                )
        # misspelt Thai names right after an honorific ("น้องมาย" for มายด์):
        # compare with tone marks and silent letters removed.
        for title in THAI_TITLES:
            for m in re.finditer(re.escape(title), text):
                pos = m.end()
                while pos < len(text) and text[pos] == " ":
                    pos += 1
                for name, form in self.thai:
                    key = thai_key(name)
                    if len(key) < 3:
                        continue
                    limit = 0 if len(key) < 5 else 1
                    best: tuple[int, int, int] | None = None
                    for size in range(max(1, len(name) - 2), len(name) + 2):
                        cand = text[pos : pos + size]
                        if len(cand) < size:
                            break
                        d = OSA.distance(thai_key(cand), key, score_cutoff=limit)
                        if d <= limit and (best is None or (d, abs(size - len(name))) < best[:2]):
                            best = (d, abs(size - len(name)), size)
                    if best is not None:
                        end = pos + best[2]
                        surface = text[m.start() : end]
                        out.append(
                            Mention(
                                form.person_id, m.start(), end, surface, surface.endswith(name), pos
                            )
                        )
        return out


_THAI_SILENT = re.compile(r"[\u0e01-\u0e2e][\u0e34\u0e38]?\u0e4c|[\u0e48-\u0e4b\u0e47]")


def thai_key(s: str) -> str:
    """Thai spelling key: drop tone marks and silent (thanthakhat) letters."""
    return _THAI_SILENT.sub("", s)


def _thai_title_before(text: str, pos: int) -> str | None:
    head = text[:pos].rstrip(" ")
    for title in THAI_TITLES:
        if head.endswith(title):
            return text[len(head) - len(title) : pos]
    return None


def _forms(person: Person) -> list[tuple[str, int]]:
    name = person.name.strip()
    out: list[tuple[str, int]] = []
    if name:
        out.append((name, 0))
        parts = [p for p in _NAME_SPLIT.split(name) if p]
        if len(parts) > 1:
            out.append((parts[0], 1))
            out.append((" ".join(parts[1:]), 1))
            out.append((parts[-1], 2))
            if len(parts) > 2:
                out.append((" ".join(parts[:-1]), 1))  # "María José"
    for nick in person.nicknames:
        if nick and nick.strip():
            out.append((nick.strip(), 2))
    return out


def _dedupe(found: list[Mention]) -> list[Mention]:
    """Keep the longest, exact-first mention where spans overlap."""
    found.sort(key=lambda m: (m.start, -(m.end - m.start), not m.exact))
    out: list[Mention] = []
    for m in found:
        if out and m.start < out[-1].end:
            prev = out[-1]
            if (m.end - m.start, m.exact) > (prev.end - prev.start, prev.exact):
                out[-1] = m
            continue
        out.append(m)
    return out


def mask(text: str, mentions: Sequence[Mention], placeholder: str = "Alex") -> str:
    """Replace each mentioned name (not its title) by one neutral name, so the praise model learns
    "a person is named here" rather than particular names."""
    if not mentions:
        return text
    parts: list[str] = []
    pos = 0
    for m in sorted(mentions, key=lambda m: m.start):
        start = m.name_start if m.name_start >= 0 else m.start
        if start < pos:
            continue
        parts.append(text[pos:start])
        parts.append(placeholder)
        pos = m.end
    parts.append(text[pos:])
    return "".join(parts)
