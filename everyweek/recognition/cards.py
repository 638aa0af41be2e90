"""The customer's words as a card the agent can keep: a PNG drawn with Pillow.

The font must cover Thai as well as Latin script, or Thai praise becomes empty boxes.
fontconfig is asked for a font covering the quote's language; known Thai-capable files follow.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import textwrap
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FALLBACK_FONTS = [
    "/usr/share/fonts/truetype/tlwg/Loma.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
]
WIDTH, HEIGHT = 1200, 675


@lru_cache(maxsize=8)
def font_path(language: str = "th") -> str | None:
    """A TrueType file covering `language` (Thai by default, which also covers Latin)."""
    fc_match = shutil.which("fc-match")
    if fc_match:
        try:
            found = subprocess.run(  # noqa: S603
                [fc_match, "-f", "%{file}", f":lang={language or 'th'}"],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found.endswith((".ttf", ".otf")) and Path(found).exists():
            return found
    for candidate in FALLBACK_FONTS:
        if Path(candidate).exists():
            return candidate
    return None


def load_font(size: int, language: str = "th") -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # A Thai font from fontconfig also covers Latin; one font keeps mixed quotes consistent.
    path = font_path("th")
    if path is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(path, size)


def _wrap(quote: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in quote.splitlines() or [""]:
        # Thai has no spaces between words; wrap long runs by characters.
        lines.extend(textwrap.wrap(paragraph, width=width, break_long_words=True) or [""])
    return lines


def render_card(*, quote: str, agent_name: str, caption: str, language: str = "") -> bytes:
    """A 1200x675 PNG: the quote, the agent's name, and a caption in the agent's language."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "#fdf6e3")
    draw = ImageDraw.Draw(image)
    draw.rectangle([24, 24, WIDTH - 24, HEIGHT - 24], outline="#0b5cad", width=6)
    quote_font = load_font(44, "th")
    small_font = load_font(30, "th")
    lines = _wrap(f"“{quote.strip()}”", 42)[:8]
    y = 90
    for line in lines:
        draw.text((80, y), line, font=quote_font, fill="#1c2430")
        y += 62
    draw.text((80, HEIGHT - 150), agent_name, font=small_font, fill="#0b5cad")
    draw.text((80, HEIGHT - 100), caption, font=small_font, fill="#555555")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
