"""Bulk CSV ingest: rollups equal a recomputation, a second run adds nothing, errors by line."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from everyweek.conftest import Org
from everyweek.feedback.models import Interaction
from everyweek.scorecards import bulk, rollups

CSV = """external_id,agent,created_at,first_response_at,resolved_at,handle_time_seconds,reopen_count,channel
B1,E-A,2026-03-02T09:00:00+00:00,2026-03-02T09:10:00+00:00,2026-03-02T10:00:00+00:00,300,0,email
B2,E-A,2026-03-02T23:30:00-02:00,,,,1,phone
B3,E-B,2026-03-03T09:00:00+00:00,,,4000,0,chat
B4,,2026-03-03T09:00:00+00:00,,,10,0,chat
B5,E-Z,2026-03-03T09:00:00+00:00,,,10,0,chat
B6,E-A,2026-03-03T09:00:00,,,10,0,chat
B7,E-A,2026-03-03T09:00:00+00:00,,,10,0,fax
"""


def test_bulk_ingest_rolls_up_like_a_recomputation_and_resumes_without_double_counting(
    org: Org,
) -> None:
    org.alice.employee_id = "E-A"
    org.alice.save()
    org.bruno.employee_id = "E-B"
    org.bruno.save()
    report = bulk.ingest_interactions_csv(io.StringIO(CSV), source="wfm", chunk_size=2)
    assert (report.read, report.inserted) == (7, 4)
    assert [line for line, _msg in report.errors] == [6, 7, 8]
    stored = rollups.snapshot()
    rollups.rebuild()
    assert rollups.snapshot() == stored
    again = bulk.ingest_interactions_csv(io.StringIO(CSV), source="wfm")
    assert (again.inserted, again.skipped) == (0, 4)
    assert rollups.snapshot() == stored
    late = Interaction.objects.get(external_id="B2")
    assert late.created_at.date().isoformat() == "2026-03-03"  # 23:30 at -02:00 is the next UTC day


def _people(org: Org) -> None:
    org.alice.employee_id = "E-A"
    org.alice.save()
    org.bruno.employee_id = "E-B"
    org.bruno.save()


def test_an_interrupted_import_resumes_without_double_counting(
    org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    _people(org)
    real = bulk._insert
    calls = []

    def crash_on_second_chunk(cursor: Any, rows: list[tuple[Any, ...]]) -> None:
        calls.append(len(rows))
        if len(calls) == 2:
            real(cursor, rows)  # written, then the process dies before the chunk commits
            raise KeyboardInterrupt
        real(cursor, rows)

    monkeypatch.setattr(bulk, "_insert", crash_on_second_chunk)
    with pytest.raises(KeyboardInterrupt):
        bulk.ingest_interactions_csv(io.StringIO(CSV), source="wfm", chunk_size=2)
    # Only the first chunk (B1, B2) and its rollups are stored.
    assert set(Interaction.objects.values_list("external_id", flat=True)) == {"B1", "B2"}
    partial = rollups.snapshot()
    rollups.rebuild()
    assert rollups.snapshot() == partial
    monkeypatch.setattr(bulk, "_insert", real)
    report = bulk.ingest_interactions_csv(io.StringIO(CSV), source="wfm", chunk_size=2)
    assert (report.inserted, report.skipped) == (2, 2)
    assert Interaction.objects.filter(source="wfm").count() == 4
    resumed = rollups.snapshot()
    rollups.rebuild()
    assert rollups.snapshot() == resumed
    assert sum(v[0] for v in resumed["teams"].values()) == 4  # interactions, counted once


def test_a_first_import_repeating_an_id_in_a_later_chunk_counts_it_once(org: Org) -> None:
    _people(org)
    rows = [
        "B1,E-A,2026-03-02T09:00:00Z,,,300,0,email",
        "B2,E-B,2026-03-02T09:00:00Z,,,300,0,email",
        "B1,E-A,2026-03-02T09:00:00Z,,,300,0,email",
    ]
    text = CSV.splitlines()[0] + "\n" + "\n".join(rows) + "\n"
    report = bulk.ingest_interactions_csv(io.StringIO(text), source="wfm", chunk_size=2)
    assert (report.inserted, report.skipped) == (2, 1)
    stored = rollups.snapshot()
    rollups.rebuild()
    assert rollups.snapshot() == stored


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-02T09:10:11+00:00",
        "2026-03-02T09:10:11Z",
        "2026-03-02 09:10:11+00:00",
        "2026-03-02T23:30:00-02:00",
        "2026-03-02T09:10:11.250000+00:00",
        "2026-03-02T01:10:11+05:30",
        "2024-02-29T09:10:11+00:00",
    ],
)
def test_sliced_times_equal_the_parsed_ones(text: str) -> None:
    moment = bulk._utc(text)
    assert moment is not None
    assert bulk._time(text, True) == (str(moment.replace(tzinfo=None)), moment.date().isoformat())
    value, day = bulk._time(text, False)
    assert day == moment.date().isoformat()
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    assert parsed == moment


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30T09:10:11+00:00",
        "2026-13-02T09:10:11+00:00",
        "2026-03-02T24:10:11+00:00",
        "2026-03-02T09:60:11Z",
        "2026-03-0xT09:10:11+00:00",
        "2026-03-02T09:10:11",
    ],
)
def test_malformed_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        bulk._time(text, True)
