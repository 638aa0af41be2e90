"""Reads of the text analysis, always through the access layer."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.functional import lazy

from everyweek.analysis.models import TextAnalysis, TopicDefinition
from everyweek.core.access import is_leader, scope
from everyweek.people.models import Team
from everyweek.servicedesk.selectors import RisingItem


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


# --- Rising customer topics, for the service desk's weekly digest ---------------------------


def rising_customer_topics(
    team: Team, week_start: dt.datetime, week_end: dt.datetime, *, minimum: int = 2
) -> list[RisingItem]:
    """Topics customers raised more in the team's comments this week than the week before.

    Counts analysed comments of responses credited to the team, by submission time (two
    queries). The topic's name is resolved when the digest is rendered, so every recipient
    reads it in their own language. `minimum` keeps one-off blips out, as for requests.
    """
    previous = week_start - (week_end - week_start)
    rows = (
        TextAnalysis.objects.filter(
            response__team_id=team.pk,
            response__submitted_at__gte=previous,
            response__submitted_at__lt=week_end,
        )
        .exclude(topic_keys="")
        .values_list("topic_keys", "response__submitted_at")
    )
    this_week: Counter[str] = Counter()
    last_week: Counter[str] = Counter()
    for keys, submitted in rows:
        counter = this_week if submitted >= week_start else last_week
        counter.update(k for k in keys.split(",") if k)
    rising = [k for k, n in this_week.items() if n >= minimum and n > last_week[k]]
    if not rising:
        return []
    topics = {t.key: t for t in TopicDefinition.objects.filter(key__in=rising, is_active=True)}
    items = [
        RisingItem(lazy(topics[key].name, str)(), this_week[key], last_week[key])
        for key in rising
        if key in topics
    ]
    return sorted(items, key=lambda i: (-i.change, -i.this_week, str(i.label)))
