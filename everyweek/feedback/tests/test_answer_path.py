"""The survey answer's hot path: a few narrow writes in the request, the rest in one idempotent task.

Tests run tasks with the immediate backend, so `after_answer` runs inside the answer's
transaction; the query-count test switches to the database backend to see the request alone.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from everyweek.analysis.models import TextAnalysis
from everyweek.conftest import Org
from everyweek.core.models import AuditEvent
from everyweek.feedback import invitations
from everyweek.feedback.models import (
    FollowUpCase,
    FollowUpReason,
    InvitationStatus,
    SurveyInvitation,
    SurveyResponse,
)
from everyweek.recognition.models import Commendation
from everyweek.scorecards import rollups
from everyweek.scorecards.models import AgentDay, DirtyDay

PRAISE = "Alice was wonderful, thank you so much for your patience!"


def url(invitation: SurveyInvitation) -> str:
    return f"/s/{invitations.make_token(invitation)}/"


def test_answering_twice_keeps_one_response_and_updates_it(
    org: Org, invitation: SurveyInvitation
) -> None:
    client = Client()
    assert client.post(url(invitation), {"nps": "4"}).status_code == 302
    invitation.refresh_from_db()
    answered_at = invitation.responded_at
    assert answered_at is not None and invitation.status == InvitationStatus.RESPONDED
    assert client.post(url(invitation), {"nps": "9"}).status_code == 302

    response = SurveyResponse.objects.get()
    assert response.nps == 9
    assert response.invitation_id == invitation.pk
    assert (response.agent, response.team) == (org.alice, org.alpha)
    assert response.customer_id == invitation.customer_id
    invitation.refresh_from_db()
    assert invitation.responded_at == answered_at  # the first answer's time stays
    actions = list(
        AuditEvent.objects.filter(
            target_type="feedback.surveyresponse", target_id=str(response.pk)
        ).values_list("action", flat=True)
    )
    assert sorted(actions) == ["survey.answer", "survey.answer_again"]
    # Counted once in the rollups, with the latest score (a promoter now, not a detractor).
    row = AgentDay.objects.get(agent=org.alice, day=rollups.day_of(response.submitted_at))
    assert (row.responses, row.promoters, row.detractors) == (1, 1, 0)
    assert not DirtyDay.objects.exists()


def test_a_second_answer_changes_only_what_it_answers(invitation: SurveyInvitation) -> None:
    invitations.submit_answer(invitation, {"nps": 3, "comment": "Slow"})
    invitations.submit_answer(invitation, {"reason_codes": ["waiting_time", "bogus"]})
    response = SurveyResponse.objects.get()
    assert (response.nps, response.comment, response.reason_codes) == (3, "Slow", ["waiting_time"])


def test_a_low_score_opens_exactly_one_follow_up(org: Org, invitation: SurveyInvitation) -> None:
    invitations.submit_answer(invitation, {"nps": 2})
    invitations.submit_answer(invitation, {"nps": 1, "comment": "Still waiting"})
    case = FollowUpCase.objects.get()
    assert case.reason == FollowUpReason.DETRACTOR
    assert (case.agent, case.owner) == (org.alice, org.lenny)
    invitations.after_answer(case.response_id)
    assert FollowUpCase.objects.count() == 1


def test_the_after_answer_task_twice_changes_nothing(
    org: Org, invitation: SurveyInvitation
) -> None:
    response = invitations.submit_answer(invitation, {"nps": 1, "comment": PRAISE})
    state = (
        FollowUpCase.objects.count(),
        TextAnalysis.objects.count(),
        Commendation.objects.count(),
        rollups.snapshot(),
    )
    assert state[:3] == (1, 1, 1)
    invitations.after_answer(response.pk)
    invitations.after_answer(response.pk)
    again = (
        FollowUpCase.objects.count(),
        TextAnalysis.objects.count(),
        Commendation.objects.count(),
        rollups.snapshot(),
    )
    assert again == state
    # And the incremental rollups equal a full recomputation from raw rows.
    rollups.rebuild()
    assert rollups.snapshot() == state[3]


def test_an_answer_takes_few_queries_and_leaves_the_rest_to_one_task(
    invitation: SurveyInvitation, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        done = client.post(url(invitation), {"nps": "2"})
    assert done.status_code == 302
    # Invitation and survey, survey languages, invitation update, response upsert, audit row,
    # the task row, and the test's savepoint around the transaction (two statements).
    assert len(queries) <= 8, [q["sql"] for q in queries]
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "everyweek.feedback.tasks.after_answer"
    response = SurveyResponse.objects.get()
    assert queued.args_kwargs == {"args": [response.pk], "kwargs": {}}
    # Nothing of the task's work happened in the request; a worker running it does it.
    assert not FollowUpCase.objects.exists()
    invitations.after_answer(response.pk)
    assert FollowUpCase.objects.filter(response=response).count() == 1
    assert AgentDay.objects.filter(responses=1, detractors=1).count() == 1


def test_the_answers_lean_read_equals_the_orms(invitation: SurveyInvitation) -> None:
    lean = invitations.read_token(invitations.make_token(invitation), lean=True)
    full = SurveyInvitation.objects.select_related("survey").get(pk=invitation.pk)
    for name in ("pk", *invitations.LEAN_COLUMNS):
        name = "survey_id" if name == "survey" else name
        assert getattr(lean, name) == getattr(full, name), name
    assert lean.expires_at.tzinfo is not None
    survey_fields = [f.attname for f in type(full.survey)._meta.concrete_fields]
    assert [getattr(lean.survey, f) for f in survey_fields] == [
        getattr(full.survey, f) for f in survey_fields
    ]
    assert invitations.survey_languages(lean.survey) == invitations.survey_languages(full.survey)
    # What was not read loads on first use, as with `.only()`.
    assert lean.interaction.pk == full.interaction_id


def test_a_changed_survey_applies_to_the_next_answer_at_once(
    invitation: SurveyInvitation, make_interaction: Any
) -> None:
    """Nothing about the survey is cached between requests: the lean read brings it fresh."""
    client = Client()
    survey = invitation.survey
    survey.csat_scale = 7
    survey.save(update_fields=["csat_scale"])
    assert client.post(url(invitation), {"csat": "7", "lang": "de"}).status_code == 302
    response = SurveyResponse.objects.get()
    assert (response.csat, response.csat_scale, response.language) == (7, 7, "de")

    # A language the survey no longer speaks is not offered on the next answer.
    survey.texts.filter(language="de").delete()
    done = client.post(url(invitation), {"csat": "6", "lang": "de"})
    assert done.status_code == 302 and done["Location"].endswith("?lang=en")
    response.refresh_from_db()
    assert (response.csat, response.language) == (6, "en")


@pytest.mark.django_db(transaction=True)
def test_the_after_answer_task_flushes_itself_and_queues_no_flush_task(
    org: Org, invitation: SurveyInvitation, settings: Any
) -> None:
    # Real commits (a transactional test): on-commit hooks run as they do in a worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = invitations.submit_answer(invitation, {"nps": 2, "comment": PRAISE})
    DBTaskResult.objects.all().delete()  # the after-answer task itself, run by hand below
    invitations.after_answer(response.pk)
    # A follow-up case and a commendation were written (their signals mark rollup keys), yet
    # the task's own flush recomputed everything: no mark is left, no flush task was queued.
    assert FollowUpCase.objects.filter(response=response).exists()
    assert Commendation.objects.exists()
    assert not DirtyDay.objects.exists()
    assert not DBTaskResult.objects.filter(task_path__endswith="flush_rollups").exists()
    assert AgentDay.objects.filter(responses=1, detractors=1).count() == 1
