"""A scorecard as CSV or XLSX: the same rows as the page, for spreadsheets and sharing."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from django.http import HttpResponse
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from openpyxl import Workbook

from everyweek.scorecards.selectors import Scorecard


def rows(card: Scorecard) -> list[list[object]]:
    header: list[object] = [
        _("Metric"),
        _("Value"),
        _("Previous period"),
        _("Band"),
        _("Weight"),
        _("Points"),
    ]
    table: list[list[object]] = [header]
    for line in [*card.lines, *card.extra]:
        table.append(
            [
                str(line.metric.label),
                None if line.value is None else round(line.value, 4),
                None if line.previous is None else round(line.previous, 4),
                line.band_label,
                line.weight or "",
                "" if line.points is None else round(line.points, 2),
            ]
        )
    table.append([_("Score"), None if card.score is None else round(card.score, 2)])
    for figure in card.key_figures:
        table.append(
            [f"{figure['department']}: {figure['metric']}", figure["value"], figure["previous"]]
        )
    return table


def _name(card: Scorecard, ext: str) -> str:
    return f"scorecard-{card.subject.kind}-{card.subject.pk}-{card.period.start}.{ext}"


def _cell(value: object) -> object:
    # Spreadsheets run cells that start with these as formulas; names are typed by people.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def as_csv(card: Scorecard) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows(card):
        writer.writerow([_cell(v) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_name(card, "csv")}"'
    return response


def as_xlsx(card: Scorecard) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Scorecard")[:31]
    sheet.append([card.subject.name, card.period.label])
    for row in rows(card):
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_name(card, "xlsx")}"'
    return response


# A TrueType font with Latin and Thai (Debian's fonts-thai-tlwg), so Thai labels print.
FONT_CANDIDATES = (
    os.environ.get("EVERYWEEK_PDF_FONT", ""),
    "/usr/share/fonts/truetype/tlwg/Garuda.ttf",
    "/usr/share/fonts/truetype/tlwg/Loma.ttf",
    "/usr/share/fonts/truetype/noto/NotoSansThai-Regular.ttf",
)


def _font() -> str:
    for candidate in FONT_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return candidate
    raise RuntimeError("No Thai-capable TrueType font found; install fonts-thai-tlwg.")


def as_pdf(card: Scorecard) -> HttpResponse:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("body", "", _font())
    pdf.add_page()
    pdf.set_font("body", size=18)
    pdf.multi_cell(
        0,
        9,
        _("Scorecard: %(name)s") % {"name": card.subject.name},
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_font("body", size=10)
    pdf.multi_cell(0, 6, card.period.label, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    widths = (70, 30, 30, 25, 15, 15)
    for number, row in enumerate(rows(card)):
        pdf.set_font("body", size=10 if number else 9)
        for width, value in zip(widths, [*row, "", "", "", "", ""][:6], strict=True):
            text = "" if value is None else str(value)
            pdf.cell(width, 6, text[:40], border="B")
        pdf.ln(6)
    response = HttpResponse(bytes(pdf.output()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_name(card, "pdf")}"'
    return response
