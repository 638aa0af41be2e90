from __future__ import annotations

import io

from PIL import Image, ImageChops

from everyweek.recognition import cards


def _ink(text: str) -> bytes:
    font = cards.load_font(48)
    image = Image.new("L", (400, 100), 0)
    from PIL import ImageDraw

    ImageDraw.Draw(image).text((10, 10), text, font=font, fill=255)
    return image.tobytes()


def test_the_card_font_covers_thai() -> None:
    path = cards.font_path("th")
    assert path is not None
    # A character no font has draws the "missing glyph" box; real Thai letters must differ.
    missing = _ink("\U000f0000")
    for letter in "กขคง":
        drawn = _ink(letter)
        assert drawn != missing, f"{letter!r} renders as a missing-glyph box with {path}"
        assert any(drawn), f"{letter!r} renders as nothing with {path}"


def test_a_thai_card_is_a_png_with_the_quote_drawn() -> None:
    thai = cards.render_card(quote="บริการดีมาก ขอบคุณค่ะ", agent_name="Mai", caption="ขอบคุณ")
    boxes = cards.render_card(quote="\U000f0000" * 10, agent_name="Mai", caption="ขอบคุณ")
    image = Image.open(io.BytesIO(thai))
    assert image.format == "PNG" and image.size == (cards.WIDTH, cards.HEIGHT)
    diff = ImageChops.difference(image.convert("RGB"), Image.open(io.BytesIO(boxes)).convert("RGB"))
    assert diff.getbbox() is not None
