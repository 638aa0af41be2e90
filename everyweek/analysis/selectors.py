"""Reads of the text analysis, always through the access layer."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from everyweek.analysis.models import TextAnalysis
from everyweek.core.access import is_leader, scope


def analyses_for(user: Any) -> QuerySet[TextAnalysis]:
    """Analyses of responses credited to people the user may see."""
    return scope(TextAnalysis.objects.all(), user, "response__agent")


def get_analysis_for_user(user: Any, response_id: int) -> TextAnalysis:
    found = (
        analyses_for(user)
        .select_related("response", "response__agent", "praised_person")
        .filter(response_id=response_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def get_correctable_analysis(user: Any, response_id: int) -> TextAnalysis:
    """A leader corrects only analyses of responses they may see; anyone else gets a 404."""
    if not is_leader(user):
        raise Http404
    return get_analysis_for_user(user, response_id)


def filtered(
    qs: QuerySet[TextAnalysis],
    *,
    found: str = "",
    language: str = "",
    topic: str = "",
    sentiment: str = "",
) -> QuerySet[TextAnalysis]:
    if found == "praise":
        qs = qs.filter(praise=True)
    elif found == "complaint":
        qs = qs.filter(complaint=True)
    elif found == "either":
        qs = qs.filter(praise=True) | qs.filter(complaint=True)
    if language:
        qs = qs.filter(language=language)
    if topic:
        qs = qs.filter(topic_keys__contains=f",{topic},")
    if sentiment:
        qs = qs.filter(sentiment=sentiment)
    return qs
