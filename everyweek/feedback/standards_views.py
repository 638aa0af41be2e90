"""Leaders' pages for service standards: attainment against target per team, and the breaches.

Everything read here goes through everyweek.core.access (via the selectors in standards.py): a
lead sees the interactions of their team, a manager their department's, executives and admins
everything. Standards themselves are organisation-wide promises, visible to every leader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from everyweek.core.access import is_admin, visible_people
from everyweek.core.csvstream import stream_csv
from everyweek.core.decorators import leader_required
from everyweek.feedback import standards
from everyweek.feedback.models import ServiceStandard, ServiceStandardMetric, StandardResult
from everyweek.people.models import Team

PAGE_SIZE = 50
TREND_PERIODS = 12


def describe_threshold(standard: ServiceStandard) -> str:
    """ "within 2 business hours", "within 3 days": what the promise says, in the reader's language."""
    minutes = standard.threshold_minutes
    business = standard.calendar_id is not None
    if not business and minutes and minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return ngettext("within %(count)d day", "within %(count)d days", days) % {"count": days}
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        if business:
            return ngettext(
                "within %(count)d business hour", "within %(count)d business hours", hours
            ) % {"count": hours}
        return ngettext("within %(count)d hour", "within %(count)d hours", hours) % {"count": hours}
    if business:
        return ngettext(
            "within %(count)d business minute", "within %(count)d business minutes", minutes
        ) % {"count": minutes}
    return ngettext("within %(count)d minute", "within %(count)d minutes", minutes) % {
        "count": minutes
    }


def describe_scope(standard: ServiceStandard) -> str:
    parts = [
        standard.get_channel_display() if standard.channel else "",
        standard.team.name if standard.team_id and standard.team else "",
        standard.get_priority_display() if standard.priority else "",
    ]
    parts = [p for p in parts if p]
    return ", ".join(parts) if parts else _("All interactions")


def duration(minutes: float | None) -> str:
    """Minutes as h:mm, the way clocks on a service floor are read."""
    if minutes is None:
        return ""
    whole = round(minutes)
    return f"{whole // 60}:{whole % 60:02d}"


@dataclass
class PeriodChoice:
    period: standards.Period
    day: dt.date
    start: dt.datetime
    end: dt.datetime

    def shifted(self, direction: int) -> dt.date:
        if direction < 0:
            return (self.start - dt.timedelta(days=1)).date()
        return self.end.date()

    def label(self) -> str:
        last = (self.end - dt.timedelta(days=1)).date()
        if self.period == "day":
            return _date(self.day)
        if self.period == "week":
            return _("Week of %(first)s to %(last)s") % {
                "first": _date(self.start.date()),
                "last": _date(last),
            }
        return _("Month of %(first)s to %(last)s") % {
            "first": _date(self.start.date()),
            "last": _date(last),
        }


def _date(value: dt.date) -> str:
    from django.utils.formats import date_format

    return date_format(value, "SHORT_DATE_FORMAT")


def _period_from(request: HttpRequest) -> PeriodChoice:
    zone = timezone.get_current_timezone()
    period = request.GET.get("period", "week")
    if period not in standards.PERIODS:
        period = "week"
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    start, end = standards.period_bounds(period, day, zone)  # type: ignore[arg-type]
    return PeriodChoice(period, day, start, end)  # type: ignore[arg-type]


def _visible_teams(user: Any) -> QuerySet[Team]:
    """Teams with someone the viewer may see: the only teams whose results they can read."""
    team_ids = visible_people(user).exclude(team=None).values("team_id")
    return Team.objects.filter(pk__in=team_ids).select_related("department").order_by("name")


def _team_from(request: HttpRequest) -> Team | None:
    raw = request.GET.get("team", "")
    if not raw:
        return None
    try:
        return _visible_teams(request.user).get(pk=int(raw))
    except (ValueError, Team.DoesNotExist) as exc:
        raise Http404 from exc


@leader_required
def standard_list(request: HttpRequest) -> HttpResponse:
    choice = _period_from(request)
    active = list(ServiceStandard.objects.filter(is_active=True).select_related("calendar", "team"))
    per_team = standards.attainment_by_team(active, request.user, choice.start, choice.end)
    rows = []
    for standard in active:
        teams = per_team.get(standard.pk, [])
        rows.append(
            {
                "standard": standard,
                "threshold": describe_threshold(standard),
                "scope": describe_scope(standard),
                "overall": standards.total_of(teams, standard.target_percent),
                "teams": teams,
            }
        )
    return render(
        request,
        "feedback/standards/list.html",
        {
            "rows": rows,
            "choice": choice,
            "periods": _period_links(request, choice),
            "previous_url": _query(request, date=choice.shifted(-1).isoformat()),
            "next_url": _query(request, date=choice.shifted(1).isoformat()),
            "can_manage": is_admin(request.user),
        },
    )


