"""Every write of the text analysis: analysing comments and acting on what they say, leaders'
corrections, and retraining the heads with those corrections.

Acting is idempotent (one commendation and one follow-up case per response), so re-analysing
with a newer model updates the stored reading and never duplicates what it caused.
"""

from __future__ import annotations

import shutil
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from everyweek.analysis import engine_state
from everyweek.analysis.models import (
    LabelCorrection,
    LabelKind,
    ModelVersion,
    Sentiment,
    TextAnalysis,
    TopicDefinition,
)
from everyweek.core import audit
from everyweek.feedback.models import SurveyResponse
from everyweek.people.models import Person
from everyweek.textsense import engine

BATCH = 256


class AnalysisError(ValueError):
    """Input that cannot be used, with a message fit to show the person who sent it."""


# --- Analysing -----------------------------------------------------------------------------


def engine_person(person: Person) -> engine.Person:
    nicknames = [person.preferred_name] if person.preferred_name else []
    return engine.Person(id=person.pk, name=person.full_name, nicknames=nicknames)


def colleagues_of(
    team_id: int | None, people_cache: dict[int | None, list[Person]]
) -> list[Person]:
    if team_id not in people_cache:
        people_cache[team_id] = (
            list(Person.objects.filter(team_id=team_id, is_active=True)) if team_id else []
        )
    return people_cache[team_id]


def engine_topics() -> list[engine.Topic]:
    return [
        engine.Topic(t.key, [str(e) for e in t.examples])
        for t in TopicDefinition.objects.filter(is_active=True)
    ]


def analyse_response(response: SurveyResponse) -> TextAnalysis | None:
    """Analyse one response's comment and act on it; None when there is no comment."""
    return _analyse([response]).get(response.pk)


def analyse_responses(ids: Iterable[int]) -> int:
    """Analyse many responses in batches (the bulk import path); returns how many were analysed."""
    ids = list(ids)
    return _analyse_batches(
        Q(pk__in=ids[start : start + BATCH]) for start in range(0, len(ids), BATCH)
    )


def analyse_response_range(first: int, last: int) -> int:
    """Analyse the responses with keys `first`..`last` (a bulk import's chunk, whose keys it
    assigned itself); returns how many were analysed. Two integers instead of a list of ids:
    queuing a list costs django_tasks a JSON check per id, about a second per million rows."""
    return _analyse_batches(
        Q(pk__range=(start, min(last, start + BATCH - 1))) & ~Q(comment="")
        for start in range(first, last + 1, BATCH)
    )


def _analyse_batches(batches: Iterable[Q]) -> int:
    done = 0
    for batch in batches:
        done += len(_analyse(list(SurveyResponse.objects.filter(batch).select_related("agent"))))
    return done


def analyse_history(responses: Iterable[SurveyResponse], *, batch: int = BATCH) -> int:
    """Analyse comments that have no analysis yet and store the readings in bulk, each dated
    when its comment arrived; returns how many were stored.

    For history whose praise and complaints were already handled (the generated demo year, an
    old export): nothing is acted on, so no commendation, case or alert comes of it, and one
    audit entry covers the whole run.
    """
    pending = [r for r in responses if r.comment and r.comment.strip()]
    done = set(
        TextAnalysis.objects.filter(response_id__in=[r.pk for r in pending]).values_list(
            "response_id", flat=True
        )
    )
    pending = [r for r in pending if r.pk not in done]
    if not pending:
        return 0
    engine_state.activate_model()
    topics = engine_topics()
    cache: dict[int | None, list[Person]] = {}
    by_team: dict[int | None, list[SurveyResponse]] = defaultdict(list)
    for r in pending:
        by_team[r.team_id or (r.agent.team_id if r.agent else None)].append(r)
    rows: list[TextAnalysis] = []
    version = ""
    for team_id, group in by_team.items():
        members = colleagues_of(team_id, cache)
        colleagues = [engine_person(p) for p in members]
        known = {p.pk: p for p in members}
        for start in range(0, len(group), batch):
            chunk = group[start : start + batch]
            agents = [engine_person(r.agent) if r.agent else None for r in chunk]
            results = engine.analyse_many(
                [r.comment for r in chunk], agents=agents, colleagues=colleagues, topics=topics
            )
            for r, result in zip(chunk, results, strict=True):
                praised = None
                if result.praise and result.praised_person_id is not None:
                    pid = int(result.praised_person_id)
                    praised = known.get(pid) or (r.agent if r.agent_id == pid else None)
                rows.append(
                    TextAnalysis(
                        response=r,
                        **_values(result, praised, when=r.submitted_at),
                    )
                )
                version = result.model_version
    with transaction.atomic():
        TextAnalysis.objects.bulk_create(rows, batch_size=500)
        audit.record(None, "analysis.bulk", None, {"analysed": len(rows), "model_version": version})
    return len(rows)


