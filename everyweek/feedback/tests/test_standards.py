from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from typing import Any

import pytest
import time_machine
from django.core.management import call_command

from everyweek.conftest import Org
from everyweek.feedback import standards
from everyweek.feedback.models import (
    BusinessCalendar,
    Holiday,
    Interaction,
    ServiceStandard,
    StandardResult,
)
from everyweek.feedback.services import InteractionInput, record_interaction
from everyweek.people.models import Person

ROME = zoneinfo.ZoneInfo("Europe/Rome")
NINE_TO_FIVE = {str(d): [["09:00", "17:00"]] for d in range(5)}
_ids = itertools.count(1)


def rome(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=ROME)


def interaction(
    created: dt.datetime,
    *,
    agent: Person | None = None,
    first_response: dt.datetime | None = None,
    resolved: dt.datetime | None = None,
    **fields: Any,
) -> Interaction:
    obj, _created = record_interaction(
        InteractionInput(
            source="test",
            external_id=f"T{next(_ids)}",
            created_at=created,
            first_response_at=first_response,
            resolved_at=resolved,
            agent=agent,
            **fields,
        )
    )
    return obj


def result(obj: Interaction, standard: ServiceStandard) -> StandardResult:
    return StandardResult.objects.get(interaction=obj, standard=standard)


@pytest.fixture
def office(db: Any) -> BusinessCalendar:
    calendar = BusinessCalendar.objects.create(
        name="Rome office", time_zone="Europe/Rome", weekly_hours=NINE_TO_FIVE, country="IT"
    )
    Holiday.objects.create(calendar=calendar, date=dt.date(2026, 4, 6), name="Pasquetta")
    return calendar


@pytest.fixture
def email_first_hour(office: BusinessCalendar) -> ServiceStandard:
    return ServiceStandard.objects.create(
        name="Email answered within 1 business hour",
        metric="first_response",
        threshold_minutes=60,
        calendar=office,
        channel="email",
        target_percent=80,
    )


def test_first_response_is_measured_in_business_hours(
    org: Org, email_first_hour: ServiceStandard
) -> None:
    # Friday 16:30, answered Tuesday 09:20 after Easter Monday: 30 + 20 business minutes.
    met = interaction(
        rome(2026, 4, 3, 16, 30), agent=org.alice, first_response=rome(2026, 4, 7, 9, 20)
    )
    late = interaction(
        rome(2026, 4, 3, 16, 30), agent=org.alice, first_response=rome(2026, 4, 7, 9, 45)
    )
    assert result(met, email_first_hour).elapsed_minutes == 50
    assert result(met, email_first_hour).met is True
    assert result(late, email_first_hour).elapsed_minutes == 75
    assert result(late, email_first_hour).met is False


def test_standard_scoped_to_email_does_not_apply_to_phone(
    org: Org, email_first_hour: ServiceStandard
) -> None:
    call = interaction(
        rome(2026, 3, 9, 10, 0),
        agent=org.alice,
        channel="phone",
        first_response=rome(2026, 3, 9, 15, 0),
    )
    assert not StandardResult.objects.filter(interaction=call).exists()
    assert standards.applicable_standards(call) == []


def test_team_and_priority_scope(org: Org) -> None:
    urgent_beta = ServiceStandard.objects.create(
        name="Urgent, Beta",
        metric="resolution",
        threshold_minutes=240,
        team=org.beta,
        priority="urgent",
    )
    created = rome(2026, 3, 9, 10, 0)
    in_scope = interaction(created, agent=org.bruno, priority="urgent", resolved=created)
    other_team = interaction(created, agent=org.alice, priority="urgent", resolved=created)
    other_priority = interaction(created, agent=org.bruno, priority="low", resolved=created)
    assert list(StandardResult.objects.values_list("interaction_id", flat=True)) == [in_scope.pk]
    assert urgent_beta.results.count() == 1
    assert other_team.standard_results.count() == other_priority.standard_results.count() == 0


def test_resolution_pauses_while_waiting_on_the_customer(org: Org) -> None:
    within_a_day = ServiceStandard.objects.create(
        name="Resolved within 24 hours", metric="resolution", threshold_minutes=24 * 60
    )
    no_pause = ServiceStandard.objects.create(
        name="Resolved within 24 hours, no pause",
        metric="resolution",
        threshold_minutes=24 * 60,
        pause_while_pending=False,
    )
    first_reply = ServiceStandard.objects.create(
        name="First reply within 2 hours", metric="first_response", threshold_minutes=120
    )
    created = dt.datetime(2026, 3, 9, 8, 0, tzinfo=dt.UTC)
    # Open 30 hours, 10 of which waiting on the customer; answered after 3 hours.
    obj = interaction(
        created,
        agent=org.alice,
        first_response=created + dt.timedelta(hours=3),
        resolved=created + dt.timedelta(hours=30),
        pending_seconds=10 * 3600,
    )
    assert result(obj, within_a_day).elapsed_minutes == 20 * 60
    assert result(obj, within_a_day).met is True
    assert result(obj, no_pause).elapsed_minutes == 30 * 60
    assert result(obj, no_pause).met is False
    # First-response clocks never pause: there is nobody to wait for before the first reply.
    assert result(obj, first_reply).elapsed_minutes == 180
    assert result(obj, first_reply).met is False


