"""Rollups kept up to date incrementally always equal a full recomputation from raw rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from everyweek.conftest import Org
from everyweek.feedback.models import (
    FollowUpCase,
    Interaction,
    ServiceStandard,
    ServiceStandardMetric,
    SurveyResponse,
)
from everyweek.feedback.services import (
    InteractionInput,
    ResponseInput,
    record_interaction,
    record_response,
)
from everyweek.scorecards import rollups
from everyweek.scorecards.models import AgentDay, DirtyDay, TeamDay

T0 = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


class Rollback(Exception):
    pass


def _standard() -> None:
    ServiceStandard.objects.create(
        name="First reply within an hour",
        metric=ServiceStandardMetric.FIRST_RESPONSE,
        threshold_minutes=60,
    )


op = st.one_of(
    st.tuples(
        st.just("interaction"),
        st.integers(0, 5),  # external id: collisions are corrections
        st.sampled_from(["alice", "bruno", None]),
        st.integers(0, 3),  # day
        st.one_of(st.none(), st.integers(0, 20_000)),  # handle time
        st.integers(0, 2),  # reopens
        st.integers(1, 180),  # minutes to first response
    ),
    st.tuples(
        st.just("response"),
        st.integers(0, 5),
        st.sampled_from(["alice", "bruno", None]),
        st.integers(0, 3),
        st.one_of(st.none(), st.integers(0, 10)),
        st.sampled_from([None, (1, 5), (5, 5), (2, 3), (7, 7), (1, 2)]),
        st.one_of(st.none(), st.integers(1, 7)),
    ),
    st.tuples(st.just("delete_interaction"), st.integers(0, 5)),
    st.tuples(st.just("delete_response"), st.integers(0, 5)),
    st.tuples(
        st.just("move_alice"),
    ),
    st.tuples(st.just("close_case"), st.integers(0, 5)),
)


def _apply(org: Org, step: tuple[Any, ...]) -> None:
    kind = step[0]
    people = {"alice": org.alice, "bruno": org.bruno, None: None}
    if kind == "interaction":
        _kind, ext, who, day, handle, reopens, minutes = step
        created = T0 + dt.timedelta(days=day)
        record_interaction(
            InteractionInput(
                source="t",
                external_id=f"I{ext}",
                created_at=created,
                first_response_at=created + dt.timedelta(minutes=minutes),
                agent=people[who],
                handle_time_seconds=handle,
                reopen_count=reopens,
            )
        )
    elif kind == "response":
        _kind, ext, who, day, nps, csat, ces = step
        record_response(
            ResponseInput(
                source="t",
                external_id=f"R{ext}",
                submitted_at=T0 + dt.timedelta(days=day, hours=3),
                interaction=Interaction.objects.filter(external_id=f"I{ext}").first(),
                agent=people[who],
                nps=nps,
                csat=csat[0] if csat else None,
                csat_scale=csat[1] if csat else 5,
                ces=ces,
            )
        )
    elif kind == "delete_interaction":
        for row in Interaction.objects.filter(external_id=f"I{step[1]}"):
            row.delete()
    elif kind == "delete_response":
        for response in SurveyResponse.objects.filter(external_id=f"R{step[1]}"):
            response.delete()
    elif kind == "move_alice":
        org.alice.team = org.beta if org.alice.team_id == org.alpha.pk else org.alpha
        org.alice.save()
    elif kind == "close_case":
        for case in FollowUpCase.objects.filter(response__external_id=f"R{step[1]}"):
            case.status = "resolved"
            case.closed_at = case.opened_at + dt.timedelta(hours=5)
            case.save()


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(op, min_size=1, max_size=10))
def test_incremental_rollups_equal_a_full_recomputation(
    org: Org, committed: Callable[[], Any], steps: list[tuple[Any, ...]]
) -> None:
    with pytest.raises(Rollback), transaction.atomic():
        _standard()
        for step in steps:
            # One transaction per write, as pages, webhooks and imports do.
            with committed():
                _apply(org, step)
        incremental = rollups.snapshot()
        rollups.rebuild()
        assert rollups.snapshot() == incremental
        raise Rollback


def test_an_agent_moved_between_teams_keeps_each_day_on_the_team_of_the_day(
    org: Org, committed: Callable[[], Any]
) -> None:
    with committed():
        record_interaction(InteractionInput("t", "1", T0, agent=org.alice, handle_time_seconds=100))
        org.alice.team = org.beta
        org.alice.save()
        record_interaction(InteractionInput("t", "2", T0 + dt.timedelta(days=1), agent=org.alice))
    days = {(r.team_id, r.day): r.interactions for r in AgentDay.objects.filter(agent=org.alice)}
    assert days == {
        (org.alpha.pk, T0.date()): 1,
        (org.beta.pk, T0.date() + dt.timedelta(days=1)): 1,
    }
    assert TeamDay.objects.get(team=org.alpha, day=T0.date()).interactions == 1


def test_a_late_correction_moves_the_interaction_to_its_new_day_and_agent(
    org: Org, committed: Callable[[], Any]
) -> None:
    with committed():
        record_interaction(InteractionInput("t", "1", T0, agent=org.alice, handle_time_seconds=100))
    with committed():
        record_interaction(
            InteractionInput(
                "t", "1", T0 - dt.timedelta(days=2), agent=org.bruno, handle_time_seconds=700
            )
        )
    assert not AgentDay.objects.filter(agent=org.alice).exists()
    row = AgentDay.objects.get(agent=org.bruno)
    assert (row.day, row.interactions, row.handle_seconds, row.h08) == (
        T0.date() - dt.timedelta(days=2),
        1,
        700,
        1,
    )


def test_a_crash_before_the_recomputation_is_caught_up_by_the_next_flush(org: Org) -> None:
    # Without running on-commit callbacks, the dirty mark stays behind like after a crash.
    record_interaction(InteractionInput("t", "1", T0, agent=org.alice))
    assert not AgentDay.objects.exists()
    assert rollups.flush() >= 1
    assert AgentDay.objects.get(agent=org.alice).interactions == 1


def test_rebuild_command_since_a_day_keeps_earlier_days(
    org: Org, committed: Callable[[], Any]
) -> None:
    with committed():
        record_interaction(InteractionInput("t", "1", T0, agent=org.alice))
        record_interaction(InteractionInput("t", "2", T0 + dt.timedelta(days=5), agent=org.alice))
    AgentDay.objects.update(interactions=99)
    call_command("rebuild_rollups", "--since", str(T0.date() + dt.timedelta(days=1)))
    assert sorted(AgentDay.objects.values_list("interactions", flat=True)) == [1, 99]


def test_a_rebuild_since_a_day_leaves_the_marks_of_earlier_days_to_the_next_flush(
    org: Org, committed: Callable[[], Any]
) -> None:
    with committed():
        record_interaction(InteractionInput("t", "1", T0, agent=org.alice))
        record_interaction(InteractionInput("t", "2", T0 + dt.timedelta(days=5), agent=org.alice))
    # A change to the early day whose recomputation has not run yet (no flush since).
    Interaction.objects.filter(external_id="1").update(handle_time_seconds=600)
    with transaction.atomic():
        rollups.mark_interactions_dirty(
            Interaction.objects.filter(external_id="1").values_list("pk", flat=True)
        )
    rollups.rebuild(since=T0.date() + dt.timedelta(days=1))
    assert list(DirtyDay.objects.values_list("day", flat=True).distinct()) == [T0.date()]
    rollups.flush()
    assert AgentDay.objects.get(day=T0.date()).handle_seconds == 600


def test_bulk_updates_past_the_signals_are_rolled_up_on_both_sides_when_tracked(
    org: Org, committed: Callable[[], Any]
) -> None:
    with committed():
        record_interaction(InteractionInput("t", "1", T0, agent=org.alice))
    ids = list(Interaction.objects.values_list("pk", flat=True))
    with committed(), rollups.tracking(interaction_ids=ids):
        Interaction.objects.filter(pk__in=ids).update(agent=org.bruno, team=org.beta)
    assert list(AgentDay.objects.values_list("agent_id", "team_id")) == [
        (org.bruno.pk, org.beta.pk)
    ]


def test_standards_evaluated_in_bulk_update_the_rollups(
    org: Org, committed: Callable[[], Any]
) -> None:
    with committed():
        record_interaction(
            InteractionInput(
                "t", "1", T0, agent=org.alice, first_response_at=T0 + dt.timedelta(minutes=30)
            )
        )
    # A standard defined later is applied by the bulk evaluation, which sends no model signals.
    _standard()
    with committed():
        call_command("evaluate_standards", "--all")
    incremental = rollups.snapshot()
    rollups.rebuild()
    assert rollups.snapshot() == incremental


@pytest.mark.django_db
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(before=st.lists(op, min_size=1, max_size=8), inside=st.lists(op, min_size=1, max_size=8))
def test_rollups_after_a_bulk_change_equal_a_full_rebuild(
    org: Org,
    committed: Callable[[], Any],
    before: list[tuple[Any, ...]],
    inside: list[tuple[Any, ...]],
) -> None:
    with pytest.raises(Rollback), transaction.atomic():
        _standard()
        for step in before:
            with committed():
                _apply(org, step)
        marks = DirtyDay.objects.count()
        with committed(), rollups.bulk_change():
            for step in inside:
                _apply(org, step)
            # Per-row upkeep is suspended: nothing is marked for a later flush.
            assert DirtyDay.objects.count() == marks
        after_bulk = rollups.snapshot()
        rollups.rebuild()
        assert rollups.snapshot() == after_bulk
        raise Rollback


def test_a_bulk_delete_rebuilds_the_days_once_without_marking_rows(
    org: Org, committed: Callable[[], Any]
) -> None:
    with committed():
        for n in range(6):
            record_interaction(
                InteractionInput("t", str(n), T0 + dt.timedelta(days=n % 3), agent=org.alice)
            )
        record_interaction(InteractionInput("t", "keep", T0, agent=org.bruno))
    with rollups.bulk_change():
        Interaction.objects.filter(agent=org.alice).delete()
        assert not DirtyDay.objects.exists()
    assert list(AgentDay.objects.values_list("agent_id", "interactions")) == [(org.bruno.pk, 1)]
    assert TeamDay.objects.get(day=T0.date()).interactions == 1


def test_a_failed_bulk_change_leaves_the_rollups_as_they_were(
    org: Org, committed: Callable[[], Any]
) -> None:
    with committed():
        record_interaction(InteractionInput("t", "1", T0, agent=org.alice))
    before = rollups.snapshot()
    with pytest.raises(Rollback), rollups.bulk_change():
        Interaction.objects.all().delete()
        raise Rollback
    assert Interaction.objects.count() == 1
    assert rollups.snapshot() == before
    assert not rollups.in_bulk_change()


def test_deleting_a_person_keeps_the_rollups_equal_to_a_full_recomputation(
    org: Org, committed: Callable[[], Any]
) -> None:
    # The database sets the person's rows to no agent with a plain UPDATE (SET_NULL), which
    # sends no signals: the rollups must follow all the same.
    with committed():
        _standard()
        for n in range(3):
            at = T0 + dt.timedelta(days=n)
            record_interaction(
                InteractionInput(
                    "t", f"I{n}", at, first_response_at=at + dt.timedelta(minutes=30 * n),
                    agent=org.bruno, handle_time_seconds=300,
                )
            )  # fmt: skip
            record_response(
                ResponseInput(
                    source="t", external_id=f"R{n}", submitted_at=at + dt.timedelta(hours=2),
                    interaction=Interaction.objects.get(external_id=f"I{n}"),
                    agent=org.bruno, nps=n * 4, csat=n + 1,
                )
            )  # fmt: skip
    with committed():
        org.bruno.delete()
    incremental = rollups.snapshot()
    rollups.rebuild()
    assert rollups.snapshot() == incremental
