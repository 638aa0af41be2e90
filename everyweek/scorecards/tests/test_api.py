"""Scorecards over the JSON API, scoped like the pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from everyweek.conftest import Org
from everyweek.scorecards.tests.test_pages import MONTH
from everyweek.scorecards.tests.test_pages import data as data


def test_scorecard_json_for_a_lead_and_404_for_another_team(data: Org) -> None:
    client = data.client_for(data.lenny)
    body = client.get(f"/api/scorecards/team/{data.alpha.pk}{MONTH}").json()
    assert body["name"] == "Alpha" and body["start"] == "2026-03-01"
    volume = next(line for line in body["other_metrics"] if line["metric"] == "volume")
    assert volume["value"] == 2
    assert [r["name"] for r in body["ranking"]] == ["Alice Agent"]
    missing = client.get(f"/api/scorecards/team/{data.beta.pk}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_metrics_catalogue_is_described_in_the_callers_language(data: Org) -> None:
    body = data.client_for(data.bruno).get("/api/scorecards/metrics").json()
    assert {"key", "label", "description"} <= set(body[0])
    assert any(m["label"] == "Tasso di riapertura" for m in body)


def test_admin_records_key_figures_and_imports_adherence(data: Org) -> None:
    client = data.client_for(data.ada)
    payload = {
        "department_id": data.sales.pk,
        "metric": "Leads",
        "period_start": "2026-03-01",
        "period_end": "2026-03-31",
        "value": 42,
    }
    first = client.post(
        "/api/scorecards/key-figures", json.dumps(payload), content_type="application/json"
    )
    again = client.post(
        "/api/scorecards/key-figures", json.dumps(payload), content_type="application/json"
    )
    assert (first.status_code, again.status_code) == (201, 200)
    listed = client.get("/api/scorecards/key-figures").json()
    assert listed["count"] == 2
    data.alice.employee_id = "A-1"
    data.alice.save()
    report = client.post(
        "/api/scorecards/adherence-imports",
        json.dumps(
            {
                "content": "agent,date,scheduled_minutes,adherent_minutes,present_minutes\n"
                "A-1,2026-03-09,480,470,480\nA-2,2026-03-09,480,470,480\n"
            }
        ),
        content_type="application/json",
    ).json()
    assert report["created"] == 1 and report["errors"][0]["line"] == 3


def test_agents_cannot_write_key_figures(data: Org, committed: Callable[[], Any]) -> None:
    response = data.client_for(data.alice).post(
        "/api/scorecards/key-figures", "{}", content_type="application/json"
    )
    assert response.status_code in (403, 422)
