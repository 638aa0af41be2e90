"""Reads: who may see which recognition, balances from the ledger, and the leaders' numbers."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from everyweek.core.access import WIDE_ROLES, is_admin, person_scope, scope
from everyweek.people.models import Person, Role
from everyweek.recognition.models import (
    Commendation,
    Kudos,
    PointsAccount,
    PointsEntry,
    Visibility,
)


def current_period(now: datetime | None = None) -> str:
    return f"{(now or timezone.now()):%Y-%m}"


def balance(person: Person, account: str = PointsAccount.EARNED) -> int:
    """Earned points are kept for good; points to give only count in the current month."""
    entries = PointsEntry.objects.filter(person=person, account=account)
    if account == PointsAccount.GIVING:
        entries = entries.filter(period=current_period())
    return int(entries.aggregate(total=Sum("amount"))["total"] or 0)


def _team_scope(user: Any) -> Q:
    """Kudos to a team: its members, and leaders whose view covers the team."""
    if user.role in WIDE_ROLES:
        return Q(team__isnull=False)
    q = Q(team_id=user.team_id) if user.team_id else Q(pk__in=[])
    if user.role == Role.MANAGER and user.department_id:
        q |= Q(team__department_id=user.department_id)
    return q


def visible_kudos(user: Any) -> QuerySet[Kudos]:
    """Public kudos for everyone signed in; team kudos for the team; private ones for the
    recipient, the author and the recipient's leaders. Withdrawn kudos only for author and admin.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Kudos.objects.none()
    if user.role in WIDE_ROLES:
        qs = Kudos.objects.all()
    else:
        # Never OR an empty Q() here: Django drops it instead of reading it as "everything".
        to_person = Q(recipient__isnull=False) & person_scope(user, "recipient")
        if user.team_id:
            to_person |= Q(visibility=Visibility.TEAM, recipient__team_id=user.team_id)
        to_team = Q(team__isnull=False) & _team_scope(user)
        qs = Kudos.objects.filter(
            Q(visibility=Visibility.PUBLIC) | Q(author=user) | to_person | to_team
        )
    if not is_admin(user):
        qs = qs.filter(Q(withdrawn_at__isnull=True) | Q(author=user))
    return qs.select_related("author", "recipient", "team", "partner").distinct()


def get_kudos_for_user(user: Any, pk: int) -> Kudos:
    try:
        return visible_kudos(user).get(pk=pk)
    except (Kudos.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def wall_kudos(team_id: int | None = None) -> QuerySet[Kudos]:
    qs = Kudos.objects.filter(visibility=Visibility.PUBLIC, withdrawn_at__isnull=True)
    if team_id:
        qs = qs.filter(Q(team_id=team_id) | Q(recipient__team_id=team_id))
    return qs.select_related("author", "recipient", "team", "partner").prefetch_related("values")


def wall_commendations(team_id: int | None = None) -> QuerySet[Commendation]:
    qs = Commendation.objects.filter(on_wall=True, thanked_at__isnull=False)
    if team_id:
        qs = qs.filter(agent__team_id=team_id)
    return qs.select_related("agent")


def visible_commendations(user: Any) -> QuerySet[Commendation]:
    return scope(Commendation.objects.all(), user, "agent").select_related("agent", "thanked_by")


def get_commendation_for_user(user: Any, pk: int) -> Commendation:
    try:
        return visible_commendations(user).get(pk=pk)
    except (Commendation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def praise_to_thank(user: Any) -> QuerySet[Commendation]:
    """Unthanked praise for people the leader may see (not their own)."""
    return visible_commendations(user).filter(thanked_at__isnull=True).exclude(agent=user)


def median_hours_to_thanks(leader: Person) -> float | None:
    """Median hours from praise detected to thanks given, over the praise this leader thanked."""
    rows = Commendation.objects.filter(thanked_by=leader, thanked_at__isnull=False).values_list(
        "detected_at", "thanked_at"
    )
    hours = [(thanked - detected).total_seconds() / 3600 for detected, thanked in rows if thanked]
    return round(statistics.median(hours), 1) if hours else None


def thanks_times_of_reports(leader: Person) -> list[dict[str, Any]]:
    """For a leader: each direct report who leads others, with their median time to thanks and
    how much praise is still waiting."""
    rows = []
    for report in leader.direct_reports.filter(is_active=True).order_by("full_name"):
        waiting = Commendation.objects.filter(
            agent__reports_to=report, thanked_at__isnull=True
        ).count()
        median = median_hours_to_thanks(report)
        if median is None and not waiting:
            continue
        rows.append({"leader": report, "median_hours": median, "waiting": waiting})
    return rows


# --- Counts for the career path -------------------------------------------------------------


def kudos_received_counts(
    person_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, int]:
    """Kudos each person received in [start, end), not counting withdrawn ones (one query).

    Kudos to a whole team are not credited to its members: the criterion is about the person.
    """
    rows = (
        Kudos.objects.filter(
            recipient_id__in=list(person_ids),
            created_at__gte=start,
            created_at__lt=end,
            withdrawn_at__isnull=True,
        )
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["recipient_id"]: row["n"] for row in rows}


def commendation_counts(
    person_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, int]:
    """Unprompted customer praise credited to each person in [start, end) (one query)."""
    rows = (
        Commendation.objects.filter(
            agent_id__in=list(person_ids), detected_at__gte=start, detected_at__lt=end
        )
        .values("agent_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["agent_id"]: row["n"] for row in rows}
