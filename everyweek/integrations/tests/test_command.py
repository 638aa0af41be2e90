from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from everyweek.conftest import Org
from everyweek.feedback.models import Interaction, SurveyResponse
from everyweek.integrations.models import Integration
from everyweek.integrations.tests.conftest import FIXTURES


def test_everyweek_import_reads_a_zendesk_export_and_a_rerun_changes_nothing(org: Org) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import",
        "zendesk",
        str(FIXTURES / "zendesk_satisfaction_ratings.json"),
        stdout=out,
        stderr=err,
    )
    assert "2 added, 0 updated, 0 unchanged, 1 skipped, 0 problems" in out.getvalue()
    assert "100%" in err.getvalue()  # the progress bar
    assert Integration.objects.get().vendor == "zendesk"

    out = io.StringIO()
    call_command(
        "import",
        "zendesk",
        str(FIXTURES / "zendesk_ticket_metrics.json"),
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "0 added, 2 updated" in out.getvalue()
    out = io.StringIO()
    call_command(
        "import",
        "zendesk",
        str(FIXTURES / "zendesk_satisfaction_ratings.json"),
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "0 added, 0 updated, 2 unchanged" in out.getvalue()


def test_problems_go_to_the_csv_named_by_errors(org: Org, tmp_path: Path) -> None:
    problems = tmp_path / "problems.csv"
    call_command(
        "import",
        "freshdesk",
        str(FIXTURES / "freshdesk_tickets.csv"),
        "--errors",
        str(problems),
        "--no-progress",
        stdout=io.StringIO(),
    )
    assert Interaction.objects.count() == 3
    assert problems.read_text().splitlines()[1].startswith("5,Created time,")


def test_a_spreadsheet_with_columns_named_on_the_command_line(org: Org, tmp_path: Path) -> None:
    data = tmp_path / "survey.csv"
    data.write_text("When,Stars,Who\n2026-01-05 09:00,4,alice@example.com\n", encoding="utf-8")
    call_command(
        "import",
        "generic",
        str(data),
        "--column",
        "date=When",
        "--column",
        "score=Stars",
        "--column",
        "agent_email=Who",
        "--no-progress",
        stdout=io.StringIO(),
    )
    assert SurveyResponse.objects.get().agent == org.alice


def test_a_wrong_file_type_is_a_clear_command_error(org: Org, tmp_path: Path) -> None:
    data = tmp_path / "not.json"
    data.write_text("hello", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import", "zendesk", str(data), stdout=io.StringIO(), stderr=io.StringIO())
    assert not SurveyResponse.objects.exists()


def test_the_console_script_knows_the_command(org: Org, capsys: Any) -> None:
    from everyweek.cli import main

    with pytest.raises(SystemExit):
        main(["import", "--help"])
    assert "--integration" in capsys.readouterr().out


def test_the_summary_is_in_the_language_asked_for(org: Org) -> None:
    out = io.StringIO()
    call_command(
        "import",
        "zendesk",
        str(FIXTURES / "zendesk_satisfaction_ratings.json"),
        "--no-progress",
        "--language",
        "de",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert (
        "3 Zeilen: 2 hinzugefügt, 0 aktualisiert, 0 unverändert, 1 übersprungen, 0 Probleme."
        in out.getvalue()
    )
    assert "Integration „Zendesk“ angelegt." in out.getvalue()
