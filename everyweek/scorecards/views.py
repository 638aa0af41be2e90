"""Scorecard pages: per agent, team, department and organisation, with drill-down and exports."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from everyweek.core.access import scope
from everyweek.core.csvstream import stream_csv
from everyweek.core.decorators import admin_required
from everyweek.core.types import AuthenticatedHttpRequest
from everyweek.feedback.models import FollowUpCase, Interaction, SurveyResponse
from everyweek.scorecards import bulk, charts, exports, selectors, services
from everyweek.scorecards.forms import IngestForm
from everyweek.scorecards.metrics import CATALOGUE
from everyweek.scorecards.models import AdherenceDay, InteractionImport, ScorecardDefinition
from everyweek.servicedesk.selectors import visible_requests

PAGE_SIZE = 50


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def period_from(request: AuthenticatedHttpRequest) -> selectors.Period:
    kind = request.GET.get("period", "month")
    if kind not in selectors.PERIOD_KINDS:
        kind = "month"
    day = _date(request.GET.get("date")) or timezone.localdate()
    return selectors.period_for(
        kind, day, _date(request.GET.get("start")), _date(request.GET.get("end"))
    )


def period_query(period: selectors.Period) -> str:
    if period.kind == "custom":
        return urlencode({"period": "custom", "start": period.start, "end": period.last_day})
    return urlencode({"period": period.kind, "date": period.start})


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    kind, pk = selectors.home_subject(request.user)
    return redirect(reverse("scorecards:detail", args=[kind, pk]))


def _definition(request: AuthenticatedHttpRequest) -> ScorecardDefinition | None:
    pk = request.GET.get("scorecard")
    if pk and pk.isdigit():
        return ScorecardDefinition.objects.prefetch_related("metrics").filter(pk=pk).first()
    return None


@login_required
def detail(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    subject = selectors.subject_for_user(request.user, kind, pk)
    period = period_from(request)
    card = selectors.build(subject, period, _definition(request))
    fmt = request.GET.get("format")
    if fmt == "csv":
        return exports.as_csv(card)
    if fmt == "xlsx":
        return exports.as_xlsx(card)
    if fmt == "pdf":
        return exports.as_pdf(card)
    labels = [p.label for p in card.periods]
    charts_by_line = [
        (line, charts.line_chart(line.trend, labels, str(line.metric.label))) for line in card.lines
    ]
    query = period_query(period)
    periods = [
        {
            "label": label,
            "url": "?" + urlencode({"period": key, "date": period.start}),
            "current": key == period.kind,
        }
        for key, label in selectors.PERIOD_KINDS.items()
        if key != "custom"
    ]
    return render(
        request,
        "scorecards/detail.html",
        {
            "card": card,
            "charts": charts_by_line,
            "query": query,
            "periods": periods,
            "previous_url": "?" + period_query(card.previous),
            "next_url": "?" + period_query(_next(period)),
            "definitions": ScorecardDefinition.objects.all(),
        },
    )


def _next(period: selectors.Period) -> selectors.Period:
    if period.kind in ("month", "quarter", "week"):
        return selectors.period_for(period.kind, period.end)
    length = period.end - period.start
    return selectors.Period("custom", period.end, period.end + length)


def drill_rows(
    user: Any, subject: selectors.Subject, source: str, period: selectors.Period
) -> QuerySet[Any]:
    """The raw rows behind a figure, scoped twice: to the subject and to what `user` may see."""
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(period.end, dt.time.min, tzinfo=dt.UTC)
    if source == "responses":
        qs: QuerySet[Any] = scope(SurveyResponse.objects.all(), user, "agent").filter(
            subject.raw_filter("agent", "team"), submitted_at__gte=start, submitted_at__lt=end
        )
        return qs.select_related("agent", "team").order_by("-submitted_at")
    if source == "adherence":
        qs = scope(AdherenceDay.objects.all(), user, "agent").filter(
            subject.raw_filter("agent", "team"), day__gte=period.start, day__lt=period.end
        )
        return qs.select_related("agent", "team").order_by("-day", "agent__full_name")
    if source == "internal_requests":
        # What the viewer may see of the service desk, narrowed to what the subject provided.
        qs = visible_requests(user).filter(
            subject.internal_filter(), resolved_at__gte=start, resolved_at__lt=end
        )
        return qs.select_related("desk", "request_type", "assignee").order_by("-resolved_at")
    if source == "followups":
        qs = scope(FollowUpCase.objects.all(), user, "agent").filter(
            subject.raw_filter("agent", "response__team"), opened_at__gte=start, opened_at__lt=end
        )
        return qs.select_related("agent", "response").order_by("-opened_at")
    qs = scope(Interaction.objects.all(), user, "agent").filter(
        subject.raw_filter("agent", "team"), created_at__gte=start, created_at__lt=end
    )
    return qs.select_related("agent", "team").order_by("-created_at")


@login_required
def drill(request: AuthenticatedHttpRequest, kind: str, pk: int, metric: str) -> HttpResponse:
    subject = selectors.subject_for_user(request.user, kind, pk)
    definition = CATALOGUE.get(metric)
    if definition is None:
        raise Http404
    period = period_from(request)
    rows = drill_rows(request.user, subject, definition.drill, period)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "scorecards/drill.html",
        {
            "subject": subject,
            "metric": definition,
            "period": period,
            "page": page,
            "source": definition.drill,
            "query_string": period_query(period),
            "back_url": reverse("scorecards:detail", args=[kind, pk]) + "?" + period_query(period),
            "title": _("Behind the figure"),
        },
    )


def home_panel(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    """A placeholder on the home page that loads this week's score after the page (no queries)."""
    if not request.user.is_authenticated:
        return None
    return {"url": reverse("scorecards:panel")}


