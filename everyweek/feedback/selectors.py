"""Reads for feedback pages and the API. Every query starts from `access.scope`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from everyweek.core.access import is_leader, scope
from everyweek.feedback.models import (
    FeedbackSettings,
    Interaction,
    SurveyInvitation,
    SurveyResponse,
)

# Score bands a list can be filtered by. NPS bands follow the standard 0-6 / 7-8 / 9-10;
# CSAT bands are on the 1-5 scale (other scales are rescaled with `csat_on_five`).
BANDS = {
    "promoter": _("Promoters (NPS 9-10)"),
    "passive": _("Passives (NPS 7-8)"),
    "detractor": _("Detractors (NPS 0-6)"),
    "satisfied": _("Satisfied (CSAT 4-5)"),
    "unhappy": _("Unhappy (CSAT 1-2)"),
}

PERIODS = {
    "7": _("Last 7 days"),
    "30": _("Last 30 days"),
    "90": _("Last 90 days"),
    "365": _("Last 12 months"),
}


def responses_for(user: Any) -> QuerySet[SurveyResponse]:
    """Responses credited to people the user may see (an agent: their own)."""
    return scope(SurveyResponse.objects.all(), user, "agent")


def interactions_for(user: Any) -> QuerySet[Interaction]:
    return scope(Interaction.objects.all(), user, "agent")


def invitations_for(user: Any) -> QuerySet[SurveyInvitation]:
    return scope(SurveyInvitation.objects.all(), user, "interaction__agent")


def get_response_for_user(user: Any, pk: int) -> SurveyResponse:
    found = (
        responses_for(user)
        .select_related("agent", "team", "customer", "interaction", "survey", "follow_up")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def get_interaction_for_user(user: Any, pk: int) -> Interaction:
    found = interactions_for(user).select_related("agent", "team", "customer").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _csat_on_five() -> Any:
    # 1 + (csat - 1) * 4 / (scale - 1), in SQL, so CSAT of any scale compares on 1-5.
    return ExpressionWrapper(
        1.0 + (F("csat") - 1) * 4.0 / (F("csat_scale") - 1), output_field=FloatField()
    )


def band_filter(band: str) -> Q:
    if band == "promoter":
        return Q(nps__gte=9)
    if band == "passive":
        return Q(nps__in=[7, 8])
    if band == "detractor":
        return Q(nps__lte=6)
    if band == "satisfied":
        return Q(csat__isnull=False, csat_five__gte=4)
    if band == "unhappy":
        return Q(csat__isnull=False, csat_five__lte=2)
    return Q()


def filter_responses(
    responses: QuerySet[SurveyResponse],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    days: int | None = None,
    channel: str = "",
    band: str = "",
    language: str = "",
    agent_id: int | None = None,
    q: str = "",
) -> QuerySet[SurveyResponse]:
    if days:
        responses = responses.filter(submitted_at__gte=timezone.now() - dt.timedelta(days=days))
    if start:
        responses = responses.filter(submitted_at__date__gte=start)
    if end:
        responses = responses.filter(submitted_at__date__lte=end)
    if channel:
        responses = responses.filter(channel=channel)
    if band in BANDS:
        if band in ("satisfied", "unhappy"):
            responses = responses.annotate(csat_five=_csat_on_five())
        responses = responses.filter(band_filter(band))
    if language:
        responses = responses.filter(language=language)
    if agent_id:
        responses = responses.filter(agent_id=agent_id)
    if q:
        responses = responses.filter(comment__icontains=q)
    return responses


@dataclass
class Summary:
    count: int
    nps: float | None
    nps_count: int
    csat_average: float | None
    ces_average: float | None
    promoters: int
    detractors: int


def summarise(responses: QuerySet[SurveyResponse]) -> Summary:
    """Counts and averages in one query; NPS = % promoters - % detractors."""
    row = responses.order_by().aggregate(
        count=Count("pk"),
        nps_count=Count("nps"),
        promoters=Count(Case(When(nps__gte=9, then=1), output_field=IntegerField())),
        detractors=Count(Case(When(nps__lte=6, then=1), output_field=IntegerField())),
        csat_average=Avg(_csat_on_five(), filter=Q(csat__isnull=False, csat_scale__gt=1)),
        ces_average=Avg("ces"),
    )
    nps_count = row["nps_count"] or 0
    nps = round(100 * (row["promoters"] - row["detractors"]) / nps_count, 1) if nps_count else None
    return Summary(
        count=row["count"],
        nps=nps,
        nps_count=nps_count,
        csat_average=round(row["csat_average"], 2) if row["csat_average"] is not None else None,
        ces_average=round(row["ces_average"], 2) if row["ces_average"] is not None else None,
        promoters=row["promoters"],
        detractors=row["detractors"],
    )


@dataclass
class ResponseRate:
    sent: int
    responded: int

    @property
    def rate(self) -> float | None:
        """Responded ÷ sent, as a percentage; None when nothing was sent."""
        return round(100 * self.responded / self.sent, 1) if self.sent else None


def response_rate(
    invitations: QuerySet[SurveyInvitation],
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> ResponseRate:
    """Of the invitations emailed in [start, end), how many were answered (at any time since)."""
    sent = invitations.filter(sent_at__isnull=False)
    if start:
        sent = sent.filter(sent_at__gte=start)
    if end:
        sent = sent.filter(sent_at__lt=end)
    row = sent.order_by().aggregate(
        sent=Count("pk"), responded=Count("pk", filter=Q(responded_at__isnull=False))
    )
    return ResponseRate(sent=row["sent"], responded=row["responded"])


def response_rate_by_month(invitations: QuerySet[SurveyInvitation]) -> list[dict[str, Any]]:
    rows = (
        invitations.filter(sent_at__isnull=False)
        .annotate(month=TruncMonth("sent_at"))
        .values("month")
        .annotate(sent=Count("pk"), responded=Count("pk", filter=Q(responded_at__isnull=False)))
        .order_by("month")
    )
    return [
        {
            "month": r["month"],
            "sent": r["sent"],
            "responded": r["responded"],
            "rate": ResponseRate(r["sent"], r["responded"]).rate,
        }
        for r in rows
    ]


def is_unhappy(response: SurveyResponse, config: FeedbackSettings) -> bool:
    if response.nps is not None and response.nps <= config.nps_detractor_max:
        return True
    on_five = response.csat_on_five
    return on_five is not None and on_five <= config.csat_unhappy_max


def comment_visible(response: SurveyResponse, viewer: Any, config: FeedbackSettings) -> bool:
    """Whether `viewer` reads this comment. Leaders always do; whether agents read their unhappy
    customers' words is the organisation's choice (FeedbackSettings.agents_see_detractor_comments)."""
    if is_leader(viewer) or config.agents_see_detractor_comments:
        return True
    return not is_unhappy(response, config)
