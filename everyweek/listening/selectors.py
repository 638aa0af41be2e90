"""Reads for skip-level listening: who is below a leader, whom to meet next, cadence kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from everyweek.core.access import WIDE_ROLES, is_leader, person_scope, visible_people
from everyweek.listening.models import (
    CLOSED_ACTION_STATUSES,
    ActionItem,
    ListeningCadence,
    ListeningSession,
    SessionStatus,
)
from everyweek.people.models import Person, Role

# Reporting lines deeper than this are not followed (and a loop, if one slipped in, ends here).
MAX_DEPTH = 25
# Raisers keep seeing an action item for this long after it closed, to read the outcome.
CLOSED_VISIBLE_FOR = dt.timedelta(days=30)
FRONTLINE_ROLES = (Role.AGENT,)


def _below_sql(leader_id: int, min_depth: int) -> tuple[str, list[Any]]:
    """SQL selecting the ids of everyone at least `min_depth` levels below the leader.

    One recursive query (SQLite and PostgreSQL both have WITH RECURSIVE), so an organisation
    of 20,000 costs the same round trips as one of 20. Depth is the shortest path down.
    """
    table = connection.ops.quote_name(Person._meta.db_table)
    sql = f"""
        WITH RECURSIVE below(id, depth) AS (
            SELECT id, 1 FROM {table} WHERE reports_to_id = %s
            UNION ALL
            SELECT p.id, b.depth + 1 FROM {table} p JOIN below b ON p.reports_to_id = b.id
            WHERE b.depth < %s
        )
        SELECT id FROM below GROUP BY id HAVING MIN(depth) >= %s
    """  # noqa: S608 - the table name comes from the model, values are parameters
    return sql, [leader_id, MAX_DEPTH, min_depth]


def people_below(
    leader: Person, *, min_depth: int = 2, frontline_only: bool = True
) -> QuerySet[Person]:
    """Active people `min_depth` or more levels below `leader` in the reporting lines."""
    sql, params = _below_sql(leader.pk, min_depth)
    # Parameters are bound by the driver; the SQL itself has no user input.
    people = Person.objects.filter(pk__in=RawSQL(sql, params), is_active=True)  # noqa: S611
    if frontline_only:
        people = people.filter(role__in=FRONTLINE_ROLES)
    return people


def depths_below(leader: Person) -> dict[int, int]:
    """Person id -> how many levels below `leader` (1 = direct report), in one query."""
    table = connection.ops.quote_name(Person._meta.db_table)
    sql = f"""
        WITH RECURSIVE below(id, depth) AS (
            SELECT id, 1 FROM {table} WHERE reports_to_id = %s
            UNION ALL
            SELECT p.id, b.depth + 1 FROM {table} p JOIN below b ON p.reports_to_id = b.id
            WHERE b.depth < %s
        )
        SELECT id, MIN(depth) FROM below GROUP BY id
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [leader.pk, MAX_DEPTH])
        return {int(pk): int(depth) for pk, depth in cursor.fetchall()}


def is_below(leader: Person, person: Person, *, min_depth: int = 1) -> bool:
    return (
        people_below(leader, min_depth=min_depth, frontline_only=False)
        .filter(pk=person.pk)
        .exists()
    )


def cadence_for(leader: Person) -> ListeningCadence:
    """The leader's cadence, or the default (every 4 weeks, 6 people) not yet saved."""
    cadence = ListeningCadence.objects.filter(leader=leader).first()
    return cadence or ListeningCadence(leader=leader, started_on=timezone.localdate())


def proposal(leader: Person, *, limit: int | None = None) -> list[Person]:
    """Whom to invite next: those this leader has not met for longest, never-met first.

    "Met" means in a held session of this leader where they were not marked absent. People
    already invited to one of the leader's upcoming sessions are left out.
    """
    cadence = cadence_for(leader)
    met = Q(
        listening_participations__session__leader=leader,
        listening_participations__session__status=SessionStatus.HELD,
    ) & ~Q(listening_participations__attended=False)
    upcoming = ListeningSession.objects.filter(
        leader=leader, status=SessionStatus.PLANNED, starts_at__gte=timezone.now()
    ).values("participants__person")
    people = (
        people_below(leader, min_depth=cadence.min_levels_below)
        .exclude(pk__in=upcoming)
        .annotate(last_met=Max("listening_participations__session__held_at", filter=met))
        .select_related("team")
        .order_by(F("last_met").asc(nulls_first=True), "hire_date", "full_name", "pk")
    )
    return list(people[: limit if limit is not None else cadence.group_size])


# --- Visibility ------------------------------------------------------------------------------


def visible_sessions(user: Any) -> QuerySet[ListeningSession]:
    """The leader's own sessions, the ones a person is invited to, and, for leaders, the
    sessions of leaders they can see (a manager sees their leads' sessions)."""
    sessions = ListeningSession.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return sessions.none()
    if user.role in WIDE_ROLES:
        return sessions
    condition = Q(leader=user) | Q(participants__person=user)
    if is_leader(user):
        condition |= Q(person_scope(user, "leader"))
    return sessions.filter(pk__in=ListeningSession.objects.filter(condition).values("pk"))


