"""Reads for scorecard pages, exports, emails and the API. Everything comes from rollups.

A scorecard costs a fixed number of queries whatever the period or the number of agents:
one per rollup table for the current, previous and trend periods together, and one per
rollup table for the ranking. The internal service desk's figures (internal CSAT, within
turnaround) add one grouped query for all periods and one for the ranking.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from everyweek.core.access import WIDE_ROLES, get_person_for_user
from everyweek.people.models import Department, DepartmentKind, Person, Role, Team
from everyweek.scorecards.metrics import (
    ADHERENCE_FIELDS,
    CATALOGUE,
    INTERNAL_FIELDS,
    Metric,
    Totals,
    add_totals,
    empty_totals,
    format_value,
)
from everyweek.scorecards.models import (
    SUM_FIELDS,
    AdherenceDay,
    AgentDay,
    KeyFigure,
    ScorecardDefinition,
    ScorecardMetric,
    TeamDay,
)
from everyweek.servicedesk.selectors import (
    InternalServiceFigures,
    internal_service_by_day,
    internal_service_grouped,
)

PERIOD_KINDS = {
    "week": gettext_lazy("Week"),
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "custom": gettext_lazy("Custom"),
}
BANDS = {
    0: gettext_lazy("below"),
    1: gettext_lazy("meets"),
    2: gettext_lazy("exceeds"),
    3: gettext_lazy("outstanding"),
}
KINDS = ("agent", "team", "department", "organisation")


# --- periods ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # exclusive

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        first = date_format(self.start, "SHORT_DATE_FORMAT")
        last = date_format(self.last_day, "SHORT_DATE_FORMAT")
        return first if first == last else f"{first} - {last}"


def _month_start(day: dt.date, back: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def period_for(
    kind: str, day: dt.date, start: dt.date | None = None, end: dt.date | None = None
) -> Period:
    if kind == "custom" and start and end and end >= start:
        return Period("custom", start, end + dt.timedelta(days=1))
    if kind == "month":
        first = _month_start(day)
        return Period("month", first, _month_start(day, -1))
    if kind == "quarter":
        first = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period("quarter", first, _month_start(first, -3))
    monday = day - dt.timedelta(days=day.weekday())
    return Period("week", monday, monday + dt.timedelta(days=7))


def previous(period: Period) -> Period:
    if period.kind == "month":
        return Period("month", _month_start(period.start, 1), period.start)
    if period.kind == "quarter":
        return Period("quarter", _month_start(period.start, 3), period.start)
    length = period.end - period.start
    return Period(period.kind, period.start - length, period.start)


def trend(period: Period, count: int = 8) -> list[Period]:
    periods = [period]
    for _i in range(count - 1):
        periods.insert(0, previous(periods[0]))
    return periods


# --- subjects -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    kind: str
    pk: int
    name: str
    department_id: int | None = None

    def rollups(self) -> QuerySet[Any]:
        if self.kind == "agent":
            return AgentDay.objects.filter(agent_id=self.pk)
        if self.kind == "team":
            return TeamDay.objects.filter(team_id=self.pk)
        if self.kind == "department":
            return TeamDay.objects.filter(team__department_id=self.pk)
        return TeamDay.objects.all()

    def adherence(self) -> QuerySet[AdherenceDay]:
        if self.kind == "agent":
            return AdherenceDay.objects.filter(agent_id=self.pk)
        if self.kind == "team":
            return AdherenceDay.objects.filter(team_id=self.pk)
        if self.kind == "department":
            return AdherenceDay.objects.filter(team__department_id=self.pk)
        return AdherenceDay.objects.all()

    def internal_filter(self) -> Q:
        """The internal requests this subject provided: handled by the agent, or by a desk
        the team runs (or the department's desks, or every desk)."""
        if self.kind == "agent":
            return Q(assignee_id=self.pk)
        if self.kind == "team":
            return Q(desk__team_id=self.pk)
        if self.kind == "department":
            return Q(desk__department_id=self.pk)
        return Q()

    def raw_filter(self, agent_path: str, team_path: str) -> Q:
        """The same subject on raw rows, for drill-downs."""
        if self.kind == "agent":
            return Q(**{f"{agent_path}_id": self.pk})
        if self.kind == "team":
            return Q(**{f"{team_path}_id": self.pk})
        if self.kind == "department":
            return Q(**{f"{team_path}__department_id": self.pk})
        return Q()


def can_see_team(user: Any, team: Team) -> bool:
    if user.role in WIDE_ROLES:
        return True
    if user.role == Role.MANAGER:
        return bool(user.department_id) and user.department_id == team.department_id
    if user.role == Role.LEAD:
        return user.team_id == team.pk
    return False


def subject_for_user(user: Any, kind: str, pk: int) -> Subject:
    """The subject if `user` may see it; 404 otherwise (agent own, lead team, manager department)."""
    if kind == "agent":
        person = get_person_for_user(user, pk)
        return Subject("agent", person.pk, person.full_name, person.department_id)
    if kind == "team":
        team = Team.objects.filter(pk=pk).first()
        if team is None or not can_see_team(user, team):
            raise Http404
        return Subject("team", team.pk, team.name, team.department_id)
    if kind == "department":
        department = Department.objects.filter(pk=pk).first()
        allowed = user.role in WIDE_ROLES or (
            user.role == Role.MANAGER and user.department_id == pk
        )
        if department is None or not allowed:
            raise Http404
        return Subject("department", department.pk, department.name, department.pk)
    if kind == "organisation" and user.role in WIDE_ROLES:
        return Subject("organisation", 0, _("Organisation"))
    raise Http404


def home_subject(user: Any) -> tuple[str, int]:
    """The scorecard a person sees first: their own, their team's, department's or the whole."""
    if user.role in WIDE_ROLES:
        return "organisation", 0
    if user.role == Role.MANAGER and user.department_id:
        return "department", user.department_id
    if user.role == Role.LEAD and user.team_id:
        return "team", user.team_id
    return "agent", user.pk


# --- sums ---------------------------------------------------------------------------------------

# Raw SQL for the 40-column sums: the ORM spends longer composing these than the database
# spends running them. Table and column names are constants; values are parameters.
_SUMS = ", ".join(f"SUM(r.{name})" for name in SUM_FIELDS)
_TEAM_OF_DEPARTMENT = "r.team_id IN (SELECT id FROM people_team WHERE department_id = %s)"


def _rollup_source(subject: Subject) -> tuple[str, str, list[Any]]:
    if subject.kind == "agent":
        return "scorecards_agentday", "r.agent_id = %s", [subject.pk]
    if subject.kind == "team":
        return "scorecards_teamday", "r.team_id = %s", [subject.pk]
    if subject.kind == "department":
        return "scorecards_teamday", _TEAM_OF_DEPARTMENT, [subject.pk]
    return "scorecards_teamday", "1 = 1", []


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _summed(sql: str, params: list[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            {"key": row[0], **dict(zip(SUM_FIELDS, row[1:], strict=True))}
            for row in cursor.fetchall()
        ]


def _bucket(periods: list[Period], rows: list[dict[str, Any]], into: list[Totals]) -> None:
    for row in rows:
        day = _as_date(row["day"] if "day" in row else row["key"])
        for i, period in enumerate(periods):
            if period.start <= day < period.end:
                add_totals(into[i], row)
                break


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _internal_row(figures: InternalServiceFigures) -> dict[str, Any]:
    values = (figures.resolved, figures.on_time, figures.rated, figures.rating_sum)
    return dict(zip(INTERNAL_FIELDS, values, strict=True))


def totals_for(subject: Subject, periods: list[Period]) -> list[Totals]:
    """Sums per period: three queries (rollups, adherence, internal requests), grouped by day."""
    start = min(p.start for p in periods)
    end = max(p.end for p in periods)
    totals = [empty_totals() for _p in periods]
    table, where, params = _rollup_source(subject)
    rows = _summed(
        f"SELECT r.day, {_SUMS} FROM {table} r WHERE {where} AND r.day >= %s AND r.day < %s "  # noqa: S608
        "GROUP BY r.day",
        [*params, start, end],
    )
    _bucket(periods, rows, totals)
    adherence = list(
        subject.adherence()
        .filter(day__gte=start, day__lt=end)
        .values("day")
        .annotate(**{name: Sum(name) for name in ADHERENCE_FIELDS})
        .order_by()
    )
    _bucket(periods, adherence, totals)
    internal = internal_service_by_day(
        _utc_midnight(start), _utc_midnight(end), subject.internal_filter()
    )
    _bucket(
        periods,
        [{"day": day, **_internal_row(figures)} for day, figures in internal.items()],
        totals,
    )
    return totals


def children_totals(subject: Subject, period: Period) -> dict[int | None, Totals]:
    """Sums per member for the ranking: agents of a team, teams of a department, departments."""
    if subject.kind == "team":
        sql = (
            f"SELECT r.agent_id, {_SUMS} FROM scorecards_agentday r WHERE r.team_id = %s "  # noqa: S608
            "AND r.day >= %s AND r.day < %s GROUP BY r.agent_id"
        )
        params: list[Any] = [subject.pk]
        adherence = AdherenceDay.objects.filter(team_id=subject.pk)
        group = "agent_id"
        internal_group = "assignee_id"
    elif subject.kind == "department":
        sql = (
            f"SELECT r.team_id, {_SUMS} FROM scorecards_teamday r WHERE {_TEAM_OF_DEPARTMENT} "  # noqa: S608
            "AND r.day >= %s AND r.day < %s GROUP BY r.team_id"
        )
        params = [subject.pk]
        adherence = AdherenceDay.objects.filter(team__department_id=subject.pk)
        group = "team_id"
        internal_group = "desk__team_id"
    elif subject.kind == "organisation":
        sql = (
            f"SELECT t.department_id, {_SUMS} FROM scorecards_teamday r "  # noqa: S608
            "LEFT JOIN people_team t ON t.id = r.team_id WHERE r.day >= %s AND r.day < %s "
            "GROUP BY t.department_id"
        )
        params = []
        adherence = AdherenceDay.objects.all()
        group = "team__department_id"
        internal_group = "desk__department_id"
    else:
        return {}
    result: dict[int | None, Totals] = defaultdict(empty_totals)
    for row in _summed(sql, [*params, period.start, period.end]):
        add_totals(result[row["key"]], row)
    rows = (
        adherence.filter(day__gte=period.start, day__lt=period.end)
        .values(group)
        .annotate(**{name: Sum(name) for name in ADHERENCE_FIELDS})
        .order_by()
    )
    for row in rows:
        add_totals(result[row[group]], row)
    internal = internal_service_grouped(
        internal_group,
        _utc_midnight(period.start),
        _utc_midnight(period.end),
        subject.internal_filter(),
    )
    for pk, figures in internal.items():
        add_totals(result[pk], _internal_row(figures))
    return result


_SERVICE_TEAMS = (
    "r.team_id IN (SELECT t.id FROM people_team t JOIN people_department d "
    "ON d.id = t.department_id WHERE d.kind = %s)"
)


def agent_totals(
    period: Period, *, team_id: int | None = None, with_adherence: bool = True
) -> dict[int, Totals]:
    """Sums per agent over a period, for leaderboards (recognition's top performers): one
    grouped query on the agent rollups, and one on adherence when asked. Active agents only;
    without a team, those of every service team (the rows' team, as everywhere in the rollups)."""
    params: list[Any]
    if team_id is not None:
        where, params = "r.team_id = %s", [team_id]
        adherence = AdherenceDay.objects.filter(team_id=team_id)
    else:
        where, params = _SERVICE_TEAMS, [DepartmentKind.SERVICE.value]
        adherence = AdherenceDay.objects.filter(team__department__kind=DepartmentKind.SERVICE)
    sql = (
        f"SELECT r.agent_id, {_SUMS} FROM scorecards_agentday r WHERE {where} "  # noqa: S608
        "AND r.agent_id IN (SELECT id FROM people_person WHERE is_active = %s) "
        "AND r.day >= %s AND r.day < %s GROUP BY r.agent_id"
    )
    result: dict[int, Totals] = defaultdict(empty_totals)
    for row in _summed(sql, [*params, True, period.start, period.end]):
        add_totals(result[row["key"]], row)
    if with_adherence:
        rows = (
            adherence.filter(day__gte=period.start, day__lt=period.end)
            .values("agent_id")
            .annotate(**{name: Sum(name) for name in ADHERENCE_FIELDS})
            .order_by()
        )
        for row in rows:
            add_totals(result[row["agent_id"]], row)
    return dict(result)


def team_daily_totals(
    team_ids: list[int], start: dt.date, end: dt.date, *, with_adherence: bool = True
) -> dict[int, list[tuple[dt.date, dict[str, Any]]]]:
    """Each team's sums per day in [start, end): one grouped query for any number of teams (and
    one on adherence), so a page of goals with different windows costs the same as one."""
    found: dict[int, list[tuple[dt.date, dict[str, Any]]]] = defaultdict(list)
    if not team_ids:
        return {}
    marks = ", ".join(["%s"] * len(team_ids))
    sql = (
        f"SELECT r.team_id, r.day, {_SUMS} FROM scorecards_teamday r "  # noqa: S608
        f"WHERE r.team_id IN ({marks}) AND r.day >= %s AND r.day < %s GROUP BY r.team_id, r.day"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*team_ids, start, end])
        for row in cursor.fetchall():
            found[row[0]].append((_as_date(row[1]), dict(zip(SUM_FIELDS, row[2:], strict=True))))
    if with_adherence:
        rows = (
            AdherenceDay.objects.filter(team_id__in=team_ids, day__gte=start, day__lt=end)
            .values("team_id", "day")
            .annotate(**{name: Sum(name) for name in ADHERENCE_FIELDS})
            .order_by()
        )
        for row in rows:
            found[row["team_id"]].append((_as_date(row["day"]), row))
    return dict(found)


# --- scoring ------------------------------------------------------------------------------------


def band(line: ScorecardMetric, higher_is_better: bool, value: float | None) -> int | None:
    if value is None:
        return None
    steps = (line.outstanding, line.exceeds, line.meets)
    for points, threshold in zip((3, 2, 1), steps, strict=True):
        if (value >= threshold) if higher_is_better else (value <= threshold):
            return points
    return 0


@dataclass
class Line:
    metric: Metric
    weight: int
    value: float | None
    previous: float | None
    band: int | None
    points: float | None
    trend: list[float | None]
    goals: ScorecardMetric | None = None

    @property
    def display(self) -> str:
        return format_value(self.metric, self.value)

    @property
    def previous_display(self) -> str:
        return format_value(self.metric, self.previous)

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def improved(self) -> bool | None:
        change = self.change
        if not change:
            return None
        return (change > 0) == self.metric.higher_is_better

    @property
    def band_label(self) -> str:
        return str(BANDS[self.band]) if self.band is not None else ""


def score(lines: list[Line]) -> float | None:
    weighted = [line for line in lines if line.band is not None and line.weight]
    total = sum(line.weight for line in weighted)
    if not total:
        return None
    return sum(line.weight * (line.band or 0) / 3 for line in weighted) * 100 / total


def definition_lines(definition: ScorecardDefinition | None) -> list[ScorecardMetric]:
    if definition is None:
        return []
    return [m for m in definition.metrics.all() if m.metric in CATALOGUE]


def quick_score(goals: list[ScorecardMetric], totals: Totals) -> float | None:
    lines = []
    for goal in goals:
        metric = CATALOGUE[goal.metric]
        value = metric.compute(totals)
        b = band(goal, metric.higher_is_better, value)
        lines.append(Line(metric, goal.weight, value, None, b, None, []))
    return score(lines)


@dataclass
class RankRow:
    pk: int | None
    name: str
    kind: str
    score: float | None
    volume: float
    values: list[str] = field(default_factory=list)


@dataclass
class Scorecard:
    subject: Subject
    period: Period
    previous: Period
    definition: ScorecardDefinition | None
    lines: list[Line]
    extra: list[Line]
    score: float | None
    previous_score: float | None
    periods: list[Period]
    ranking: list[RankRow]
    key_figures: list[dict[str, Any]]


def _default_definition() -> ScorecardDefinition | None:
    definition = (
        ScorecardDefinition.objects.filter(is_default=True).prefetch_related("metrics").first()
    )
    if definition is None:
        definition = ScorecardDefinition.objects.prefetch_related("metrics").first()
    return definition


def build(
    subject: Subject,
    period: Period,
    definition: ScorecardDefinition | None = None,
    *,
    with_ranking: bool = True,
    trend_length: int = 8,
) -> Scorecard:
    definition = definition or _default_definition()
    goals = definition_lines(definition)
    periods = trend(period, max(trend_length, 2))
    before = periods[-2]
    period_totals = totals_for(subject, periods)
    previous_totals = period_totals[-2]
    current = period_totals[-1]

    def line_for(metric: Metric, weight: int, goal: ScorecardMetric | None) -> Line:
        value = metric.compute(current)
        old = metric.compute(previous_totals)
        b = band(goal, metric.higher_is_better, value) if goal else None
        points = weight * b / 3 if b is not None else None
        history = [metric.compute(t) for t in period_totals]
        return Line(metric, weight, value, old, b, points, history, goal)

    lines = [line_for(CATALOGUE[g.metric], g.weight, g) for g in goals]
    chosen = {g.metric for g in goals}
    extra = [line_for(m, 0, None) for m in CATALOGUE.values() if m.key not in chosen]
    previous_lines = [
        Line(
            line.metric,
            line.weight,
            line.previous,
            None,
            band(line.goals, line.metric.higher_is_better, line.previous) if line.goals else None,
            None,
            [],
        )
        for line in lines
    ]
    ranking = ranking_for(subject, period, goals) if with_ranking else []
    figures = key_figures(period, before) if subject.kind == "organisation" else []
    return Scorecard(
        subject,
        period,
        before,
        definition,
        lines,
        extra,
        score(lines),
        score(previous_lines),
        periods,
        ranking,
        figures,
    )


def ranking_for(subject: Subject, period: Period, goals: list[ScorecardMetric]) -> list[RankRow]:
    per_child = children_totals(subject, period)
    if not per_child:
        return []
    ids = [pk for pk in per_child if pk is not None]
    if subject.kind == "team":
        names = dict(Person.objects.filter(pk__in=ids).values_list("pk", "full_name"))
        kind = "agent"
    elif subject.kind == "department":
        names = dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))
        kind = "team"
    else:
        names = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
        kind = "department"
    rows = [
        RankRow(
            pk,
            names.get(pk, "") if pk is not None else str(_("Not assigned")),
            kind,
            quick_score(goals, totals),
            totals["interactions"],
        )
        for pk, totals in per_child.items()
    ]
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), -r.volume, r.name))
    return rows


def key_figures(period: Period, before: Period) -> list[dict[str, Any]]:
    """Other departments' figures whose periods fall inside this period and the previous one."""
    rows = (
        KeyFigure.objects.filter(period_start__gte=before.start, period_end__lt=period.end)
        .select_related("department")
        .order_by("department__name", "metric")
    )
    table: dict[tuple[str, str], dict[str, Any]] = {}
    for figure in rows:
        key = (figure.department.name, figure.metric)
        entry = table.setdefault(
            key,
            {
                "department": figure.department.name,
                "metric": figure.metric,
                "unit": figure.unit,
                "higher_is_better": figure.higher_is_better,
                "value": None,
                "previous": None,
            },
        )
        slot = "value" if figure.period_start >= period.start else "previous"
        if figure.period_end < (period.end if slot == "value" else before.end):
            entry[slot] = (entry[slot] or 0) + figure.value
    for entry in table.values():
        value, old = entry["value"], entry["previous"]
        entry["change"] = None if value is None or old in (None, 0) else (value - old) * 100 / old
        entry["improved"] = (
            None
            if entry["change"] in (None, 0)
            else (entry["change"] > 0) == entry["higher_is_better"]
        )
    return list(table.values())
