"""Internal CSAT and within-turnaround share on the providing team's scorecard (issue 8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from everyweek.conftest import Org, make_person
from everyweek.people.models import Role
from everyweek.scorecards import selectors
from everyweek.scorecards.services import MetricLine, ensure_default_definition, save_definition
from everyweek.servicedesk import services
from everyweek.servicedesk.models import RequestType
from everyweek.servicedesk.tests.helpers import Desk, it_desk

MONTH = "?period=month&date=2026-03-01"
MARCH = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)
FEBRUARY = dt.datetime(2026, 2, 10, 9, tzinfo=dt.UTC)


def _resolved(
    org: Org,
    request_type: RequestType,
    handler: Any,
    at: dt.datetime,
    *,
    on_time: bool,
    rating: int | None,
) -> None:
    request = services.submit_request(actor=org.alice, request_type=request_type, title="x", now=at)
    took = dt.timedelta(hours=1 if on_time else 20)  # the access turnaround is 8 hours
    services.resolve_request(actor=handler, request=request, message="", now=at + took)
    if rating is not None:
        services.rate_request(actor=org.alice, request=request, rating=rating)


@pytest.fixture
def desk(org: Org) -> Desk:
    ensure_default_definition()
    d = it_desk(org, calendar=False)
    # March: ratings 5, 4, 2 and one not rated; three of four within the turnaround.
    for handler, on_time, rating in [
        (d.ivan, True, 5),
        (d.ivan, True, 4),
        (d.iris, False, 2),
        (d.ivan, True, None),
    ]:
        _resolved(org, d.access, handler, MARCH, on_time=on_time, rating=rating)
    # February, the previous period: one late request rated 1.
    _resolved(org, d.access, d.ivan, FEBRUARY, on_time=False, rating=1)
    # Still open in March: not counted.
    services.submit_request(actor=org.alice, request_type=d.access, title="open", now=MARCH)
    # A desk of the whole IT department (no team): the department's and organisation's only.
    whole = services.save_desk(actor=org.ada, name="IT purchasing", department=d.desk.department)
    buying = services.save_request_type(
        actor=org.ada, desk=whole, name="Buy software", turnaround_minutes=480
    )
    _resolved(org, buying, d.iris, MARCH, on_time=True, rating=5)
    return d


def _values(card: selectors.Scorecard, key: str) -> tuple[float | None, float | None]:
    line = next(line for line in [*card.lines, *card.extra] if line.metric.key == key)
    return line.value, line.previous


def test_figures_equal_a_hand_computation_for_team_department_and_organisation(
    org: Org, desk: Desk
) -> None:
    period = selectors.period_for("month", MARCH.date())
    team = selectors.Subject("team", desk.desk.team_id or 0, "Helpdesk")
    card = selectors.build(team, period)
    csat, previous_csat = _values(card, "internal_csat")
    assert csat == pytest.approx((5 + 4 + 2) / 3)
    assert previous_csat == pytest.approx(1.0)
    assert _values(card, "internal_on_time") == (pytest.approx(75.0), pytest.approx(0.0))

    department = selectors.Subject("department", desk.desk.department_id, "IT")
    card = selectors.build(department, period)
    assert _values(card, "internal_csat")[0] == pytest.approx((5 + 4 + 2 + 5) / 4)
    assert _values(card, "internal_on_time")[0] == pytest.approx(80.0)
    # The department's ranking lists its team, and the desk run without a team apart.
    ranked = {row.pk: row for row in card.ranking}
    assert set(ranked) == {desk.desk.team_id, None}

    organisation = selectors.build(selectors.Subject("organisation", 0, "Org"), period)
    assert _values(organisation, "internal_csat")[0] == pytest.approx(4.0)
    # A customer-service team provides nothing internally: no figure, not zero.
    alpha = selectors.build(selectors.Subject("team", org.alpha.pk, "Alpha"), period)
    assert _values(alpha, "internal_csat") == (None, None)
    # The person who handled them sees their own share on their scorecard.
    ivan = selectors.build(selectors.Subject("agent", desk.ivan.pk, "Ivan"), period)
    assert _values(ivan, "internal_csat")[0] == pytest.approx(4.5)
    assert _values(ivan, "internal_on_time")[0] == pytest.approx(100.0)


def test_goals_band_the_internal_figures_and_rank_the_team_members(org: Org, desk: Desk) -> None:
    definition = save_definition(
        "Internal service", [MetricLine("internal_csat", 100, 3.5, 4.0, 4.5)]
    )
    period = selectors.period_for("month", MARCH.date())
    team = selectors.Subject("team", desk.desk.team_id or 0, "Helpdesk")
    card = selectors.build(team, period, definition)
    [line] = card.lines
    assert line.band == 1 and card.score == pytest.approx(100 / 3)  # 3.67 meets
    # Ivan averages 4.5 (outstanding), Iris 2 (below): the ranking follows.
    assert [(r.name, r.score) for r in card.ranking] == [("Ivan Agent", 100.0), ("Iris Lead", 0.0)]


def test_team_scorecard_page_shows_them_with_drill_down_export_and_api(
    org: Org, desk: Desk
) -> None:
    client = org.client_for(desk.iris)
    team_pk = desk.desk.team_id
    body = client.get(f"/scorecards/team/{team_pk}/{MONTH}").content.decode()
    assert "Internal CSAT" in body and "Internal requests within turnaround" in body
    assert f"/scorecards/team/{team_pk}/internal_csat/" in body

    drill = client.get(f"/scorecards/team/{team_pk}/internal_on_time/{MONTH}").content.decode()
    assert drill.count('data-testid="row"') == 4  # not the open one, not purchasing's
    assert "Buy software" not in drill
    # Another team's lead cannot open the drill-down.
    assert (
        org.client_for(org.lenny)
        .get(f"/scorecards/team/{team_pk}/internal_csat/{MONTH}")
        .status_code
        == 404
    )

    csv_body = client.get(f"/scorecards/team/{team_pk}/{MONTH}&format=csv").content.decode()
    assert "Internal CSAT,3.6667,1.0" in csv_body
    assert "Internal requests within turnaround,75.0,0.0" in csv_body

    api = client.get(f"/api/scorecards/team/{team_pk}{MONTH}").json()
    lines = {line["metric"]: line for line in api["other_metrics"]}
    assert lines["internal_csat"]["value"] == pytest.approx(11 / 3)
    assert lines["internal_on_time"]["value"] == 75.0
    catalogue = client.get("/api/scorecards/metrics").json()
    assert {"internal_csat", "internal_on_time"} <= {m["key"] for m in catalogue}


def test_internal_metrics_are_translated(org: Org, desk: Desk) -> None:
    desk.iris.locale = "de"
    desk.iris.save()
    body = org.client_for(desk.iris).get(f"/scorecards/team/{desk.desk.team_id}/{MONTH}")
    assert "Interner CSAT" in body.content.decode()


def _count(client: Any, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    internal = [q for q in ctx.captured_queries if "servicedesk_internalrequest" in q["sql"]]
    return len(ctx.captured_queries), len(internal)


def test_team_scorecard_queries_stay_bounded_however_many_requests_and_handlers(
    org: Org, desk: Desk
) -> None:
    client = org.client_for(desk.iris)
    url = f"/scorecards/team/{desk.desk.team_id}/{MONTH}"
    total, internal = _count(client, url)
    assert internal == 2  # all trend periods together, and the ranking
    for n in range(5):
        helper = make_person(
            f"helper{n}@example.com",
            f"Helper {n}",
            Role.AGENT,
            department=desk.desk.department,
            team=desk.desk.team,
        )
        for day in range(3):
            at = MARCH - dt.timedelta(days=30 * day)
            _resolved(org, desk.laptop, helper, at, on_time=day != 1, rating=3 + day % 2)
    assert _count(client, url) == (total, 2)
