"""Who is two or more levels below a leader, and whom the system proposes to meet next."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from everyweek.conftest import Org, make_person
from everyweek.listening import selectors, services
from everyweek.listening.tests.helpers import agent_under, session_for
from everyweek.people.models import Role


def test_skip_level_people_are_frontline_two_or_more_levels_down(org: Org) -> None:
    # erin -> mona -> lenny -> alice; erin -> mona -> bruno; erin -> sam.
    assert set(selectors.people_below(org.erin)) == {org.alice, org.bruno}
    assert set(selectors.people_below(org.mona)) == {org.alice}
    assert list(selectors.people_below(org.lenny)) == []
    assert set(selectors.people_below(org.erin, min_depth=3)) == {org.alice}


def test_depths_follow_the_shortest_reporting_line(org: Org) -> None:
    assert selectors.depths_below(org.erin) == {
        org.mona.pk: 1,
        org.sam.pk: 1,
        org.lenny.pk: 2,
        org.bruno.pk: 2,
        org.alice.pk: 3,
    }


def test_former_staff_are_not_proposed(org: Org) -> None:
    org.alice.is_active = False
    org.alice.save()
    assert set(selectors.people_below(org.erin)) == {org.bruno}


def test_finding_people_below_costs_one_query_however_deep_the_organisation(
    org: Org, django_assert_num_queries: Any
) -> None:
    # Three more levels of leads, each with agents: 40 people below erin.
    leader = org.lenny
    for level in range(3):
        sub = make_person(
            f"sub{level}@example.com", f"Sub Lead {level}", Role.LEAD, reports_to=leader
        )
        for n in range(10):
            agent_under(org, f"a{level}-{n}@example.com", f"Agent {level}-{n}", sub)
        leader = sub
    with django_assert_num_queries(1):
        found = list(selectors.people_below(org.erin))
    assert len(found) == 32  # 30 new agents, alice and bruno


def test_proposal_puts_never_met_first_then_longest_ago(org: Org) -> None:
    carla = agent_under(org, "carla@example.com", "Carla Agent", org.lenny)
    dario = agent_under(org, "dario@example.com", "Dario Agent", org.lenny)
    long_ago = session_for(org, org.erin, [org.bruno], starts_in=dt.timedelta(days=-70))
    services.record_session(actor=org.erin, session=long_ago, notes="", attended=[org.bruno.pk])
    recent = session_for(org, org.erin, [org.alice, dario], starts_in=dt.timedelta(days=-14))
    # Dario did not come: he has not been met, so he goes before those who were.
    services.record_session(actor=org.erin, session=recent, notes="", attended=[org.alice.pk])

    proposed = selectors.proposal(org.erin)

    assert proposed[:2] == sorted([carla, dario], key=lambda p: (p.full_name, p.pk))
    assert proposed[2:] == [org.bruno, org.alice]
    assert getattr(proposed[2], "last_met") < getattr(proposed[3], "last_met")  # noqa: B009


def test_people_already_invited_to_an_upcoming_session_are_not_proposed(org: Org) -> None:
    session_for(org, org.erin, [org.alice])
    assert selectors.proposal(org.erin) == [org.bruno]


def test_proposal_is_cut_to_the_leaders_group_size(org: Org) -> None:
    services.set_cadence(actor=org.erin, leader=org.erin, every_weeks=2, group_size=1)
    assert len(selectors.proposal(org.erin)) == 1


def test_proposal_costs_few_queries(org: Org, django_assert_max_num_queries: Any) -> None:
    for n in range(20):
        agent_under(org, f"p{n}@example.com", f"P {n}", org.lenny)
    with django_assert_max_num_queries(3):
        assert len(selectors.proposal(org.erin, limit=50)) == 22


@pytest.mark.parametrize("weeks_ago,held,expected", [(12, 2, 67), (12, 3, 100), (12, 0, 0)])
def test_cadence_kept_is_sessions_held_against_the_cadence(
    org: Org, weeks_ago: int, held: int, expected: int
) -> None:
    cadence = services.set_cadence(actor=org.erin, leader=org.erin, every_weeks=4, group_size=3)
    cadence.started_on = timezone.localdate() - dt.timedelta(weeks=weeks_ago)
    cadence.save()
    for n in range(held):
        session = session_for(org, org.erin, [org.alice], starts_in=dt.timedelta(days=-7 * (n + 1)))
        services.record_session(actor=org.erin, session=session, notes="", attended=[])
    [row] = selectors.leader_listening([org.erin])
    assert row.planned == 3
    assert row.cadence_percent == expected


def test_closure_rate_counts_closed_impediments(org: Org) -> None:
    session = session_for(org, org.erin, [org.alice], starts_in=dt.timedelta(days=-1))
    items = [
        services.add_action_item(
            actor=org.erin,
            session=session,
            title=f"Impediment {n}",
            owner=org.mona,
            due_on=timezone.localdate() + dt.timedelta(days=n - 2),
        )
        for n in range(4)
    ]
    services.update_action_item(actor=org.mona, item=items[0], status="done", resolution="Fixed")
    [row] = selectors.leader_listening([org.erin])
    assert (row.actions, row.actions_closed, row.closure_percent) == (4, 1, 25)
    assert row.actions_overdue == 1  # items 0 (closed) and 1 were due before today
