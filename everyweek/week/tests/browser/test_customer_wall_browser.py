"""A customer thanks the team from a phone, in real headless Chromium: the public page through
the wall's link, a message and a photo; it waits for an organiser before the wall shows it."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from everyweek.conftest import Org
from everyweek.core.tests.browser.support import MOBILE
from everyweek.week import services
from everyweek.week.models import Moderation, ThankYou
from everyweek.week.tests.conftest import png_bytes

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.browser
WAIT_MS = 30_000


@pytest.fixture
def phone(browser: Browser, live_server: Any, settings: Any, tmp_path: Path) -> Iterator[Page]:
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    options: dict[str, Any] = {"viewport": MOBILE, "locale": "en-GB", "has_touch": True}
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(WAIT_MS)
    expect.set_options(timeout=WAIT_MS)
    yield context.new_page()
    context.close()


def test_a_customer_posts_a_message_with_a_photo_from_a_phone(
    phone: Page, org: Org, week: Any, tmp_path: Path
) -> None:
    services.open_customer_wall(actor=org.mona, celebration=week)
    photo = tmp_path / "team.png"
    photo.write_bytes(png_bytes((64, 48)))

    phone.goto(f"/thank-the-team/{week.wall_key}/")
    expect(phone.get_by_role("heading", name="Thank the service team")).to_be_visible()
    # Nothing sticks out sideways on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    phone.get_by_label("Your name").fill("Giulia")
    phone.get_by_label("Your message").fill("<b>Grazie</b> for fixing my order so fast!")
    phone.get_by_label("A photo or a short video (optional)").set_input_files(str(photo))
    phone.get_by_label("The service team may show my message").check()
    phone.get_by_role("button", name="Send").click()

    phone.wait_for_url(re.compile(r"/sent/"))
    expect(phone.get_by_role("heading", name="Thank you!")).to_be_visible()
    message = ThankYou.objects.get()
    assert message.status == Moderation.PENDING and message.media_kind == "image"
    assert message.text == "<b>Grazie</b> for fixing my order so fast!"
