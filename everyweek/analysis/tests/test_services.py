from __future__ import annotations

from typing import Any

from everyweek.analysis import services
from everyweek.analysis.models import TextAnalysis
from everyweek.analysis.tests.conftest import respond
from everyweek.feedback.models import FollowUpCase
from everyweek.people.models import Person, Role
from everyweek.recognition.models import Commendation

THAI_PRAISE = "ขอบคุณน้องแนนมากค่ะ ช่วยแก้ปัญหาให้เร็วมาก บริการดีมาก"
COMPLAINT = (
    "I waited two hours on hold, nobody called back and I was charged twice. "
    "Terrible service, I want to make a formal complaint."
)


def test_thai_praise_of_a_colleague_by_nickname_becomes_her_commendation(
    org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    nan = Person.objects.create_user(
        "nan@example.com",
        "x",
        full_name="Nattaya Srisuk",
        preferred_name="แนน",
        role=Role.AGENT,
        department=org.care,
        team=org.alpha,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = respond(org.alice, THAI_PRAISE)

    analysis = TextAnalysis.objects.get(response=response)
    assert analysis.language == "th"
    assert analysis.praise
    assert analysis.praised_person == nan
    assert "แนน" in analysis.matched_name
    commendation = Commendation.objects.get(response=response)
    assert commendation.agent == nan
    assert commendation.quote == THAI_PRAISE


def test_a_complaint_opens_one_follow_up_case_even_when_analysed_again(
    org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = respond(org.alice, COMPLAINT)
    assert TextAnalysis.objects.get(response=response).complaint
    assert FollowUpCase.objects.filter(response=response).count() == 1

    services.analyse_response(response)
    services.analyse_responses([response.pk])
    assert FollowUpCase.objects.filter(response=response).count() == 1
    assert TextAnalysis.objects.filter(response=response).count() == 1


def test_reanalysis_updates_the_row_and_never_duplicates_the_commendation(
    org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = respond(org.alice, "Alice was wonderful, thank you so much for your patience!")
    first = TextAnalysis.objects.get(response=response)
    assert first.praise
    services.analyse_responses([response.pk, response.pk])
    services.analyse_response(response)
    assert TextAnalysis.objects.filter(response=response).count() == 1
    assert TextAnalysis.objects.get(response=response).analysed_at >= first.analysed_at
    assert Commendation.objects.filter(response=response).count() == 1
    assert Commendation.objects.get(response=response).agent == org.alice


def test_odd_comments_get_a_clean_answer(org: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        empty = respond(org.alice, "   ")
        emoji = respond(org.alice, "🙂🙂🙂")
        huge = respond(org.alice, "the wait was long and the agent was kind. " * 2500)
    assert len(huge.comment) > 100_000
    assert not TextAnalysis.objects.filter(response=empty).exists()
    assert services.analyse_response(empty) is None
    emoji_analysis = TextAnalysis.objects.get(response=emoji)
    assert emoji_analysis.sentiment in {"negative", "neutral", "positive"}
    huge_analysis = TextAnalysis.objects.get(response=huge)
    assert huge_analysis.model_version


def test_topics_record_their_nearest_example(org: Any) -> None:
    response = respond(org.alice, "My parcel arrived two weeks late and the bill was wrong.")
    analysis = services.analyse_response(response)
    assert analysis is not None
    keys = analysis.topic_key_list()
    assert "delivery" in keys
    delivery = next(t for t in analysis.topics if t["key"] == "delivery")
    assert delivery["nearest_example"]
    assert 0 < delivery["score"] <= 1


def test_a_range_analyses_the_comments_between_its_keys_and_nothing_else(org: Any) -> None:
    # Without the on-commit callbacks, record_response's own analysis never runs.
    before = respond(org.alice, COMPLAINT)
    inside = [respond(org.alice, text) for text in (COMPLAINT, "   ", "", "Thank you, Alice!")]
    after = respond(org.alice, COMPLAINT)
    assert not TextAnalysis.objects.exists()

    assert services.analyse_response_range(inside[0].pk, inside[-1].pk) == 2
    assert set(TextAnalysis.objects.values_list("response_id", flat=True)) == {
        inside[0].pk,
        inside[3].pk,
    }
    assert before.pk < inside[0].pk and after.pk > inside[-1].pk
