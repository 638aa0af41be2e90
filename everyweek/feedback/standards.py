"""Service standards: did an interaction meet "first response within 1 business hour for email"?

For each active standard whose scope (channel, team, priority; empty means any) matches an
interaction, the clock runs from `created_at` to the first response or the resolution, on the
standard's business calendar (or around the clock without one):

- met: the clock stopped within the threshold; not met: it stopped later, *or* it is still running
  and the threshold has already passed (a breach is known before the ticket is answered);
  None: still running and still within the threshold.
- Resolution standards with `pause_while_pending` stop the clock while the interaction waited on
  the customer. Helpdesks give us that wait as a total (`pending_seconds`), not as intervals, so on
  a business calendar the pause is the same share of business time as it was of wall time (exact
  around the clock, an even-spread estimate on a calendar). First-response standards never pause:
  before the first reply there is nobody to wait for.
- An interaction resolved without a recorded first response stops the first-response clock at the
  resolution (the resolution was the reply).

`evaluate_interaction` runs for one interaction as it is stored; `evaluate_many` re-evaluates a
queryset in chunks with a handful of queries each (the `evaluate_standards` command, after an
import, after a calendar change). Both are idempotent. The reads for pages are the `attainment*`
selectors at the bottom, always scoped through everyweek.core.access.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek
from django.dispatch import Signal
from django.utils import timezone
from django_tasks import task

from everyweek.core import audit
from everyweek.core.access import person_scope
from everyweek.feedback.calendars import AROUND_THE_CLOCK, Clock, clocks_for
from everyweek.feedback.models import (
    BusinessCalendar,
    Interaction,
    ServiceStandard,
    ServiceStandardMetric,
    StandardResult,
)

Period = Literal["day", "week", "month"]

# Sent inside the transaction, with `interaction_ids`, after an evaluation changed results.
# Results are written in bulk (no model signals), so whatever derives from them (scorecard
# rollups) listens here.
results_changed = Signal()
PERIODS: tuple[Period, ...] = ("day", "week", "month")

# The fields a standard reads; `evaluate_many` loads only these.
INTERACTION_FIELDS = (
    "id",
    "channel",
    "team_id",
    "priority",
    "created_at",
    "first_response_at",
    "resolved_at",
    "pending_seconds",
)


# --- Evaluating -------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    elapsed_minutes: float
    met: bool | None

    @property
    def running(self) -> bool:
        return self.met is None


class Rulebook:
    """The active standards and their clocks, loaded once (two queries) for many evaluations."""

    def __init__(self, standards: Iterable[ServiceStandard] | None = None) -> None:
        if standards is None:
            standards = ServiceStandard.objects.filter(is_active=True).select_related("calendar")
        self.standards = list(standards)
        calendars: dict[int, BusinessCalendar] = {
            s.calendar.pk: s.calendar for s in self.standards if s.calendar is not None
        }
        self.clocks = clocks_for(calendars.values())

    def clock(self, standard: ServiceStandard) -> Clock:
        if standard.calendar_id is None:
            return AROUND_THE_CLOCK
        return self.clocks[standard.calendar_id]

    def applicable(self, interaction: Timed) -> list[ServiceStandard]:
        return [s for s in self.standards if applies(s, interaction)]


def applies(standard: ServiceStandard, interaction: Timed) -> bool:
    return (
        (not standard.channel or standard.channel == interaction.channel)
        and (standard.team_id is None or standard.team_id == interaction.team_id)
        and (not standard.priority or standard.priority == interaction.priority)
    )


def applicable_standards(interaction: Interaction) -> list[ServiceStandard]:
    return Rulebook().applicable(interaction)


def clock_stop(interaction: Timed, standard: ServiceStandard) -> dt.datetime | None:
    if standard.metric == ServiceStandardMetric.FIRST_RESPONSE:
        return interaction.first_response_at or interaction.resolved_at
    return interaction.resolved_at


def measure(
    interaction: Timed, standard: ServiceStandard, clock: Clock, now: dt.datetime
) -> Outcome:
    stop = clock_stop(interaction, standard)
    end = stop if stop is not None else max(now, interaction.created_at)
    elapsed = clock.minutes_between(interaction.created_at, end)
    if (
        standard.pause_while_pending
        and standard.metric == ServiceStandardMetric.RESOLUTION
        and interaction.pending_seconds
        and elapsed
    ):
        wall = end.timestamp() - interaction.created_at.timestamp()
        share = min(interaction.pending_seconds / wall, 1.0) if wall > 0 else 1.0
        elapsed *= 1.0 - share
    elapsed = round(elapsed, 2)
    over = elapsed > standard.threshold_minutes
    if stop is None:
        return Outcome(elapsed, False if over else None)
    return Outcome(elapsed, not over)


@dataclass
class EvaluationSummary:
    interactions: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0

    def add(self, other: EvaluationSummary) -> None:
        self.interactions += other.interactions
        self.created += other.created
        self.updated += other.updated
        self.deleted += other.deleted


class Timed(Protocol):
    """What a standard reads of an interaction: a model instance or a `_Row` from a bulk read."""

    pk: Any
    channel: str
    team_id: int | None
    priority: str
    created_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    pending_seconds: int


@dataclass(slots=True)
class _Row:
    pk: int
    channel: str
    team_id: int | None
    priority: str
    created_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    pending_seconds: int


def _write(
    creates: list[tuple[int, int, float, bool | None]],
    updates: list[tuple[float, bool | None, int]],
    stale: list[int],
) -> None:
    # executemany on the cursor: the database's bulk path, without a model instance per row.
    table = connection.ops.quote_name(StandardResult._meta.db_table)
    with connection.cursor() as cursor:
        if stale:
            StandardResult.objects.filter(pk__in=stale).delete()
        if creates:
            cursor.executemany(
                f"INSERT INTO {table} (interaction_id, standard_id, elapsed_minutes, met) "  # noqa: S608 - names from the model
                "VALUES (%s, %s, %s, %s)",
                creates,
            )
        if updates:
            cursor.executemany(
                f"UPDATE {table} SET elapsed_minutes = %s, met = %s WHERE id = %s",  # noqa: S608
                updates,
            )


def _sync(interactions: Sequence[Timed], rules: Rulebook, now: dt.datetime) -> EvaluationSummary:
    """Bring the results of these interactions in line with the rules: four queries at most."""
    ids = [i.pk for i in interactions]
    existing: dict[tuple[int, int], tuple[int, float | None, bool | None]] = {
        (interaction_id, standard_id): (pk, elapsed, met)
        for pk, interaction_id, standard_id, elapsed, met in StandardResult.objects.filter(
            interaction_id__in=ids
        ).values_list("pk", "interaction_id", "standard_id", "elapsed_minutes", "met")
    }
    creates: list[tuple[int, int, float, bool | None]] = []
    updates: list[tuple[float, bool | None, int]] = []
    keep: set[int] = set()
    for interaction in interactions:
        for standard in rules.applicable(interaction):
            outcome = measure(interaction, standard, rules.clock(standard), now)
            found = existing.get((interaction.pk, standard.pk))
            if found is None:
                creates.append((interaction.pk, standard.pk, outcome.elapsed_minutes, outcome.met))
                continue
            pk, elapsed, met = found
            keep.add(pk)
            if elapsed != outcome.elapsed_minutes or met != outcome.met:
                updates.append((outcome.elapsed_minutes, outcome.met, pk))
    # Results of standards that no longer apply (scope changed, standard switched off) go.
    stale = {pk: key[0] for key, (pk, _e, _m) in existing.items() if pk not in keep}
    _write(creates, updates, list(stale))
    changed = {c[0] for c in creates} | set(stale.values())
    if updates:
        by_pk = {pk: key[0] for key, (pk, _e, _m) in existing.items()}
        changed |= {by_pk[u[2]] for u in updates}
    if changed:
        results_changed.send(sender=StandardResult, interaction_ids=sorted(changed))
    return EvaluationSummary(len(interactions), len(creates), len(updates), len(stale))


def evaluate_interaction(interaction: Interaction, *, now: dt.datetime | None = None) -> None:
    """Compute this interaction's result for every standard that applies to it (idempotent)."""
    with transaction.atomic():
        _sync([interaction], Rulebook(), now or timezone.now())


