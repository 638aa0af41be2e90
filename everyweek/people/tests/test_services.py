from __future__ import annotations

import pytest
from django.test import Client

from everyweek.conftest import PASSWORD, Org, can_sign_in
from everyweek.core.models import AuditEvent
from everyweek.notifications.models import OutboundEmail
from everyweek.people import services
from everyweek.people.models import Role


def test_update_records_what_changed(org: Org) -> None:
    services.update_person(actor=org.ada, person=org.alice, job_title="Senior Agent")
    event = AuditEvent.objects.get(action="person.update")
    assert event.actor == org.ada
    assert event.changes == {"job_title": ["", "Senior Agent"]}


def test_reporting_loops_are_refused(org: Org) -> None:
    with pytest.raises(services.PeopleError):
        services.update_person(actor=org.ada, person=org.mona, reports_to=org.alice)


def test_deactivation_keeps_history_and_stops_sign_in(org: Org) -> None:
    services.update_person(actor=org.ada, person=org.alice, job_title="Agent")
    services.deactivate_person(actor=org.ada, person=org.alice)
    org.alice.refresh_from_db()
    assert not org.alice.is_active
    assert org.alice.deactivated_at is not None
    assert AuditEvent.objects.filter(target_id=str(org.alice.pk)).count() >= 2
    assert not can_sign_in("alice@example.com", PASSWORD)


def test_deactivated_person_is_hidden_from_the_directory_by_default(org: Org) -> None:
    services.deactivate_person(actor=org.ada, person=org.alice)
    client = org.client_for(org.ada)
    assert "Alice Agent" not in client.get("/people/").content.decode()
    assert "Alice Agent" in client.get("/people/?inactive=on").content.decode()


def test_admin_edits_a_person_through_the_form(org: Org) -> None:
    client = org.client_for(org.ada)
    response = client.post(
        f"/people/{org.alice.pk}/edit/",
        {
            "email": "alice@example.com",
            "full_name": "Alice Agent",
            "role": Role.LEAD,
            "department": org.care.pk,
            "team": org.alpha.pk,
            "reports_to": org.mona.pk,
            "locale": "de",
            "time_zone": "Europe/Berlin",
        },
    )
    assert response.status_code == 302
    org.alice.refresh_from_db()
    assert org.alice.role == Role.LEAD
    assert org.alice.reports_to == org.mona


def test_form_refuses_a_team_of_another_department(org: Org) -> None:
    client = org.client_for(org.ada)
    response = client.post(
        f"/people/{org.alice.pk}/edit/",
        {
            "email": "alice@example.com",
            "full_name": "Alice",
            "role": "agent",
            "department": org.sales.pk,
            "team": org.alpha.pk,
            "locale": "en",
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 200
    assert "another department" in response.content.decode()


def test_invitation_is_stored_in_the_outbox_in_the_persons_language(org: Org) -> None:
    services.invite_person(actor=org.ada, person=org.bruno)
    email = OutboundEmail.objects.get(to_email="bruno@example.com")
    assert email.language == "it"
    assert "invitation/" in email.body_text
    assert "Ciao" in email.body_text


def test_invitation_link_sets_the_password_once(org: Org) -> None:
    url = services.set_password_url(org.bruno).split("8000", 1)[-1]
    client = Client()
    response = client.post(
        url, {"new_password1": "a much better pass 7", "new_password2": "a much better pass 7"}
    )
    assert response.status_code == 302
    assert can_sign_in("bruno@example.com", "a much better pass 7")
    # The token is bound to the old password hash, so the same link no longer works.
    assert client.get(url).status_code == 400


def test_repeated_wrong_passwords_lock_the_account_out(org: Org) -> None:
    client = Client()
    for _ in range(5):
        client.post("/account/login/", {"username": "alice@example.com", "password": "wrong"})
    response = client.post(
        "/account/login/", {"username": "alice@example.com", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_sign_in_is_case_insensitive_and_audited(org: Org) -> None:
    client = Client()
    response = client.post(
        "/account/login/", {"username": "Alice@Example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="person.sign_in", actor=org.alice).exists()


def test_sign_out_needs_a_post(org: Org) -> None:
    client = org.client_for(org.alice)
    assert client.get("/account/logout/").status_code == 405
    assert client.post("/account/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_people_edit_their_own_preferences_but_not_their_role(org: Org) -> None:
    client = org.client_for(org.alice)
    response = client.post(
        "/account/profile/",
        {"preferred_name": "Ali", "locale": "de", "time_zone": "Europe/Berlin", "role": "admin"},
    )
    assert response.status_code == 302
    org.alice.refresh_from_db()
    assert (org.alice.preferred_name, org.alice.locale, org.alice.role) == ("Ali", "de", Role.AGENT)
    assert AuditEvent.objects.filter(action="person.update", actor=org.alice).exists()


def test_profile_refuses_an_unknown_time_zone(org: Org) -> None:
    response = org.client_for(org.alice).post(
        "/account/profile/", {"preferred_name": "", "locale": "en", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    org.alice.refresh_from_db()
    assert org.alice.time_zone == "UTC"


def test_services_refuse_a_team_outside_the_department(org: Org) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.update_person(actor=org.ada, person=org.alice, team=org.hunters)
