"""Scorecards over the JSON API: the metrics catalogue, scorecards, key figures, adherence imports,
and the bulk interaction import (`POST /interactions/import`, run in the background).

Scorecards are scoped like the pages: an agent's token reaches the agent's own scorecard, a
lead's their team, a manager's their department, an executive's or admin's everything.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.responses import Status

from everyweek.api import errors
from everyweek.api.auth import caller, require_admin, require_leader
from everyweek.api.pagination import paginated
from everyweek.core import uploads
from everyweek.people.models import Department
from everyweek.scorecards import selectors, services
from everyweek.scorecards.metrics import METRICS
from everyweek.scorecards.models import (
    ImportProblem,
    ImportStatus,
    InteractionImport,
    KeyFigure,
)

router = Router(tags=["scorecards"])


class MetricOut(Schema):
    key: str
    label: str
    description: str
    unit: str
    higher_is_better: bool


class LineOut(Schema):
    metric: str
    label: str
    value: float | None
    previous: float | None
    weight: int
    band: str
    points: float | None
    trend: list[float | None]


class RankOut(Schema):
    kind: str
    id: int | None
    name: str
    score: float | None
    volume: float


class ScorecardOut(Schema):
    kind: str
    id: int
    name: str
    period: str
    start: dt.date
    end: dt.date
    previous_start: dt.date
    score: float | None
    previous_score: float | None
    lines: list[LineOut]
    other_metrics: list[LineOut]
    ranking: list[RankOut]
    key_figures: list[dict[str, Any]]


class KeyFigureOut(Schema):
    id: int
    department_id: int
    metric: str
    period_start: dt.date
    period_end: dt.date
    value: float
    unit: str


class KeyFigureIn(Schema):
    department_id: int
    metric: str
    period_start: dt.date
    period_end: dt.date
    value: float
    unit: str = ""


class AdherenceIn(Schema):
    content: str
    format: str = ""
    filename: str = ""


class RowErrorOut(Schema):
    line: int
    message: str


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    errors: list[RowErrorOut]


@router.get("/metrics", response=list[MetricOut], summary="The metrics catalogue")
def list_metrics(request: HttpRequest) -> list[dict[str, Any]]:
    caller(request)
    return [
        {
            "key": m.key,
            "label": str(m.label),
            "description": str(m.description),
            "unit": m.unit,
            "higher_is_better": m.higher_is_better,
        }
        for m in METRICS
    ]


def _line(line: selectors.Line) -> dict[str, Any]:
    return {
        "metric": line.metric.key,
        "label": str(line.metric.label),
        "value": line.value,
        "previous": line.previous,
        "weight": line.weight,
        "band": ["below", "meets", "exceeds", "outstanding"][line.band]
        if line.band is not None
        else "",
        "points": line.points,
        "trend": line.trend,
    }


@router.get(
    "/{str:kind}/{int:pk}",
    response=ScorecardOut,
    summary="A scorecard (kind: agent, team, department or organisation with id 0)",
)
def get_scorecard(
    request: HttpRequest,
    kind: str,
    pk: int,
    period: str = "month",
    date: dt.date | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Any]:
    """`period`: week, month, quarter or custom (with `start` and `end`, inclusive)."""
    try:
        subject = selectors.subject_for_user(caller(request), kind, pk)
    except Http404 as exc:
        raise errors.not_found() from exc
    if period not in selectors.PERIOD_KINDS:
        raise errors.invalid("period", "Use week, month, quarter or custom.", location="query")
    span = selectors.period_for(period, date or timezone.localdate(), start, end)
    card = selectors.build(subject, span)
    return {
        "kind": subject.kind,
        "id": subject.pk,
        "name": subject.name,
        "period": span.kind,
        "start": span.start,
        "end": span.last_day,
        "previous_start": card.previous.start,
        "score": card.score,
        "previous_score": card.previous_score,
        "lines": [_line(line) for line in card.lines],
        "other_metrics": [_line(line) for line in card.extra],
        "ranking": [
            {"kind": r.kind, "id": r.pk, "name": r.name, "score": r.score, "volume": r.volume}
            for r in card.ranking
        ],
        "key_figures": card.key_figures,
    }


@router.get("/key-figures", response=list[KeyFigureOut], summary="Other departments' key figures")
@paginated
def list_key_figures(request: HttpRequest, department_id: int | None = None) -> QuerySet[KeyFigure]:
    require_leader(request)
    figures = KeyFigure.objects.order_by("-period_start", "department_id", "metric", "pk")
    if department_id is not None:
        figures = figures.filter(department_id=department_id)
    return figures


@router.post(
    "/key-figures",
    response={200: KeyFigureOut, 201: KeyFigureOut},
    summary="Record a key figure (admins); the same department, figure and period updates it",
)
def post_key_figure(request: HttpRequest, payload: KeyFigureIn) -> Status[KeyFigure]:
    actor = require_admin(request)
    department = Department.objects.filter(pk=payload.department_id).first()
    if department is None:
        raise errors.unknown_reference("department_id")
    if payload.period_end < payload.period_start:
        raise errors.invalid("period_end", "The period ends before it starts.")
    figure, created = services.record_key_figure(
        department,
        payload.metric,
        payload.period_start,
        payload.period_end,
        payload.value,
        payload.unit,
        actor=actor,
    )
    return Status(201 if created else 200, figure)


@router.post(
    "/adherence-imports",
    response=ImportOut,
    summary="Import a workforce-management adherence export (admins)",
)
def post_adherence(request: HttpRequest, payload: AdherenceIn) -> dict[str, Any]:
    """`format`: generic, nice_iex or genesys; empty detects it from the file name and header."""
    actor = require_admin(request)
    try:
        report = services.import_adherence(
            payload.content, filename=payload.filename, fmt=payload.format, actor=actor
        )
    except services.ScorecardError as exc:
        raise errors.invalid("format", str(exc)) from exc
    return report.as_dict()


# Mounted at /interactions: the bulk import writes interactions, read through /feedback.
interactions_router = Router(tags=["scorecards"])


class RowProblemOut(Schema):
    line: int
    reason: str


class InteractionImportOut(Schema):
    id: int
    source: str
    original_name: str
    size: int
    status: ImportStatus
    percent: int
    read: int
    stored: int
    skipped: int
    error_count: int
    message: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class InteractionImportDetailOut(InteractionImportOut):
    problems: list[RowProblemOut]

    @staticmethod
    def resolve_problems(obj: InteractionImport) -> list[ImportProblem]:
        return list(obj.problems.all()[:PROBLEMS_SHOWN]) if obj.is_finished else []


PROBLEMS_SHOWN = 50


@interactions_router.post(
    "/import",
    response={202: InteractionImportOut},
    summary="Bulk-import interactions from CSV in the background (admins)",
)
def post_interactions_import(
    request: HttpRequest, file: File[UploadedFile], source: Form[str]
) -> Status[InteractionImport]:
    """Multipart: `file` (UTF-8 CSV with the columns external_id, agent, created_at,
    first_response_at, resolved_at, handle_time_seconds, reopen_count, channel) and `source`.
    The file is stored and imported in the background: poll `GET /interactions/import/{id}`.
    Rows already stored for the source are skipped, so sending the file again changes nothing.
    A file above EVERYWEEK_IMPORT_MAX_BYTES is refused with 413, a wrong header with 422."""
    actor = require_admin(request)
    if uploads.too_large(file):
        raise errors.upload_too_large()
    try:
        job = services.start_interaction_import(actor=actor, source=source, upload=file)
    except services.ScorecardError as exc:
        raise errors.invalid("file", str(exc)) from exc
    return Status(202, job)


@interactions_router.get(
    "/import/{int:job_id}",
    response=InteractionImportDetailOut,
    summary="One interaction import: status, progress, counts and its first problems",
)
def get_interactions_import(request: HttpRequest, job_id: int) -> InteractionImport:
    """`problems` lists the first 50 refused rows once the import has finished, `error_count`
    counts all of them; `GET /interactions/import/{id}/problems` pages through the stored ones
    (up to 1,000)."""
    require_admin(request)
    job = InteractionImport.objects.filter(pk=job_id).first()
    if job is None:
        raise errors.not_found()
    return job


@interactions_router.get(
    "/import/{int:job_id}/problems",
    response=list[RowProblemOut],
    summary="The rows an interaction import refused",
)
@paginated
def list_interactions_import_problems(request: HttpRequest, job_id: int) -> QuerySet[ImportProblem]:
    require_admin(request)
    if not InteractionImport.objects.filter(pk=job_id).exists():
        raise errors.not_found()
    return ImportProblem.objects.filter(job_id=job_id).order_by("line", "pk")
