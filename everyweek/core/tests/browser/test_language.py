"""The language switch in the header: the whole page changes, and the choice is remembered."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import BrowserContext, Page, expect

from everyweek.conftest import PASSWORD, Org
from everyweek.core.tests.browser.support import sign_in
from everyweek.people.models import Person

pytestmark = pytest.mark.browser

NAV_LABELS = ["Home", "People", "Organisation"]
# Words no translation keeps as they are in English (unlike "Organisation" in German), so an
# untranslated catalogue cannot pass.
MUST_CHANGE = ["People", "Sign out"]


def translated(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def choose_language(page: Page, language: str) -> None:
    # The select submits its form on change; wait for the page that comes back.
    with page.expect_navigation():
        page.get_by_test_id("language-select").select_option(language)


def expect_page_in(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    nav = page.get_by_role("navigation")
    if language != "en":
        for label in MUST_CHANGE:
            assert translated(language, label) != label, (
                f"{label!r} is not translated to {language}"
            )
    for label in NAV_LABELS:
        expect(
            nav.get_by_role("link", name=translated(language, label), exact=True)
        ).to_be_visible()
    expect(page.get_by_role("button", name=translated(language, "Sign out"))).to_be_visible()
    expect(page.get_by_label(translated(language, "Language"))).to_have_value(language)


def test_language_select_switches_the_whole_page_among_the_four_languages(
    signed_in: Callable[[Person], Page], org: Org
) -> None:
    page = signed_in(org.lenny)
    expect_page_in(page, "en")

    for language in ["it", "de", "th", "en"]:
        choose_language(page, language)
        expect_page_in(page, language)


def test_chosen_language_follows_the_person_across_pages_and_a_new_sign_in(
    signed_in: Callable[[Person], Page], new_context: Callable[..., BrowserContext], org: Org
) -> None:
    page = signed_in(org.lenny)
    choose_language(page, "it")

    page.get_by_role("link", name=translated("it", "People"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/people/$"))
    expect_page_in(page, "it")
    org.lenny.refresh_from_db()
    assert org.lenny.locale == "it"

    # A different browser, with no language cookie and an English Accept-Language: the
    # sign-in page is English, and the Italian comes from the profile alone.
    other = new_context().new_page()
    sign_in(other, org.lenny.email, PASSWORD)
    expect(other).to_have_url(re.compile(r"/$"))
    expect_page_in(other, "it")


THAI_GLYPHS_DIFFER = """
(element) => {
  // Draw a few distinct Thai letters in the element's own font. A missing font renders every
  // one of them as the same "tofu" box, so identical pixels mean Thai does not render.
  const font = getComputedStyle(element).font;
  const draw = (text) => {
    const canvas = document.createElement("canvas");
    canvas.width = 64; canvas.height = 64;
    const ctx = canvas.getContext("2d");
    ctx.font = font.replace(/\\d+(\\.\\d+)?px/, "40px");
    ctx.fillText(text, 8, 48);
    return Array.from(ctx.getImageData(0, 0, 64, 64).data).join(",");
  };
  const glyphs = ["ก", "ข", "ค", "ส"].map(draw);
  return new Set(glyphs).size === glyphs.length && glyphs.every((g) => /[1-9]/.test(g));
}
"""


def test_thai_interface_renders_real_thai_glyphs(
    signed_in: Callable[[Person], Page], org: Org, tmp_path: Path
) -> None:
    page = signed_in(org.mona)
    choose_language(page, "th")

    nav = page.get_by_role("navigation")
    people = nav.get_by_role("link", name=translated("th", "People"), exact=True)
    expect(people).to_have_text(re.compile(r"[\u0e00-\u0e7f]"))
    assert people.evaluate(THAI_GLYPHS_DIFFER), "Thai letters render as identical boxes"
    # Kept beside the test's output for a person to look at when this fails.
    page.screenshot(path=tmp_path / "home-th.png", full_page=True)
