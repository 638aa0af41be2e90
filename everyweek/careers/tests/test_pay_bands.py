"""Pay bands are for administrators and executives only, on the page and in the API."""

from __future__ import annotations

import pytest

from everyweek.api.tests.helpers import api_for, assert_error, fresh_cache
from everyweek.careers.tests.helpers import ladder
from everyweek.conftest import Org

__all__ = ["fresh_cache"]


@pytest.mark.parametrize("persona", ["alice", "lenny", "mona", "sam"])
def test_agents_leads_and_managers_cannot_see_pay_bands(org: Org, persona: str) -> None:
    ladder(org)
    person = getattr(org, persona)
    assert org.client_for(person).get("/careers/pay-bands/").status_code == 403
    assert_error(api_for(person).get("/api/careers/pay-bands"), 403, "permission_denied")


@pytest.mark.parametrize("persona", ["alice", "lenny", "mona"])
def test_no_other_page_or_answer_carries_pay(org: Org, persona: str) -> None:
    ladder(org)
    person = getattr(org, persona)
    progress = api_for(person).get(f"/api/careers/people/{org.alice.pk}/progress")
    assert progress.status_code == 200
    for body in (
        org.client_for(person).get("/careers/ladder/").content.decode(),
        org.client_for(person).get(f"/careers/people/{org.alice.pk}/").content.decode(),
        api_for(person).get("/api/careers/tracks").content.decode(),
        progress.content.decode(),
    ):
        assert "36000" not in body and "36,000" not in body and "pay_min" not in body
        assert "44000" not in body and "pay_max" not in body and "/careers/pay-bands/" not in body


@pytest.mark.parametrize("persona", ["erin", "mona", "lenny", "alice"])
def test_the_admin_pages_with_pay_are_for_administrators_only(org: Org, persona: str) -> None:
    ladder(org)
    client = org.client_for(getattr(org, persona))
    response = client.get("/admin/careers/careerlevel/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    ada = org.client_for(org.ada).get("/admin/careers/careerlevel/")
    assert ada.status_code == 200 and "36000" in ada.content.decode().replace(",", "")


@pytest.mark.parametrize("persona", ["erin", "ada"])
def test_executives_and_admins_compare_service_with_sales(org: Org, persona: str) -> None:
    ladder(org)
    person = getattr(org, persona)
    page = org.client_for(person).get("/careers/pay-bands/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Specialist" in html and "Account executive" in html
    rows = api_for(person).get("/api/careers/pay-bands").json()
    assert [r["rank"] for r in rows] == [1, 2]
    # Midpoints 33,000 vs 36,000 and 40,000 vs 45,000.
    assert [r["service_vs_sales_percent"] for r in rows] == ["92", "89"]
    assert rows[0]["bands"][0]["track"] == "Customer service"


def test_a_demoted_executive_loses_the_view(org: Org) -> None:
    ladder(org)
    org.erin.role = "manager"
    org.erin.save()
    assert org.client_for(org.erin).get("/careers/pay-bands/").status_code == 403
