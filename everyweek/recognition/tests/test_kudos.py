from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from everyweek.core.models import AuditEvent
from everyweek.notifications.models import OutboundEmail
from everyweek.people.models import PartnerKind, PartnerOrganisation
from everyweek.recognition import selectors, services
from everyweek.recognition.models import (
    CompanyValue,
    Kudos,
    Notification,
    PointsAccount,
    RecognitionSettings,
    Visibility,
)


def test_nobody_can_give_kudos_to_themselves(org: Any) -> None:
    with pytest.raises(services.RecognitionError):
        services.give_kudos(author=org.alice, recipient=org.alice, message="Me!")
    # The database refuses it too, whatever path a row comes from.
    with pytest.raises(IntegrityError), transaction.atomic():
        Kudos.objects.create(
            author=org.alice, recipient=org.alice, message="Me", created_at="2026-01-01T00:00Z"
        )


def test_peer_kudos_with_values_and_points_move_through_the_ledger(org: Any) -> None:
    value = CompanyValue.objects.create(name="Ownership")
    kudos = services.give_kudos(
        author=org.bruno,
        recipient=org.alice,
        message="Thanks for covering!",
        values=[value],
        points=20,
    )
    assert list(kudos.values.all()) == [value]
    assert selectors.balance(org.alice, PointsAccount.EARNED) == 20
    assert services.giving_balance(org.bruno) == 80
    assert services.giving_balance(org.alice) == 100
    assert AuditEvent.objects.filter(action="kudos.give", actor=org.bruno).exists()


def test_giver_cannot_exceed_the_monthly_allowance(org: Any) -> None:
    services.give_kudos(author=org.bruno, recipient=org.alice, message="a", points=50)
    services.give_kudos(author=org.bruno, recipient=org.sam, message="b", points=50)
    with pytest.raises(services.RecognitionError):
        services.give_kudos(author=org.bruno, recipient=org.alice, message="c", points=1)
    assert services.giving_balance(org.bruno) == 0
    assert Kudos.objects.count() == 2


def test_points_per_kudos_are_capped(org: Any) -> None:
    config = RecognitionSettings.load()
    config.max_points_per_kudos = 10
    config.save()
    with pytest.raises(services.RecognitionError):
        services.give_kudos(author=org.bruno, recipient=org.alice, message="a", points=11)


def test_points_only_go_to_people(org: Any) -> None:
    with pytest.raises(services.RecognitionError):
        services.give_kudos(author=org.sam, team=org.alpha, message="a", points=5)


def test_another_department_thanks_the_service_team(org: Any) -> None:
    kudos = services.give_kudos(
        author=org.sam, team=org.alpha, message="You saved our biggest deal this week."
    )
    assert kudos.recipient_label == "Alpha"
    members = set(Notification.objects.filter(kind="kudos").values_list("recipient", flat=True))
    assert members == {org.alice.pk, org.lenny.pk}


def test_team_thanks_a_supplier_by_email_in_the_suppliers_language(org: Any) -> None:
    partner = PartnerOrganisation.objects.create(
        name="Fiori Srl",
        kind=PartnerKind.SUPPLIER,
        contact_name="Giulia",
        contact_email="giulia@fiori.example",
        locale="it",
    )
    services.give_kudos(author=org.lenny, partner=partner, message="Grazie per le consegne!")
    email = OutboundEmail.objects.get(to_email="giulia@fiori.example")
    assert email.language == "it" and "Grazie per le consegne!" in email.body_text


def test_recipient_is_notified_in_their_language(org: Any) -> None:
    services.give_kudos(author=org.alice, recipient=org.bruno, message="Grazie!")
    note = Notification.objects.get(recipient=org.bruno)
    assert "Alice Agent" in note.text and "kudos" in note.text
    email = OutboundEmail.objects.get(recipient=org.bruno)
    assert email.language == "it"


def test_only_the_author_or_an_admin_edits_and_withdraws(org: Any) -> None:
    kudos = services.give_kudos(author=org.alice, recipient=org.bruno, message="Thanks")
    with pytest.raises(PermissionDenied):
        services.edit_kudos(actor=org.bruno, kudos=kudos, message="x", visibility="public")
    with pytest.raises(PermissionDenied):
        services.withdraw_kudos(actor=org.lenny, kudos=kudos)
    services.edit_kudos(actor=org.alice, kudos=kudos, message="Thanks a lot", visibility="team")
    event = AuditEvent.objects.get(action="kudos.edit")
    assert event.changes["message"] == ["Thanks", "Thanks a lot"]
    services.withdraw_kudos(actor=org.ada, kudos=kudos)
    assert AuditEvent.objects.filter(action="kudos.withdraw", actor=org.ada).exists()


