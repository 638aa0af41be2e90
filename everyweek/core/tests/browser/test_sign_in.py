"""Signing in and out through the real form, for every role."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from everyweek.conftest import PASSWORD, Org
from everyweek.core.tests.browser.support import sign_in
from everyweek.people.models import Person

pytestmark = pytest.mark.browser

ROLE_PERSONAS = ["alice", "lenny", "mona", "erin", "ada"]


@pytest.mark.parametrize("persona", ROLE_PERSONAS)
def test_each_role_signs_in_and_lands_on_a_home_page_with_their_name_and_role(
    page: Page, org: Org, persona: str
) -> None:
    person: Person = getattr(org, persona)
    sign_in(page, person.email, PASSWORD)

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(person.get_short_name())
    with translation.override("en"):
        role = str(person.get_role_display())
    expect(page.get_by_test_id("my-role")).to_have_text(role)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


def test_wrong_password_shows_an_error_and_stays_on_the_sign_in_page(page: Page, org: Org) -> None:
    sign_in(page, org.alice.email, "not the password at all")

    expect(page).to_have_url(re.compile(r"/account/login/"))
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("alert")).not_to_be_empty()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)


def test_sign_out_ends_the_session(signed_in: Callable[[Person], Page], org: Org) -> None:
    page = signed_in(org.lenny)

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(re.compile(r"/account/login/"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/account/login/\?next=/$"))
    expect(page.get_by_label("Email address")).to_be_visible()
