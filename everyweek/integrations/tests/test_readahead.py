"""The file reader of large imports, which parses in a forked child process (readahead.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterator
from itertools import islice
from typing import Any

import pytest

from everyweek.conftest import Org
from everyweek.feedback.models import FollowUpCase, SurveyResponse
from everyweek.integrations import importers
from everyweek.integrations.importers import base, readahead
from everyweek.integrations.importers.base import AgentRef, Batch, ResponseRow, RowProblem
from everyweek.integrations.tests.test_importers import survey_columns

pytestmark = pytest.mark.skipif(not readahead.available(), reason="needs os.fork")


def csv_file(rows: int, *, broken_at: int = 0) -> bytes:
    lines = [
        "Response ID,Submitted At,Rating,Comment,Agent Email,Ticket ID,Customer Email,Language"
    ]
    for n in range(1, rows + 1):
        comment = "x" * (csv.field_size_limit() + 1) if n == broken_at else f"comment {n}"
        rating = "9" if n % 7 == 0 else str(1 + n % 5)  # every 7th out of the 1-5 scale
        date = "not a date" if n % 11 == 0 else f"2026-03-{1 + n % 28:02d}T10:00:00Z"
        lines.append(f"R{n},{date},{rating},{comment},alice@example.com,,c{n % 4}@mail.example,it")
    return ("\n".join(lines) + "\n").encode()


def import_rows(integration: Any, data: bytes, *, parallel: bool, chunk_size: int) -> Any:
    total, parsed = importers.read("spreadsheet", io.BytesIO(data), integration, survey_columns())
    os.environ["EVERYWEEK_IMPORT_PARALLEL_ROWS"] = "1" if parallel else "0"
    try:
        return base.run_rows(integration, parsed, total=total, chunk_size=chunk_size)
    finally:
        del os.environ["EVERYWEEK_IMPORT_PARALLEL_ROWS"]


def stored() -> list[tuple[Any, ...]]:
    return list(
        SurveyResponse.objects.order_by("external_id").values_list(
            "external_id", "submitted_at", "csat", "comment", "agent__email", "customer__email"
        )
    )


def test_a_file_read_in_a_child_gives_the_same_rows_and_problems_chunk_by_chunk(
    org: Org, make_integration: Any
) -> None:
    data = csv_file(60)
    one = import_rows(make_integration("generic"), data, parallel=False, chunk_size=7)
    in_one = stored()
    FollowUpCase.objects.all().delete()
    SurveyResponse.objects.all().delete()
    two = import_rows(make_integration("generic", "Second"), data, parallel=True, chunk_size=7)

    assert stored() == in_one and len(in_one) == 60 - 8 - 5  # every 7th and 11th row is bad
    assert [(e.line, e.field) for e in two.errors] == [(e.line, e.field) for e in one.errors]
    assert (two.created, two.error_count, two.processed) == (one.created, one.error_count, 60)
    # Problems keep the row's line in the file (the header is line 1).
    assert {e.line for e in two.errors} == {
        1 + n for n in range(1, 61) if n % 7 == 0 or n % 11 == 0
    }


@pytest.mark.parametrize("parallel", [False, True], ids=["one process", "child"])
def test_a_file_that_breaks_half_way_keeps_the_chunks_before_and_raises_the_same(
    org: Org, make_integration: Any, parallel: bool
) -> None:
    data = csv_file(40, broken_at=26)  # a field over the CSV reader's limit on line 27

    with pytest.raises(csv.Error, match="field larger than field limit"):
        import_rows(make_integration("generic"), data, parallel=parallel, chunk_size=10)

    # Chunks 1-20 and 21-... : the first two were stored before the reader failed in the third.
    assert [r[0] for r in stored()] == sorted(f"R{n}" for n in range(1, 21) if n % 7 and n % 11)


def pid_batches() -> Iterator[Batch]:
    """Endless batches, each naming the process that made it."""
    when = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    while True:
        row = ResponseRow(2, str(os.getpid()), when, csat=5, agent=AgentRef("", "a@b.example"))
        yield Batch(1, [row], [], [RowProblem(3, "date", "bad")], 2)


def test_the_child_is_stopped_and_reaped_when_the_import_stops_reading() -> None:
    reader = readahead.batches_in_child(pid_batches)
    first = next(reader)
    child = int(first.responses[0].external_id)

    assert child != os.getpid()
    assert first.responses[0].agent == AgentRef("", "a@b.example")
    assert (first.problems[0].line, first.skipped) == (3, 2)
    reader.close()  # as when storing a chunk raises
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # already reaped: no zombie left behind


class Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("the reader met a lock")
        self.lock = __import__("threading").Lock()


def test_an_error_that_cannot_travel_still_reaches_the_parent_with_its_message() -> None:
    def failing() -> Iterator[Batch]:
        yield from []
        raise Unpicklable

    with pytest.raises(RuntimeError, match="the reader met a lock"):
        list(readahead.batches_in_child(failing))


def test_rows_travel_unchanged_through_the_pipe() -> None:
    when = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    rows = [
        ResponseRow(2, "A", when, nps=9, comment="Grazie ✓", reason_codes=["slow"], language="it"),
        ResponseRow(3, "B", when, csat=1, csat_scale=3, agent=AgentRef("7", "", "Ada")),
    ]
    batch = Batch(4, rows, [], [RowProblem(4, "score", "missing")], 1)

    assert readahead.decode(readahead.encode(batch)) == batch
    assert readahead.decode(readahead.encode(batch)).responses[0].submitted_at.tzinfo is dt.UTC


def test_a_reader_that_dies_fails_the_import_with_a_clear_error() -> None:
    def dying() -> Iterator[Batch]:
        yield from islice(pid_batches(), 1)
        os._exit(3)  # as if killed (out of memory, say) half-way

    reader = readahead.batches_in_child(dying)
    assert next(reader).size == 1
    with pytest.raises(RuntimeError, match="stopped unexpectedly"):
        next(reader)


def test_a_failing_chunk_stops_and_reaps_the_reader_at_once(
    org: Org, make_integration: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    forked: list[int] = []
    fork = os.fork

    def recording_fork() -> int:
        pid = fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(readahead.os, "fork", recording_fork)
    monkeypatch.setenv("EVERYWEEK_IMPORT_PARALLEL_ROWS", "1")
    integration = make_integration("generic")
    total, parsed = importers.read(
        "spreadsheet", io.BytesIO(csv_file(3000)), integration, survey_columns()
    )

    def fail(report: Any, problems: Any) -> None:
        raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError, match="the disk is full"):
        base.run_rows(integration, parsed, total=total, chunk_size=10, on_chunk=fail)

    [child] = forked
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)  # stopped mid-file (the pipe was full) and reaped
    assert not SurveyResponse.objects.exists()  # the failing chunk rolled back
