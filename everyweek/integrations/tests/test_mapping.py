from __future__ import annotations

import datetime as dt

import pytest

from everyweek.integrations import mapping
from everyweek.integrations.mapping import RowError


@pytest.mark.parametrize(
    ("scale", "codes", "expected"),
    [
        (3, [103, 100, -103], [3, 2, 1]),
        (2, [103, -103], [2, 1]),
        (5, [103, 102, 100, -102, -103], [5, 4, 3, 2, 1]),
        (5, [103, 101, 100, -101, -103], [5, 4, 3, 2, 1]),
        (7, [103, 102, 101, 100, -101, -102, -103], [7, 6, 5, 4, 3, 2, 1]),
    ],
)
def test_freshdesk_codes_spread_over_the_survey_scale(
    scale: int, codes: list[int], expected: list[int]
) -> None:
    assert [mapping.freshdesk_to_csat(code, scale) for code in codes] == expected


def test_an_unknown_freshdesk_code_is_a_clear_row_error() -> None:
    with pytest.raises(RowError, match="not a Freshdesk rating code"):
        mapping.freshdesk_to_csat(104, 5)


def test_dates_without_zone_are_read_in_the_integration_zone() -> None:
    rome = mapping.zone("Europe/Rome")
    parsed = mapping.parse_datetime("2015-08-27 08:00:00", rome)
    assert parsed == dt.datetime(2015, 8, 27, 6, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "raw",
    [
        "2024-01-15T10:30:00Z",
        "2024-01-15 10:30:00",
        "1705314600",
        1705314600,
        "15/01/2024 10:30",
        "2024-01-15 10:30:00 UTC",
    ],
)
def test_common_date_forms_are_understood(raw: object) -> None:
    assert mapping.parse_datetime(raw) == dt.datetime(2024, 1, 15, 10, 30, tzinfo=dt.UTC)


def test_headers_match_whatever_their_capitalisation() -> None:
    assert mapping.find_column(["TICKET ID", "Created Time"], ["Created time"]) == "Created Time"
