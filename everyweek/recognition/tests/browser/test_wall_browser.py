"""The wall on an office screen, in real headless Chromium: one slide at a time, advancing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from everyweek.conftest import PASSWORD, Org
from everyweek.core.tests.browser.support import DESKTOP, sign_in
from everyweek.recognition import services

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.browser
WAIT_MS = 30_000


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    options: dict[str, Any] = {"viewport": DESKTOP, "locale": "en-GB"}
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(WAIT_MS)
    expect.set_options(timeout=WAIT_MS)
    yield context.new_page()
    context.close()


def test_the_office_screen_shows_one_slide_at_a_time_and_advances(page: Page, org: Org) -> None:
    services.give_kudos(author=org.sam, recipient=org.alice, message="First slide")
    services.give_kudos(author=org.bruno, recipient=org.alice, message="Second slide")
    sign_in(page, org.lenny.email, PASSWORD)
    page.wait_for_url("**/")
    page.goto("/recognition/wall/?screen=1&seconds=2")
    slides = page.locator(".wall-slide")
    expect(slides).to_have_count(2)
    current = page.locator(".wall-slide.is-current")
    expect(current).to_have_count(1)
    first = current.inner_text()
    expect(page.locator(".wall-slide:visible")).to_have_count(1)
    expect(current).not_to_have_text(first)
