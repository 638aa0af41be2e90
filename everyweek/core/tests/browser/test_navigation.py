"""What each role finds in the main navigation, and what stays hidden from them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from everyweek.conftest import Org
from everyweek.people.models import Person

pytestmark = pytest.mark.browser

ADMIN_ONLY = ["Outbox", "Audit trail", "Administration"]


@pytest.mark.parametrize(
    ("persona", "sees_organisation", "sees_admin_items"),
    [
        ("alice", False, False),
        ("lenny", True, False),
        ("mona", True, False),
        ("erin", True, False),
        ("ada", True, True),
    ],
)
def test_main_navigation_shows_each_role_only_its_sections(
    signed_in: Callable[[Person], Page],
    org: Org,
    persona: str,
    sees_organisation: bool,
    sees_admin_items: bool,
) -> None:
    page = signed_in(getattr(org, persona))
    nav = page.get_by_role("navigation", name="Main")

    expect(nav.get_by_role("link", name="Home", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="People", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Organisation", exact=True)).to_have_count(
        1 if sees_organisation else 0
    )
    for label in ADMIN_ONLY:
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_count(
            1 if sees_admin_items else 0
        )


def test_lead_clicking_people_sees_their_team_but_not_the_other_team(
    signed_in: Callable[[Person], Page], org: Org
) -> None:
    page = signed_in(org.lenny)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()

    expect(page.get_by_role("heading", level=1, name="People")).to_be_visible()
    people = page.get_by_role("table")
    expect(people.get_by_role("link", name="Alice Agent")).to_be_visible()
    expect(people.get_by_role("link", name="Bruno Agent")).to_have_count(0)
    expect(page.get_by_role("link", name="People", exact=True)).to_have_attribute(
        "aria-current", "page"
    )


def test_agent_opening_another_persons_page_gets_not_found(
    signed_in: Callable[[Person], Page], org: Org
) -> None:
    page = signed_in(org.alice)

    # Her own page opens, so the 404 below is about permission, not a wrong address.
    own = page.goto(f"/people/{org.alice.pk}/")
    assert own is not None and own.status == 200
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alice Agent")

    other = page.goto(f"/people/{org.bruno.pk}/")

    assert other is not None and other.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    expect(page.get_by_text("Bruno")).to_have_count(0)
