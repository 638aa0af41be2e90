"""Daily rollups per agent and team: how they are computed, kept up to date and rebuilt.

One accumulator (`Accumulator`) turns raw rows into rollup rows. Every path uses it, so an
incremental update and a full rebuild cannot disagree:

- per-row writes (pages, API, webhooks, `record_interaction`/`record_response`, edits, deletes):
  signals connected in `ScorecardsConfig.ready()` mark the rollup keys touched before and after
  the change (`DirtyDay`, in the same transaction) and recompute them on commit (`flush`);
- bulk writes that bypass signals call `mark_interactions_dirty(ids)` / `mark_dirty(keys)`,
  or, for rows that are new, `add_new_rows()` which adds in-memory deltas (the fast path);
- `scorecards.bulk` (millions of new interactions) has the database sum the chunk it has just
  stored, in SQL that mirrors `Accumulator.add_interaction`; its tests compare it with `rebuild()`;
- `rebuild()` (command `everyweek rebuild_rollups [--since]`) recomputes everything from raw rows;
- inside `bulk_change()` (the demo's reset, mass deletes) per-row maintenance is suspended: the
  signals only note the UTC days a row counted in, and those days are rebuilt once at the end.

A rollup key is (agent id, team id, UTC day); the team is the one stored on the row, so an agent
moved between teams keeps each day on the team they were on.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, Q, QuerySet, Sum

from everyweek.core import fastsql
from everyweek.feedback.models import (
    FollowUpCase,
    FollowUpReason,
    Interaction,
    ServiceStandardMetric,
    StandardResult,
    SurveyInvitation,
    SurveyResponse,
)
from everyweek.scorecards.models import (
    FLOAT_FIELDS,
    HANDLE_TIME_EDGES,
    SUM_FIELDS,
    AgentDay,
    DirtyDay,
    TeamDay,
)

Key = tuple[int | None, int | None, dt.date]
IDX = {name: i for i, name in enumerate(SUM_FIELDS)}
H0 = IDX["h00"]
_I = {name: IDX[name] for name in SUM_FIELDS}
NPS_PROMOTER_MIN = 9
NPS_DETRACTOR_MAX = 6


def day_of(moment: dt.datetime) -> dt.date:
    return moment.astimezone(dt.UTC).date()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=1)


def handle_bucket(seconds: int) -> int:
    return bisect_right(HANDLE_TIME_EDGES, seconds)


def csat_on_five(csat: int, scale: int) -> float:
    return 1 + (csat - 1) * 4 / (scale - 1)


class Accumulator:
    """Sums per rollup key; one `add_*` per kind of raw row."""

    def __init__(self) -> None:
        self.rows: dict[Key, list[float]] = {}

    def _row(self, key: Key) -> list[float]:
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = [0] * len(SUM_FIELDS)
        return row

    def add_interaction(self, key: Key, handle: int | None, reopens: int) -> None:
        row = self._row(key)
        row[_I["interactions"]] += 1
        if handle is not None:
            row[_I["handle_count"]] += 1
            row[_I["handle_seconds"]] += handle
            row[H0 + handle_bucket(handle)] += 1
        if reopens:
            row[_I["reopens"]] += reopens
            row[_I["reopened"]] += 1

    def add_result(self, key: Key, metric: str, met: bool | None) -> None:
        if met is None:
            return
        row = self._row(key)
        prefix = "fr" if metric == ServiceStandardMetric.FIRST_RESPONSE else "res"
        row[_I[f"{prefix}_evaluated"]] += 1
        if met:
            row[_I[f"{prefix}_met"]] += 1

    def add_response(
        self, key: Key, nps: int | None, csat: int | None, scale: int, ces: int | None
    ) -> None:
        row = self._row(key)
        row[_I["responses"]] += 1
        if nps is not None:
            if nps >= NPS_PROMOTER_MIN:
                row[_I["promoters"]] += 1
            elif nps <= NPS_DETRACTOR_MAX:
                row[_I["detractors"]] += 1
            else:
                row[_I["passives"]] += 1
        if csat is not None and scale >= 2:
            row[_I["csat_sum"]] += csat_on_five(csat, scale)
            row[_I["csat_count"]] += 1
        if ces is not None:
            row[_I["ces_sum"]] += ces
            row[_I["ces_count"]] += 1

    def add_count(self, key: Key, name: str, amount: int = 1) -> None:
        self._row(key)[_I[name]] += amount


# --- reading raw rows ---------------------------------------------------------------------------


def _agent_filter(agent_field: str, agents: set[int | None]) -> Q:
    q = Q()
    ids = [a for a in agents if a is not None]
    if ids:
        q |= Q(**{f"{agent_field}__in": ids})
    if None in agents:
        q |= Q(**{f"{agent_field}__isnull": True})
    return q


def _collect(acc: Accumulator, where: dict[str, Q], keep: set[Key] | None = None) -> None:
    """Feed every raw row matching `where[source]` into `acc` (only keys in `keep`, if given)."""

    def ok(key: Key) -> bool:
        return keep is None or key in keep

    def stream(qs: QuerySet[Any], *fields: str) -> Iterator[tuple[Any, ...]]:
        return qs.values_list(*fields).order_by().iterator(chunk_size=5000)

    for agent, team, created, handle, reopens in stream(
        Interaction.objects.filter(where["interaction"]),
        "agent_id",
        "team_id",
        "created_at",
        "handle_time_seconds",
        "reopen_count",
    ):
        key = (agent, team, day_of(created))
        if ok(key):
            acc.add_interaction(key, handle, reopens)
    for agent, team, created, metric, met in stream(
        StandardResult.objects.filter(where["result"]),
        "interaction__agent_id",
        "interaction__team_id",
        "interaction__created_at",
        "standard__metric",
        "met",
    ):
        key = (agent, team, day_of(created))
        if ok(key):
            acc.add_result(key, metric, met)
    for agent, team, submitted, nps, csat, scale, ces in stream(
        SurveyResponse.objects.filter(where["response"]),
        "agent_id",
        "team_id",
        "submitted_at",
        "nps",
        "csat",
        "csat_scale",
        "ces",
    ):
        key = (agent, team, day_of(submitted))
        if ok(key):
            acc.add_response(key, nps, csat, scale, ces)
    for agent, team, moment in stream(
        SurveyInvitation.objects.filter(where["sent"]),
        "interaction__agent_id",
        "interaction__team_id",
        "sent_at",
    ):
        key = (agent, team, day_of(moment))
        if ok(key):
            acc.add_count(key, "invitations_sent")
    for agent, team, moment in stream(
        SurveyInvitation.objects.filter(where["responded"]),
        "interaction__agent_id",
        "interaction__team_id",
        "responded_at",
    ):
        key = (agent, team, day_of(moment))
        if ok(key):
            acc.add_count(key, "invitations_responded")
    for agent, team, opened, reason in stream(
        FollowUpCase.objects.filter(where["opened"]),
        "agent_id",
        "response__team_id",
        "opened_at",
        "reason",
    ):
        key = (agent, team, day_of(opened))
        if ok(key):
            acc.add_count(key, "followups_opened")
            if reason == FollowUpReason.COMPLAINT:
                acc.add_count(key, "complaints")
    for agent, team, opened, closed in stream(
        FollowUpCase.objects.filter(where["closed"]),
        "agent_id",
        "response__team_id",
        "opened_at",
        "closed_at",
    ):
        key = (agent, team, day_of(closed))
        if ok(key):
            acc.add_count(key, "followups_closed")
            acc.add_count(key, "followup_close_seconds", int((closed - opened).total_seconds()))


def _where(
    start: dt.datetime | None, end: dt.datetime | None, keyq: dict[str, Q] | None = None
) -> dict[str, Q]:
    def rng(field: str) -> Q:
        q = Q(**{f"{field}__isnull": False})
        if start is not None:
            q &= Q(**{f"{field}__gte": start})
        if end is not None:
            q &= Q(**{f"{field}__lt": end})
        return q

    keyq = keyq or {}
    return {
        "interaction": rng("created_at") & keyq.get("interaction", Q()),
        "result": rng("interaction__created_at") & keyq.get("result", Q()),
        "response": rng("submitted_at") & keyq.get("response", Q()),
        "sent": rng("sent_at") & keyq.get("sent", Q()),
        "responded": rng("responded_at") & keyq.get("responded", Q()),
        "opened": rng("opened_at") & keyq.get("opened", Q()),
        "closed": rng("closed_at") & keyq.get("closed", Q()),
    }


def recompute(keys: Iterable[Key]) -> Accumulator:
    """The rollups of these keys, from raw rows (seven queries per distinct day)."""
    by_day: dict[dt.date, set[tuple[int | None, int | None]]] = defaultdict(set)
    for agent, team, day in keys:
        by_day[day].add((agent, team))
    acc = Accumulator()
    for day, pairs in by_day.items():
        start, end = day_bounds(day)
        agents = {a for a, _t in pairs}
        keyq = {
            "interaction": _agent_filter("agent_id", agents),
            "result": _agent_filter("interaction__agent_id", agents),
            "response": _agent_filter("agent_id", agents),
            "sent": _agent_filter("interaction__agent_id", agents),
            "responded": _agent_filter("interaction__agent_id", agents),
            "opened": _agent_filter("agent_id", agents),
            "closed": _agent_filter("agent_id", agents),
        }
        _collect(acc, _where(start, end, keyq), keep={(a, t, day) for a, t in pairs})
    return acc


# --- writing rollups ----------------------------------------------------------------------------


def _agent_day(key: Key, values: list[float]) -> AgentDay:
    agent, team, day = key
    fields = {
        name: (values[i] if name in FLOAT_FIELDS else int(values[i]))
        for i, name in enumerate(SUM_FIELDS)
    }
    return AgentDay(agent_id=agent, team_id=team, day=day, **fields)


def _existing(keys: set[Key]) -> dict[Key, AgentDay]:
    found: dict[Key, AgentDay] = {}
    by_day: dict[dt.date, set[int | None]] = defaultdict(set)
    for agent, _team, day in keys:
        by_day[day].add(agent)
    for day, agents in by_day.items():
        for row in AgentDay.objects.filter(Q(day=day) & _agent_filter("agent_id", agents)):
            key = (row.agent_id, row.team_id, row.day)
            if key in keys:
                found[key] = row
    return found


def _refresh_teams(pairs: Iterable[tuple[int | None, dt.date]]) -> None:
    """Team days as the SQL sum of their agent days: one query to read per day, one to replace."""
    by_day: dict[dt.date, set[int | None]] = defaultdict(set)
    for team, day in pairs:
        by_day[day].add(team)
    sums = {name: Sum(name) for name in SUM_FIELDS}
    for day, teams in by_day.items():
        ids = [t for t in teams if t is not None]
        teamq = Q(team_id__in=ids) | (Q(team_id__isnull=True) if None in teams else Q(pk__in=[]))
        TeamDay.objects.filter(Q(day=day) & teamq).delete()
        rows = AgentDay.objects.filter(Q(day=day) & teamq).values("team_id").annotate(**sums)
        TeamDay.objects.bulk_create(
            TeamDay(
                team_id=row["team_id"],
                day=day,
                **{name: row[name] or 0 for name in SUM_FIELDS},
            )
            for row in rows
        )


def _replace(keys: set[Key], acc: Accumulator) -> None:
    old = _existing(keys)
    if old:
        AgentDay.objects.filter(pk__in=[row.pk for row in old.values()]).delete()
    AgentDay.objects.bulk_create(
        (
            _agent_day(key, values)
            for key, values in acc.rows.items()
            if key in keys and any(values)
        ),
        batch_size=1000,
    )
    _refresh_teams({(team, day) for _agent, team, day in keys})


@transaction.atomic
def refresh(keys: Iterable[Key]) -> int:
    """Recompute these rollup keys from raw rows; returns how many keys were refreshed."""
    wanted = set(keys)
    if wanted:
        _replace(wanted, recompute(wanted))
    return len(wanted)


@transaction.atomic
def add_new_rows(acc: Accumulator) -> None:
    """Add the sums of rows that are new to the database (bulk ingest): no re-reading raw rows.

    One upsert per (agent, day) and per (team, day) that adds to what is stored, as the CSV
    ingest does (ORM bulk_update of 40 columns was a hundred times slower).
    """
    from everyweek.scorecards.bulk import upsert_rollups

    with connection.cursor() as cursor:
        upsert_rollups(acc, cursor)


# --- dirty marks --------------------------------------------------------------------------------


DIRTY_COLUMNS = ("agent_id_value", "team_id_value", "day")


def mark_dirty(keys: Iterable[Key]) -> None:
    """Remember keys to recompute (same transaction as the change); a task recomputes them.

    The recomputation runs in a worker after commit, not in the request. Marks are plain
    inserts, never "insert or ignore" against an existing mark: a mark written in the same
    transaction as its change must not be absorbed into a mark a concurrent flush is about to
    consume, or that flush (which cannot see the uncommitted change) would drop it. Duplicates
    cost a row each and are merged by `flush`. Inside `flushed_here()` no task is queued.
    """
    marks = set(keys)
    if not marks:
        return
    pending = _bulk.get()
    if pending is not None:
        pending.days.update(day for _agent, _team, day in marks)
        return
    # A prepared executemany: bulk_create cost ~40 µs a mark (model instances, per-value
    # SQL), and a bulk import marks tens of thousands of keys.
    fastsql.insert_many(DirtyDay, DIRTY_COLUMNS, marks)
    if _flushed_by_caller.get():
        return
    # One flush per transaction, however many rows it marked.
    db = transaction.get_connection()
    if not any(func is _enqueue_flush for _sids, func, _robust in db.run_on_commit):
        transaction.on_commit(_enqueue_flush)


# Set inside `flushed_here()`: the caller flushes once at the end, so the marks that signals
# make on the way (a follow-up case, a commendation) queue no flush task of their own.
_flushed_by_caller: ContextVar[bool] = ContextVar("flushed_by_caller", default=False)


@contextmanager
def flushed_here() -> Iterator[None]:
    """Flush once when the block ends instead of queueing a flush task per transaction inside.

    For work that already runs in a worker (the after-answer task). If the block fails, the
    marks it committed are left to the periodic `flush_rollups` job.
    """
    token = _flushed_by_caller.set(True)
    try:
        yield
    finally:
        _flushed_by_caller.reset(token)
    flush()


def _enqueue_flush() -> None:
    from everyweek.scorecards.tasks import flush_rollups

    flush_rollups.enqueue()


def flush() -> int:
    """Recompute every key marked dirty. Safe to call any time, from any process.

    Marks another flush holds are skipped, not waited for: that flush recomputes them.
    """
    with transaction.atomic():
        marks = list(
            DirtyDay.objects.select_for_update(skip_locked=True).values_list(
                "pk", "agent_id_value", "team_id_value", "day"
            )
        )
        if not marks:
            return 0
        DirtyDay.objects.filter(pk__in=[m[0] for m in marks]).delete()
        return refresh({(a, t, d) for _pk, a, t, d in marks})


def interaction_keys(ids: Iterable[int]) -> set[Key]:
    """Every rollup key that these interactions (and their invitations and results) count in."""
    ids = list(ids)
    keys: set[Key] = set()
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for agent, team, created in Interaction.objects.filter(pk__in=chunk).values_list(
            "agent_id", "team_id", "created_at"
        ):
            keys.add((agent, team, day_of(created)))
        for agent, team, sent, responded in SurveyInvitation.objects.filter(
            interaction_id__in=chunk
        ).values_list("interaction__agent_id", "interaction__team_id", "sent_at", "responded_at"):
            keys.update((agent, team, day_of(m)) for m in (sent, responded) if m is not None)
    return keys


def mark_interactions_dirty(ids: Iterable[int]) -> None:
    """The entry point for bulk paths that change interactions or their standard results."""
    mark_dirty(interaction_keys(ids))


def response_keys(ids: Iterable[int]) -> set[Key]:
    ids = list(ids)
    keys: set[Key] = set()
    for agent, team, submitted in SurveyResponse.objects.filter(pk__in=ids).values_list(
        "agent_id", "team_id", "submitted_at"
    ):
        keys.add((agent, team, day_of(submitted)))
    for agent, team, opened, closed in FollowUpCase.objects.filter(response_id__in=ids).values_list(
        "agent_id", "response__team_id", "opened_at", "closed_at"
    ):
        keys.update((agent, team, day_of(m)) for m in (opened, closed) if m is not None)
    return keys


def mark_responses_dirty(ids: Iterable[int]) -> None:
    mark_dirty(response_keys(ids))


@contextmanager
def tracking(
    interaction_ids: Iterable[int] = (), response_ids: Iterable[int] = ()
) -> Iterator[None]:
    """For bulk updates past the signals (queryset.update, raw SQL upserts): marks the keys
    these rows counted in before the block and after it, so moves between agents, teams and
    days are rolled up on both sides.

        with rollups.tracking(interaction_ids=ids):
            Interaction.objects.filter(pk__in=ids).update(agent=person, team_id=team_id)
    """
    interactions = list(interaction_ids)
    responses = list(response_ids)
    before = interaction_keys(interactions) | response_keys(responses)
    yield
    mark_dirty(before | interaction_keys(interactions) | response_keys(responses))


def followup_keys(ids: Iterable[int]) -> set[Key]:
    keys: set[Key] = set()
    for agent, team, opened, closed in FollowUpCase.objects.filter(pk__in=list(ids)).values_list(
        "agent_id", "response__team_id", "opened_at", "closed_at"
    ):
        keys.update((agent, team, day_of(m)) for m in (opened, closed) if m is not None)
    return keys


def invitation_keys(ids: Iterable[int]) -> set[Key]:
    keys: set[Key] = set()
    for agent, team, sent, responded in SurveyInvitation.objects.filter(
        pk__in=list(ids)
    ).values_list("interaction__agent_id", "interaction__team_id", "sent_at", "responded_at"):
        keys.update((agent, team, day_of(m)) for m in (sent, responded) if m is not None)
    return keys


def result_keys(ids: Iterable[int]) -> set[Key]:
    return {
        (agent, team, day_of(created))
        for agent, team, created in StandardResult.objects.filter(pk__in=list(ids)).values_list(
            "interaction__agent_id", "interaction__team_id", "interaction__created_at"
        )
    }


# --- rebuild ------------------------------------------------------------------------------------


def _rebuild_span(first: dt.date | None, after: dt.date | None) -> int:
    """Replace the rollups of days in [first, after) (None: open-ended) with a recomputation."""
    acc = Accumulator()
    _collect(
        acc,
        _where(day_bounds(first)[0] if first else None, day_bounds(after)[0] if after else None),
    )
    span = Q()
    if first is not None:
        span &= Q(day__gte=first)
    if after is not None:
        span &= Q(day__lt=after)
    AgentDay.objects.filter(span).delete()
    TeamDay.objects.filter(span).delete()
    rows = [_agent_day(k, v) for k, v in acc.rows.items() if any(v)]
    AgentDay.objects.bulk_create(rows, batch_size=1000)
    sums = {name: Sum(name) for name in SUM_FIELDS}
    TeamDay.objects.bulk_create(
        (
            TeamDay(team_id=r["team_id"], day=r["day"], **{n: r[n] or 0 for n in SUM_FIELDS})
            for r in AgentDay.objects.filter(span)
            .values("team_id", "day")
            .annotate(**sums)
            .order_by()
        ),
        batch_size=1000,
    )
    return len(rows)


@transaction.atomic
def rebuild(since: dt.date | None = None) -> int:
    """Replace every rollup (from `since` on) with a recomputation; returns the agent-day rows."""
    # Marks of earlier days stay: this rebuild does not recompute those days.
    marks = DirtyDay.objects.all() if since is None else DirtyDay.objects.filter(day__gte=since)
    marks.delete()
    pending = _bulk.get()
    if pending is not None:
        # What the block changed so far is covered by this rebuild; later changes still count.
        pending.days = {d for d in pending.days if since is not None and d < since}
        if since is None:
            pending.result_interactions.clear()
    return _rebuild_span(since, None)


def rebuild_days(days: Iterable[dt.date]) -> int:
    """Rebuild these days, one pass per run of consecutive days; returns the agent-day rows."""
    ordered = sorted(set(days))
    rows = 0
    run_start = 0
    for i in range(1, len(ordered) + 1):
        if i == len(ordered) or ordered[i] - ordered[i - 1] != dt.timedelta(days=1):
            rows += _rebuild_span(ordered[run_start], ordered[i - 1] + dt.timedelta(days=1))
            run_start = i
    return rows


# --- bulk changes -------------------------------------------------------------------------------


@dataclass
class _Pending:
    days: set[dt.date] = field(default_factory=set)
    # Results saved or deleted alone: their day is their interaction's, looked up at the end.
    result_interactions: set[int] = field(default_factory=set)


_bulk: ContextVar[_Pending | None] = ContextVar("rollups_bulk_change", default=None)

# The fields whose UTC day a row counts in, read from the instance a signal carries.
_DAY_FIELDS: dict[type[Model], tuple[str, ...]] = {
    Interaction: ("created_at",),
    SurveyResponse: ("submitted_at",),
    SurveyInvitation: ("sent_at", "responded_at"),
    FollowUpCase: ("opened_at", "closed_at"),
}


def in_bulk_change() -> bool:
    return _bulk.get() is not None


def note_instance(instance: Model) -> None:
    """Inside `bulk_change()`: remember the days this row counts in (no query)."""
    pending = _bulk.get()
    if pending is None:
        return
    if isinstance(instance, StandardResult):
        pending.result_interactions.add(instance.interaction_id)
        return
    for name in _DAY_FIELDS.get(type(instance), ()):
        moment = getattr(instance, name)
        if moment is not None:
            pending.days.add(day_of(moment))


@contextmanager
def bulk_change() -> Iterator[None]:
    """Many writes at once (a mass delete, the demo's reset) without per-row rollup upkeep.

    Inside the block, the signals and `mark_dirty()` only collect the UTC days touched; on
    leaving it those days are rebuilt from raw rows once, in the same transaction. A delete
    reads nothing per row (the days come from the instances Django already loaded); a save of
    an existing row still reads the days it counted in before (it may move between days).
    Nested blocks join the outermost one.
    """
    if _bulk.get() is not None:
        yield
        return
    pending = _Pending()
    token = _bulk.set(pending)
    try:
        with transaction.atomic():
            yield
            days = set(pending.days)
            ids = sorted(pending.result_interactions)
            for start in range(0, len(ids), 5000):
                created = Interaction.objects.filter(pk__in=ids[start : start + 5000])
                days.update(day_of(c) for c in created.values_list("created_at", flat=True))
            rebuild_days(days)
    finally:
        _bulk.reset(token)


def snapshot() -> dict[str, dict[tuple[Any, ...], tuple[float, ...]]]:
    """The stored rollups as plain values, for comparing two ways of computing them."""

    def values(row: Any) -> tuple[float, ...]:
        return tuple(round(getattr(row, n), 6) for n in SUM_FIELDS)

    return {
        "agents": {(r.agent_id, r.team_id, r.day): values(r) for r in AgentDay.objects.all()},
        "teams": {(r.team_id, r.day): values(r) for r in TeamDay.objects.all()},
    }
