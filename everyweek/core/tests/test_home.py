from __future__ import annotations

from everyweek.conftest import Org
from everyweek.people import services


def test_a_lead_sees_their_reports_and_not_the_same_people_twice(org: Org) -> None:
    body = org.client_for(org.lenny).get("/").content.decode()
    assert "Your direct reports" in body
    assert body.count("Alice Agent") == 1
    assert "Your leader's leader" in body  # Lenny -> Mona -> Erin
    assert "Erin Executive" in body


def test_an_agent_sees_team_colleagues_but_not_former_ones(org: Org) -> None:
    from everyweek.conftest import make_person

    carla = make_person(
        "carla@example.com", "Carla Colleague", "agent", department=org.care, team=org.alpha
    )
    make_person("gone@example.com", "Gone Colleague", "agent", department=org.care, team=org.alpha)
    services.deactivate_person(actor=org.ada, person=org.care.people.get(email="gone@example.com"))
    body = org.client_for(org.alice).get("/").content.decode()
    assert "Your team: Alpha" in body
    assert carla.full_name in body
    assert "Gone Colleague" not in body
    assert "Your direct reports" not in body


def test_home_page_queries_do_not_grow_with_the_team(
    org: Org, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    from everyweek.conftest import make_person

    for i in range(20):
        make_person(
            f"p{i}@example.com",
            f"Person {i}",
            "agent",
            department=org.care,
            team=org.alpha,
            reports_to=org.lenny,
        )
    client = org.client_for(org.lenny)
    with django_assert_max_num_queries(25):
        assert client.get("/").status_code == 200


def test_the_most_specific_navigation_entry_is_current(org: Org) -> None:
    from everyweek.core.navigation import items_for

    current = [i["label"] for i in items_for(org.lenny, "/feedback/follow-ups/") if i["current"]]
    assert current == ["Follow-ups"]
    current = [i["label"] for i in items_for(org.lenny, "/feedback/") if i["current"]]
    assert current == ["Feedback"]
