"""Fixtures for the survey side: customers, resolved interactions, invitations and answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from everyweek.api.tests.helpers import fresh_cache
from everyweek.conftest import Org
from everyweek.customers.models import Customer
from everyweek.feedback import invitations
from everyweek.feedback.models import Interaction, InteractionStatus, Survey, SurveyInvitation
from everyweek.feedback.services import InteractionInput, record_interaction
from everyweek.people.models import Person

# Rate-limit counters live in the cache: a fresh one per test keeps tests independent.
__all__ = ["fresh_cache"]


@pytest.fixture
def survey(db: Any) -> Survey:
    return invitations.ensure_default_survey()


@pytest.fixture
def make_customer(db: Any) -> Callable[..., Customer]:
    def make(
        name: str = "Carla Customer", email: str = "carla@example.net", **fields: Any
    ) -> Customer:
        return Customer.objects.create(name=name, email=email, **fields)

    return make


@pytest.fixture
def make_interaction(org: Org) -> Callable[..., Interaction]:
    counter = iter(range(1, 10_000))

    def make(
        customer: Customer | None = None,
        agent: Person | None = None,
        resolved_ago: dt.timedelta = dt.timedelta(hours=2),
        **fields: Any,
    ) -> Interaction:
        now = timezone.now()
        interaction, _created = record_interaction(
            InteractionInput(
                source=fields.pop("source", "helpdesk"),
                external_id=fields.pop("external_id", f"T-{next(counter)}"),
                created_at=now - resolved_ago - dt.timedelta(hours=1),
                resolved_at=now - resolved_ago,
                status=InteractionStatus.SOLVED,
                customer=customer,
                agent=agent or org.alice,
                subject=fields.pop("subject", "Parcel never arrived"),
                **fields,
            )
        )
        return interaction

    return make


@pytest.fixture
def invitation(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> SurveyInvitation:
    """An invitation already emailed to an English customer about alice's interaction."""
    interaction = make_interaction(make_customer())
    scheduled = invitations.schedule_invitation(interaction)
    assert scheduled is not None
    invitations.send_due_invitations(now=timezone.now() + dt.timedelta(hours=2))
    scheduled.refresh_from_db()
    return scheduled
