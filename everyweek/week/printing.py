"""Printed things: the tips booklet (PDF) and the hunt's QR codes.

The PDF embeds a TrueType font that covers Thai as well as Latin script (Thai tips
otherwise print as empty boxes). The font comes from Debian's fonts-thai-tlwg; the path
can be overridden with EVERYWEEK_PDF_FONT.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from everyweek.week.models import ServiceTip

FONT_CANDIDATES = [
    os.environ.get("EVERYWEEK_PDF_FONT", ""),
    "/usr/share/fonts/truetype/tlwg/Garuda.ttf",
    "/usr/share/fonts/truetype/tlwg/Loma.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",
]


def font_path() -> Path:
    for candidate in FONT_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise RuntimeError("No Thai-capable TrueType font found; install fonts-thai-tlwg.")


def tips_booklet(title: str, subtitle: str, tips: Iterable[ServiceTip]) -> bytes:
    pdf = FPDF(format="A5")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("body", "", str(font_path()))
    pdf.set_text_shaping(False)
    pdf.add_page()
    pdf.set_font("body", size=20)
    pdf.multi_cell(0, 10, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("body", size=11)
    pdf.multi_cell(0, 6, subtitle, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for tip in tips:
        pdf.ln(4)
        pdf.set_font("body", size=13)
        pdf.multi_cell(0, 7, tip.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("body", size=10)
        pdf.multi_cell(0, 5.5, tip.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def qr_svg(url: str) -> str:
    """An SVG QR code for a hidden item's address; made locally, no network."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=6, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()
