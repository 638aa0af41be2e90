"""Customers (for leaders) and the audit trail (for administrators) over the API."""

from __future__ import annotations

from typing import Any

import pytest

from everyweek.api.models import TokenScope
from everyweek.api.tests.helpers import api_for, assert_error
from everyweek.conftest import Org
from everyweek.core import audit
from everyweek.core.models import AuditEvent
from everyweek.customers.models import Customer


@pytest.mark.parametrize("persona", ["lenny", "mona", "erin", "ada"])
def test_leaders_create_and_read_customers(org: Org, persona: str) -> None:
    api = api_for(getattr(org, persona), TokenScope.WRITE)
    response = api.post(
        "/api/customers",
        {
            "name": "Somchai P.",
            "email": "Somchai@Example.com",
            "locale": "th",
            "time_zone": "Asia/Bangkok",
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["email"] == "somchai@example.com"
    assert api.get(f"/api/customers/{created['id']}").json()["name"] == "Somchai P."
    listed = api.get("/api/customers", q="somchai").json()
    assert listed["count"] == 1
    assert AuditEvent.objects.filter(
        action="customer.create", target_id=str(created["id"])
    ).exists()


def test_agents_cannot_reach_customers(org: Org) -> None:
    customer = Customer.objects.create(name="Giulia")
    api = api_for(org.alice, TokenScope.WRITE)
    assert_error(api.get("/api/customers"), 403, "permission_denied")
    assert_error(api.get(f"/api/customers/{customer.pk}"), 403, "permission_denied")
    assert_error(api.post("/api/customers", {"name": "X"}), 403, "permission_denied")


def test_a_leaders_read_token_cannot_create_customers(org: Org) -> None:
    api = api_for(org.lenny, TokenScope.READ)
    assert api.get("/api/customers").status_code == 200
    assert_error(api.post("/api/customers", {"name": "X"}), 403, "insufficient_scope")


def test_an_invalid_customer_is_refused_and_nothing_is_stored(org: Org) -> None:
    api = api_for(org.lenny, TokenScope.WRITE)
    response = api.post("/api/customers", {"name": "X", "time_zone": "Nowhere/Land"})
    error = assert_error(response, 422, "invalid")
    assert error["details"][0]["loc"] == ["body", "time_zone"]
    assert not Customer.objects.exists()


def test_customer_list_paginates(org: Org) -> None:
    Customer.objects.bulk_create(Customer(name=f"Customer {i:02d}") for i in range(12))
    body = api_for(org.mona).get("/api/customers", limit=5, offset=10).json()
    assert body["count"] == 12
    assert [c["name"] for c in body["items"]] == ["Customer 10", "Customer 11"]


def test_audit_events_for_admins_newest_first_and_filtered(org: Org) -> None:
    audit.record(org.ada, "person.update", org.alice, {"job_title": ["", "Lead"]})
    audit.record(org.ada, "department.create", org.care)
    api = api_for(org.ada, TokenScope.ADMIN)
    body = api.get("/api/audit-events").json()
    actions = [e["action"] for e in body["items"]]
    assert actions.index("department.create") < actions.index("person.update")
    people_only = api.get("/api/audit-events", action="person.").json()
    assert {e["action"] for e in people_only["items"]} <= {"person.update"}
    event = people_only["items"][0]
    assert event["actor"] == {"id": org.ada.pk, "full_name": "Ada Admin"}
    assert event["changes"] == {"job_title": ["", "Lead"]}
    assert event["target_id"] == str(org.alice.pk)


def test_audit_list_has_no_n_plus_one(org: Org, django_assert_max_num_queries: Any) -> None:
    for person in (org.alice, org.bruno, org.lenny, org.mona, org.sam):
        audit.record(person, "person.update", person)
    client = org.client_for(org.ada)
    with django_assert_max_num_queries(4):
        assert client.get("/api/audit-events").json()["count"] >= 5


@pytest.mark.parametrize("persona", ["alice", "lenny", "mona", "erin"])
def test_audit_events_are_for_admins_only(org: Org, persona: str) -> None:
    response = org.client_for(getattr(org, persona)).get("/api/audit-events")
    assert_error(response, 403, "permission_denied")
