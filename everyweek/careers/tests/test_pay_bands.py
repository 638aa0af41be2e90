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
    for body in (
        org.client_for(person).get("/careers/ladder/").content.decode(),
        org.client_for(person).get(f"/careers/people/{org.alice.pk}/").content.decode(),
        api_for(person).get("/api/careers/tracks").content.decode(),
    ):
        assert "36000" not in body and "36,000" not in body and "pay_min" not in body


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
