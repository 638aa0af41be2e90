"""Scorecard pages: who sees what, a fixed number of queries, drill-down, exports, charts."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from everyweek.conftest import Org, make_person
from everyweek.feedback.services import (
    InteractionInput,
    ResponseInput,
    record_interaction,
    record_response,
)
from everyweek.people.models import Role
from everyweek.scorecards import services
from everyweek.scorecards.models import AdherenceDay, KeyFigure

DAY = dt.date(2026, 3, 4)
T = dt.datetime(2026, 3, 4, 10, tzinfo=dt.UTC)
MONTH = "?period=month&date=2026-03-01"


@pytest.fixture
def data(org: Org, committed: Callable[[], Any]) -> Org:
    services.ensure_default_definition()
    with committed():
        for i, agent in enumerate([org.alice, org.alice, org.bruno]):
            record_interaction(
                InteractionInput("t", f"I{i}", T, agent=agent, handle_time_seconds=300 + i)
            )
        record_response(ResponseInput("t", "R1", T, agent=org.alice, nps=10, csat=5))
        record_response(ResponseInput("t", "R2", T, agent=org.bruno, nps=2))
    AdherenceDay.objects.create(
        agent=org.alice,
        team=org.alpha,
        day=DAY,
        scheduled_minutes=480,
        adherent_minutes=432,
        present_minutes=500,
    )
    KeyFigure.objects.create(
        department=org.sales,
        metric="Bookings",
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        value=125000,
        unit="EUR",
    )
    return org


def test_agent_sees_own_scorecard_but_not_their_team_or_colleague(data: Org) -> None:
    client = data.client_for(data.alice)
    assert client.get(f"/scorecards/agent/{data.alice.pk}/{MONTH}").status_code == 200
    assert client.get(f"/scorecards/agent/{data.bruno.pk}/").status_code == 404
    assert client.get(f"/scorecards/team/{data.alpha.pk}/").status_code == 404
    assert client.get("/scorecards/organisation/0/").status_code == 404
    response = client.get("/scorecards/")
    assert response["Location"].startswith(f"/scorecards/agent/{data.alice.pk}/")


def test_lead_sees_own_team_only_and_manager_the_department(data: Org) -> None:
    lead = data.client_for(data.lenny)
    assert lead.get(f"/scorecards/team/{data.alpha.pk}/").status_code == 200
    assert lead.get(f"/scorecards/team/{data.beta.pk}/").status_code == 404
    assert lead.get(f"/scorecards/department/{data.care.pk}/").status_code == 404
    manager = data.client_for(data.mona)
    assert manager.get(f"/scorecards/department/{data.care.pk}/").status_code == 200
    assert manager.get(f"/scorecards/department/{data.sales.pk}/").status_code == 404
    assert manager.get(f"/scorecards/team/{data.hunters.pk}/").status_code == 404


def test_organisation_scorecard_puts_service_beside_sales(data: Org) -> None:
    response = data.client_for(data.erin).get(f"/scorecards/organisation/0/{MONTH}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Bookings" in body and "125" in body
    assert body.count('data-testid="rank"') == 1  # only Customer Care has service rollups
    assert "<svg" in body and "http://" not in body.replace("http://www.w3.org/2000/svg", "")


def test_team_scorecard_ranks_agents_and_drills_down_to_interactions(data: Org) -> None:
    client = data.client_for(data.lenny)
    body = client.get(f"/scorecards/team/{data.alpha.pk}/{MONTH}").content.decode()
    assert "Alice Agent" in body
    drill = client.get(f"/scorecards/team/{data.alpha.pk}/volume/{MONTH}")
    assert drill.content.decode().count('data-testid="row"') == 2
    responses = client.get(f"/scorecards/team/{data.alpha.pk}/nps/{MONTH}")
    assert responses.content.decode().count('data-testid="row"') == 1


def test_drill_down_never_shows_rows_the_viewer_may_not_see(data: Org) -> None:
    # Alice looks at her own figures: Bruno's interactions are never listed.
    body = (
        data.client_for(data.alice)
        .get(f"/scorecards/agent/{data.alice.pk}/volume/{MONTH}")
        .content.decode()
    )
    assert body.count('data-testid="row"') == 2


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("kind", ["team", "department", "organisation"])
def test_scorecard_pages_cost_the_same_queries_however_many_agents(
    data: Org, committed: Callable[[], Any], kind: str
) -> None:
    pk = {"team": data.alpha.pk, "department": data.care.pk, "organisation": 0}[kind]
    url = f"/scorecards/{kind}/{pk}/{MONTH}"
    client = data.client_for(data.ada)
    before = _queries(client, url)
    with committed():
        for n in range(6):
            agent = make_person(
                f"extra{n}@example.com",
                f"Extra {n}",
                Role.AGENT,
                department=data.care,
                team=data.alpha if n % 2 else data.beta,
            )
            record_interaction(InteractionInput("t", f"X{n}", T, agent=agent))
    assert _queries(client, url) == before


def test_scorecard_exports_as_csv_and_xlsx(data: Org) -> None:
    client = data.client_for(data.lenny)
    url = f"/scorecards/team/{data.alpha.pk}/{MONTH}"
    csv_body = client.get(url + "&format=csv").content.decode()
    assert "Volume" in csv_body.splitlines()[0] + csv_body
    book = load_workbook(io.BytesIO(client.get(url + "&format=xlsx").content))
    cells = [c.value for row in book.active.iter_rows() for c in row]  # type: ignore[union-attr]
    assert "Schedule adherence" in cells and 90.0 in cells


def test_scorecard_page_is_translated(data: Org) -> None:
    body = data.client_for(data.bruno).get(f"/scorecards/agent/{data.bruno.pk}/{MONTH}")
    assert body["Content-Language"] == "it"
    assert "Tasso di riapertura" in body.content.decode()


def test_home_panel_loads_this_weeks_score_after_the_page(data: Org) -> None:
    client = data.client_for(data.lenny)
    assert 'hx-get="/scorecards/panel/"' in client.get("/").content.decode()
    body = client.get("/scorecards/panel/").content.decode()
    assert "Alpha" in body


def test_printable_scorecard_as_pdf_in_thai(data: Org) -> None:
    data.lenny.locale = "th"
    data.lenny.save()
    response = data.client_for(data.lenny).get(
        f"/scorecards/team/{data.alpha.pk}/{MONTH}&format=pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
