from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from everyweek.analysis import services
from everyweek.analysis.models import ModelVersion, TextAnalysis
from everyweek.analysis.tests.conftest import respond
from everyweek.textsense import engine


def test_retrain_with_corrections_writes_a_new_version_and_rollback_restores_the_previous(
    org: Any, tmp_path: Path
) -> None:
    packaged = engine.analyse("").model_version
    with pytest.raises(CommandError):
        call_command("textsense", "retrain", "--base-per-lang", "20", stdout=io.StringIO())

    analysis = services.analyse_response(respond(org.alice, "Alice fixed it in minutes, thanks!"))
    assert analysis is not None
    services.correct_label(actor=org.lenny, analysis=analysis, kind="praise", value="true")
    services.correct_label(actor=org.lenny, analysis=analysis, kind="sentiment", value="positive")

    out = io.StringIO()
    call_command("textsense", "retrain", "--base-per-lang", "20", stdout=out)
    assert "→" in out.getvalue()
    first = ModelVersion.objects.get(is_active=True)
    assert first.version != packaged and "+org.1." in first.version
    assert Path(first.path).is_dir() and Path(first.path).is_relative_to(tmp_path)
    assert set(first.figures) == {"before", "after"}

    # Analysis now uses the retrained model, and says so.
    again = services.analyse_response(analysis.response)
    assert again is not None and again.model_version == first.version

    second_analysis = services.analyse_response(respond(org.alice, "Nobody ever called me back."))
    assert second_analysis is not None
    services.correct_label(
        actor=org.lenny, analysis=second_analysis, kind="complaint", value="true"
    )
    call_command("textsense", "retrain", "--base-per-lang", "20", stdout=io.StringIO())
    second = ModelVersion.objects.get(is_active=True)
    assert second.pk != first.pk

    call_command("textsense", "rollback", stdout=io.StringIO())
    assert ModelVersion.objects.get(is_active=True) == first
    assert services.analyse_response(analysis.response).model_version == first.version  # type: ignore[union-attr]

    call_command("textsense", "rollback", stdout=io.StringIO())
    assert not ModelVersion.objects.filter(is_active=True).exists()
    assert services.analyse_response(analysis.response).model_version == packaged  # type: ignore[union-attr]
    with pytest.raises(CommandError):
        call_command("textsense", "rollback", stdout=io.StringIO())


def test_reanalyse_command_analyses_what_is_missing_and_then_nothing(org: Any) -> None:
    first = respond(org.alice, "Alice was great, thank you!")
    second = respond(org.alice, "Waited an hour on hold.")
    respond(org.alice, "")
    out = io.StringIO()
    call_command("reanalyse", stdout=out, stderr=io.StringIO())
    assert "2 comments analysed" in out.getvalue()
    assert TextAnalysis.objects.filter(response__in=[first, second]).count() == 2
    out = io.StringIO()
    call_command("reanalyse", stdout=out, stderr=io.StringIO())
    assert "0 comments analysed" in out.getvalue()
    out = io.StringIO()
    call_command("reanalyse", "--all", "--since", "2000-01-01", stdout=out, stderr=io.StringIO())
    assert "2 comments analysed" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("reanalyse", "--since", "yesterday")
