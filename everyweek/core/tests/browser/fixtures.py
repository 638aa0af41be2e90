"""Real headless Chromium (Debian's, never a downloaded one) against pytest-django's live server.

Shared by every app's browser tests (everyweek/conftest.py imports these fixtures): Playwright's
sync API allows one instance per process, so there is one browser per test session (per xdist
worker) and a fresh context (cookies, storage) per test.
Data comes from the shared `org` fixture: because these tests request `live_server`,
pytest-django gives `db` transactional semantics, so the server thread sees the personas.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from everyweek.conftest import PASSWORD
from everyweek.core.tests.browser.support import (
    CHROMIUM,
    DESKTOP,
    launch_chromium,
    sign_in,
)
from everyweek.people.models import Person

# Playwright's sync API keeps an asyncio loop running in the main thread; without this Django
# refuses ORM calls from that thread (fixtures creating personas) as if they came from async code.
# Read at call time, so setting it when this conftest is collected is early enough.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Generous waits: these are upper bounds, not expectations, and a loaded CI machine is slow.
WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's `chromium` "
            "(make system-deps) or deselect these tests with -m 'not browser'."
        )
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser, live_server: Any) -> Iterator[Callable[..., BrowserContext]]:
    """Make browser contexts (separate cookie jars) on the live server; all closed afterwards."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        # An English browser, so the language a page shows comes from the app, not the machine.
        context = browser.new_context(
            base_url=live_server.url, **{"viewport": DESKTOP, "locale": "en-GB", **options}
        )
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    return new_context().new_page()


@pytest.fixture
def signed_in(page: Page) -> Callable[[Person], Page]:
    """Sign `page` in as a persona and wait for their home page."""

    def as_person(person: Person) -> Page:
        sign_in(page, person.email, PASSWORD)
        page.wait_for_url(re.compile(r"/$"))
        return page

    return as_person
