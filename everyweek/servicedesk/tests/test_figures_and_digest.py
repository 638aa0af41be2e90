"""Internal CSAT and on-time share per providing team, and the weekly digest of rising needs."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from everyweek.analysis.models import TextAnalysis, TopicDefinition
from everyweek.analysis.selectors import rising_customer_topics
from everyweek.conftest import Org
from everyweek.feedback.services import ResponseInput, record_response
from everyweek.people.models import Team
from everyweek.servicedesk import digest, selectors, services
from everyweek.servicedesk.models import DigestLog
from everyweek.servicedesk.selectors import RisingItem
from everyweek.servicedesk.tests.helpers import it_desk


def test_internal_csat_and_on_time_per_providing_team(org: Org) -> None:
    d = it_desk(org, calendar=False)
    start = timezone.now() - dt.timedelta(days=2)
    outcomes = [(5, True), (4, True), (2, False), (None, True)]
    for rating, on_time in outcomes:
        request = services.submit_request(
            actor=org.alice, request_type=d.access, title="x", now=start
        )
        took = dt.timedelta(hours=1 if on_time else 20)
        services.resolve_request(actor=d.ivan, request=request, message="", now=start + took)
        if rating:
            services.rate_request(actor=org.alice, request=request, rating=rating)
    # An open request and one resolved long ago do not count.
    services.submit_request(actor=org.alice, request_type=d.access, title="open")
    old = services.submit_request(
        actor=org.alice, request_type=d.access, title="old", now=start - dt.timedelta(days=60)
    )
    services.resolve_request(
        actor=d.ivan, request=old, message="", now=start - dt.timedelta(days=59)
    )

    figures = selectors.internal_service_by_team(start, timezone.now())

    assert set(figures) == {d.desk.team_id}
    team = figures[d.desk.team_id]
    assert (team.resolved, team.on_time, team.rated) == (4, 3, 3)
    assert team.on_time_percent == 75.0
    assert team.csat_average == 3.67
    assert team.csat_percent == 66.7
    by_person = selectors.internal_service_by_person(start, timezone.now(), [d.ivan.pk])
    assert by_person[d.ivan.pk].rated == 3


def test_figures_page_is_for_leaders(org: Org) -> None:
    it_desk(org)
    assert org.client_for(org.lenny).get("/service-desk/figures/").status_code == 200
    assert org.client_for(org.alice).get("/service-desk/figures/").status_code == 403


def _week(org: Org, d: Any, week_start: dt.datetime, counts: dict[Any, int]) -> None:
    for request_type, n in counts.items():
        for i in range(n):
            services.submit_request(
                actor=org.alice,
                request_type=request_type,
                title="x",
                now=week_start + dt.timedelta(hours=10 + i),
            )


def test_the_weekly_digest_lists_rising_request_types_once(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    d = it_desk(org, calendar=False)
    today = dt.date(2026, 3, 25)  # a Wednesday: the last full week began Monday 16 March
    last_week = digest.last_full_week(today)
    assert last_week == dt.datetime(2026, 3, 16, tzinfo=dt.UTC)
    _week(org, d, last_week - dt.timedelta(days=7), {d.access: 1, d.laptop: 4})
    _week(org, d, last_week, {d.access: 3, d.laptop: 2})

    [item] = selectors.rising_request_types([d.desk.pk], last_week)
    assert item == RisingItem("Access to a tool", 3, 1)

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = digest.send_weekly_digests(today)
    assert sent == 2  # ivan and iris, the help desk team
    assert sorted(m.to[0] for m in mail.outbox) == ["iris@example.com", "ivan@example.com"]
    assert "Access to a tool: 3" in mail.outbox[0].body
    assert "New laptop" not in mail.outbox[0].body
    assert digest.send_weekly_digests(today) == 0
    assert DigestLog.objects.filter(week_start=last_week.date()).exists()


def test_customer_topics_plug_into_the_digest(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    def topics(team: Team, start: dt.datetime, end: dt.datetime) -> list[RisingItem]:
        return [RisingItem("Late deliveries", 12, 4)] if team == org.alpha else []

    digest.register_topic_source(topics)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            sent = digest.send_weekly_digests(dt.date(2026, 3, 25))
    finally:
        digest.unregister_topic_source(topics)
    assert sent == 2  # alice and lenny, team Alpha (a service team)
    assert all("Late deliveries: 12" in m.body for m in mail.outbox)


def _comments(org: Org, week_start: dt.datetime, counts: dict[str, int]) -> None:
    """Analysed customer comments for team Alpha, `counts` per topic key, in that week."""
    for key, n in counts.items():
        for i in range(n):
            response, _created = record_response(
                ResponseInput(
                    "t",
                    f"{key}-{week_start.date()}-{i}",
                    week_start + dt.timedelta(hours=9 + i),
                    agent=org.alice,
                    team=org.alpha,
                    csat=2,
                )
            )
            TextAnalysis.objects.create(
                response=response,
                topics=[{"key": key, "score": 0.9}],
                topic_keys=f",{key},",
                model_version="test",
                analysed_at=timezone.now(),
            )


def test_the_digest_carries_rising_customer_topics_in_each_readers_language(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    TopicDefinition.objects.create(
        key="late-parcels", names={"en": "Late parcels", "it": "Pacchi in ritardo"}
    )
    TopicDefinition.objects.create(key="app-login", names={"en": "App login"})
    today = dt.date(2026, 3, 25)
    week = digest.last_full_week(today)
    _comments(org, week - dt.timedelta(days=7), {"late-parcels": 1, "app-login": 3})
    _comments(org, week, {"late-parcels": 4, "app-login": 2})
    # Another team's comments are not Alpha's.
    TopicDefinition.objects.create(key="refunds", names={"en": "Refunds"})
    beta, _created = record_response(
        ResponseInput("t", "beta", week, agent=org.bruno, team=org.beta)
    )
    TextAnalysis.objects.create(
        response=beta, topic_keys=",refunds,", model_version="test", analysed_at=timezone.now()
    )

    [item] = rising_customer_topics(org.alpha, week, week + dt.timedelta(days=7))
    assert (str(item.label), item.this_week, item.last_week) == ("Late parcels", 4, 1)
    assert rising_customer_topics(org.beta, week, week + dt.timedelta(days=7)) == []

    org.alice.locale = "it"
    org.alice.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert digest.send_weekly_digests(today) == 2  # alice and lenny: team Alpha
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "Late parcels: 4" in bodies["lenny@example.com"]
    assert "Customer topics" in bodies["lenny@example.com"]
    assert "Pacchi in ritardo: 4" in bodies["alice@example.com"]
    assert "Late parcels" not in bodies["alice@example.com"]
    assert "App login" not in bodies["lenny@example.com"]  # fewer than the week before


def test_the_scheduled_sweep_sends_last_weeks_digest(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    from everyweek.core.schedule import DEFAULT_SCHEDULE

    job = next(j for j in DEFAULT_SCHEDULE if j.name == "servicedesk_sweep")
    assert job.target == "command:servicedesk_sweep" and job.enabled
    d = it_desk(org, calendar=False)
    _week(org, d, digest.last_full_week(timezone.now().date()), {d.laptop: 2})
    mail.outbox.clear()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("servicedesk_sweep", stdout=out)
    assert "digests=2" in out.getvalue()
    digests = [m for m in mail.outbox if m.subject.startswith("What is rising")]
    assert sorted(m.to[0] for m in digests) == ["iris@example.com", "ivan@example.com"]
    assert all("New laptop: 2" in m.body for m in digests)
