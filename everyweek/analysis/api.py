"""Text analysis over the JSON API, through the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Schema

from everyweek.analysis import selectors, services
from everyweek.analysis.models import LabelKind, TextAnalysis, TopicDefinition
from everyweek.api import errors
from everyweek.api.auth import require_leader, require_scope
from everyweek.api.models import TokenScope
from everyweek.api.pagination import paginated
from everyweek.api.schemas import PersonRef

router = Router(tags=["analysis"])


class TopicScoreOut(Schema):
    key: str
    score: float
    nearest_example: str


class AnalysisOut(Schema):
    response_id: int
    language: str
    language_confidence: float
    sentiment: str
    negative: float
    neutral: float
    positive: float
    praise: bool
    praise_confidence: float
    praised_person: PersonRef | None
    matched_name: str
    complaint: bool
    complaint_confidence: float
    topics: list[TopicScoreOut]
    model_version: str
    analysed_at: dt.datetime


class CorrectionIn(Schema):
    kind: LabelKind
    value: str
    topic: str = ""


class CorrectionOut(Schema):
    id: int
    kind: str
    value: str
    created_at: dt.datetime


class TopicOut(Schema):
    key: str
    name: str
    names: dict[str, str]
    examples: list[str]
    is_active: bool


def _out(a: TextAnalysis) -> AnalysisOut:
    return AnalysisOut(
        response_id=a.response_id,
        language=a.language,
        language_confidence=a.language_confidence,
        sentiment=a.sentiment,
        negative=a.negative,
        neutral=a.neutral,
        positive=a.positive,
        praise=a.praise,
        praise_confidence=a.praise_confidence,
        praised_person=(
            PersonRef(id=a.praised_person.pk, full_name=a.praised_person.full_name)
            if a.praised_person
            else None
        ),
        matched_name=a.matched_name,
        complaint=a.complaint,
        complaint_confidence=a.complaint_confidence,
        topics=[TopicScoreOut(**t) for t in a.topics],
        model_version=a.model_version,
        analysed_at=a.analysed_at,
    )


@router.get("/responses/{response_id}", response=AnalysisOut)
def get_analysis(request: HttpRequest, response_id: int) -> AnalysisOut:
    person = require_scope(request, TokenScope.READ)
    try:
        return _out(selectors.get_analysis_for_user(person, response_id))
    except Http404 as exc:
        raise errors.not_found() from exc


@router.get("/responses", response=list[AnalysisOut])
@paginated
def list_analyses(
    request: HttpRequest, found: str = "", language: str = "", topic: str = "", sentiment: str = ""
) -> QuerySet[TextAnalysis]:
    person = require_leader(request)
    qs = selectors.analyses_for(person).select_related("praised_person")
    return selectors.filtered(
        qs, found=found, language=language, topic=topic, sentiment=sentiment
    ).order_by("-analysed_at", "-pk")


@router.post("/responses/{response_id}/corrections", response={201: CorrectionOut})
def post_correction(
    request: HttpRequest, response_id: int, body: CorrectionIn
) -> tuple[int, CorrectionOut]:
    person = require_leader(request, TokenScope.WRITE)
    try:
        analysis = selectors.get_correctable_analysis(person, response_id)
    except Http404 as exc:
        raise errors.not_found() from exc
    try:
        c = services.correct_label(
            actor=person, analysis=analysis, kind=body.kind, value=body.value, topic=body.topic
        )
    except services.AnalysisError as exc:
        raise errors.invalid("value", str(exc)) from exc
    return 201, CorrectionOut(id=c.pk, kind=c.kind, value=c.value, created_at=c.created_at)


@router.get("/topics", response=list[TopicOut])
@paginated
def list_topics(request: HttpRequest) -> list[TopicOut]:
    require_scope(request, TokenScope.READ)
    return [
        TopicOut(
            key=t.key,
            name=t.name(),
            names={str(k): str(v) for k, v in t.names.items()},
            examples=[str(e) for e in t.examples],
            is_active=t.is_active,
        )
        for t in TopicDefinition.objects.all()
    ]
