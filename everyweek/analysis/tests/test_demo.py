"""The demo build reads its generated comments, so the analysis pages have something to show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from everyweek.analysis.models import TextAnalysis
from everyweek.core.models import AuditEvent
from everyweek.demo import generator
from everyweek.feedback.models import FollowUpCase, FollowUpReason, SurveyResponse
from everyweek.people.models import Person
from everyweek.recognition.models import Commendation

pytestmark = pytest.mark.django_db


def test_a_small_demo_has_every_comment_analysed_in_bulk_without_acting(
    settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    summary = generator.generate(days=14, photos=False)

    with_comment = SurveyResponse.objects.filter(is_generated=True).exclude(comment="")
    assert with_comment.count() > 20
    analysed = TextAnalysis.objects.filter(response__in=with_comment)
    assert analysed.count() == with_comment.count() == summary.domains["analysis"]["analysed"]
    assert not TextAnalysis.objects.filter(response__comment="").exists()
    # the demo's comments are praise, neutral remarks and complaints in several languages
    assert analysed.filter(praise=True, praised_person__is_generated=True).exists()
    assert analysed.filter(complaint=True).exists()
    assert analysed.exclude(topic_keys="").exists()
    assert len(set(analysed.values_list("language", flat=True)) - {"unknown"}) >= 2
    one = analysed.select_related("response").first()
    assert one is not None and one.analysed_at == one.response.submitted_at
    # one audit entry for the run, and nothing acted on: no alerts or cases out of history
    assert AuditEvent.objects.filter(action="analysis.bulk").count() == 1
    assert not AuditEvent.objects.filter(action="analysis.create").exists()
    assert not FollowUpCase.objects.filter(reason=FollowUpReason.COMPLAINT).exists()
    assert (
        not Commendation.objects.exclude(response__isnull=True)
        .exclude(response__nps__gte=9)
        .exists()
    )

    # A demo leader sees the praise on the analysis page.
    leader = Person.objects.get(email=generator.demo_email("executive"))
    client = Client()
    client.force_login(leader)
    page = client.get("/analysis/?found=praise")
    assert page.status_code == 200
    assert page.context["page"].paginator.count > 0
    assert all(a.praise for a in page.context["page"])


def test_the_bulk_reading_skips_comments_already_analysed(settings: Any, tmp_path: Path) -> None:
    from everyweek.analysis import demo, services

    settings.MEDIA_ROOT = tmp_path / "media"
    generator.generate(days=7, photos=False)
    before = TextAnalysis.objects.count()
    assert before > 0
    assert demo.generate_analysis(__import__("random").Random(1)) == {"analysed": 0}
    assert services.analyse_history(SurveyResponse.objects.none()) == 0
    assert TextAnalysis.objects.count() == before
