"""Signals that keep rollups in step with per-row writes to the feedback models.

Before a save or delete we read the rollup keys the row counts in now; after the save we read
them again; both sets are marked dirty and recomputed on commit. That covers moves between
agents, teams and days, late rows and corrections alike. Bulk writes bypass signals and call
`rollups.mark_interactions_dirty()` (or the other `mark_*` helpers) themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from everyweek.feedback.models import (
    FollowUpCase,
    Interaction,
    StandardResult,
    SurveyInvitation,
    SurveyResponse,
)
from everyweek.people.models import Person
from everyweek.scorecards import rollups
from everyweek.scorecards.models import AgentDay

KEYS: dict[type[Model], Callable[[list[int]], set[rollups.Key]]] = {
    Interaction: rollups.interaction_keys,
    SurveyResponse: rollups.response_keys,
    SurveyInvitation: rollups.invitation_keys,
    FollowUpCase: rollups.followup_keys,
    StandardResult: rollups.result_keys,
}
ATTR = "_rollup_keys_before"
PERSON_ATTR = "_rollup_days_unassigned"


def _before(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    if instance.pk is not None and not kwargs.get("raw"):
        setattr(instance, ATTR, KEYS[sender]([instance.pk]))


def _before_delete(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    if rollups.in_bulk_change():
        # The instance Django loaded for the delete carries its days: no query per row.
        rollups.note_instance(instance)
        return
    _before(sender, instance, **kwargs)


def _after_save(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    before: set[rollups.Key] = getattr(instance, ATTR, set())
    if kwargs.get("created") and rollups.in_bulk_change():
        rollups.note_instance(instance)
        rollups.mark_dirty(before)
        return
    # Inside rollups.bulk_change() mark_dirty only collects the days.
    rollups.mark_dirty(before | KEYS[sender]([instance.pk]))


def _after_delete(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    rollups.mark_dirty(getattr(instance, ATTR, set()))


def _person_before_delete(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    # The database moves a deleted person's interactions and responses to "no agent" with a
    # plain UPDATE (SET_NULL), past the signals above: the same days, teams and sums, under the
    # unassigned agent. Their own AgentDay rows go with them (CASCADE).
    days = AgentDay.objects.filter(agent_id=instance.pk).values_list("team_id", "day")
    setattr(instance, PERSON_ATTR, {(None, team, day) for team, day in days})


def _person_after_delete(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    rollups.mark_dirty(getattr(instance, PERSON_ATTR, set()))


def _standard_results_changed(sender: Any, interaction_ids: list[int], **kwargs: Any) -> None:
    # Bulk evaluation of standards writes results without model signals; it tells us instead.
    rollups.mark_interactions_dirty(interaction_ids)


def connect() -> None:
    from everyweek.feedback import standards

    standards.results_changed.connect(
        _standard_results_changed, dispatch_uid="scorecards-standard-results"
    )
    pre_delete.connect(_person_before_delete, sender=Person, dispatch_uid="scorecards-person-pre")
    post_delete.connect(_person_after_delete, sender=Person, dispatch_uid="scorecards-person-post")
    for model in KEYS:
        uid = f"scorecards-{model.__name__}"
        pre_save.connect(_before, sender=model, dispatch_uid=f"{uid}-pre-save")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"{uid}-pre-delete")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}-post-save")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}-post-delete")
