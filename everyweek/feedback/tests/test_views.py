"""Staff pages: who sees which feedback, filters, exports, escaping and query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from everyweek.conftest import Org
from everyweek.customers.models import Customer
from everyweek.feedback.models import FeedbackSettings, FollowUpCase, FollowUpStatus, SurveyResponse
from everyweek.feedback.services import ResponseInput, record_response
from everyweek.people.models import Person

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def respond(agent: Person, n: int, **fields: Any) -> SurveyResponse:
    response, _created = record_response(
        ResponseInput(
            source="test",
            external_id=f"{agent.pk}-{n}",
            submitted_at=fields.pop("submitted_at", timezone.now() - dt.timedelta(hours=n)),
            agent=agent,
            channel=fields.pop("channel", "email"),
            language=fields.pop("language", "en"),
            **fields,
        )
    )
    return response


@pytest.fixture
def feedback(org: Org) -> dict[str, SurveyResponse]:
    return {
        "alice_happy": respond(org.alice, 1, nps=10, comment="Alice was wonderful"),
        "alice_unhappy": respond(org.alice, 2, nps=2, comment="Terrible wait", channel="phone"),
        "bruno": respond(org.bruno, 3, nps=9, comment="Grazie Bruno", language="it"),
        "sam": respond(org.sam, 4, csat=5, comment="Sales were nice"),
    }


def streamed(response: Any) -> str:
    return b"".join(response.streaming_content).decode()


def listed(client: Any, query: str = "") -> set[int]:
    response = client.get(f"/feedback/{query}")
    assert response.status_code == 200
    return {r.pk for r in response.context["page"]}


def test_each_role_sees_its_own_scope_of_feedback(
    org: Org, feedback: dict[str, SurveyResponse]
) -> None:
    alice = {feedback["alice_happy"].pk, feedback["alice_unhappy"].pk}
    assert listed(org.client_for(org.alice)) == alice
    assert listed(org.client_for(org.lenny)) == alice  # his team: alice, not bruno (Beta)
    assert listed(org.client_for(org.mona)) == alice | {feedback["bruno"].pk}
    assert listed(org.client_for(org.sam)) == {feedback["sam"].pk}
    assert listed(org.client_for(org.erin)) == {r.pk for r in feedback.values()}
    assert listed(org.client_for(org.ada)) == {r.pk for r in feedback.values()}


def test_a_response_outside_your_scope_is_not_found(
    org: Org, feedback: dict[str, SurveyResponse]
) -> None:
    bruno = feedback["bruno"].pk
    assert org.client_for(org.alice).get(f"/feedback/{bruno}/").status_code == 404
    assert org.client_for(org.lenny).get(f"/feedback/{bruno}/").status_code == 404
    assert org.client_for(org.mona).get(f"/feedback/{bruno}/").status_code == 200
    assert org.client_for(org.bruno).get(f"/feedback/{bruno}/").status_code == 200


def test_feedback_pages_need_sign_in(feedback: dict[str, SurveyResponse]) -> None:
    from django.test import Client

    assert Client().get("/feedback/").status_code == 302
    assert Client().get(f"/feedback/{feedback['bruno'].pk}/").status_code == 302


def test_whether_agents_read_unhappy_comments_is_a_setting(
    org: Org, feedback: dict[str, SurveyResponse]
) -> None:
    unhappy = feedback["alice_unhappy"].pk
    assert "Terrible wait" in org.client_for(org.alice).get("/feedback/").content.decode()
    FeedbackSettings.objects.filter(pk=1).update(agents_see_detractor_comments=False)
    page = org.client_for(org.alice).get("/feedback/").content.decode()
    assert "Terrible wait" not in page
    assert "Alice was wonderful" in page
    assert (
        "Terrible wait"
        not in org.client_for(org.alice).get(f"/feedback/{unhappy}/").content.decode()
    )
    export = org.client_for(org.alice).get("/feedback/?format=csv")
    assert "Terrible wait" not in streamed(export)
    # Leaders still read them.
    assert "Terrible wait" in org.client_for(org.lenny).get("/feedback/").content.decode()


def test_customer_text_is_escaped_on_the_leaders_pages(org: Org) -> None:
    response = respond(org.alice, 9, nps=1, comment=XSS)
    case = FollowUpCase.objects.get(response=response)
    for path in (
        "/feedback/",
        f"/feedback/{response.pk}/",
        "/feedback/follow-ups/",
        f"/feedback/follow-ups/{case.pk}/",
    ):
        body = org.client_for(org.lenny).get(path).content.decode()
        assert "<script>alert" not in body, path
        assert "<img src=x" not in body, path
        assert "&lt;script&gt;" in body, path


def test_filters_by_period_channel_score_and_language(
    org: Org, feedback: dict[str, SurveyResponse]
) -> None:
    mona = org.client_for(org.mona)
    old = respond(org.alice, 5, nps=9, submitted_at=timezone.now() - dt.timedelta(days=60))
    assert old.pk in listed(mona)
    assert old.pk not in listed(mona, "?period=30")
    assert listed(mona, "?channel=phone") == {feedback["alice_unhappy"].pk}
    assert listed(mona, "?band=detractor") == {feedback["alice_unhappy"].pk}
    assert listed(mona, "?band=promoter") == {
        feedback["alice_happy"].pk,
        feedback["bruno"].pk,
        old.pk,
    }
    assert listed(mona, "?language=it") == {feedback["bruno"].pk}
    assert listed(mona, f"?agent={org.bruno.pk}") == {feedback["bruno"].pk}
    assert listed(mona, "?q=wonderful") == {feedback["alice_happy"].pk}


def test_csat_bands_compare_across_scales(org: Org) -> None:
    low = respond(org.alice, 1, csat=1, csat_scale=3)
    high = respond(org.alice, 2, csat=7, csat_scale=7)
    mid = respond(org.alice, 3, csat=2, csat_scale=3)  # 3 on 1-5
    client = org.client_for(org.lenny)
    assert listed(client, "?band=unhappy") == {low.pk}
    assert listed(client, "?band=satisfied") == {high.pk}
    assert mid.pk in listed(client)


def test_the_list_exports_csv_with_the_same_filters(
    org: Org, feedback: dict[str, SurveyResponse]
) -> None:
    respond(org.alice, 7, nps=9, comment='=HYPERLINK("http://evil")')
    response = org.client_for(org.lenny).get("/feedback/?band=promoter&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(streamed(response))))
    assert {r["comment"] for r in rows} == {"Alice was wonderful", '\'=HYPERLINK("http://evil")'}
    assert {r["agent"] for r in rows} == {"alice@example.com"}


def test_the_list_page_uses_the_same_queries_for_5_or_40_responses(org: Org) -> None:
    client = org.client_for(org.mona)
    for n in range(5):
        respond(
            org.alice if n % 2 else org.bruno,
            n,
            nps=n,
            comment="c",
            customer=Customer.objects.create(name=f"C{n}"),
        )
    with CaptureQueriesContext(connection) as few:
        assert client.get("/feedback/").status_code == 200
    for n in range(5, 40):
        respond(
            org.alice if n % 2 else org.bruno,
            n,
            nps=n % 11,
            comment="c",
            customer=Customer.objects.create(name=f"C{n}"),
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get("/feedback/").status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_list_paginates(org: Org) -> None:
    for n in range(55):
        respond(org.alice, n, nps=9)
    client = org.client_for(org.alice)
    first = client.get("/feedback/")
    assert len(first.context["page"]) == 50
    assert len(client.get("/feedback/?page=2").context["page"]) == 5


# --- Follow-up pages --------------------------------------------------------------------------


@pytest.fixture
def case(org: Org) -> FollowUpCase:
    return FollowUpCase.objects.get(response=respond(org.alice, 1, nps=0, comment="Awful"))


def test_follow_ups_are_for_leaders(org: Org, case: FollowUpCase) -> None:
    assert org.client_for(org.alice).get("/feedback/follow-ups/").status_code == 403
    assert org.client_for(org.alice).get(f"/feedback/follow-ups/{case.pk}/").status_code == 403
    page = org.client_for(org.lenny).get("/feedback/follow-ups/")
    assert [c.pk for c in page.context["page"]] == [case.pk]
    assert "Follow-ups" in org.client_for(org.lenny).get("/").content.decode()
    assert 'href="/feedback/follow-ups/"' not in org.client_for(org.alice).get("/").content.decode()


def test_a_case_outside_the_leaders_scope_is_not_found(org: Org, case: FollowUpCase) -> None:
    bruno_case = FollowUpCase.objects.get(response=respond(org.bruno, 1, nps=0))
    lenny = org.client_for(org.lenny)
    assert lenny.get(f"/feedback/follow-ups/{bruno_case.pk}/").status_code == 404
    assert (
        lenny.post(f"/feedback/follow-ups/{bruno_case.pk}/note/", {"text": "x"}).status_code == 404
    )
    assert org.client_for(org.mona).get(f"/feedback/follow-ups/{bruno_case.pk}/").status_code == 200


def test_a_leader_works_a_case_from_its_page(org: Org, case: FollowUpCase) -> None:
    lenny = org.client_for(org.lenny)
    assert (
        lenny.post(
            f"/feedback/follow-ups/{case.pk}/note/", {"text": "Rang the customer"}
        ).status_code
        == 302
    )
    response = lenny.post(
        f"/feedback/follow-ups/{case.pk}/update/",
        {
            "status": FollowUpStatus.RESOLVED,
            "owner": org.lenny.pk,
            "outcome": "Apologised, refunded",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == FollowUpStatus.RESOLVED and case.closed_at is not None
    assert case.outcome == "Apologised, refunded"
    assert case.notes.get().text == "Rang the customer"
    page = lenny.get(f"/feedback/follow-ups/{case.pk}/").content.decode()
    assert "Rang the customer" in page
    listing = lenny.get("/feedback/follow-ups/?status=all")
    assert "Median time to close" in listing.content.decode()


def test_case_list_filters_and_exports(org: Org, case: FollowUpCase) -> None:
    mona = org.client_for(org.mona)
    other = FollowUpCase.objects.get(response=respond(org.bruno, 1, csat=1))
    FollowUpCase.objects.filter(pk=case.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    assert [c.pk for c in mona.get("/feedback/follow-ups/?overdue=on").context["page"]] == [case.pk]
    assert [c.pk for c in mona.get("/feedback/follow-ups/?reason=low_csat").context["page"]] == [
        other.pk
    ]
    assert [
        c.pk for c in mona.get(f"/feedback/follow-ups/?owner={org.lenny.pk}").context["page"]
    ] == [case.pk]
    export = mona.get("/feedback/follow-ups/?format=csv")
    rows = list(csv.DictReader(io.StringIO(streamed(export))))
    assert {r["id"] for r in rows} == {str(case.pk), str(other.pk)}
    assert {r["overdue"] for r in rows if r["id"] == str(case.pk)} == {"True"}


def test_the_home_page_shows_your_latest_feedback(
    org: Org, feedback: dict[str, SurveyResponse]
) -> None:
    body = org.client_for(org.alice).get("/").content.decode()
    assert "Your latest feedback" in body
    assert "Alice was wonderful" in body
    assert "Grazie Bruno" not in body
    lead = org.client_for(org.lenny).get("/").content.decode()
    assert "1 follow-up waiting on you" in lead
    assert "Your latest feedback" not in org.client_for(org.erin).get("/").content.decode()
