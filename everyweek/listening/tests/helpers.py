"""Builders shared by the listening tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from everyweek.conftest import Org, make_person
from everyweek.listening import services
from everyweek.listening.models import ListeningSession
from everyweek.people.models import Person, Role


def agent_under(org: Org, email: str, name: str, leader: Person, **fields: Any) -> Person:
    return make_person(
        email, name, Role.AGENT, department=org.care, team=org.alpha, reports_to=leader, **fields
    )


def session_for(
    org: Org,
    leader: Person,
    people: list[Person],
    *,
    starts_in: dt.timedelta = dt.timedelta(days=3),
    **fields: Any,
) -> ListeningSession:
    return services.schedule_session(
        actor=leader,
        leader=leader,
        starts_at=timezone.now() + starts_in,
        participants=people,
        **fields,
    )
