"""The demo year of feedback: generated, marked, multilingual, and removable."""

from __future__ import annotations

import random
from typing import Any

import pytest

from everyweek.demo import generator
from everyweek.feedback.demo import delete_generated_feedback, generate_feedback
from everyweek.feedback.models import (
    FollowUpCase,
    Interaction,
    InteractionCredit,
    SurveyInvitation,
    SurveyResponse,
)
from everyweek.feedback.selectors import response_rate, summarise


@pytest.fixture
def demo_org(db: Any) -> None:
    generator.generate(photos=False, with_domains=False)


def test_a_month_of_demo_feedback_is_generated_and_marked(demo_org: None) -> None:
    counts = generate_feedback(random.Random(1), days=30)
    assert counts["interactions"] == Interaction.objects.count() > 1000
    assert counts["responses"] == SurveyResponse.objects.count() > 100
    assert counts["follow_ups"] == FollowUpCase.objects.count() > 0
    assert not Interaction.objects.filter(is_generated=False).exists()
    assert not SurveyResponse.objects.filter(is_generated=False).exists()
    assert InteractionCredit.objects.count() == counts["interactions"]
    # Answers come through invitations, so the response rate is realistic.
    rate = response_rate(SurveyInvitation.objects.all()).rate
    assert rate is not None and 25 < rate < 60
    summary = summarise(SurveyResponse.objects.all())
    assert summary.nps is not None and 0 < summary.nps < 80
    languages = set(SurveyResponse.objects.exclude(comment="").values_list("language", flat=True))
    assert {"en", "it", "de", "th"} <= languages
    # Praise names the agent who helped.
    named = [
        r
        for r in SurveyResponse.objects.filter(nps__gte=9)
        .exclude(comment="")
        .select_related("agent")
        if r.agent is not None and r.agent.get_short_name() in r.comment
    ]
    assert named


def test_the_same_seed_gives_the_same_feedback(demo_org: None) -> None:
    generate_feedback(random.Random(5), days=3)
    first = list(SurveyResponse.objects.order_by("pk").values_list("nps", "comment"))
    delete_generated_feedback()
    assert not Interaction.objects.exists() and not SurveyInvitation.objects.exists()
    generate_feedback(random.Random(5), days=3)
    assert list(SurveyResponse.objects.order_by("pk").values_list("nps", "comment")) == first


def test_without_a_generated_organisation_nothing_is_made(db: Any) -> None:
    assert generate_feedback(random.Random(1), days=10)["interactions"] == 0
