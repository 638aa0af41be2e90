"""The benchmark command's own workload is right: what it times is the real ingest and page."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Sum

from everyweek.feedback.models import Interaction, SurveyResponse
from everyweek.scorecards import bench, rollups
from everyweek.scorecards.models import AgentDay, TeamDay


@pytest.mark.django_db(transaction=True)
def test_a_small_run_ingests_rolls_up_and_times_both_sides() -> None:
    lines: list[str] = []
    results: dict[str, Any] = bench.run(3000, 40, responses=500, out=lines.append)

    assert results["ingest_errors"] == 0
    assert Interaction.objects.filter(source="bench").count() == 3000
    assert SurveyResponse.objects.filter(source="bench").count() == 500
    # The bulk paths' rollups equal a recomputation from the raw rows.
    stored = AgentDay.objects.aggregate(n=Sum("interactions"), r=Sum("responses"))
    assert stored == {"n": 3000, "r": 500}
    stored_rollups = rollups.snapshot()
    rollups.rebuild()
    assert rollups.snapshot() == stored_rollups
    assert TeamDay.objects.aggregate(r=Sum("responses"))["r"] == 500
    assert results["org_scorecard_ms"] > 0
    assert results["duckdb_scan_ms"] is None or results["duckdb_over_scorecard"] > 0
    assert any("organisation scorecard" in line for line in lines)
