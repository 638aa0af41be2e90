from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.test import Client

from everyweek.recognition.models import Kudos, Notification
from everyweek.recognition.views import PUBLIC_LIMIT, public_link_for


def test_a_customer_thanks_an_agent_without_signing_in(org: Any) -> None:
    cache.clear()
    url = public_link_for(person=org.alice)
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200 and "Alice" in page.content.decode()
    token = page.cookies["csrftoken"].value
    response = client.post(
        url,
        {
            "name": "Mrs <b>Rossi</b>",
            "message": "<script>alert(1)</script>Lovely help",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 200
    kudos = Kudos.objects.get()
    assert kudos.recipient == org.alice and kudos.author is None
    assert Notification.objects.filter(recipient=org.alice).exists()
    wall = org.client_for(org.sam).get("/recognition/wall/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Lovely help" in wall
    assert "<script>alert(1)</script>" not in wall


def test_the_public_page_needs_the_csrf_token(org: Any) -> None:
    cache.clear()
    client = Client(enforce_csrf_checks=True)
    response = client.post(public_link_for(person=org.alice), {"message": "Hi"})
    assert response.status_code == 403
    assert not Kudos.objects.exists()


def test_a_team_can_be_thanked_by_customers(org: Any) -> None:
    cache.clear()
    Client().post(public_link_for(team=org.alpha), {"message": "Great team"})
    assert Kudos.objects.get().team == org.alpha


def test_a_tampered_link_is_not_found(org: Any) -> None:
    url = public_link_for(person=org.alice)
    assert Client().get(url[:-3] + "abc/").status_code == 404


def test_customers_are_rate_limited_per_address(org: Any) -> None:
    cache.clear()
    client = Client()
    url = public_link_for(person=org.alice)
    statuses = [
        client.post(url, {"message": f"Thanks {i}"}).status_code
        for i in range(PUBLIC_LIMIT.count + 1)
    ]
    assert statuses[-1] == 429 and set(statuses[:-1]) == {200}
    assert Kudos.objects.count() == PUBLIC_LIMIT.count
    other = Client(REMOTE_ADDR="10.0.0.9").post(url, {"message": "From elsewhere"})
    assert other.status_code == 200


def test_the_hidden_field_catches_bots(org: Any) -> None:
    cache.clear()
    Client().post(public_link_for(person=org.alice), {"message": "Buy", "website": "spam.example"})
    assert not Kudos.objects.exists()


def test_leaders_find_their_teams_link_for_customers_on_the_team_wall(org: Any) -> None:
    url = f"/recognition/wall/team/{org.alpha.pk}/"
    assert 'data-testid="team-link"' in org.client_for(org.lenny).get(url).content.decode()
    assert 'data-testid="team-link"' not in org.client_for(org.alice).get(url).content.decode()
