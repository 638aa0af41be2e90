"""The permission boundaries, proved with one persona per role."""

from __future__ import annotations

import pytest

from everyweek.conftest import Org
from everyweek.core.access import visible_people


def _emails(person) -> set[str]:  # type: ignore[no-untyped-def]
    return set(visible_people(person).values_list("email", flat=True))


def test_agent_sees_only_themselves(org: Org) -> None:
    assert _emails(org.alice) == {"alice@example.com"}


def test_lead_sees_their_team_and_not_the_other_team(org: Org) -> None:
    assert _emails(org.lenny) == {"alice@example.com", "lenny@example.com"}


def test_manager_sees_their_department_but_not_sales(org: Org) -> None:
    seen = _emails(org.mona)
    assert {
        "alice@example.com",
        "bruno@example.com",
        "lenny@example.com",
        "mona@example.com",
    } <= seen
    assert "sam@example.com" not in seen


@pytest.mark.parametrize("persona", ["erin", "ada"])
def test_executive_and_admin_see_everyone(org: Org, persona: str) -> None:
    assert len(_emails(getattr(org, persona))) == 7


def test_leader_and_skip_leader_in_one_query(org: Org, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    from everyweek.people.models import Person

    with django_assert_num_queries(1):
        alice = Person.objects.select_related("reports_to__reports_to").get(pk=org.alice.pk)
        assert alice.leader == org.lenny
        assert alice.skip_leader == org.mona


def test_agent_gets_404_for_a_colleagues_profile(org: Org) -> None:
    response = org.client_for(org.alice).get(f"/people/{org.bruno.pk}/")
    assert response.status_code == 404


def test_lead_opens_their_agents_profile(org: Org) -> None:
    response = org.client_for(org.lenny).get(f"/people/{org.alice.pk}/")
    assert response.status_code == 200
    assert "Alice Agent" in response.content.decode()


def test_people_list_shows_only_the_visible(org: Org) -> None:
    body = org.client_for(org.lenny).get("/people/").content.decode()
    assert "Alice Agent" in body
    assert "Bruno Agent" not in body


@pytest.mark.parametrize("persona", ["alice", "lenny", "mona", "erin"])
def test_only_admins_reach_admin_pages(org: Org, persona: str) -> None:
    client = org.client_for(getattr(org, persona))
    assert client.get("/people/import/").status_code == 403
    assert client.get("/audit/").status_code == 403
    assert client.get("/outbox/").status_code == 403
    assert client.get("/admin/").status_code == 302  # the admin's own login


def test_admin_reaches_admin_pages(org: Org) -> None:
    client = org.client_for(org.ada)
    for url in ("/people/import/", "/audit/", "/outbox/", "/admin/", "/admin/people/person/"):
        assert client.get(url).status_code == 200, url


def test_agents_cannot_see_the_organisation_page(org: Org) -> None:
    assert org.client_for(org.alice).get("/organisation/").status_code == 403
    assert org.client_for(org.lenny).get("/organisation/").status_code == 200


def test_anonymous_is_sent_to_sign_in(client, db) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/people/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