def can_manage_session(user: Any, session: ListeningSession) -> bool:
    """Only the leader who holds the session (or an administrator) changes it or reads its notes."""
    return bool(user.is_authenticated) and (session.leader_id == user.pk or user.role == Role.ADMIN)


def can_read_notes(user: Any, session: ListeningSession) -> bool:
    if can_manage_session(user, session):
        return True
    # Leaders above the session's leader read the notes; invitees do not.
    return is_leader(user) and visible_people(user).filter(pk=session.leader_id).exists()


def visible_actions(user: Any, *, now: dt.datetime | None = None) -> QuerySet[ActionItem]:
    """Action items a person owns or raised (raised ones until a month after they close), and
    for leaders those of sessions they may see."""
    items = ActionItem.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return items.none()
    if user.role in WIDE_ROLES:
        return items
    now = now or timezone.now()
    raised = Q(raised_by=user) & (
        ~Q(status__in=CLOSED_ACTION_STATUSES) | Q(closed_at__gte=now - CLOSED_VISIBLE_FOR)
    )
    condition = Q(owner=user) | Q(session__leader=user) | raised
    if is_leader(user):
        condition |= Q(person_scope(user, "session__leader"))
    return items.filter(pk__in=ActionItem.objects.filter(condition).values("pk"))


# --- Cadence and closure rate ---------------------------------------------------------------


@dataclass
class LeaderListening:
    leader: Person
    every_weeks: int
    planned: int
    held: int
    last_held: dt.datetime | None
    actions: int
    actions_closed: int
    actions_overdue: int

    @property
    def cadence_percent(self) -> int | None:
        """Sessions held as a share of those the cadence planned (capped at 100)."""
        if not self.planned:
            return None
        return min(100, round(100 * self.held / self.planned))

    @property
    def closure_percent(self) -> int | None:
        if not self.actions:
            return None
        return round(100 * self.actions_closed / self.actions)


def leader_listening(
    leaders: list[Person], *, weeks: int = 26, today: dt.date | None = None
) -> list[LeaderListening]:
    """Cadence kept and impediment closure rate per leader over the last `weeks`, in four queries.

    Planned sessions are what the cadence asked for since the window (or the cadence) began,
    or the sessions actually scheduled and due by now if that is more.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    window_start = today - dt.timedelta(weeks=weeks)
    ids = [leader.pk for leader in leaders]
    cadences = {c.leader_id: c for c in ListeningCadence.objects.filter(leader_id__in=ids)}
    since = timezone.make_aware(dt.datetime.combine(window_start, dt.time()))
    sessions = {
        row["leader"]: row
        for row in ListeningSession.objects.filter(leader_id__in=ids, starts_at__gte=since)
        .values("leader")
        .annotate(
            held=Count("pk", filter=Q(status=SessionStatus.HELD)),
            due=Count("pk", filter=Q(starts_at__lte=now) & ~Q(status=SessionStatus.CANCELLED)),
            last_held=Max("held_at"),
        )
    }
    actions = {
        row["session__leader"]: row
        for row in ActionItem.objects.filter(session__leader_id__in=ids, created_at__gte=since)
        .values("session__leader")
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(status__in=CLOSED_ACTION_STATUSES)),
            overdue=Count("pk", filter=Q(due_on__lt=today) & ~Q(status__in=CLOSED_ACTION_STATUSES)),
        )
    }
    result = []
    for leader in leaders:
        cadence = cadences.get(leader.pk)
        every = cadence.every_weeks if cadence else 4
        start = max(window_start, cadence.started_on) if cadence else window_start
        by_cadence = max((today - start).days // (every * 7), 0)
        s = sessions.get(leader.pk, {})
        a = actions.get(leader.pk, {})
        result.append(
            LeaderListening(
                leader=leader,
                every_weeks=every,
                planned=max(by_cadence, s.get("due", 0)),
                held=s.get("held", 0),
                last_held=s.get("last_held"),
                actions=a.get("total", 0),
                actions_closed=a.get("closed", 0),
                actions_overdue=a.get("overdue", 0),
            )
        )
    return result


def leaders_below(user: Any) -> QuerySet[Person]:
    """The leaders whose listening figures `user` sees: everyone below them who leads, or
    for executives and administrators every leader who keeps a cadence or held a session."""
    leaders = Person.objects.filter(is_active=True).filter(
        Q(listening_cadence__isnull=False) | Q(listening_sessions_led__isnull=False)
    )
    if user.role not in WIDE_ROLES:
        leaders = leaders.filter(
            pk__in=people_below(user, min_depth=1, frontline_only=False).values("pk")
        )
    return leaders.distinct().order_by("full_name", "pk")
