"""Keyboard use, small screens, and a stylesheet that really loads."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.staticfiles import finders
from playwright.sync_api import BrowserContext, Page, expect

from everyweek.conftest import PASSWORD, Org
from everyweek.core.tests.browser.support import MOBILE, sign_in
from everyweek.people.models import Person

pytestmark = pytest.mark.browser


def brand_colour_as_rgb() -> str:
    """The --brand colour declared in the stylesheet, as a computed style reports it."""
    path = finders.find("everyweek/everyweek.css")
    assert path, "everyweek/everyweek.css is not among the static files"
    with open(path, encoding="utf-8") as css:
        match = re.search(r"--brand:\s*#([0-9a-fA-F]{6})\s*;", css.read())
    assert match, "--brand is not declared as a #rrggbb colour"
    red, green, blue = (int(match.group(1)[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({red}, {green}, {blue})"


def test_stylesheet_loads_and_paints_the_header_in_the_brand_colour(page: Page, org: Org) -> None:
    page.goto("/account/login/")

    expect(page.locator(".site-header")).to_have_css("background-color", brand_colour_as_rgb())
    # An unstyled page would show the skip link in the top-left corner.
    box = page.get_by_role("link", name="Skip to content").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 0


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(
    signed_in: Callable[[Person], Page], org: Org
) -> None:
    page = signed_in(org.lenny)

    page.keyboard.press("Tab")

    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0, "the focused skip link is not on screen"

    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()


def has_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("() => document.scrollingElement.scrollWidth > window.innerWidth"))


@pytest.mark.parametrize("persona", ["lenny", "ada"])
def test_home_and_people_fit_a_phone_screen_without_sideways_scrolling(
    new_context: Callable[..., BrowserContext], org: Org, persona: str
) -> None:
    page = new_context(viewport=MOBILE, is_mobile=True, has_touch=True).new_page()
    sign_in(page, getattr(org, persona).email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))

    assert not has_horizontal_scroll(page), "home page scrolls sideways on a phone"

    page.goto("/people/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert not has_horizontal_scroll(page), "people list scrolls sideways on a phone"
