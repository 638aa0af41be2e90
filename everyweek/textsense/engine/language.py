"""Language identification: Thai by script, the rest by py3langid restricted
to the languages the product serves; too little evidence gives "unknown"."""

from __future__ import annotations

import re
import threading
from typing import Any

import numpy as np

from .models import PACKAGE_MODEL_DIR

# The product's languages; the language-id model also knows a few more so
# that, say, a Polish comment is not forced into one of these.
LANGUAGES: tuple[str, ...] = ("en", "it", "de", "fr", "es", "pt", "th")
UNKNOWN = "unknown"

# Below these a guess is mostly noise ("ok merci", "super", "top"): say so.
MIN_LETTERS = 12
MIN_WORDS = 3
MIN_CONFIDENCE = 0.60

_THAI = re.compile(r"[\u0e00-\u0e7f]")
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]{2,}")

_lock = threading.Lock()
_identifier: Any = None


def _get_identifier() -> Any:
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                _identifier = _load()
    return _identifier


def _load() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    path = PACKAGE_MODEL_DIR / "langid.npz"
    if not path.exists():  # before the first training run: the full model
        ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        ident.set_languages([lang for lang in LANGUAGES if lang != "th"])
        return ident
    from py3langid.modelio import _to_array

    # the same arrays py3langid ships, cut to our languages by the training
    # script and stored as a plain npz, which opens ~15x faster
    with np.load(path, allow_pickle=False) as z:
        return LanguageIdentifier(
            np.asarray(z["ptc"]),
            np.asarray(z["pc"]),
            [str(c) for c in z["classes"]],
            _to_array(z["nextmove"]),
            z["out_feat"].tolist(),
            norm_probs=True,
            tk_row=_to_array(z["nextmove_row"]),
        )


def warm_up() -> None:
    _get_identifier()


def detect(text: str) -> tuple[str, float]:
    """Return (ISO 639-1 code or "unknown", confidence in [0, 1])."""
    letters = _LETTER.findall(text)
    if not letters:
        return UNKNOWN, 0.0
    thai = len(_THAI.findall(text))
    # Thai has its own script; a Thai comment with a few Latin words
    # (brand names, "ok") is still Thai.
    if thai >= 2 and thai / len(letters) >= 0.3:
        return "th", round(min(1.0, 0.5 + thai / len(letters) / 2), 3)
    if len(letters) < MIN_LETTERS or len(_WORD.findall(text)) < MIN_WORDS:
        return UNKNOWN, 0.0
    lang, conf = _get_identifier().classify(text)
    conf = float(conf)
    if conf < MIN_CONFIDENCE:
        return UNKNOWN, round(conf, 3)
    return str(lang), round(conf, 3)
