"""The customer's survey pages: no sign-in, their language, one response however often they answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import time_machine
from django.test import Client

from everyweek.conftest import Org
from everyweek.customers.models import Customer
from everyweek.feedback import invitations
from everyweek.feedback.models import (
    FollowUpCase,
    Interaction,
    InvitationStatus,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    Unsubscribe,
)


def url(invitation: SurveyInvitation, page: str = "") -> str:
    token = invitations.make_token(invitation)
    return f"/s/{token}/{page + '/' if page else ''}"


def test_the_survey_page_needs_no_sign_in_and_shows_the_questions(
    invitation: SurveyInvitation,
) -> None:
    response = Client().get(url(invitation))
    assert response.status_code == 200
    body = response.content.decode()
    assert "How likely are you to recommend us" in body
    assert body.count('type="radio" name="nps"') == 11
    assert body.count('type="radio" name="csat"') == 5
    assert "<fieldset" in body and "<legend>" in body
    assert response["Content-Language"] == "en"
    assert "no-store" in response["Cache-Control"]


def test_the_page_speaks_the_customers_language_with_a_switcher(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    customer = make_customer("Hans Huber", "hans@example.de", locale="de")
    invitation = invitations.link_invitation(make_interaction(customer))
    response = Client().get(url(invitation))
    body = response.content.decode()
    assert response["Content-Language"] == "de"
    assert '<html lang="de">' in body
    assert "Wie wahrscheinlich ist es" in body
    assert "Weiter" in body  # the button, from the app's German catalogue
    for code in ("en", "it", "th", "es", "fr"):
        assert f'href="?lang={code}"' in body
    thai = Client().get(url(invitation) + "?lang=th")
    assert thai["Content-Language"] == "th"
    assert "แนะนำ" in thai.content.decode()


def test_a_score_clicked_in_the_email_is_confirmed_by_post_not_stored_by_get(
    invitation: SurveyInvitation,
) -> None:
    client = Client()
    page = client.get(url(invitation) + "?score=9")
    assert page.status_code == 200
    body = page.content.decode()
    assert "data-autosubmit" in body
    assert 'name="nps" value="9"' in body
    assert not SurveyResponse.objects.exists()  # a mail scanner's GET stores nothing
    sent = client.post(url(invitation), {"nps": "9", "lang": "en"})
    assert sent.status_code == 302
    assert sent["Location"].startswith(url(invitation, "more"))
    stored = SurveyResponse.objects.get()
    assert (stored.nps, stored.source, stored.external_id) == (
        9,
        "everyweek",
        f"inv-{invitation.pk}",
    )
    invitation.refresh_from_db()
    assert invitation.opened_at is not None and invitation.responded_at is not None


def test_the_comment_is_asked_on_the_next_page_and_updates_the_same_response(
    invitation: SurveyInvitation,
) -> None:
    client = Client()
    client.post(url(invitation), {"nps": "10"})
    more = client.get(url(invitation, "more"))
    body = more.content.decode()
    assert "What is the main reason for your answer?" in body
    assert 'name="csat"' in body  # the question not answered yet
    assert 'name="nps"' not in body
    done = client.post(url(invitation, "more"), {"comment": "Alice was great", "csat": "5"})
    assert done.status_code == 302 and url(invitation, "thanks") in done["Location"]
    stored = SurveyResponse.objects.get()
    assert (stored.nps, stored.csat, stored.comment) == (10, 5, "Alice was great")
    thanks = client.get(done["Location"])
    assert "Thank you!" in thanks.content.decode()


def test_answering_again_updates_the_response_and_never_counts_twice(
    invitation: SurveyInvitation,
) -> None:
    for score in ("2", "9", "9"):
        Client().post(url(invitation), {"nps": score})
    assert SurveyResponse.objects.count() == 1
    assert SurveyResponse.objects.get().nps == 9
    # The page shows the stored answer, ready to change.
    body = Client().get(url(invitation)).content.decode()
    assert 'id="nps-9" value="9" checked' in body


def test_a_low_score_asks_what_went_wrong(invitation: SurveyInvitation) -> None:
    client = Client()
    client.post(url(invitation), {"nps": "3"})
    body = client.get(url(invitation, "more")).content.decode()
    assert "What went wrong?" in body
    assert "Waiting time" in body
    client.post(url(invitation, "more"), {"reason_codes": ["waiting_time", "bogus"], "comment": ""})
    # "bogus" is not one of the survey's reasons: the form refuses it and nothing changes.
    assert SurveyResponse.objects.get().reason_codes == []
    client.post(url(invitation, "more"), {"reason_codes": ["waiting_time"]})
    assert SurveyResponse.objects.get().reason_codes == ["waiting_time"]
    assert FollowUpCase.objects.filter(response__invitation=invitation).exists()


def test_a_score_is_needed_and_out_of_range_scores_are_refused(
    invitation: SurveyInvitation,
) -> None:
    empty = Client().post(url(invitation), {})
    assert empty.status_code == 200
    assert "Please choose a score before sending." in empty.content.decode()
    assert Client().post(url(invitation), {"nps": "11"}).status_code == 200
    assert not SurveyResponse.objects.exists()


def test_the_agent_is_shown_only_when_the_survey_allows(invitation: SurveyInvitation) -> None:
    assert "You were helped by Alice." in Client().get(url(invitation)).content.decode()
    Survey.objects.filter(pk=invitation.survey_id).update(show_agent=False)
    assert "Alice" not in Client().get(url(invitation)).content.decode()


def test_a_forged_link_gets_a_clear_page_in_the_visitors_language(
    invitation: SurveyInvitation,
) -> None:
    token = invitations.make_token(invitation)
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = Client().get(f"/s/{forged}/", headers={"accept-language": "it"})
    assert response.status_code == 400
    assert "Questo link al sondaggio non funziona" in response.content.decode()
    assert Client().post(f"/s/{forged}/", {"nps": "1"}).status_code == 400
    assert not SurveyResponse.objects.exists()


def test_an_expired_link_gets_a_clear_page_in_the_customers_language(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    customer = make_customer("Somchai", "somchai@example.th", locale="th")
    invitation = invitations.link_invitation(make_interaction(customer))
    with time_machine.travel(invitation.expires_at + dt.timedelta(hours=1)):
        response = Client().get(url(invitation))
        assert response.status_code == 410
        assert response["Content-Language"] == "th"
        assert "ลิงก์แบบสำรวจนี้หมดอายุแล้ว" in response.content.decode()
        assert Client().post(url(invitation), {"nps": "5"}).status_code == 410
    assert not SurveyResponse.objects.exists()


def test_the_survey_post_needs_the_csrf_token(invitation: SurveyInvitation) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(url(invitation), {"nps": "9"}).status_code == 403
    page = client.get(url(invitation))
    token = page.cookies["csrftoken"].value
    assert (
        client.post(url(invitation), {"nps": "9", "csrfmiddlewaretoken": token}).status_code == 302
    )


def test_too_many_requests_from_one_address_get_429(
    invitation: SurveyInvitation, settings: object
) -> None:
    settings.SURVEY_RATE_LIMIT = 3  # type: ignore[attr-defined]
    settings.SURVEY_RATE_WINDOW = 60  # type: ignore[attr-defined]
    client = Client()
    statuses = [client.get(url(invitation)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.post(url(invitation), {"nps": "9"})
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert "Please wait a moment" in limited.content.decode()
    assert not SurveyResponse.objects.exists()
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.get(url(invitation)).status_code == 200


def test_unsubscribe_is_one_click_to_a_page_and_one_press_to_confirm(
    invitation: SurveyInvitation,
) -> None:
    client = Client()
    page = client.get(url(invitation, "unsubscribe"))
    assert page.status_code == 200
    assert "carla@example.net" in page.content.decode()
    assert not Unsubscribe.objects.exists()  # opening the page changes nothing
    done = client.post(url(invitation, "unsubscribe"))
    assert done.status_code == 200
    assert "You are unsubscribed" in done.content.decode()
    assert invitations.is_unsubscribed("carla@example.net")


def test_the_embed_link_leads_to_the_interactions_survey(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    interaction = make_interaction(make_customer(), source="zendesk", external_id="4711")
    path = invitations.embed_path(interaction)
    assert path.startswith("/s/embed/zendesk/4711/?sig=")
    first = Client().get(path + "&score=7")
    assert first.status_code == 302
    invitation = SurveyInvitation.objects.get(interaction=interaction)
    assert invitation.status == InvitationStatus.LINK
    assert first["Location"] == invitations.survey_path(invitation, score="7")
    Client().get(path)
    assert SurveyInvitation.objects.filter(interaction=interaction).count() == 1
    assert Client().get("/s/embed/zendesk/4711/?sig=forged").status_code == 400
    assert Client().get(path.replace("4711", "4712")).status_code == 400


def test_a_response_from_the_page_reaches_the_agents_feedback(
    org: Org, invitation: SurveyInvitation
) -> None:
    Client().post(url(invitation), {"nps": "10"})
    listing = org.client_for(org.alice).get("/feedback/")
    assert listing.status_code == 200
    assert listing.context["summary"].count == 1


def test_a_spanish_customer_gets_a_spanish_page(
    survey: Survey,
    make_customer: Callable[..., Customer],
    make_interaction: Callable[..., Interaction],
) -> None:
    customer = make_customer("Lucía Gómez", "lucia@example.es", locale="es")
    invitation = invitations.link_invitation(make_interaction(customer))
    body = Client().get(url(invitation)).content.decode()
    assert "¿Qué probabilidad hay de que nos recomiendes" in body
    assert "Siguiente" in body
    assert "Nada probable" in body