@login_required
def panel(request: AuthenticatedHttpRequest) -> HttpResponse:
    """This week's score: the person's own, or the scope they lead (htmx fragment)."""
    kind, pk = selectors.home_subject(request.user)
    subject = selectors.subject_for_user(request.user, kind, pk)
    period = selectors.period_for("week", timezone.localdate())
    card = selectors.build(subject, period, with_ranking=False, trend_length=2)
    url = reverse("scorecards:detail", args=[kind, pk]) + "?" + period_query(period)
    return render(request, "scorecards/_panel_body.html", {"card": card, "url": url})


# --- Bulk interaction import (admins, like every other import) ------------------------

PROBLEMS_SHOWN = 50


@admin_required
def ingest(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload an interactions CSV; it is stored and imported in the background."""
    form = IngestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.start_interaction_import(
                actor=request.user,
                source=form.cleaned_data["source"],
                upload=form.cleaned_data["file"],
            )
        except services.ScorecardError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("scorecards:ingest-job", pk=job.pk)
    return render(
        request,
        "scorecards/ingest.html",
        {"form": form, "columns": bulk.EXPECTED, "jobs": InteractionImport.objects.all()[:10]},
    )


@admin_required
def ingest_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The progress bar while the import runs (htmx polls the fragment), then the result."""
    job = get_object_or_404(InteractionImport, pk=pk)
    template = (
        "scorecards/_ingest_progress.html" if request.htmx else "scorecards/ingest_job.html"  # type: ignore[attr-defined]
    )
    finished = job.is_finished
    return render(
        request,
        template,
        {
            "job": job,
            "problems": job.problems.all()[:PROBLEMS_SHOWN] if finished else [],
            "kept": job.problems.count() if finished and job.error_count > PROBLEMS_SHOWN else 0,
        },
    )


@admin_required  # type: ignore[arg-type]
def ingest_errors(request: AuthenticatedHttpRequest, pk: int) -> StreamingHttpResponse:
    """Every stored problem of the import as CSV: line, reason."""
    job = get_object_or_404(InteractionImport, pk=pk)
    rows = job.problems.values_list("line", "reason").iterator(chunk_size=2000)
    return stream_csv(f"interaction-import-{job.pk}-problems.csv", ["line", "reason"], rows)
