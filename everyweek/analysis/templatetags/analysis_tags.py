"""`{% response_analysis response %}`: why a comment was marked, for the response page."""

from __future__ import annotations

from typing import Any

from django import template

from everyweek.analysis.forms import CorrectionForm
from everyweek.analysis.models import Sentiment, TextAnalysis, TopicDefinition
from everyweek.core.access import is_leader

register = template.Library()


@register.inclusion_tag("analysis/_response_analysis.html", takes_context=True)
def response_analysis(context: template.Context, response: Any) -> dict[str, Any]:
    user = context["request"].user
    # The response page already checked access; the analysis is shown with it.
    analysis = (
        TextAnalysis.objects.select_related("praised_person").filter(response=response).first()
    )
    return {
        "analysis": analysis,
        "topics": analysis.topic_rows() if analysis else [],
        "can_correct": analysis is not None and is_leader(user),
        "sentiments": Sentiment.choices,
        "all_topics": TopicDefinition.objects.filter(is_active=True) if analysis else [],
        "form": CorrectionForm(),
        "csrf_token": context.get("csrf_token"),
        "response": response,
    }
