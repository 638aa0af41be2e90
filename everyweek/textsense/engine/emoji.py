"""Sentiment of texts without words (emoji, symbols, nothing) from a small emoji table.

The learnt heads need words: on "🙂🙂🙂", "!!!" or a run of replacement characters they
return noise (an emoji-only text once came back as a complaint). A text with fewer than
``MIN_LETTERS`` letters is judged here instead: never praise, never a complaint, and a
sentiment read from the emoji it contains (neutral when there are none).
"""

from __future__ import annotations

import re

# Fewer letters than this and the text has no words to judge ("🙂", "!!!", "ok" has 2).
MIN_LETTERS = 2
_LETTER = re.compile(r"[^\W\d_]")

# Polarity of common emoji (and a few ASCII faces): +1 positive, -1 negative.
_POSITIVE = (
    "🙂😀😃😄😁😆😊☺😇🥰😍🤩😘😗😙😚😋😎🤗👍👏🙌💪🙏👌✌🤝💯🎉🥳✨⭐🌟🏆🥇"
    "❤🧡💛💚💙💜🤍💖💗💓💞💕💘💝♥😻😸😹😂🤣"
)
_NEGATIVE = "🙁☹😞😟😠😡🤬😤😢😭😩😫😖😣😒🙄😑😐😕😔😿💔👎🤮🤢😷💩😱😨😰😓😬🥺😾🖕"
_FACES = {":)": 1, ":-)": 1, ":D": 1, ";)": 1, "<3": 1, ":(": -1, ":-(": -1, ":'(": -1}
_TABLE = {c: 1 for c in _POSITIVE} | {c: -1 for c in _NEGATIVE}
# 😐 and 😑 read as mild displeasure in support feedback; keep them negative but weak
_WEIGHT = {"😐": 0.5, "😑": 0.5, "😂": 0.5, "🤣": 0.5}


def is_wordless(text: str) -> bool:
    """True when the text has no words the models could read."""
    letters = len(_LETTER.findall(text))
    if letters < MIN_LETTERS:
        return True
    # undecodable input (binary sent as text) is mostly U+FFFD with stray "letters"
    return text.count("\ufffd") > letters


def emoji_sentiment(text: str) -> tuple[float, float, float]:
    """(negative, neutral, positive) probabilities from the emoji and faces in ``text``."""
    pos = neg = 0.0
    for ch in text:
        polarity = _TABLE.get(ch)
        if polarity is None:
            continue
        w = _WEIGHT.get(ch, 1.0)
        if polarity > 0:
            pos += w
        else:
            neg += w
    for face, polarity in _FACES.items():
        k = text.count(face)
        if polarity > 0:
            pos += k
        else:
            neg += k
    if pos == neg:  # none, or as many of each: no evidence either way
        return (0.1, 0.8, 0.1) if pos == 0 else (0.3, 0.4, 0.3)
    total = pos + neg
    lean = max(pos, neg) / total  # 0.5 .. 1
    strong = min(0.85, 0.45 + 0.4 * lean * min(total, 3) / 3 + 0.1)
    weak = (1.0 - strong) * (1.0 - lean) + 0.05
    neutral = 1.0 - strong - weak
    return (weak, neutral, strong) if pos > neg else (strong, neutral, weak)