def test_withdrawn_kudos_return_the_points_and_leave_the_wall(org: Any) -> None:
    kudos = services.give_kudos(author=org.bruno, recipient=org.alice, message="a", points=30)
    services.withdraw_kudos(actor=org.bruno, kudos=kudos)
    assert selectors.balance(org.alice, PointsAccount.EARNED) == 0
    assert services.giving_balance(org.bruno) == 100
    assert not selectors.wall_kudos().exists()
    assert not selectors.visible_kudos(org.alice).filter(pk=kudos.pk).exists()
    assert selectors.visible_kudos(org.bruno).filter(pk=kudos.pk).exists()


def test_private_kudos_are_seen_by_recipient_author_and_leaders_only(org: Any) -> None:
    kudos = services.give_kudos(
        author=org.bruno, recipient=org.alice, message="Private", visibility=Visibility.PRIVATE
    )
    can_see = {p.email for p in (org.alice, org.bruno, org.lenny, org.mona, org.erin, org.ada)}
    for person in (org.alice, org.bruno, org.lenny, org.mona, org.sam, org.erin, org.ada):
        visible = selectors.visible_kudos(person).filter(pk=kudos.pk).exists()
        assert visible == (person.email in can_see), person.email
    assert org.client_for(org.sam).get(f"/recognition/kudos/{kudos.pk}/").status_code == 404


def test_team_kudos_are_seen_by_the_recipients_team(org: Any) -> None:
    kudos = services.give_kudos(
        author=org.sam, recipient=org.alice, message="Team", visibility=Visibility.TEAM
    )
    assert selectors.visible_kudos(org.lenny).filter(pk=kudos.pk).exists()
    assert not selectors.visible_kudos(org.bruno).filter(pk=kudos.pk).exists()


def test_public_kudos_are_seen_by_everyone_signed_in(org: Any) -> None:
    kudos = services.give_kudos(author=org.sam, recipient=org.alice, message="Public")
    assert selectors.visible_kudos(org.bruno).filter(pk=kudos.pk).exists()
    assert org.client_for(org.bruno).get(f"/recognition/kudos/{kudos.pk}/").status_code == 200
    assert org.client_for(org.bruno).get("/recognition/wall/").status_code == 200


def test_reactions_toggle_and_comments_are_kept(org: Any) -> None:
    kudos = services.give_kudos(author=org.sam, recipient=org.alice, message="Public")
    assert services.toggle_reaction(person=org.bruno, kudos=kudos, emoji="👏") is True
    assert services.toggle_reaction(person=org.bruno, kudos=kudos, emoji="👏") is False
    with pytest.raises(services.RecognitionError):
        services.toggle_reaction(person=org.bruno, kudos=kudos, emoji="💩")
    client = org.client_for(org.bruno)
    client.post(f"/recognition/kudos/{kudos.pk}/comment/", {"text": "<script>x</script> yes"})
    body = client.get(f"/recognition/kudos/{kudos.pk}/").content.decode()
    assert "&lt;script&gt;x&lt;/script&gt; yes" in body


def test_give_page_sends_kudos(org: Any) -> None:
    client = org.client_for(org.alice)
    assert client.get("/recognition/give/").status_code == 200
    response = client.post(
        "/recognition/give/",
        {
            "recipient": org.bruno.pk,
            "message": "Great teamwork",
            "points": 5,
            "visibility": "public",
        },
    )
    assert response.status_code == 302
    assert Kudos.objects.get().recipient == org.bruno
    refused = client.post(
        "/recognition/give/", {"recipient": org.alice.pk, "message": "Me", "visibility": "public"}
    )
    assert refused.status_code == 200 and Kudos.objects.count() == 1


def test_edit_page_is_refused_to_others(org: Any) -> None:
    kudos = services.give_kudos(author=org.alice, recipient=org.bruno, message="Thanks")
    assert org.client_for(org.bruno).get(f"/recognition/kudos/{kudos.pk}/edit/").status_code == 403
    assert (
        org.client_for(org.bruno).post(f"/recognition/kudos/{kudos.pk}/withdraw/").status_code
        == 403
    )
    assert org.client_for(org.alice).get(f"/recognition/kudos/{kudos.pk}/edit/").status_code == 200


def test_the_author_edits_message_values_and_visibility_on_the_page(org: Any) -> None:
    care = CompanyValue.objects.create(name="Care")
    kudos = services.give_kudos(author=org.alice, recipient=org.bruno, message="Thanks")
    response = org.client_for(org.alice).post(
        f"/recognition/kudos/{kudos.pk}/edit/",
        {"message": "Thanks again", "values": [care.pk], "visibility": "team"},
    )
    assert response.status_code == 302
    kudos.refresh_from_db()
    assert kudos.message == "Thanks again" and list(kudos.values.all()) == [care]
    assert kudos.visibility == "team" and kudos.edited_at is not None
    event = AuditEvent.objects.get(action="kudos.edit")
    assert event.changes["values"] == [[], [care.pk]]
