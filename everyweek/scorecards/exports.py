"""A scorecard as CSV or XLSX: the same rows as the page, for spreadsheets and sharing."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
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
