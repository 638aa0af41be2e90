"""The demo: desks, twelve weeks of internal requests, figures and a rising type for the digest."""

from __future__ import annotations

import datetime as dt
import inspect
import random
from typing import Any

from django.utils import timezone

from everyweek.demo.generator import delete_generated, generate
from everyweek.servicedesk import digest, selectors
from everyweek.servicedesk.demo import generate_servicedesk
from everyweek.servicedesk.models import InternalRequest, ServiceDesk


def test_demo_service_desk_is_generated_and_deleted_with_the_organisation(db: Any) -> None:
    _organisation()
    counts = generate_servicedesk(random.Random(7))
    assert counts["desks"] == 5 and counts["requests"] > 200
    now = timezone.now()
    figures = selectors.internal_service_by_desk(now - dt.timedelta(days=90), now)
    assert len(figures) == 5
    assert all(
        f.csat_average is not None and f.on_time_percent is not None for f in figures.values()
    )
    assert InternalRequest.objects.filter(acknowledgement_breached=True).exists()
    week = digest.last_full_week(now.date())
    desk_ids = list(ServiceDesk.objects.values_list("pk", flat=True))
    assert selectors.rising_request_types(desk_ids, week)
    delete_generated()
    assert not InternalRequest.objects.exists() and not ServiceDesk.objects.exists()


def _organisation() -> None:
    """The generated people only: this test runs its own domain generator on them."""
    if "with_domains" in inspect.signature(generate).parameters:
        generate(photos=False, with_domains=False)  # type: ignore[call-arg,unused-ignore]
    else:
        generate(photos=False)
