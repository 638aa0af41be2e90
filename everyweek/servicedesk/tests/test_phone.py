"""The listening, service desk and career pages fit a phone: real Chromium at 390 px wide."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, expect

from everyweek.careers.tests.helpers import ladder
from everyweek.conftest import PASSWORD, Org
from everyweek.core.tests.browser.support import MOBILE, sign_in
from everyweek.listening import services as listening
from everyweek.servicedesk import services
from everyweek.servicedesk.tests.helpers import it_desk

pytestmark = pytest.mark.browser


def test_pages_fit_a_phone_without_sideways_scrolling(
    new_context: Callable[..., BrowserContext], org: Org
) -> None:
    d = it_desk(org)
    request = services.submit_request(
        actor=org.mona,
        request_type=d.access,
        title="Access to the refunds tool for the Italian queue",
    )
    services.post_update(
        actor=d.ivan, request=request, message="Licence ordered, expected Tuesday."
    )
    session = listening.schedule_session(
        actor=org.erin,
        leader=org.erin,
        starts_at=timezone.now() + dt.timedelta(days=2),
        participants=[org.alice, org.bruno],
        location="https://meet.example.com/a-rather-long-video-call-link-that-could-overflow",
    )
    ladder(org)
    page = new_context(viewport=MOBILE, is_mobile=True, has_touch=True).new_page()
    sign_in(page, org.mona.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    for url in (
        "/listening/",
        f"/listening/sessions/{session.pk}/",
        "/listening/actions/",
        "/service-desk/",
        f"/service-desk/desks/{d.desk.pk}/",
        f"/service-desk/requests/{request.pk}/",
        "/service-desk/requests/",
        "/service-desk/figures/",
        f"/careers/people/{org.alice.pk}/",
        "/careers/ladder/",
        "/careers/team/",
    ):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        wide: Any = page.evaluate("() => document.scrollingElement.scrollWidth > window.innerWidth")
        assert not wide, f"{url} scrolls sideways on a phone"