def test_pause_on_a_business_calendar_takes_the_waiting_share_of_business_time(
    org: Org, office: BusinessCalendar
) -> None:
    standard = ServiceStandard.objects.create(
        name="Resolved within 2 business days",
        metric="resolution",
        threshold_minutes=16 * 60,
        calendar=office,
    )
    # Monday 09:00 to Wednesday 17:00 is 24 business hours over 56 wall hours; the customer
    # took 28 of those hours (half), so half of the business time is paused: 12 hours.
    obj = interaction(
        rome(2026, 3, 9, 9, 0),
        agent=org.alice,
        resolved=rome(2026, 3, 11, 17, 0),
        pending_seconds=28 * 3600,
    )
    assert result(obj, standard).elapsed_minutes == 12 * 60
    assert result(obj, standard).met is True


def test_running_clock_is_open_then_breached_once_the_threshold_passes(
    org: Org, email_first_hour: ServiceStandard
) -> None:
    with time_machine.travel(rome(2026, 3, 9, 17, 30), tick=False):
        obj = interaction(rome(2026, 3, 9, 16, 45), agent=org.alice)
    running = result(obj, email_first_hour)
    assert (running.met, running.elapsed_minutes) == (None, 15)

    # Overnight the business clock stands still: still running the next morning at 09:20.
    standards.evaluate_many(standards.clocks_still_running(), now=rome(2026, 3, 10, 9, 20))
    assert (result(obj, email_first_hour).met, result(obj, email_first_hour).elapsed_minutes) == (
        None,
        35,
    )

    standards.evaluate_interaction(obj, now=rome(2026, 3, 10, 9, 46))
    breached = result(obj, email_first_hour)
    assert breached.met is False  # known to be missed before anyone answers
    assert breached.elapsed_minutes == 61


def test_resolved_without_a_first_response_stops_the_first_response_clock(
    org: Org, email_first_hour: ServiceStandard
) -> None:
    obj = interaction(rome(2026, 3, 9, 9, 0), agent=org.alice, resolved=rome(2026, 3, 9, 9, 40))
    assert result(obj, email_first_hour).met is True


def test_evaluate_many_is_idempotent_and_uses_few_queries(
    org: Org,
    email_first_hour: ServiceStandard,
    django_assert_max_num_queries: Any,
) -> None:
    ServiceStandard.objects.create(
        name="Resolved within 3 days", metric="resolution", threshold_minutes=3 * 24 * 60
    )
    for n in range(30):
        interaction(
            rome(2026, 3, 2, 9, 0) + dt.timedelta(hours=n),
            agent=org.alice,
            first_response=rome(2026, 3, 2, 9, 30) + dt.timedelta(hours=n),
            resolved=rome(2026, 3, 3, 9, 0) + dt.timedelta(hours=n),
        )
    StandardResult.objects.all().delete()
    # 60 results in two chunks: per-row writes would need 60+ queries; savepoints count here, and
    # so do the scorecards' dirty marks for the changed interactions (a few queries per chunk).
    with django_assert_max_num_queries(26):
        summary = standards.evaluate_many(Interaction.objects.all(), chunk_size=20)
    assert (summary.interactions, summary.created, summary.updated) == (30, 60, 0)
    snapshot = sorted(StandardResult.objects.values_list("interaction_id", "standard_id", "met"))
    again = standards.evaluate_many(Interaction.objects.all())
    assert (again.created, again.updated, again.deleted) == (0, 0, 0)
    assert (
        sorted(StandardResult.objects.values_list("interaction_id", "standard_id", "met"))
        == snapshot
    )


def test_results_of_a_standard_that_no_longer_applies_are_removed(
    org: Org, email_first_hour: ServiceStandard
) -> None:
    obj = interaction(
        rome(2026, 3, 9, 9, 0), agent=org.alice, first_response=rome(2026, 3, 9, 9, 5)
    )
    assert obj.standard_results.count() == 1
    email_first_hour.channel = "chat"
    email_first_hour.save()
    summary = standards.evaluate_many()
    assert summary.deleted == 1
    assert obj.standard_results.count() == 0


def test_evaluate_standards_command_since_a_date(
    org: Org, email_first_hour: ServiceStandard
) -> None:
    old = interaction(
        rome(2026, 1, 5, 9, 0), agent=org.alice, first_response=rome(2026, 1, 5, 9, 5)
    )
    new = interaction(
        rome(2026, 3, 9, 9, 0), agent=org.alice, first_response=rome(2026, 3, 9, 9, 5)
    )
    StandardResult.objects.all().delete()
    call_command("evaluate_standards", "--since", "2026-03-01")
    assert not old.standard_results.exists()
    assert new.standard_results.get().met is True
    call_command("evaluate_standards", "--all")
    call_command("evaluate_standards", "--all")
    assert StandardResult.objects.count() == 2


