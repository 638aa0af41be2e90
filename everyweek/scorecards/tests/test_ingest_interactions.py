"""The bulk interaction import on the command line (synchronous); the upload page and the API run
it as a background job (test_ingest_jobs.py)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from everyweek.conftest import Org
from everyweek.core.models import AuditEvent
from everyweek.feedback.models import Interaction, ServiceStandard, StandardResult
from everyweek.scorecards import bulk, services
from everyweek.scorecards.models import AgentDay
from everyweek.scorecards.tests.conftest import fresh_cache

__all__ = ["fresh_cache"]

HEADER = ",".join(bulk.EXPECTED)
CSV = f"""{HEADER}
N1,E-A,2026-03-02T09:00:00+00:00,2026-03-02T09:30:00+00:00,2026-03-02T10:00:00+00:00,300,0,email
N2,E-A,2026-03-02T11:00:00+01:00,2026-03-02T13:00:00+01:00,,,1,email
N3,E-Z,2026-03-03T09:00:00+00:00,,,10,0,chat
N4,E-A,2026-03-03T09:00:00+00:00,,,ten,0,chat
N5,E-A,2026-03-03T09:00:00+00:00,,,10,0,fax
N6,E-A,2026-03-03T09:00:00+00:00
"""
BAD_LINES = [4, 5, 6, 7]


@pytest.fixture
def agents(org: Org) -> Org:
    org.alice.employee_id = "E-A"
    org.alice.save()
    return org


@pytest.fixture
def within_an_hour(db: Any) -> ServiceStandard:
    return ServiceStandard.objects.create(
        name="Email answered within an hour",
        metric="first_response",
        threshold_minutes=60,
        channel="email",
        target_percent=80,
    )


def _run(path: Path, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "ingest_interactions", str(path), "--source", "helpdesk", *args, stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


def test_command_keeps_good_rows_reports_bad_lines_and_a_rerun_changes_nothing(
    agents: Org, within_an_hour: ServiceStandard, tmp_path: Path
) -> None:
    source = tmp_path / "interactions.csv"
    source.write_text(CSV, encoding="utf-8")
    problems = tmp_path / "problems.csv"
    out, err = _run(source, "--errors", str(problems))
    assert "6 rows: 2 stored, 0 already there, 4 problems." in out
    assert "6 rows read: 2 stored" in err  # the progress line of the only chunk
    assert "line 4: no person with the employee id E-Z" in err
    assert "line 5: handle_time_seconds is not a whole number: ten" in err
    assert "line 6: unknown channel fax" in err
    assert "line 7: expected 8 columns, found 3" in err
    with problems.open(encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["line", "reason"]
    assert [int(r[0]) for r in rows[1:]] == BAD_LINES
    stored = Interaction.objects.filter(source="helpdesk")
    assert sorted(stored.values_list("external_id", flat=True)) == ["N1", "N2"]
    # The standards were evaluated for the new rows: 30 minutes met, two hours missed.
    met = dict(StandardResult.objects.values_list("interaction__external_id", "met"))
    assert met == {"N1": True, "N2": False}
    assert AgentDay.objects.get(agent=agents.alice, day="2026-03-02").interactions == 2
    event = AuditEvent.objects.get(action="interactions.import")
    assert event.changes == {
        "source": "helpdesk",
        "file": "interactions.csv",
        "read": 6,
        "stored": 2,
        "skipped": 0,
        "errors": 4,
    }

    out, _err = _run(source, "--no-progress")
    assert "6 rows: 0 stored, 2 already there, 4 problems." in out
    assert stored.count() == 2
    assert AgentDay.objects.get(agent=agents.alice, day="2026-03-02").interactions == 2
    assert StandardResult.objects.count() == 2


def test_command_fails_on_a_wrong_header(agents: Org, tmp_path: Path) -> None:
    source = tmp_path / "wrong.csv"
    source.write_text("id,agent\nN1,E-A\n", encoding="utf-8")
    with pytest.raises(CommandError, match="expected the columns external_id") as failed:
        _run(source)
    # run_from_argv (how `everyweek ingest_interactions` runs) exits with this status; it is not
    # called here because it closes the database connections the test still needs.
    assert failed.value.returncode == 1
    assert not Interaction.objects.filter(source="helpdesk").exists()


def test_command_shows_control_characters_from_the_file_instead_of_sending_them(
    agents: Org, tmp_path: Path
) -> None:
    source = tmp_path / "escape.csv"
    source.write_text(f"{HEADER}\nN1,\x1b[2J,2026-03-02T09:00:00+00:00,,,,0,email\n")
    _out, err = _run(source, "--no-progress")
    assert "\x1b" not in err and "employee id \\x1b[2J" in err


def test_row_errors_are_in_the_readers_language(agents: Org) -> None:
    with translation.override("it"):
        report = services.ingest_interactions(io.BytesIO(CSV.encode()), source="helpdesk")
    reasons = dict(report.errors)
    assert reasons[4] == "nessuna persona con la matricola E-Z"
    assert reasons[6] == "canale sconosciuto fax"


def test_command_speaks_the_language_it_is_given(agents: Org, tmp_path: Path) -> None:
    source = tmp_path / "interactions.csv"
    source.write_text(CSV, encoding="utf-8")
    out, err = _run(source, "--no-progress", "--language", "it")
    assert "6 righe: 2 salvate, 0 già presenti, 4 problemi." in out
    assert "riga 6: canale sconosciuto fax" in err
    out, _err = _run(source, "--no-progress", "--language", "de")
    assert "6 Zeilen: 0 gespeichert, 2 bereits vorhanden, 4 Probleme." in out
