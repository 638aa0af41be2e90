#!/usr/bin/env python
"""Take the README screenshot (and a few more) from a running everyweek, in Debian's Chromium.

    make demo                      # in one terminal: the demo organisation on 127.0.0.1:8000
    .venv/bin/python scripts/screenshot.py

Signs in as the demo team lead (or --email/--password), and writes docs/screenshot.png (home
page, 1280x800) and docs/screenshots/: the home page in Italian, German and Thai, and the home
and people pages on a 390x844 phone. The person's language is put back afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from everyweek.core.tests.browser.support import DESKTOP, MOBILE, launch_chromium, sign_in  # noqa: E402


def demo_lead_email() -> str:
    """The first generated team lead, read from the database the demo server uses."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "everyweek.settings")
    import django

    django.setup()
    from everyweek.demo.generator import demo_logins

    logins = dict(demo_logins())
    if "lead" not in logins:
        sys.exit("No demo team lead found: run `make demo` first, or pass --email.")
    return logins["lead"]


def choose_language(page: Page, language: str) -> None:
    if page.locator("html").get_attribute("lang") == language:
        return
    with page.expect_navigation():
        page.get_by_test_id("language-select").select_option(language)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--email", help="whom to sign in as (default: the demo team lead)")
    parser.add_argument("--password", default=None, help="default: the demo password")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()

    email = args.email or demo_lead_email()
    if args.password is None:
        from everyweek.demo.generator import DEMO_PASSWORD

        args.password = DEMO_PASSWORD
    shots = args.out / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        desktop = browser.new_context(base_url=args.url, viewport=DESKTOP, locale="en-GB")
        page = desktop.new_page()
        sign_in(page, email, args.password)
        if "/account/login/" in page.url:
            sys.exit(f"Could not sign in as {email} at {args.url}.")
        original = page.locator("html").get_attribute("lang") or "en"
        try:
            choose_language(page, "en")
            page.screenshot(path=args.out / "screenshot.png")
            for language in ["it", "de", "th"]:
                choose_language(page, language)
                page.screenshot(path=shots / f"home-{language}.png")
            choose_language(page, "en")

            phone = browser.new_context(
                base_url=args.url, viewport=MOBILE, is_mobile=True, has_touch=True, locale="en-GB"
            )
            phone.add_cookies(desktop.cookies())
            mobile = phone.new_page()
            mobile.goto("/")
            mobile.screenshot(path=shots / "home-mobile.png", full_page=True)
            mobile.goto("/people/")
            mobile.screenshot(path=shots / "people-mobile.png", full_page=True)
        finally:
            choose_language(page, original)
            browser.close()
    print(f"Screenshots written to {args.out}")


if __name__ == "__main__":
    main()
