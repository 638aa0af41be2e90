"""Initials avatars for generated people: a coloured square with two letters, as PNG bytes."""

from __future__ import annotations

import functools
import hashlib
import io

from PIL import Image, ImageDraw, ImageFont

SIZE = 160
# Muted colours with enough contrast for white letters.
PALETTE = (
    (37, 99, 235),
    (5, 150, 105),
    (217, 119, 6),
    (190, 24, 93),
    (124, 58, 237),
    (14, 116, 144),
    (185, 28, 28),
    (71, 85, 105),
)


@functools.cache
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's embedded font: no system font needed; initials are Latin letters.
    return ImageFont.load_default(size=SIZE * 2 // 5)


def initials(name: str) -> str:
    parts = [p for p in name.replace("'", " ").split() if p[:1].isalpha()]
    if not parts:
        return "?"
    letters = parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")
    return letters.upper()


def render(name: str) -> bytes:
    # The colour follows the name, so a person keeps their colour across reloads.
    colour = PALETTE[hashlib.sha1(name.encode()).digest()[0] % len(PALETTE)]  # noqa: S324
    image = Image.new("RGB", (SIZE, SIZE), colour)
    draw = ImageDraw.Draw(image)
    draw.text((SIZE / 2, SIZE / 2), initials(name), fill=(255, 255, 255), font=_font(), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