def _chunks(queryset: QuerySet[Interaction], size: int) -> Iterator[list[_Row]]:
    # Keyset pagination on pk: stable while results are written, and no long-lived cursor
    # (SQLite would hold its read snapshot open across our writes otherwise). Plain tuples,
    # not model instances: building 10,000 instances costs more than measuring them.
    rows = queryset.order_by("pk").values_list(*INTERACTION_FIELDS)
    last = 0
    while True:
        chunk = [_Row(*row) for row in rows.filter(pk__gt=last)[:size]]
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def evaluate_many(
    queryset: QuerySet[Interaction] | None = None,
    *,
    now: dt.datetime | None = None,
    chunk_size: int = 2000,
    actor: Any = None,
) -> EvaluationSummary:
    """Re-evaluate many interactions: two queries for the rules, then about four per chunk."""
    rules = Rulebook()
    now = now or timezone.now()
    summary = EvaluationSummary()
    queryset = Interaction.objects.all() if queryset is None else queryset
    for chunk in _chunks(queryset, chunk_size):
        with transaction.atomic():
            summary.add(_sync(chunk, rules, now))
    if summary.created or summary.updated or summary.deleted:
        with transaction.atomic():
            audit.record(
                actor,
                "standards.evaluate",
                None,
                {
                    "interactions": summary.interactions,
                    "created": summary.created,
                    "updated": summary.updated,
                    "deleted": summary.deleted,
                },
            )
    return summary


