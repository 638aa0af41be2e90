"""Recognition as career-path criteria: kudos and customer commendations a person received.

Registered with everyweek.careers.metrics from RecognitionConfig.ready(); each evaluates a whole
team with one grouped query. A count of none is a measured 0, not "not measured yet".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from everyweek.careers import metrics
from everyweek.people.models import Person
from everyweek.recognition.selectors import commendation_counts, kudos_received_counts


def kudos_received(people: Sequence[Person], today: dt.date) -> metrics.Values:
    start, end = metrics.window(today)
    counts = kudos_received_counts([p.pk for p in people], start, end)
    return {p.pk: Decimal(counts.get(p.pk, 0)) for p in people}


def customer_commendations(people: Sequence[Person], today: dt.date) -> metrics.Values:
    start, end = metrics.window(today)
    counts = commendation_counts([p.pk for p in people], start, end)
    return {p.pk: Decimal(counts.get(p.pk, 0)) for p in people}


def register() -> None:
    # Replaces the careers app's placeholder under the same key, so existing criteria count.
    metrics.register(
        metrics.Metric("kudos_received", _("Kudos received (12 months)"), "", kudos_received)
    )
    metrics.register(
        metrics.Metric(
            "customer_commendations",
            _("Customer commendations (12 months)"),
            "",
            customer_commendations,
        )
    )
