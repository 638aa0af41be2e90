"""One reader per file type; each returns a row estimate and a stream of parsed rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO

from everyweek.integrations.importers import freshdesk, spreadsheet, zendesk
from everyweek.integrations.importers.base import Parsed
from everyweek.integrations.models import ColumnMapping, ImportKind, Integration, Vendor

Reader = Callable[[IO[bytes], Integration], tuple[int, Iterator[Parsed]]]

READERS: dict[str, Reader] = {
    ImportKind.ZENDESK_RATINGS: zendesk.parse_ratings,
    ImportKind.ZENDESK_METRICS: zendesk.parse_metrics,
    ImportKind.FRESHDESK_RATINGS: freshdesk.parse_ratings,
    ImportKind.FRESHDESK_TICKETS: freshdesk.parse_tickets,
}

# Which file types make sense for which tool.
KINDS_FOR_VENDOR: dict[str, tuple[str, ...]] = {
    Vendor.ZENDESK: (
        ImportKind.ZENDESK_RATINGS,
        ImportKind.ZENDESK_METRICS,
        ImportKind.SPREADSHEET,
    ),
    Vendor.FRESHDESK: (
        ImportKind.FRESHDESK_RATINGS,
        ImportKind.FRESHDESK_TICKETS,
        ImportKind.SPREADSHEET,
    ),
}


def kinds_for(vendor: str) -> tuple[str, ...]:
    return KINDS_FOR_VENDOR.get(vendor, (ImportKind.SPREADSHEET,))


def read(
    kind: str, stream: IO[bytes], integration: Integration, columns: ColumnMapping | None = None
) -> tuple[int, Iterator[Parsed]]:
    if kind == ImportKind.SPREADSHEET:
        return spreadsheet.parse(stream, integration, columns)
    return READERS[kind](stream, integration)