def clocks_still_running() -> QuerySet[Interaction]:
    """Interactions whose results can still change with time alone: a clock has not stopped."""
    return Interaction.objects.filter(
        Q(resolved_at__isnull=True) | Q(first_response_at__isnull=True)
    )


@task()
def evaluate_standards_task(since: str | None = None) -> int:
    """Background re-evaluation (after a standard or calendar changes); `since` is an ISO date."""
    queryset = Interaction.objects.all()
    if since:
        start = dt.datetime.combine(dt.date.fromisoformat(since), dt.time(), tzinfo=dt.UTC)
        queryset = queryset.filter(created_at__gte=start)
    return evaluate_many(queryset).interactions


def deadline(interaction: Interaction, standard: ServiceStandard) -> dt.datetime | None:
    """When the standard's threshold passes for this interaction (ignoring future pauses)."""
    clock = Rulebook([standard]).clock(standard)
    return clock.add_minutes(interaction.created_at, standard.threshold_minutes)


# --- Reading: attainment per period ------------------------------------------------------------


@dataclass(frozen=True)
class Attainment:
    """Counts for one standard over one period (and scope). Running interactions are not judged."""

    met: int
    breached: int
    running: int
    target_percent: int
    period_start: dt.date | None = None

    @property
    def total(self) -> int:
        return self.met + self.breached + self.running

    @property
    def judged(self) -> int:
        return self.met + self.breached

    @property
    def percent(self) -> float | None:
        return round(100 * self.met / self.judged, 1) if self.judged else None

    @property
    def on_target(self) -> bool | None:
        percent = self.percent
        return None if percent is None else percent >= self.target_percent


_COUNTS = {
    "met_count": Count("pk", filter=Q(met=True)),
    "breached_count": Count("pk", filter=Q(met=False)),
    "running_count": Count("pk", filter=Q(met__isnull=True)),
}
_TRUNC = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def visible_results(
    user: Any,
    standard: ServiceStandard | None = None,
    *,
    team_id: int | None = None,
    agent_id: int | None = None,
) -> QuerySet[StandardResult]:
    """Results of interactions whose credited agent `user` may see; narrowed to a team or agent."""
    results = StandardResult.objects.filter(person_scope(user, "interaction__agent"))
    if standard is not None:
        results = results.filter(standard=standard)
    if team_id is not None:
        results = results.filter(interaction__team_id=team_id)
    if agent_id is not None:
        results = results.filter(interaction__agent_id=agent_id)
    return results


