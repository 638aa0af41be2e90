from __future__ import annotations

import inspect
import random
from typing import Any

import pytest
from django.db.models import F, Sum

from everyweek.demo import generator
from everyweek.feedback.demo import generate_feedback
from everyweek.recognition.demo import generate_recognition
from everyweek.recognition.indices import cs_week_start
from everyweek.recognition.models import (
    AwardProgramme,
    Commendation,
    Kudos,
    PointsAccount,
    PointsEntry,
    Raffle,
    TeamGoal,
)
from everyweek.recognition.programmes import verify_raffle


@pytest.fixture
def demo_org(db: Any) -> None:
    # Only the organisation: this test runs the domain generators itself.
    if "with_domains" in inspect.signature(generator.generate).parameters:
        generator.generate(photos=False, with_domains=False)
    else:
        generator.generate(photos=False)


def test_a_year_of_recognition_is_spread_beyond_customer_service_week(demo_org: None) -> None:
    generate_feedback(random.Random(2), days=40)
    counts = generate_recognition(random.Random(3))
    assert counts["kudos"] == Kudos.objects.count() > 300
    in_week = 0
    for kudos in Kudos.objects.only("created_at"):
        start = cs_week_start(kudos.created_at.year)
        in_week += start <= kudos.created_at.date() < start.replace(day=start.day + 5)
    assert 0 < in_week < counts["kudos"] / 3
    assert Kudos.objects.filter(team__isnull=False).exists()
    assert counts["awards"] == 2 and counts["raffles"] == 2 and counts["rules"] == 2
    assert TeamGoal.objects.exclude(metric="").exists()
    assert all(verify_raffle(r) for r in Raffle.objects.exclude(drawn_at=None))
    assert Commendation.objects.filter(thanked_at__isnull=False).exists()
    assert not Kudos.objects.filter(author=F("recipient")).exists()
    # The ledger never lets anyone give more than their allowance in a month.
    per_month = (
        PointsEntry.objects.filter(account=PointsAccount.GIVING)
        .values("person", "period")
        .annotate(total=Sum("amount"))
    )
    assert all(row["total"] >= 0 for row in per_month)


def test_generated_recognition_is_removed_with_the_demo(demo_org: None) -> None:
    generate_recognition(random.Random(4), days=60)
    generator.delete_generated()
    assert not Kudos.objects.exists() and not AwardProgramme.objects.exists()
    assert not Raffle.objects.exists() and not PointsEntry.objects.exists()
