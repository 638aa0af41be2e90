"""The three apps speak the viewer's language: Italian, German and Thai headings and headers."""

from __future__ import annotations

import pytest

from everyweek.conftest import Org

HEADINGS = {
    "it": ("Ascolto", "Sportello di servizio interno", "Livelli di carriera"),
    "de": ("Zuhören", "Interner Service-Desk", "Karrierestufen"),
    "th": ("การรับฟัง", "แผนกบริการภายใน", "ระดับอาชีพ"),
}


@pytest.mark.parametrize("language", ["it", "de", "th"])
def test_pages_follow_the_persons_language(org: Org, language: str) -> None:
    org.lenny.locale = language
    org.lenny.save()
    client = org.client_for(org.lenny)
    for url, heading in zip(
        ("/listening/", "/service-desk/", "/careers/ladder/"), HEADINGS[language], strict=True
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Language"] == language
        assert f"<h1>{heading}</h1>" in response.content.decode()
