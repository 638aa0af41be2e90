"""Customers post to the thank-you wall through a link: checked files, moderation, escaping."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from everyweek.api.models import TokenScope
from everyweek.api.tests.helpers import api_for
from everyweek.core.models import AuditEvent
from everyweek.week import media, services
from everyweek.week.models import Celebration, MessageSource, Moderation, ThankYou
from everyweek.week.services import WeekError
from everyweek.week.tests.conftest import MP4_HEAD, WEBM_HEAD, png_bytes

XSS = "<script>alert('wall')</script> Thank you, Alice!"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    cache.clear()  # the rate limiter counts in the cache


@pytest.fixture
def link(org: Any, week: Celebration) -> str:
    services.open_customer_wall(actor=org.mona, celebration=week)
    return f"/thank-the-team/{week.wall_key}/"


def csrf_client(url: str) -> tuple[Client, str]:
    """An anonymous browser with CSRF checks on, and the token of the form at `url`."""
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match
    return client, match.group(1)


def post(link: str, **fields: Any) -> Any:
    client, token = csrf_client(link)
    data = {"author_name": "Giulia", "consent": "on", "csrfmiddlewaretoken": token, **fields}
    return client.post(link, data)


def test_a_customers_message_waits_for_approval_then_shows_escaped(
    org: Any, week: Celebration, link: str
) -> None:
    response = post(link, company="Rossi S.p.A.", text=XSS)
    assert response.status_code == 302 and "/sent/" in response["Location"]
    message = ThankYou.objects.get()
    assert (message.status, message.source, message.author) == (
        Moderation.PENDING,
        MessageSource.CUSTOMER,
        None,
    )
    assert message.author_name == "Giulia, Rossi S.p.A."

    alice = org.client_for(org.alice)
    assert "Thank you, Alice!" not in alice.get("/week/2026/wall/").text
    assert "Thank you, Alice!" not in alice.get("/week/2026/wall/slideshow/").text
    assert api_for(org.alice).get("/api/week/celebrations/2026/thanks").json() == []
    # The organisers see it waiting, escaped.
    queue = org.client_for(org.mona).get("/week/2026/wall/").text
    assert 'data-testid="pending"' in queue and "&lt;script&gt;alert(" in queue

    response = org.client_for(org.mona).post(
        f"/week/thanks/{message.pk}/moderate/", {"decision": "approve"}
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Moderation.APPROVED and message.moderated_by == org.mona
    event = AuditEvent.objects.get(action="week.thanks_approved")
    assert event.actor == org.mona and event.changes == {"status": ["pending", "approved"]}
    for url in ("/week/2026/wall/", "/week/2026/wall/slideshow/"):
        page = alice.get(url).text
        assert "&lt;script&gt;alert(&#x27;wall&#x27;)&lt;/script&gt; Thank you, Alice!" in page
        assert "<script>alert(" not in page
    [listed] = api_for(org.alice).get("/api/week/celebrations/2026/thanks").json()
    assert listed["text"] == XSS and listed["status"] == "approved"


def test_a_text_file_named_png_is_refused_with_a_clear_error(
    org: Any, week: Celebration, link: str
) -> None:
    fake = SimpleUploadedFile("smile.png", b"just some text, not a picture\n" * 20, "image/png")
    response = post(link, text="Look!", media=fake)
    assert response.status_code == 400
    assert "This file is not a JPEG, PNG or WebP image." in response.text
    assert not ThankYou.objects.exists()
    # A PNG header on a file that is not a PNG does not fool Pillow either.
    forged = SimpleUploadedFile("smile.png", b"\x89PNG\r\n\x1a\n" + b"0" * 200, "image/png")
    assert "not a JPEG, PNG or WebP" in post(link, media=forged).text
    photo = SimpleUploadedFile("smile.png", png_bytes(), "image/png")
    assert post(link, text="Look!", media=photo).status_code == 302
    stored = ThankYou.objects.get()
    assert stored.media_kind == "image" and not stored.media.name.endswith("smile.png")


def test_file_checks_by_content_kind_and_size(monkeypatch: Any) -> None:
    def upload(name: str, content: bytes) -> SimpleUploadedFile:
        return SimpleUploadedFile(name, content)

    assert media.kind_of(upload("clip.mp4", MP4_HEAD)) == "video"
    assert media.kind_of(upload("clip.webm", WEBM_HEAD)) == "video"
    with pytest.raises(media.MediaError, match="not an MP4 or WebM"):
        media.kind_of(upload("clip.mp4", b"<html>not a video</html>" * 4))
    with pytest.raises(media.MediaError, match="not an MP4 or WebM"):
        media.kind_of(upload("clip.webm", MP4_HEAD))
    quicktime = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  " + b"\x00" * 64
    with pytest.raises(media.MediaError):
        media.kind_of(upload("clip.mp4", quicktime))
    with pytest.raises(media.MediaError, match="JPEG, PNG or WebP image, or an MP4"):
        media.kind_of(upload("run.exe", b"MZ" + b"\x00" * 64))
    with pytest.raises(media.MediaError, match="at most 5 MB"):
        media.kind_of(upload("big.png", png_bytes() + b"\x00" * media.MAX_IMAGE_BYTES))
    with pytest.raises(media.MediaError, match="not a JPEG"):  # a PNG named .jpg
        media.kind_of(upload("photo.jpg", png_bytes()))
    monkeypatch.setattr(media, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(media.MediaError, match="too many pixels"):
        media.kind_of(upload("wide.png", png_bytes((20, 6))))


def test_only_organisers_moderate(org: Any, week: Celebration, link: str) -> None:
    post(link, text="Grazie!")
    message = ThankYou.objects.get()
    for person in (org.alice, org.lenny):
        client = org.client_for(person)
        assert (
            client.post(f"/week/thanks/{message.pk}/moderate/", {"decision": "approve"}).status_code
            == 404
        )
        assert 'data-testid="pending"' not in client.get("/week/2026/wall/").text
        api = api_for(person, TokenScope.WRITE)
        assert (
            api.post(f"/api/week/thanks/{message.pk}/moderate", {"approve": True}).status_code
            == 404
        )
        assert api.get("/api/week/celebrations/2026/thanks/pending").status_code == 404
        with pytest.raises(WeekError):
            services.moderate_thanks(actor=person, message=message, approve=True)
    message.refresh_from_db()
    assert message.status == Moderation.PENDING
    assert not AuditEvent.objects.filter(action__startswith="week.thanks_appro").exists()
    api = api_for(org.mona, TokenScope.WRITE)
    assert [m["id"] for m in api.get("/api/week/celebrations/2026/thanks/pending").json()] == [
        message.pk
    ]
    rejected = api.post(f"/api/week/thanks/{message.pk}/moderate", {"approve": False}).json()
    assert rejected["status"] == "rejected"
    assert "Grazie!" not in org.client_for(org.alice).get("/week/2026/wall/").text
    assert AuditEvent.objects.filter(action="week.thanks_rejected", actor=org.mona).exists()


def test_csrf_is_checked_on_the_public_form(link: str) -> None:
    response = Client(enforce_csrf_checks=True).post(
        link, {"author_name": "Bot", "text": "spam", "consent": "on"}
    )
    assert response.status_code == 403
    assert not ThankYou.objects.exists()


def test_the_link_can_be_replaced_or_withdrawn(org: Any, week: Celebration, link: str) -> None:
    assert org.client_for(org.alice).post("/week/2026/wall/link/").status_code == 404
    assert Client().get(link).status_code == 200
    org.client_for(org.mona).post("/week/2026/wall/link/")
    week.refresh_from_db()
    assert Client().get(link).status_code == 404
    new_link = f"/thank-the-team/{week.wall_key}/"
    assert new_link in org.client_for(org.mona).get("/week/2026/wall/").text
    org.client_for(org.mona).post("/week/2026/wall/link/", {"close": "1"})
    page = Client().get(new_link)
    assert page.status_code == 404 and "This link no longer works." in page.text
    assert Client().get("/thank-the-team/guess/").status_code == 404
    with pytest.raises(WeekError):
        services.submit_customer_thanks(key="", author_name="X", text="hi")


def test_the_public_page_is_rate_limited_and_speaks_the_customers_language(
    settings: Any, link: str
) -> None:
    settings.WEEK_WALL_RATE_LIMIT = 2
    client = Client()
    italian = client.get(f"{link}?lang=it")
    assert italian.status_code == 200 and italian["Content-Language"] == "it"
    assert 'lang="it"' in italian.text and italian["Cache-Control"] == "no-store, private"
    assert "Ringrazia il team di servizio" in italian.text and "Il tuo nome" in italian.text
    assert client.get(link).status_code == 200
    limited = client.get(link)
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1


def test_bots_filling_the_hidden_field_store_nothing(link: str) -> None:
    response = post(link, text="Buy now", website="https://spam.example")
    assert response.status_code == 302
    assert not ThankYou.objects.exists()
