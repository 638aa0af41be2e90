"""Who sees which internal requests: your own, your desk's queue, your people's."""

from __future__ import annotations

from typing import Any

from everyweek.api.models import TokenScope
from everyweek.api.tests.helpers import api_for, assert_error, fresh_cache
from everyweek.conftest import Org
from everyweek.servicedesk import services
from everyweek.servicedesk.models import InternalRequest
from everyweek.servicedesk.tests.helpers import it_desk

__all__ = ["fresh_cache"]


def _requests(org: Org) -> tuple[Any, InternalRequest, InternalRequest, InternalRequest]:
    d = it_desk(org)
    mine = services.submit_request(actor=org.alice, request_type=d.access, title="alice's")
    brunos = services.submit_request(actor=org.bruno, request_type=d.access, title="bruno's")
    sams = services.submit_request(actor=org.sam, request_type=d.laptop, title="sam's")
    return d, mine, brunos, sams


def _ids(person: Any) -> set[int]:
    response = api_for(person).get("/api/service-desk/requests")
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def test_an_agent_sees_only_their_own_requests(org: Org) -> None:
    _d, mine, brunos, _sams = _requests(org)
    assert _ids(org.alice) == {mine.pk}
    client = org.client_for(org.alice)
    assert client.get(f"/service-desk/requests/{brunos.pk}/").status_code == 404
    page = client.get("/service-desk/requests/").content.decode()
    assert "alice&#x27;s" in page and "bruno&#x27;s" not in page
    assert_error(
        api_for(org.alice).get(f"/api/service-desk/requests/{brunos.pk}"), 404, "not_found"
    )


def test_a_leader_sees_their_peoples_requests(org: Org) -> None:
    _d, mine, brunos, sams = _requests(org)
    assert _ids(org.lenny) == {mine.pk}
    assert _ids(org.mona) == {mine.pk, brunos.pk}
    assert _ids(org.erin) == {mine.pk, brunos.pk, sams.pk}


def test_the_desk_sees_its_whole_queue(org: Org) -> None:
    d, mine, brunos, sams = _requests(org)
    assert _ids(d.ivan) == {mine.pk, brunos.pk, sams.pk}
    queue = org.client_for(d.ivan).get(f"/service-desk/requests/?desk={d.desk.pk}&status=open")
    assert queue.status_code == 200
    assert queue.content.decode().count('data-testid="request-row"') == 3


def test_the_desk_works_a_request_through_the_api(org: Org) -> None:
    d, mine, _b, _s = _requests(org)
    desk_api = api_for(d.ivan, TokenScope.WRITE)
    assert desk_api.post(f"/api/service-desk/requests/{mine.pk}/acknowledge", {}).status_code == 200
    assert (
        desk_api.post(
            f"/api/service-desk/requests/{mine.pk}/updates", {"message": "Half way"}
        ).status_code
        == 200
    )
    resolved = desk_api.post(f"/api/service-desk/requests/{mine.pk}/resolve", {"message": "Done"})
    assert resolved.json()["status"] == "resolved"
    alice_api = api_for(org.alice, TokenScope.WRITE)
    rated = alice_api.client.put(
        f"/api/service-desk/requests/{mine.pk}/rating",
        {"rating": 5},
        content_type="application/json",
        headers=alice_api.headers,
    )
    assert rated.status_code == 200, rated.content
    assert [u["kind"] for u in rated.json()["updates"]] == [
        "created",
        "auto_ack",
        "acknowledged",
        "progress",
        "resolved",
        "rated",
    ]
    # Someone outside the desk cannot resolve: a conflict with the rules, not a crash.
    other = services.submit_request(actor=org.alice, request_type=d.access, title="again")
    assert_error(
        api_for(org.bruno, TokenScope.WRITE).post(
            f"/api/service-desk/requests/{other.pk}/resolve", {}
        ),
        404,
        "not_found",
    )


def test_agents_publish_nothing_but_desk_leaders_do(org: Org) -> None:
    d = it_desk(org)
    assert_error(
        api_for(d.ivan, TokenScope.WRITE).post(
            f"/api/service-desk/desks/{d.desk.pk}/request-types",
            {"name": "VPN", "turnaround_minutes": 60},
        ),
        409,
        "conflict",
    )
    created = api_for(d.iris, TokenScope.WRITE).post(
        f"/api/service-desk/desks/{d.desk.pk}/request-types",
        {"name": "VPN", "turnaround_minutes": 60},
    )
    assert created.status_code == 201, created.content
    desks = api_for(org.alice).get("/api/service-desk/desks").json()["items"]
    [desk] = desks
    assert {t["name"]: t["turnaround_minutes"] for t in desk["request_types"]} == {
        "Access to a tool": 480,
        "New laptop": 2400,
        "VPN": 60,
    }
    assert desk["weekly_hours"]["0"] == [["09:00", "17:00"]]
    assert desk["time_zone"] == "Europe/Rome"


def test_desk_pages_publish_turnaround_and_schedule(org: Org) -> None:
    d = it_desk(org)
    page = org.client_for(org.alice).get(f"/service-desk/desks/{d.desk.pk}/").content.decode()
    assert "40 hours" in page and "8 hours" in page
    assert "Friday afternoons are for planned maintenance." in page
    assert "09:00\u201317:00" in page
    home = org.client_for(org.alice).get("/service-desk/")
    assert home.status_code == 200
    assert "IT help" in home.content.decode()
