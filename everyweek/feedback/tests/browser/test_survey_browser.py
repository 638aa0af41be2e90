"""The customer's survey in real headless Chromium: a score clicked in the email is stored at
once (the confirmation page presses its own button), then the comment page follows; on a phone
the scale is usable with the keyboard alone."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from everyweek.core.tests.browser.support import MOBILE
from everyweek.feedback import invitations
from everyweek.feedback.models import SurveyInvitation, SurveyResponse

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
pytestmark = pytest.mark.browser
WAIT_MS = 30_000


@pytest.fixture
def phone(browser: Browser, live_server: Any) -> Iterator[Page]:
    options: dict[str, Any] = {"viewport": MOBILE, "locale": "en-GB"}
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(WAIT_MS)
    expect.set_options(timeout=WAIT_MS)
    yield context.new_page()
    context.close()


def test_a_score_clicked_in_the_email_is_stored_and_the_comment_follows(
    phone: Page, invitation: SurveyInvitation
) -> None:
    phone.goto(invitations.survey_path(invitation, score=9))
    phone.wait_for_url(re.compile(r"/more/"))
    expect(phone.get_by_text("Thank you, your score is saved.")).to_be_visible()
    assert SurveyResponse.objects.get().nps == 9
    phone.get_by_label("What is the main reason for your answer?").fill("Quick and kind")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("heading", name="Thank you!")).to_be_visible()
    response = SurveyResponse.objects.get()
    assert (response.nps, response.comment) == (9, "Quick and kind")


def test_the_scale_works_with_the_keyboard(phone: Page, invitation: SurveyInvitation) -> None:
    phone.goto(invitations.survey_path(invitation))
    first = phone.locator("#nps-0")
    first.focus()
    for _ in range(7):
        phone.keyboard.press("ArrowRight")
    expect(phone.locator("#nps-7")).to_be_checked()
    phone.get_by_role("button", name="Next").click()
    phone.wait_for_url(re.compile(r"/more/"))
    assert SurveyResponse.objects.get().nps == 7