def _query(request: HttpRequest, **changes: str) -> str:
    """This page's query string with some parameters changed (and the page number dropped)."""
    params = {k: str(v) for k, v in request.GET.items() if k != "page"}
    params.update(changes)
    return "?" + urlencode({k: v for k, v in params.items() if v != ""})


def _period_links(request: HttpRequest, choice: PeriodChoice) -> list[dict[str, Any]]:
    labels = {"day": _("Day"), "week": _("Week"), "month": _("Month")}
    return [
        {
            "label": labels[p],
            "url": _query(request, period=p, date=choice.day.isoformat()),
            "current": p == choice.period,
        }
        for p in standards.PERIODS
    ]


BREACH_COLUMNS = [
    "interaction",
    "source",
    "external_id",
    "subject",
    "channel",
    "priority",
    "team",
    "agent",
    "created_at",
    "stopped_at",
    "elapsed_minutes",
    "threshold_minutes",
    "still_open",
]


def _breach_csv(
    standard: ServiceStandard, results: QuerySet[StandardResult]
) -> StreamingHttpResponse:
    zone = timezone.get_current_timezone()

    def rows() -> Iterator[list[Any]]:
        for result in results.iterator(chunk_size=1000):
            i = result.interaction
            stopped = standards.clock_stop(i, standard)
            yield [
                i.pk,
                i.source,
                i.external_id,
                i.subject,
                i.channel,
                i.priority,
                i.team.name if i.team else "",
                i.agent.email if i.agent else "",
                timezone.localtime(i.created_at, zone).isoformat(),
                timezone.localtime(stopped, zone).isoformat() if stopped else "",
                result.elapsed_minutes,
                standard.threshold_minutes,
                int(stopped is None),
            ]

    return stream_csv(f"standard-{standard.pk}-breaches.csv", BREACH_COLUMNS, rows())


@leader_required
def standard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    standard = get_object_or_404(ServiceStandard.objects.select_related("calendar", "team"), pk=pk)
    choice = _period_from(request)
    team = _team_from(request)
    team_id = team.pk if team else None
    results = standards.breaches(standard, request.user, choice.start, choice.end, team_id=team_id)
    if request.GET.get("format") == "csv":
        # Streams (a StreamingHttpResponse), which the decorators' View type does not name.
        return _breach_csv(standard, results)  # type: ignore[return-value]

    zone = timezone.get_current_timezone()
    # The trend: this period and the eleven before it.
    trend_start = choice.start
    for _step in range(TREND_PERIODS - 1):
        trend_start = standards.period_bounds(
            choice.period, (trend_start - dt.timedelta(days=1)).date(), zone
        )[0]
    trend = standards.attainment_by_period(
        standard,
        request.user,
        trend_start,
        choice.end,
        period=choice.period,
        zone=zone,
        team_id=team_id,
    )
    teams = standards.attainment_by_team([standard], request.user, choice.start, choice.end).get(
        standard.pk, []
    )
    summary = standards.attainment(
        standard, request.user, choice.start, choice.end, team_id=team_id
    )
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    breaches = [
        {
            "result": r,
            "interaction": r.interaction,
            "elapsed": duration(r.elapsed_minutes),
            "over": duration((r.elapsed_minutes or 0) - standard.threshold_minutes),
            "still_open": standards.clock_stop(r.interaction, standard) is None,
        }
        for r in page
    ]
    return render(
        request,
        "feedback/standards/detail.html",
        {
            "standard": standard,
            "is_first_response": standard.metric == ServiceStandardMetric.FIRST_RESPONSE,
            "threshold": describe_threshold(standard),
            "scope": describe_scope(standard),
            "choice": choice,
            "periods": _period_links(request, choice),
            "previous_url": _query(request, date=choice.shifted(-1).isoformat()),
            "next_url": _query(request, date=choice.shifted(1).isoformat()),
            "csv_url": _query(request, format="csv"),
            "summary": summary,
            "trend": trend,
            "teams": teams,
            "team": team,
            "team_choices": _visible_teams(request.user),
            "page": page,
            "breaches": breaches,
            "query_string": _query(request)[1:],
            "admin_url": reverse("admin:feedback_servicestandard_change", args=[standard.pk])
            if is_admin(request.user)
            else "",
        },
    )