def test_attainment_per_week_against_target(org: Org, email_first_hour: ServiceStandard) -> None:
    # Week of 2 March: 3 met, 1 late. Week of 9 March: 1 met, 1 still running.
    for day, minutes in [(2, 10), (3, 20), (4, 30), (5, 90), (9, 15)]:
        created = rome(2026, 3, day, 10, 0)
        interaction(
            created, agent=org.alice, first_response=created + dt.timedelta(minutes=minutes)
        )
    with time_machine.travel(rome(2026, 3, 10, 10, 30), tick=False):
        interaction(rome(2026, 3, 10, 10, 0), agent=org.alice)

    weeks = standards.attainment_by_period(
        email_first_hour,
        org.erin,
        rome(2026, 3, 1, 0, 0),
        rome(2026, 4, 1, 0, 0),
        period="week",
        zone=ROME,
    )
    assert [w.period_start for w in weeks] == [dt.date(2026, 3, 2), dt.date(2026, 3, 9)]
    first, second = weeks
    assert (first.met, first.breached, first.running) == (3, 1, 0)
    assert first.percent == 75.0
    assert first.on_target is False  # target 80 %
    assert (second.met, second.breached, second.running, second.percent) == (1, 0, 1, 100.0)
    assert second.on_target is True

    months = standards.attainment_by_period(
        email_first_hour,
        org.erin,
        rome(2026, 1, 1, 0, 0),
        rome(2027, 1, 1, 0, 0),
        period="month",
        zone=ROME,
    )
    assert [(m.period_start, m.met, m.breached) for m in months] == [(dt.date(2026, 3, 1), 4, 1)]
    days = standards.attainment_by_period(
        email_first_hour,
        org.erin,
        rome(2026, 3, 2, 0, 0),
        rome(2026, 3, 4, 0, 0),
        period="day",
        zone=ROME,
    )
    assert [d.period_start for d in days] == [dt.date(2026, 3, 2), dt.date(2026, 3, 3)]


def test_attainment_is_scoped_to_what_the_viewer_may_see(
    org: Org, email_first_hour: ServiceStandard
) -> None:
    created = rome(2026, 3, 9, 10, 0)
    interaction(created, agent=org.alice, first_response=created + dt.timedelta(minutes=5))
    interaction(created, agent=org.bruno, first_response=created + dt.timedelta(minutes=500))
    start, end = standards.period_bounds("week", dt.date(2026, 3, 11), ROME)
    assert (start, end) == (rome(2026, 3, 9, 0, 0), rome(2026, 3, 16, 0, 0))

    def counts(viewer: Person, **kw: Any) -> tuple[int, int]:
        a = standards.attainment(email_first_hour, viewer, start, end, **kw)
        return a.met, a.breached

    assert counts(org.erin) == (1, 1)
    assert counts(org.mona) == (1, 1)  # manager of the department
    assert counts(org.lenny) == (1, 0)  # lead of Alpha: alice only
    assert counts(org.alice) == (1, 0)
    assert counts(org.bruno) == (0, 1)
    assert counts(org.sam) == (0, 0)
    assert counts(org.erin, team_id=org.beta.pk) == (0, 1)
    assert counts(org.erin, agent_id=org.alice.pk) == (1, 0)
    by_team = standards.attainment_by_team([email_first_hour], org.mona, start, end)
    assert [(t.team_name, t.attainment.percent) for t in by_team[email_first_hour.pk]] == [
        ("Alpha", 100.0),
        ("Beta", 0.0),
    ]


def test_period_bounds_for_months_and_days() -> None:
    assert standards.period_bounds("month", dt.date(2026, 12, 31), ROME) == (
        rome(2026, 12, 1, 0, 0),
        rome(2027, 1, 1, 0, 0),
    )
    assert standards.period_bounds("day", dt.date(2026, 3, 29), ROME) == (
        rome(2026, 3, 29, 0, 0),
        rome(2026, 3, 30, 0, 0),
    )


def test_changed_results_are_announced_for_rollups(
    org: Org, email_first_hour: ServiceStandard
) -> None:
    received: list[list[int]] = []

    def listener(sender: Any, interaction_ids: list[int], **kwargs: Any) -> None:
        received.append(interaction_ids)

    standards.results_changed.connect(listener)
    try:
        obj = interaction(
            rome(2026, 3, 9, 9, 0), agent=org.alice, first_response=rome(2026, 3, 9, 9, 5)
        )
        assert received == [[obj.pk]]
        standards.evaluate_many()  # nothing changes: nothing announced
        assert received == [[obj.pk]]
        email_first_hour.threshold_minutes = 1
        email_first_hour.save()
        standards.evaluate_many()
        assert received == [[obj.pk], [obj.pk]]
    finally:
        standards.results_changed.disconnect(listener)