def _analyse(responses: Sequence[SurveyResponse]) -> dict[int, TextAnalysis]:
    with_text = [r for r in responses if r.comment and r.comment.strip()]
    if not with_text:
        return {}
    engine_state.activate_model()
    topics = engine_topics()
    cache: dict[int | None, list[Person]] = {}
    by_team: dict[int | None, list[SurveyResponse]] = defaultdict(list)
    for r in with_text:
        by_team[r.team_id or (r.agent.team_id if r.agent else None)].append(r)
    out: dict[int, TextAnalysis] = {}
    for team_id, group in by_team.items():
        members = colleagues_of(team_id, cache)
        colleagues = [engine_person(p) for p in members]
        agents = [engine_person(r.agent) if r.agent else None for r in group]
        results = engine.analyse_many(
            [r.comment for r in group], agents=agents, colleagues=colleagues, topics=topics
        )
        known = {p.pk: p for p in members}
        for r, result in zip(group, results, strict=True):
            out[r.pk] = store_analysis(r, result, known)
    return out


@transaction.atomic
def store_analysis(
    response: SurveyResponse, result: engine.Analysis, known: dict[int, Person] | None = None
) -> TextAnalysis:
    praised: Person | None = None
    if result.praise and result.praised_person_id is not None:
        pid = int(result.praised_person_id)
        praised = (known or {}).get(pid) or Person.objects.filter(pk=pid).first()
    values = _values(result, praised, when=timezone.now())
    analysis, created = TextAnalysis.objects.update_or_create(response=response, defaults=values)
    audit.record(
        None,
        "analysis.create" if created else "analysis.update",
        analysis,
        {
            "model_version": result.model_version,
            "praise": result.praise,
            "complaint": result.complaint,
            "sentiment": result.sentiment,
        },
    )
    act_on(analysis, praise=result.praise, complaint=result.complaint)
    return analysis


def _values(result: engine.Analysis, praised: Person | None, *, when: Any) -> dict[str, Any]:
    """The fields of a ``TextAnalysis`` for one reading."""
    topics = [
        {"key": t.key, "score": t.score, "nearest_example": t.nearest_example}
        for t in result.topics
    ]
    return {
        "language": result.language,
        "language_confidence": result.language_confidence,
        "sentiment": result.sentiment,
        "negative": result.sentiment_scores.negative,
        "neutral": result.sentiment_scores.neutral,
        "positive": result.sentiment_scores.positive,
        "praise": result.praise,
        "praise_confidence": result.praise_confidence,
        "praised_person": praised,
        "matched_name": result.praised_name.text[:200] if result.praised_name else "",
        "complaint": result.complaint,
        "complaint_confidence": result.complaint_confidence,
        "topics": topics,
        "topic_keys": "," + ",".join(t.key for t in result.topics) + "," if topics else "",
        "model_version": result.model_version,
        "analysed_at": when,
    }


def act_on(analysis: TextAnalysis, *, praise: bool, complaint: bool) -> None:
    """Praise becomes a commendation for the praised person (or the credited agent); a complaint
    opens a follow-up case. Both calls are idempotent per response."""
    from everyweek.feedback.followups import open_complaint_case
    from everyweek.recognition.services import commend_from_praise

    response = analysis.response
    if praise:
        target = analysis.praised_person or response.agent
        if target is not None and response.comment.strip():
            language = analysis.language if analysis.language != "unknown" else response.language
            commend_from_praise(
                agent=target,
                quote=response.comment,
                language=language or "",
                response=response,
                source="survey",
            )
    if complaint:
        open_complaint_case(response)


# --- Corrections ---------------------------------------------------------------------------

BOOL_VALUES = {"true": True, "false": False}


@transaction.atomic
def correct_label(
    *, actor: Person, analysis: TextAnalysis, kind: str, value: str, topic: str = ""
) -> LabelCorrection:
    """A leader's correction: stored for retraining, applied to this analysis at once, and acted
    on (a comment corrected to praise commends; to a complaint, opens a case)."""
    if kind in (LabelKind.PRAISE, LabelKind.COMPLAINT):
        if value not in BOOL_VALUES:
            raise AnalysisError(_("Choose yes or no."))
        flag = BOOL_VALUES[value]
        setattr(analysis, kind, flag)
        analysis.save(update_fields=[kind])
        if flag:
            act_on(analysis, praise=kind == LabelKind.PRAISE, complaint=kind == LabelKind.COMPLAINT)
    elif kind == LabelKind.SENTIMENT:
        if value not in Sentiment.values:
            raise AnalysisError(_("Unknown sentiment."))
        analysis.sentiment = value
        analysis.save(update_fields=["sentiment"])
    elif kind == LabelKind.TOPIC:
        if not TopicDefinition.objects.filter(key=topic).exists():
            raise AnalysisError(_("Unknown topic."))
        if value not in BOOL_VALUES:
            raise AnalysisError(_("Choose yes or no."))
        keys = [k for k in analysis.topic_key_list() if k != topic]
        rows = [t for t in analysis.topics if t.get("key") != topic]
        if BOOL_VALUES[value]:
            keys.append(topic)
            rows.append({"key": topic, "score": 1.0, "nearest_example": ""})
        analysis.topics = rows
        analysis.topic_keys = "," + ",".join(keys) + "," if keys else ""
        analysis.save(update_fields=["topics", "topic_keys"])
        value = f"{topic}:{value}"
    else:
        raise AnalysisError(_("Unknown label."))
    correction = LabelCorrection.objects.create(
        analysis=analysis, kind=kind, value=value, corrected_by=actor
    )
    audit.record(actor, "analysis.correct", analysis, {kind: value})
    return correction


