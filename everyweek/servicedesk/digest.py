"""Anticipating needs: a weekly digest to each team of what colleagues and customers ask more.

Internal request types come from the service desk. Customer topics come from whatever
registers a source here, a function `(team, week_start, week_end) -> list[RisingItem]`:
everyweek.analysis registers the topics the offline engine found in the comments of
responses credited to the team (analysis.selectors.rising_customer_topics):

    digest.register_topic_source(rising_customer_topics)

Each email is rendered in its recipient's language (notifications.send_email), topic names
included.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from everyweek.core import audit
from everyweek.notifications.services import send_email
from everyweek.people.models import DepartmentKind, Person, Team
from everyweek.servicedesk.models import DigestLog, ServiceDesk
from everyweek.servicedesk.selectors import RisingItem, rising_request_types

TopicSource = Callable[[Team, dt.datetime, dt.datetime], list[RisingItem]]
_TOPIC_SOURCES: list[TopicSource] = []


def register_topic_source(source: TopicSource) -> None:
    if source not in _TOPIC_SOURCES:
        _TOPIC_SOURCES.append(source)


def unregister_topic_source(source: TopicSource) -> None:
    if source in _TOPIC_SOURCES:
        _TOPIC_SOURCES.remove(source)


def last_full_week(today: dt.date) -> dt.datetime:
    """Monday 00:00 UTC of the last complete week before `today`."""
    monday = today - dt.timedelta(days=today.weekday() + 7)
    return dt.datetime.combine(monday, dt.time(), tzinfo=dt.UTC)


def team_desk_ids(team: Team) -> list[int]:
    """The desks a team answers for: its own, and its department's desks run without a team."""
    return list(
        ServiceDesk.objects.filter(
            Q(team=team) | Q(team__isnull=True, department_id=team.department_id)
        ).values_list("pk", flat=True)
    )


def digest_for(team: Team, week_start: dt.datetime) -> tuple[list[RisingItem], list[RisingItem]]:
    week_end = week_start + dt.timedelta(days=7)
    internal = rising_request_types(team_desk_ids(team), week_start)
    topics: list[RisingItem] = []
    for source in _TOPIC_SOURCES:
        topics.extend(source(team, week_start, week_end))
    return internal, topics


def send_weekly_digests(today: dt.date | None = None) -> int:
    """Send last week's digest to every team with something rising; returns emails sent.

    Safe to run again: each team's week is claimed once in DigestLog (a unique row), so a
    second run, or two workers at once, send nothing more.
    """
    week_start = last_full_week(today or timezone.now().date())
    teams = (
        Team.objects.filter(
            Q(service_desks__is_active=True)
            | Q(
                department__service_desks__is_active=True,
                department__service_desks__team__isnull=True,
            )
            | Q(department__kind=DepartmentKind.SERVICE)
        )
        .exclude(pk__in=DigestLog.objects.filter(week_start=week_start.date()).values("team"))
        .select_related("department")
        .distinct()
    )
    sent = 0
    for team in teams:
        internal, topics = digest_for(team, week_start)
        try:
            with transaction.atomic():
                log = DigestLog.objects.create(team=team, week_start=week_start.date())
                if not internal and not topics:
                    continue
                members = Person.objects.filter(team=team, is_active=True)
                for person in members:
                    send_email(
                        to=person,
                        template="servicedesk/email/digest",
                        context={
                            "team": team,
                            "week_start": week_start.date(),
                            "internal": internal,
                            "topics": topics,
                        },
                    )
                    log.recipients += 1
                log.save(update_fields=["recipients"])
                audit.record(None, "servicedesk.digest.send", log, {"recipients": log.recipients})
                sent += log.recipients
        except IntegrityError:
            continue  # another run sent this team's digest meanwhile
    return sent
