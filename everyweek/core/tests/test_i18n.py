"""The interface follows the person's language and time zone (pretix-style locale tests)."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client

from everyweek.conftest import Org
from everyweek.people.models import Person


def test_anonymous_visitor_gets_the_browser_language(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/account/login/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert response["Content-Language"] == "de"
    assert "Anmelden" in response.content.decode()


def test_signed_in_person_sees_their_own_language(org: Org) -> None:
    response = org.client_for(org.bruno).get("/", HTTP_ACCEPT_LANGUAGE="de")
    assert response["Content-Language"] == "it"
    assert 'lang="it"' in response.content.decode()
    assert "Persone" in response.content.decode()


def test_switching_language_is_saved_on_the_profile(org: Org) -> None:
    client = org.client_for(org.alice)
    response = client.post("/i18n/setlang/", {"language": "th", "next": "/people/"})
    assert response.status_code == 302
    assert response["Location"] == "/people/"
    org.alice.refresh_from_db()
    assert org.alice.locale == "th"
    assert "บุคลากร" in client.get("/").content.decode()


def test_switching_language_rejects_unknown_codes_and_foreign_redirects(org: Org) -> None:
    client = org.client_for(org.alice)
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    org.alice.refresh_from_db()
    assert org.alice.locale == "en"


def test_anonymous_language_switch_sets_a_cookie(db) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.post("/i18n/setlang/", {"language": "it", "next": "/account/login/"})
    assert client.get("/account/login/")["Content-Language"] == "it"


@time_machine.travel(dt.datetime(2026, 11, 23, 23, 30, tzinfo=dt.UTC), tick=False)
def test_times_show_in_the_viewers_time_zone(org: Org) -> None:
    Person.objects.filter(pk=org.alice.pk).update(time_zone="Asia/Bangkok")
    body = org.client_for(org.alice).get("/").content.decode()
    # 23:30 UTC is 06:30 the next morning in Bangkok.
    assert "Nov. 24, 2026, 6:30 a.m." in body


def test_the_demo_banner_says_data_is_generated(org: Org) -> None:
    assert "generated" in org.client_for(org.alice).get("/").content.decode()


def test_the_demo_sign_in_page_lists_one_account_per_role(db) -> None:  # type: ignore[no-untyped-def]
    from everyweek.demo import generator

    generator.generate(photos=False, with_domains=False)
    body = Client().get("/account/login/").content.decode()
    for role in ("agent", "lead", "manager", "executive", "admin"):
        assert f"{role}@demo.everyweek.test" in body
    assert generator.DEMO_PASSWORD in body