def labelled_examples() -> list[engine.LabelledExample]:
    """One example per corrected comment; the latest correction of each label wins."""
    latest: dict[int, dict[str, str]] = defaultdict(dict)
    for c in LabelCorrection.objects.order_by("created_at", "pk"):
        latest[c.analysis_id][c.kind] = c.value
    analyses = TextAnalysis.objects.filter(pk__in=latest).select_related("response__agent")
    cache: dict[int | None, list[Person]] = {}
    out: list[engine.LabelledExample] = []
    for a in analyses:
        labels = latest[a.pk]
        response = a.response
        if not response.comment.strip():
            continue
        agent = response.agent
        team_id = response.team_id or (agent.team_id if agent else None)
        out.append(
            engine.LabelledExample(
                text=response.comment,
                sentiment=labels.get(LabelKind.SENTIMENT),
                praise=BOOL_VALUES.get(labels.get(LabelKind.PRAISE, "")),
                complaint=BOOL_VALUES.get(labels.get(LabelKind.COMPLAINT, "")),
                agent=engine_person(agent) if agent else None,
                colleagues=tuple(engine_person(p) for p in colleagues_of(team_id, cache)),
            )
        )
    return out


# --- Model versions ------------------------------------------------------------------------


@dataclass(frozen=True)
class RetrainResult:
    version: ModelVersion
    examples: int
    before: dict[str, dict[str, float]]
    after: dict[str, dict[str, float]]


def retrain(*, actor: Any = None, base_examples_per_lang: int = 520) -> RetrainResult:
    """Retrain the heads with the organisation's corrections, measure before and after on the
    evaluation set, and make the new model active (the previous one stays for a rollback)."""
    from everyweek.analysis import evaluation

    examples = labelled_examples()
    if not examples:
        raise AnalysisError(_("There are no corrections to learn from yet."))
    engine_state.activate_model()
    base_version = engine.analyse("").model_version
    before = evaluation.feedback_figures()
    root = engine_state.model_root()
    root.mkdir(parents=True, exist_ok=True)
    new_dir = engine.retrain_heads(
        examples, out_root=root, base_examples_per_lang=base_examples_per_lang
    )
    engine.use_model_dir(new_dir)
    try:
        version = engine.analyse("").model_version
        after = evaluation.feedback_figures()
    finally:
        engine_state.activate_model()  # back to whatever the database says until committed
    with transaction.atomic():
        ModelVersion.objects.filter(is_active=True).update(is_active=False)
        mv, _created = ModelVersion.objects.update_or_create(
            version=version,
            defaults={
                "path": str(new_dir),
                "base_version": base_version,
                "corrections": len(examples),
                "figures": {"before": before, "after": after},
                "is_active": True,
            },
        )
        audit.record(actor, "textsense.retrain", mv, {"corrections": len(examples)})
    engine_state.activate_model()
    return RetrainResult(mv, len(examples), before, after)


@transaction.atomic
def rollback(*, actor: Any = None) -> ModelVersion | None:
    """Make the previous model active again; None means the packaged model is active now."""
    current = ModelVersion.objects.select_for_update().filter(is_active=True).first()
    if current is None:
        raise AnalysisError(
            _("The packaged model is already active; there is nothing to roll back.")
        )
    current.is_active = False
    current.save(update_fields=["is_active"])
    previous = (
        ModelVersion.objects.filter(
            Q(created_at__lt=current.created_at)
            | Q(created_at=current.created_at, pk__lt=current.pk)
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if previous is not None and Path(previous.path).is_dir():
        previous.is_active = True
        previous.save(update_fields=["is_active"])
    else:
        previous = None
    audit.record(
        actor, "textsense.rollback", current, {"active": previous.version if previous else ""}
    )
    transaction.on_commit(engine_state.activate_model)
    return previous


def delete_model_files(version: ModelVersion) -> None:
    """Remove an inactive version's directory (kept by default so any can be restored)."""
    if version.is_active:
        raise AnalysisError(_("The active model cannot be deleted."))
    shutil.rmtree(version.path, ignore_errors=True)
