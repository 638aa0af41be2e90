from __future__ import annotations

import json
from typing import Any

from everyweek.api.models import TokenScope
from everyweek.api.services import create_token
from everyweek.recognition import services
from everyweek.recognition.models import CompanyValue, Kudos, Reward


def _post(client: Any, url: str, data: dict[str, Any], **headers: Any) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json", **headers)


def _bearer(person: Any, scope: str = TokenScope.WRITE) -> dict[str, Any]:
    _token, secret = create_token(actor=person, owner=person, name="t", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_give_kudos_over_the_api_with_a_token(org: Any) -> None:
    CompanyValue.objects.create(name="Care")
    from django.test import Client

    response = _post(
        Client(),
        "/api/recognition/kudos",
        {"message": "Thanks!", "recipient_id": org.bruno.pk, "values": ["Care"], "points": 10},
        **_bearer(org.alice),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["recipient"]["id"] == org.bruno.pk and body["values"] == ["Care"]
    points = Client().get("/api/recognition/points", **_bearer(org.bruno)).json()
    assert points["earned"] == 10


def test_api_refuses_kudos_to_oneself_and_read_tokens(org: Any) -> None:
    from django.test import Client

    me = _post(
        Client(),
        "/api/recognition/kudos",
        {"message": "Me", "recipient_id": org.alice.pk},
        **_bearer(org.alice),
    )
    assert me.status_code == 422
    read = _post(
        Client(),
        "/api/recognition/kudos",
        {"message": "x", "recipient_id": org.bruno.pk},
        **_bearer(org.alice, TokenScope.READ),
    )
    assert read.status_code == 403
    assert not Kudos.objects.exists()


def test_private_kudos_are_not_found_for_others_over_the_api(org: Any) -> None:
    kudos = services.give_kudos(
        author=org.bruno, recipient=org.alice, message="x", visibility="private"
    )
    client = org.client_for(org.sam)
    assert client.get(f"/api/recognition/kudos/{kudos.pk}").status_code == 404
    assert client.get("/api/recognition/kudos").json()["count"] == 0
    assert org.client_for(org.lenny).get("/api/recognition/kudos").json()["count"] == 1


def test_only_the_author_withdraws_over_the_api(org: Any) -> None:
    from django.test import Client

    kudos = services.give_kudos(author=org.bruno, recipient=org.alice, message="x")
    assert (
        Client().delete(f"/api/recognition/kudos/{kudos.pk}", **_bearer(org.alice)).status_code
        == 403
    )
    assert (
        Client().delete(f"/api/recognition/kudos/{kudos.pk}", **_bearer(org.bruno)).status_code
        == 204
    )


def test_leader_records_and_thanks_praise_over_the_api(org: Any) -> None:
    from django.test import Client

    headers = _bearer(org.lenny)
    created = _post(
        Client(),
        "/api/recognition/praise",
        {"agent_id": org.alice.pk, "quote": "Forwarded: Alice was great"},
        **headers,
    )
    assert created.status_code == 201
    praise_id = created.json()["id"]
    outside = _post(
        Client(), "/api/recognition/praise", {"agent_id": org.bruno.pk, "quote": "x"}, **headers
    )
    assert outside.status_code == 422
    thanked = _post(
        Client(), f"/api/recognition/praise/{praise_id}/thanks", {"note": "Bravo"}, **headers
    )
    assert thanked.status_code == 200 and thanked.json()["thanked_by"]["id"] == org.lenny.pk
    again = _post(Client(), f"/api/recognition/praise/{praise_id}/thanks", {"note": "x"}, **headers)
    assert again.status_code == 409
    agent_view = Client().get("/api/recognition/praise", **_bearer(org.alice)).json()
    assert agent_view["count"] == 1


def test_redeem_over_the_api(org: Any) -> None:
    from django.test import Client

    services.give_kudos(author=org.lenny, recipient=org.alice, message="x", points=30)
    reward = Reward.objects.create(name="Mug", cost=20)
    headers = _bearer(org.alice)
    assert (
        _post(
            Client(), f"/api/recognition/rewards/{reward.pk}/redemptions", {}, **headers
        ).status_code
        == 201
    )
    assert (
        _post(
            Client(), f"/api/recognition/rewards/{reward.pk}/redemptions", {}, **headers
        ).status_code
        == 409
    )


def test_nominate_and_verify_a_raffle_over_the_api(org: Any) -> None:
    import datetime as dt

    from django.test import Client
    from django.utils import timezone

    from everyweek.recognition import programmes
    from everyweek.recognition.models import AwardProgramme

    programme = AwardProgramme.objects.create(
        name="Red Carpet",
        nominations_open=timezone.now() - dt.timedelta(days=1),
        nominations_close=timezone.now() + dt.timedelta(days=1),
    )
    headers = _bearer(org.alice)
    url = f"/api/recognition/awards/{programme.pk}/nominations"
    assert (
        _post(Client(), url, {"nominee_id": org.bruno.pk, "reason": "Calm"}, **headers).status_code
        == 201
    )
    assert (
        _post(Client(), url, {"nominee_id": org.alice.pk, "reason": "Me"}, **headers).status_code
        == 422
    )

    raffle = programmes.create_raffle(actor=org.lenny, name="R", prize="P")
    services.give_kudos(author=org.alice, recipient=org.bruno, message="x")
    before = Client().get("/api/recognition/raffles", **headers).json()["items"][0]
    assert before["seed"] == "" and before["commitment"] == raffle.commitment
    programmes.draw_raffle(actor=org.lenny, raffle=raffle)
    after = Client().get("/api/recognition/raffles", **headers).json()["items"][0]
    holders = [(t, p) for t, p in after["tickets"]]
    assert programmes.commitment_for(after["seed"]) == after["commitment"]
    assert (
        programmes.draw_winners(after["seed"], holders, after["winners_count"])
        == after["winner_ids"]
    )
