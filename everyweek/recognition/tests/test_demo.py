from __future__ import annotations

import random
from typing import Any

import pytest
from django.db.models import Sum

from everyweek.demo import generator
from everyweek.feedback.demo import generate_feedback
from everyweek.recognition.demo import generate_recognition
from everyweek.recognition.indices import cs_week_start
from everyweek.recognition.models import Commendation, Kudos, PointsAccount, PointsEntry


@pytest.fixture
def demo_org(db: Any) -> None:
    generator.generate(photos=False)


def test_a_year_of_recognition_is_spread_beyond_customer_service_week(demo_org: None) -> None:
    if not Commendation.objects.exists():
        generate_feedback(random.Random(2), days=40)
    counts = generate_recognition(random.Random(3))
    assert counts["kudos"] == Kudos.objects.count() > 300
    in_week = 0
    for kudos in Kudos.objects.only("created_at"):
        start = cs_week_start(kudos.created_at.year)
        in_week += start <= kudos.created_at.date() < start.replace(day=start.day + 5)
    assert 0 < in_week < counts["kudos"] / 3
    assert Kudos.objects.filter(team__isnull=False).exists()
    assert counts["awards"] == 2 and counts["raffles"] == 2
    from everyweek.recognition.models import Raffle
    from everyweek.recognition.programmes import verify_raffle

    assert all(verify_raffle(r) for r in Raffle.objects.exclude(drawn_at=None))
    assert Commendation.objects.count() > 0
    assert Commendation.objects.filter(thanked_at__isnull=False).exists()
    assert not Kudos.objects.filter(author=models_f_recipient()).exists()
    # The ledger never lets anyone give more than their allowance in a month.
    per_month = (
        PointsEntry.objects.filter(account=PointsAccount.GIVING)
        .values("person", "period")
        .annotate(total=Sum("amount"))
    )
    assert all(row["total"] >= 0 for row in per_month)


def models_f_recipient() -> Any:
    from django.db.models import F

    return F("recipient")
