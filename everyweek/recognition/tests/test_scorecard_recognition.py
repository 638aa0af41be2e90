"""Top performers from the scorecards, the parity view, goals on scorecard metrics and the
unread-notifications badge."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from everyweek.core import schedule
from everyweek.people.models import Person, Role, Team
from everyweek.recognition import indices, performers, programmes, services
from everyweek.recognition.models import (
    AwardProgramme,
    Kudos,
    Nomination,
    Notification,
    Reward,
    TeamGoal,
    TopPerformerResult,
    TopPerformerRule,
)
from everyweek.recognition.services import RecognitionError
from everyweek.scorecards.models import AgentDay, TeamDay
from everyweek.scorecards.selectors import Period

# A Wednesday: the last closed week is Mon 2 - Sun 8 March, the last closed month February.
TODAY = dt.date(2026, 3, 11)
LAST_WEEK = dt.date(2026, 3, 2)


def _day(agent: Person | None, team: Team, day: dt.date, **values: Any) -> None:
    """Adds to the agent's and the team's rollup of the day, as the accumulator would."""
    rows = (
        AgentDay.objects.get_or_create(agent=agent, team=team, day=day)[0],
        TeamDay.objects.get_or_create(team=team, day=day)[0],
    )
    for row in rows:
        for name, value in values.items():
            setattr(row, name, getattr(row, name) + value)
        row.save()


def _csat(agent: Person, team: Team, day: dt.date, answers: int, average: float) -> None:
    _day(agent, team, day, interactions=answers, responses=answers, csat_count=answers,
         csat_sum=answers * average)  # fmt: skip


def _rule(**fields: Any) -> TopPerformerRule:
    defaults: dict[str, Any] = {
        "name": "CSAT stars",
        "metric": "csat",
        "period": "week",
        "min_volume": 5,
    }
    return TopPerformerRule.objects.create(**{**defaults, **fields})


@pytest.fixture
def scored(org: Any) -> Any:
    """Last week: Alice CSAT 4.8 on 10 answers, Bruno 4.9 on 2 answers (too few), Lenny 4.2 on 6."""
    _csat(org.alice, org.alpha, LAST_WEEK, 10, 4.8)
    _csat(org.bruno, org.beta, LAST_WEEK + dt.timedelta(days=1), 2, 4.9)
    _csat(org.lenny, org.alpha, LAST_WEEK + dt.timedelta(days=2), 6, 4.2)
    # This week is still open: it does not count.
    _csat(org.lenny, org.alpha, TODAY, 50, 5.0)
    # Sam sells: his team is not a service team.
    _csat(org.sam, org.hunters, LAST_WEEK, 30, 5.0)
    return org


# --- Top performers ----------------------------------------------------------------------


def test_a_rule_picks_the_best_of_the_last_closed_period_with_enough_volume(scored: Any) -> None:
    rule = _rule(top_n=2)
    period = performers.last_closed_period("week", TODAY)
    assert (period.start, period.end) == (LAST_WEEK, LAST_WEEK + dt.timedelta(days=7))
    with CaptureQueriesContext(connection) as ctx:
        places = performers.evaluate(rule, period)
    # One grouped query on the rollups, one for the winners' names: never one per agent.
    assert len(ctx.captured_queries) == 2
    assert [(p.person, p.rank, round(p.value, 2), p.volume) for p in places] == [
        (scored.alice, 1, 4.8, 10),
        (scored.lenny, 2, 4.2, 6),
    ]
    assert places[0].value_display == "4.80"


def test_threshold_team_scope_and_lower_is_better(scored: Any) -> None:
    period = performers.last_closed_period("week", TODAY)
    above = _rule(top_n=None, threshold=4.5)
    assert [p.person for p in performers.evaluate(above, period)] == [scored.alice]
    beta_only = _rule(top_n=3, team=scored.beta, min_volume=1)
    assert [p.person for p in performers.evaluate(beta_only, period)] == [scored.bruno]
    _day(scored.alice, scored.alpha, LAST_WEEK, handle_count=10, handle_seconds=2000)
    _day(
        scored.bruno, scored.beta, LAST_WEEK, interactions=10, handle_count=10, handle_seconds=3000
    )
    fastest = _rule(metric="handle_time_mean", top_n=1, min_volume=5)
    assert [p.person for p in performers.evaluate(fastest, period)] == [scored.alice]
    scored.alice.is_active = False
    scored.alice.save()
    assert [p.person for p in performers.evaluate(fastest, period)] == [scored.bruno]


def test_the_job_keeps_the_places_once_and_tells_winners_and_leaders(scored: Any) -> None:
    _rule(top_n=1)
    assert performers.record_closed_periods(TODAY) == 1
    assert performers.record_closed_periods(TODAY) == 0
    result = TopPerformerResult.objects.get()
    assert (result.person, result.period_start, result.rank) == (scored.alice, LAST_WEEK, 1)
    assert Notification.objects.filter(recipient=scored.alice, kind="top_performer").count() == 1
    assert Notification.objects.filter(recipient=scored.lenny, kind="top_performer").count() == 1
    job = schedule.get_job("record_top_performers")
    assert job is not None and job.enabled and callable(schedule.resolve(job.target))
    assert callable(schedule.resolve(schedule.get_job("check_metric_goals").target))  # type: ignore[union-attr]


def test_a_leader_thanks_a_top_performer_with_one_click(scored: Any) -> None:
    _rule(top_n=1)
    performers.record_closed_periods(TODAY)
    result = TopPerformerResult.objects.get()
    url = f"/recognition/top-performers/{result.pk}/thank/"
    # An agent may not; a lead who does not lead Alice's team sees nothing to thank.
    assert scored.client_for(scored.bruno).post(url).status_code == 403
    other_lead = Person.objects.create_user(
        "olga@example.com", "x", full_name="Olga Lead", role=Role.LEAD, team=scored.beta
    )
    assert scored.client_for(other_lead).post(url).status_code == 404
    with pytest.raises(PermissionDenied):
        performers.commend(actor=scored.alice, result=result)
    response = scored.client_for(scored.lenny).post(url)
    assert response.status_code == 302
    kudos = Kudos.objects.get(recipient=scored.alice)
    assert kudos.author == scored.lenny and "CSAT stars" in kudos.message
    result.refresh_from_db()
    assert result.kudos == kudos
    with pytest.raises(RecognitionError):
        performers.commend(actor=scored.lenny, result=result)


def test_the_pages_show_the_top_performers_with_their_value(scored: Any) -> None:
    _rule(top_n=2)
    with time_machine.travel(dt.datetime(2026, 3, 11, 10, tzinfo=dt.UTC), tick=False):
        # Before the job has run, the places are measured live.
        page = scored.client_for(scored.bruno).get("/recognition/top-performers/").content.decode()
        assert "Alice Agent" in page and "4.80" in page and "Bruno Agent" not in page
        assert 'data-testid="thank-top"' not in page
        performers.record_closed_periods()
        lead_page = scored.client_for(scored.lenny).get("/recognition/top-performers/")
        assert 'data-testid="thank-top"' in lead_page.content.decode()
        awards = scored.client_for(scored.bruno).get("/recognition/awards/").content.decode()
        assert 'data-testid="top-performers"' in awards and "4.80" in awards
        entries = indices.top_performers(TODAY - dt.timedelta(days=90), TODAY)
        assert [(e.person, e.title) for e in entries] == [
            (scored.alice, "CSAT stars"),
            (scored.lenny, "CSAT stars"),
        ]


def test_the_top_performers_page_costs_the_same_with_more_history(scored: Any) -> None:
    client = scored.client_for(scored.lenny)
    _rule(top_n=2)
    with time_machine.travel(dt.datetime(2026, 3, 11, 10, tzinfo=dt.UTC), tick=False):
        performers.record_closed_periods()
        client.get("/recognition/top-performers/")
        with CaptureQueriesContext(connection) as few:
            assert client.get("/recognition/top-performers/").status_code == 200
        rule = TopPerformerRule.objects.get()
        for weeks in range(1, 20):
            for rank, person in enumerate((scored.alice, scored.lenny, scored.bruno), start=1):
                TopPerformerResult.objects.create(
                    rule=rule,
                    period_start=LAST_WEEK - dt.timedelta(weeks=weeks),
                    period_end=LAST_WEEK - dt.timedelta(weeks=weeks - 1),
                    person=person,
                    rank=rank,
                    value=4.5,
                    volume=10,
                )
        with CaptureQueriesContext(connection) as many:
            assert client.get("/recognition/top-performers/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries) <= 14


def test_only_admins_add_rules(org: Any) -> None:
    data = {"name": "Fast", "metric": "handle_time_mean", "period": "month", "top_n": "3",
            "min_volume": "20"}  # fmt: skip
    assert org.client_for(org.lenny).post("/recognition/top-performers/", data).status_code == 403
    assert not TopPerformerRule.objects.exists()
    response = org.client_for(org.ada).post("/recognition/top-performers/", data)
    assert response.status_code == 302
    assert TopPerformerRule.objects.get().metric == "handle_time_mean"
    with pytest.raises(RecognitionError):
        performers.create_rule(actor=org.ada, name="x", metric="csat", top_n=None, threshold=None)


# --- Parity ------------------------------------------------------------------------------


def test_parity_compares_recognition_and_rewards_of_service_and_sales(org: Any) -> None:
    reward = Reward.objects.create(name="Cinema", cost=30)
    services.give_kudos(author=org.sam, recipient=org.alice, message="a", points=40)
    services.give_kudos(author=org.alice, recipient=org.sam, message="b", points=20)
    services.give_kudos(author=org.bruno, recipient=org.sam, message="c")
    services.request_redemption(person=org.alice, reward=reward)
    now = timezone.now()
    programme = AwardProgramme.objects.create(
        name="Hero",
        nominations_open=now - dt.timedelta(days=9),
        nominations_close=now - dt.timedelta(days=2),
        published_at=now - dt.timedelta(days=1),
    )
    Nomination.objects.create(
        programme=programme, nominee=org.sam, nominated_by=org.erin, reason="r", rank=1
    )
    with CaptureQueriesContext(connection) as ctx:
        rows = indices.parity(now + dt.timedelta(seconds=1), 30)
    assert len(ctx.captured_queries) <= 8
    by_kind = {row.kind: row for row in rows}
    assert [row.kind for row in rows][:2] == ["service", "sales"]
    service, sales = by_kind["service"], by_kind["sales"]
    assert (service.people, service.kudos, service.recognised) == (4, 1, 1)
    assert (service.points_awarded, service.points_redeemed, service.awards_won) == (40, 30, 0)
    assert (sales.people, sales.kudos, sales.points_awarded, sales.awards_won) == (1, 2, 20, 1)
    assert service.recognised_share == 25.0 and sales.kudos_per_person == 2.0
    page = org.client_for(org.mona).get("/recognition/parity/?days=30").content.decode()
    assert "Points redeemed" in page and "Awards won" in page
    assert org.client_for(org.erin).get("/recognition/parity/?days=7").status_code == 200


def test_the_parity_page_is_for_leaders_and_costs_the_same_for_more_people(org: Any) -> None:
    assert org.client_for(org.sam).get("/recognition/parity/").status_code == 403
    client = org.client_for(org.erin)
    client.get("/recognition/parity/")
    with CaptureQueriesContext(connection) as few:
        client.get("/recognition/parity/")
    for i in range(15):
        person = Person.objects.create_user(
            f"p{i}@example.com", "x", full_name=f"P {i}", department=org.sales
        )
        services.give_kudos(author=org.alice, recipient=person, message="thanks")
    with CaptureQueriesContext(connection) as many:
        client.get("/recognition/parity/")
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Goals on scorecard metrics ----------------------------------------------------------


def test_a_goal_on_praise_shows_live_progress_and_the_dare_when_reached(org: Any) -> None:
    start, due = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
    goal = programmes.set_goal(
        actor=org.lenny,
        team=org.alpha,
        title="30 commendations in March",
        metric="commendations",
        metric_target=30,
        starts_on=start,
        due=due,
        dare="Lenny works from the roof",
    )
    _day(org.alice, org.alpha, dt.date(2026, 3, 3), commendations=12)
    _day(org.alice, org.alpha, dt.date(2026, 2, 27), commendations=50)  # before the window
    client = org.client_for(org.alice)
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, tzinfo=dt.UTC), tick=False):
        page = client.get("/recognition/goals/").content.decode()
        assert 'value="40"' in page and "12 of 30 (40%)" in page
        assert 'data-testid="goal-reached"' not in page
        assert programmes.check_metric_goals() == 0
        _day(org.alice, org.alpha, dt.date(2026, 3, 9), commendations=20)
        page = client.get("/recognition/goals/").content.decode()
        assert 'data-testid="goal-reached"' in page and "Lenny works from the roof" in page
        assert programmes.check_metric_goals() == 1
        assert programmes.check_metric_goals() == 0
    goal.refresh_from_db()
    assert goal.reached_at is not None and goal.metric_value == 32 and goal.progress == 100
    assert Notification.objects.filter(recipient=org.alice, kind="goal").count() == 1
    with pytest.raises(RecognitionError):
        programmes.record_progress(actor=org.lenny, goal=goal, progress=1)


def test_an_average_is_only_reached_when_its_window_has_closed(org: Any) -> None:
    goal = programmes.set_goal(
        actor=org.mona,
        team=org.beta,
        title="CSAT 4.5 this week",
        metric="csat",
        metric_target=4.5,
        starts_on=dt.date(2026, 3, 9),
        due=dt.date(2026, 3, 15),
    )
    _csat(org.bruno, org.beta, dt.date(2026, 3, 9), 4, 4.75)
    programmes.measure_goals([goal], dt.date(2026, 3, 10))
    assert goal.metric_value == 4.75 and goal.percent == 100
    assert not goal.reached_live  # type: ignore[attr-defined]
    programmes.measure_goals([goal], dt.date(2026, 3, 16))
    assert goal.reached_live  # type: ignore[attr-defined]
    with pytest.raises(RecognitionError):
        programmes.set_goal(
            actor=org.mona, team=org.beta, title="x", metric="csat", metric_target=4.5
        )
    with pytest.raises(PermissionDenied):
        programmes.set_goal(
            actor=org.lenny,
            team=org.beta,
            title="x",
            metric="csat",
            metric_target=4.5,
            starts_on=dt.date(2026, 3, 9),
            due=dt.date(2026, 3, 15),
        )


def test_leaders_set_metric_goals_on_the_page_and_agents_cannot(org: Any) -> None:
    data = {"team": org.alpha.pk, "title": "Fast answers", "metric": "first_response",
            "metric_target": "90", "starts_on": "2026-03-01", "due": "2026-03-31"}  # fmt: skip
    assert org.client_for(org.alice).post("/recognition/goals/", data).status_code == 403
    response = org.client_for(org.lenny).post("/recognition/goals/", data)
    assert response.status_code == 302
    goal = TeamGoal.objects.get()
    assert (goal.metric, goal.metric_target, goal.team) == ("first_response", 90.0, org.alpha)
    # A lead cannot choose another team: the form only offers their own.
    other = {**data, "team": org.beta.pk}
    assert org.client_for(org.lenny).post("/recognition/goals/", other).status_code == 200
    assert TeamGoal.objects.count() == 1


def test_the_goals_page_costs_the_same_for_many_goals(org: Any) -> None:
    client = org.client_for(org.erin)

    def add(n: int) -> None:
        for i in range(n):
            TeamGoal.objects.create(
                team=(org.alpha, org.beta)[i % 2],
                title=f"Goal {i}",
                target=100,
                metric=("csat", "adherence", "commendations")[i % 3],
                metric_target=4,
                starts_on=dt.date(2026, 3, 1) + dt.timedelta(days=i),
                due=dt.date(2026, 3, 31),
            )
            _day(org.alice, org.alpha, dt.date(2026, 3, 1) + dt.timedelta(days=i), commendations=1)

    add(3)
    client.get("/recognition/goals/")
    with CaptureQueriesContext(connection) as few:
        client.get("/recognition/goals/")
    add(20)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/recognition/goals/").status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


# --- The unread badge --------------------------------------------------------------------


def test_the_header_shows_unread_notifications_in_one_query(org: Any) -> None:
    client = org.client_for(org.alice)
    page = client.get("/recognition/wall/").content.decode()
    assert 'data-testid="notifications-link"' in page and 'data-testid="unread-badge"' not in page
    for text in ("one", "two"):
        services.notify(org.alice, "test", text)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/recognition/wall/").content.decode()
    assert 'data-testid="unread-badge">2<' in page
    assert sum("recognition_notification" in q["sql"] for q in ctx.captured_queries) == 1
    client.get("/recognition/notifications/")
    assert 'data-testid="unread-badge"' not in client.get("/recognition/wall/").content.decode()
    login = org.client_for(org.alice)
    login.logout()
    assert 'data-testid="notifications-link"' not in login.get("/account/login/").content.decode()


def test_period_labels_are_the_scorecards(org: Any) -> None:
    period = Period("week", LAST_WEEK, LAST_WEEK + dt.timedelta(days=7))
    assert performers.last_closed_period("week", TODAY) == period


def test_the_api_lists_top_performers_and_metric_goals(scored: Any) -> None:
    from django.test import Client

    from everyweek.api.models import TokenScope
    from everyweek.api.services import create_token

    _rule(top_n=1)
    TeamGoal.objects.create(
        team=scored.alpha,
        title="CSAT",
        target=100,
        metric="csat",
        metric_target=4.5,
        starts_on=LAST_WEEK,
        due=TODAY,
    )
    _token, secret = create_token(
        actor=scored.alice, owner=scored.alice, name="t", scope=TokenScope.READ
    )
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert Client().get("/api/recognition/top-performers").status_code == 401
    with time_machine.travel(dt.datetime(2026, 3, 11, 10, tzinfo=dt.UTC), tick=False):
        body = Client().get("/api/recognition/top-performers", **headers).json()
    assert [(row["person"]["id"], row["rank"], row["metric"]) for row in body] == [
        (scored.alice.pk, 1, "csat")
    ]
    goals = Client().get("/api/recognition/goals", **headers).json()
    items = goals["items"] if isinstance(goals, dict) else goals
    assert items[0]["metric"] == "csat" and items[0]["metric_target"] == 4.5
