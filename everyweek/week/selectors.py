"""Reads of the week planner: who sees which events and entries, results, gaps, the countdown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from everyweek.core.access import is_admin, is_leader
from everyweek.core.types import AuthenticatedHttpRequest
from everyweek.customers.models import Customer
from everyweek.feedback.models import Interaction, Unsubscribe
from everyweek.people.models import DepartmentKind
from everyweek.week import notices
from everyweek.week.models import (
    Audience,
    Celebration,
    Contest,
    CoverageSlot,
    CustomerNotice,
    Entry,
    Event,
    Moderation,
    ThankYou,
)


def current_or_next(today: dt.date | None = None) -> Celebration | None:
    """The celebration happening now, or the next one; None when nothing is planned."""
    today = today or timezone.localdate()
    return Celebration.objects.filter(ends_on__gte=today).order_by("starts_on").first()


def latest(today: dt.date | None = None) -> Celebration | None:
    return current_or_next(today) or Celebration.objects.order_by("-year").first()


def audience_q(user: Any) -> Q:
    allowed = [Audience.EVERYONE]
    department = getattr(user, "department", None)
    if department is not None and department.kind == DepartmentKind.SERVICE:
        allowed.append(Audience.SERVICE)
    if is_leader(user):
        allowed += [Audience.LEADERS, Audience.SERVICE]
    q = Q(audience__in=allowed)
    # Hosts and organisers always see their events, whatever the audience.
    return q | Q(host=user) | Q(celebration__organisers=user) if not is_admin(user) else Q()


def visible_events(user: Any, celebration: Celebration) -> QuerySet[Event]:
    return celebration.events.filter(audience_q(user)).distinct().select_related("host")


def is_judge(user: Any, contest: Contest) -> bool:
    return contest.judges.filter(pk=user.pk).exists()


def visible_entries(user: Any, contest: Contest, *, manager: bool) -> QuerySet[Entry]:
    """Organisers and the contest's judges see every entry; others only their own (or team's)."""
    entries = contest.entries.select_related("person", "team")
    if manager or is_judge(user, contest):
        return entries
    own = Q(person=user)
    if user.team_id:
        own |= Q(team_id=user.team_id)
    return entries.filter(own)


@dataclass(frozen=True)
class Result:
    entry: Entry
    average: float | None
    scores: int


def results(contest: Contest) -> list[Result]:
    """Entries by average score, best first; ties keep the earlier entry first."""
    rows = contest.entries.select_related("person", "team").annotate(
        avg=Avg("scores__points"), n=Count("scores")
    )
    ranked = sorted(rows, key=lambda e: (-(e.avg or 0), e.submitted_at, e.pk))
    return [Result(e, round(e.avg, 2) if e.avg is not None else None, e.n) for e in ranked]


def coverage_with_gaps(celebration: Celebration) -> list[tuple[CoverageSlot, int]]:
    """Each coverage slot and how many more people it needs (0 when covered)."""
    slots = celebration.coverage.annotate(taken=Count("covers")).prefetch_related("covers")
    return [(slot, max(slot.needed - slot.taken, 0)) for slot in slots]


def countdown(celebration: Celebration, today: dt.date) -> dict[str, Any]:
    if today < celebration.starts_on:
        return {"state": "before", "days": (celebration.starts_on - today).days}
    if today <= celebration.ends_on:
        return {"state": "during", "day": (today - celebration.starts_on).days + 1}
    return {"state": "after"}


def countdown_panel(request: AuthenticatedHttpRequest) -> dict[str, Any] | None:
    if not request.user.is_authenticated:
        return None
    today = timezone.localdate()
    celebration = current_or_next(today)
    if celebration is None:
        return None
    todays = (
        visible_events(request.user, celebration).filter(starts_at__date=today)[:3]
        if celebration.starts_on <= today <= celebration.ends_on
        else []
    )
    return {
        "celebration": celebration,
        "countdown": countdown(celebration, today),
        "todays_events": list(todays),
    }


def stretch_goals(celebration: Celebration) -> list[Any] | None:
    """The recognition app's team goals due during the week (or the week after), each with its
    leader's dare; None when recognition offers no goals in this installation."""
    from django.apps import apps

    try:
        goal_model = apps.get_model("recognition", "TeamGoal")
    except LookupError:
        return None
    return list(
        goal_model._default_manager.filter(
            due__gte=celebration.starts_on, due__lte=celebration.ends_on + dt.timedelta(days=7)
        ).select_related("team")
    )


def goals_url() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("recognition:goals")
    except NoReverseMatch:
        return ""


# --- Thank-you wall and the notice to customers -------------------------------------------


def wall_messages(celebration: Celebration) -> QuerySet[ThankYou]:
    """What the wall, the slideshow and the API show: approved messages only."""
    return celebration.thanks.filter(status=Moderation.APPROVED)


def pending_messages(celebration: Celebration) -> QuerySet[ThankYou]:
    return celebration.thanks.filter(status=Moderation.PENDING)


def notice_recipients(notice: CustomerNotice, now: dt.datetime | None = None) -> QuerySet[Customer]:
    """Customers with an interaction in the notice's look-back window, with an address, and
    not unsubscribed (the surveys' unsubscribe list counts here too)."""
    since = (now or timezone.now()) - dt.timedelta(days=notice.contacted_within_days)
    unsubscribed = Unsubscribe.objects.filter(email__iexact=OuterRef("email"))
    contacted = Interaction.objects.filter(customer=OuterRef("pk"), created_at__gte=since)
    return (
        Customer.objects.exclude(email="")
        .filter(Exists(contacted))
        .exclude(Exists(unsubscribed))
        .order_by("pk")
    )


def recipient_languages(notice: CustomerNotice, now: dt.datetime | None = None) -> dict[str, int]:
    """How many recipients read the notice in each language."""
    counts: dict[str, int] = {}
    for locale in notice_recipients(notice, now).values_list("locale", flat=True).iterator():
        language = notices.language_for(locale)
        counts[language] = counts.get(language, 0) + 1
    return counts