def period_bounds(period: Period, day: dt.date, zone: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """The period (day, ISO week from Monday, calendar month) holding `day`, as aware instants."""
    if period == "day":
        first, after = day, day + dt.timedelta(days=1)
    elif period == "week":
        first = day - dt.timedelta(days=day.weekday())
        after = first + dt.timedelta(days=7)
    else:
        first = day.replace(day=1)
        after = (first + dt.timedelta(days=32)).replace(day=1)
    return (
        dt.datetime.combine(first, dt.time(), tzinfo=zone),
        dt.datetime.combine(after, dt.time(), tzinfo=zone),
    )


def _in_range(
    results: QuerySet[StandardResult], start: dt.datetime, end: dt.datetime
) -> QuerySet[StandardResult]:
    # Interactions count in the period they were opened in: the clock starts then.
    return results.filter(interaction__created_at__gte=start, interaction__created_at__lt=end)


def attainment(
    standard: ServiceStandard,
    user: Any,
    start: dt.datetime,
    end: dt.datetime,
    *,
    team_id: int | None = None,
    agent_id: int | None = None,
) -> Attainment:
    """One standard's attainment over [start, end) within what `user` may see."""
    row = _in_range(
        visible_results(user, standard, team_id=team_id, agent_id=agent_id), start, end
    ).aggregate(**_COUNTS)
    return Attainment(
        row["met_count"], row["breached_count"], row["running_count"], standard.target_percent
    )


def attainment_by_period(
    standard: ServiceStandard,
    user: Any,
    start: dt.datetime,
    end: dt.datetime,
    *,
    period: Period = "week",
    zone: dt.tzinfo | None = None,
    team_id: int | None = None,
    agent_id: int | None = None,
) -> list[Attainment]:
    """Attainment per day, week (from Monday) or month in `zone`, oldest first, in one query.

    Periods with no interactions are left out.
    """
    zone = zone or timezone.get_current_timezone()
    trunc = _TRUNC[period]("interaction__created_at", tzinfo=zone)
    rows = (
        _in_range(visible_results(user, standard, team_id=team_id, agent_id=agent_id), start, end)
        .annotate(bucket=trunc)
        .values("bucket")
        .annotate(**_COUNTS)
        .order_by("bucket")
    )
    return [
        Attainment(
            row["met_count"],
            row["breached_count"],
            row["running_count"],
            standard.target_percent,
            period_start=_as_date(row["bucket"], zone),
        )
        for row in rows
    ]


def _as_date(value: dt.date | dt.datetime, zone: dt.tzinfo) -> dt.date:
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value, zone) if timezone.is_aware(value) else value).date()
    return value


@dataclass(frozen=True)
class TeamAttainment:
    team_id: int | None
    team_name: str
    attainment: Attainment


def attainment_by_team(
    standards: Iterable[ServiceStandard], user: Any, start: dt.datetime, end: dt.datetime
) -> dict[int, list[TeamAttainment]]:
    """Standard id -> attainment per team over [start, end), within what `user` may see.

    One query for every standard and team together.
    """
    by_id = {s.pk: s for s in standards}
    rows = (
        _in_range(
            StandardResult.objects.filter(
                person_scope(user, "interaction__agent"), standard_id__in=by_id
            ),
            start,
            end,
        )
        .values("standard_id", "interaction__team_id", "interaction__team__name")
        .annotate(**_COUNTS)
        .order_by("standard_id", "interaction__team__name")
    )
    out: dict[int, list[TeamAttainment]] = defaultdict(list)
    for row in rows:
        standard = by_id[row["standard_id"]]
        out[standard.pk].append(
            TeamAttainment(
                row["interaction__team_id"],
                row["interaction__team__name"] or "",
                Attainment(
                    row["met_count"],
                    row["breached_count"],
                    row["running_count"],
                    standard.target_percent,
                ),
            )
        )
    return dict(out)


def total_of(rows: Iterable[TeamAttainment], target_percent: int) -> Attainment:
    met = breached = running = 0
    for row in rows:
        met += row.attainment.met
        breached += row.attainment.breached
        running += row.attainment.running
    return Attainment(met, breached, running, target_percent)


def breaches(
    standard: ServiceStandard,
    user: Any,
    start: dt.datetime,
    end: dt.datetime,
    *,
    team_id: int | None = None,
) -> QuerySet[StandardResult]:
    """The results that missed the standard (including running clocks past the threshold)."""
    return (
        _in_range(visible_results(user, standard, team_id=team_id), start, end)
        .filter(met=False)
        .select_related("interaction", "interaction__agent", "interaction__team")
        .order_by("-elapsed_minutes", "pk")
    )
