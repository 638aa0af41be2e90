"""People and the organisation over the JSON API: visibility by role, pagination, admin writes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from everyweek.api.models import TokenScope
from everyweek.api.tests.helpers import api_for, assert_error, bearer, fresh_cache, token_for
from everyweek.conftest import Org, make_person
from everyweek.core.models import AuditEvent
from everyweek.people.models import Department, PartnerOrganisation, Person, Role, Team

__all__ = ["fresh_cache"]  # autouse: rate-limit counters start at zero in every test


def _emails(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["email"] for item in response.json()["items"]}


def test_agent_token_sees_only_themselves(org: Org) -> None:
    assert _emails(api_for(org.alice).get("/api/people")) == {"alice@example.com"}


def test_lead_sees_their_team(org: Org) -> None:
    assert _emails(api_for(org.lenny).get("/api/people")) == {
        "alice@example.com",
        "lenny@example.com",
    }


def test_manager_sees_their_department(org: Org) -> None:
    assert _emails(api_for(org.mona).get("/api/people")) == {
        "alice@example.com",
        "bruno@example.com",
        "lenny@example.com",
        "mona@example.com",
    }


@pytest.mark.parametrize("persona", ["erin", "ada"])
def test_executive_and_admin_see_everyone(org: Org, persona: str) -> None:
    assert len(_emails(api_for(getattr(org, persona)).get("/api/people"))) == 7


def test_a_session_sees_the_same_as_a_token(org: Org) -> None:
    assert _emails(org.client_for(org.lenny).get("/api/people")) == _emails(
        api_for(org.lenny).get("/api/people")
    )


def test_detail_outside_your_scope_is_404(org: Org) -> None:
    assert_error(api_for(org.alice).get(f"/api/people/{org.bruno.pk}"), 404, "not_found")
    assert_error(api_for(org.lenny).get(f"/api/people/{org.sam.pk}"), 404, "not_found")
    assert_error(api_for(org.lenny).get("/api/people/999999"), 404, "not_found")


def test_detail_inside_your_scope(org: Org) -> None:
    body = api_for(org.lenny).get(f"/api/people/{org.alice.pk}").json()
    assert body["full_name"] == "Alice Agent"
    assert body["team"] == {"id": org.alpha.pk, "name": "Alpha"}
    assert body["department"]["name"] == "Customer Care"
    assert body["reports_to_id"] == org.lenny.pk
    assert body["role"] == "agent"


def test_pagination_counts_and_slices(org: Org) -> None:
    api = api_for(org.ada)
    first = api.get("/api/people", limit=3, offset=0).json()
    second = api.get("/api/people", limit=3, offset=3).json()
    last = api.get("/api/people", limit=3, offset=6).json()
    assert first["count"] == second["count"] == last["count"] == 7
    assert [len(first["items"]), len(second["items"]), len(last["items"])] == [3, 3, 1]
    names = [p["full_name"] for p in first["items"] + second["items"] + last["items"]]
    assert names == sorted(names)
    assert len(set(names)) == 7


def test_pagination_refuses_a_limit_over_the_maximum(org: Org) -> None:
    assert_error(api_for(org.ada).get("/api/people", limit=100000), 422, "invalid")


def test_filters_and_search(org: Org) -> None:
    api = api_for(org.ada)
    assert _emails(api.get("/api/people", team=org.beta.pk)) == {"bruno@example.com"}
    assert _emails(api.get("/api/people", department=org.sales.pk)) == {"sam@example.com"}
    assert _emails(api.get("/api/people", role="manager")) == {"mona@example.com"}
    assert _emails(api.get("/api/people", q="seller")) == {"sam@example.com"}
    assert _emails(api.get("/api/people", q="hunters")) == {"sam@example.com"}


def test_active_filter(org: Org) -> None:
    from everyweek.people import services

    services.deactivate_person(actor=org.ada, person=org.sam)
    api = api_for(org.ada)
    assert "sam@example.com" not in _emails(api.get("/api/people", active="true"))
    assert _emails(api.get("/api/people", active="false")) == {"sam@example.com"}
    assert len(_emails(api.get("/api/people"))) == 7


def test_filters_never_widen_what_you_see(org: Org) -> None:
    assert _emails(api_for(org.alice).get("/api/people", team=org.beta.pk)) == set()


def test_people_list_has_no_n_plus_one(org: Org, django_assert_max_num_queries: Any) -> None:
    for i in range(30):
        make_person(
            f"agent{i}@example.com",
            f"Agent {i:02d}",
            Role.AGENT,
            department=org.care,
            team=org.beta if i % 2 else org.alpha,
            reports_to=org.mona,
        )
    client = Client()
    headers = bearer(token_for(org.ada))
    # Token lookup, last-used stamp, count, page.
    with django_assert_max_num_queries(4):
        response = client.get("/api/people", {"limit": 50}, headers=headers)
    assert response.json()["count"] == 37
    assert len(response.json()["items"]) == 37


def test_people_list_with_a_session_has_no_n_plus_one(
    org: Org, django_assert_max_num_queries: Any
) -> None:
    for i in range(20):
        make_person(
            f"agent{i}@example.com",
            f"Agent {i:02d}",
            Role.AGENT,
            department=org.care,
            team=org.alpha,
        )
    client = org.client_for(org.mona)
    # Session, person, count, page.
    with django_assert_max_num_queries(4):
        response = client.get("/api/people")
    assert response.json()["count"] == 24


# --- Admin writes ----------------------------------------------------------------------


@pytest.fixture
def admin_api(org: Org) -> Any:
    return api_for(org.ada, TokenScope.ADMIN)


def test_admin_creates_a_person_through_the_service(org: Org, admin_api: Any) -> None:
    response = admin_api.post(
        "/api/people",
        {
            "email": "New.Person@Example.com",
            "full_name": "New Person",
            "role": "agent",
            "department_id": org.care.pk,
            "team_id": org.beta.pk,
            "reports_to_id": org.mona.pk,
            "locale": "th",
            "time_zone": "Asia/Bangkok",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "new.person@example.com"
    assert body["team"]["name"] == "Beta"
    person = Person.objects.get(pk=body["id"])
    assert not person.has_usable_password()
    event = AuditEvent.objects.get(action="person.create", target_id=str(person.pk))
    assert event.actor_id == org.ada.pk


def test_a_team_must_belong_to_the_persons_department(org: Org, admin_api: Any) -> None:
    response = admin_api.post(
        "/api/people",
        {
            "email": "x@example.com",
            "full_name": "X",
            "department_id": org.sales.pk,
            "team_id": org.alpha.pk,
        },
    )
    error = assert_error(response, 422, "invalid")
    assert error["details"][0]["loc"] == ["body", "team_id"]


def test_an_unknown_reference_is_invalid(org: Org, admin_api: Any) -> None:
    response = admin_api.post(
        "/api/people", {"email": "x@example.com", "full_name": "X", "department_id": 999999}
    )
    error = assert_error(response, 422, "invalid")
    assert error["details"][0]["loc"] == ["body", "department_id"]


def test_a_duplicate_email_is_refused(org: Org, admin_api: Any) -> None:
    response = admin_api.post("/api/people", {"email": "alice@example.com", "full_name": "Two"})
    assert_error(response, 409, "conflict")


def test_admin_updates_only_the_fields_sent(org: Org, admin_api: Any) -> None:
    response = admin_api.patch(
        f"/api/people/{org.alice.pk}", {"job_title": "Senior agent", "team_id": org.beta.pk}
    )
    assert response.status_code == 200, response.content
    org.alice.refresh_from_db()
    assert org.alice.job_title == "Senior agent"
    assert org.alice.team == org.beta
    assert org.alice.reports_to == org.lenny  # untouched
    event = AuditEvent.objects.get(action="person.update", target_id=str(org.alice.pk))
    assert set(event.changes) == {"job_title", "team"}


def test_admin_clears_a_leader_with_null(org: Org, admin_api: Any) -> None:
    admin_api.patch(f"/api/people/{org.alice.pk}", {"reports_to_id": None})
    org.alice.refresh_from_db()
    assert org.alice.reports_to is None


def test_admin_deactivates_and_reactivates(org: Org, admin_api: Any) -> None:
    secret = token_for(org.alice)
    response = admin_api.post(f"/api/people/{org.alice.pk}/deactivate")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert Client().get("/api/me", headers=bearer(secret)).status_code == 401
    response = admin_api.post(f"/api/people/{org.alice.pk}/reactivate")
    assert response.json()["is_active"] is True


def test_admin_cannot_deactivate_themselves(org: Org, admin_api: Any) -> None:
    assert_error(admin_api.post(f"/api/people/{org.ada.pk}/deactivate"), 409, "conflict")


@pytest.mark.parametrize("persona", ["alice", "lenny", "mona", "erin"])
def test_people_writes_are_for_admins(org: Org, persona: str) -> None:
    client = org.client_for(getattr(org, persona))
    create = client.post(
        "/api/people", {"email": "x@example.com", "full_name": "X"}, content_type="application/json"
    )
    assert_error(create, 403, "permission_denied")
    update = client.patch(
        f"/api/people/{org.alice.pk}", {"job_title": "Boss"}, content_type="application/json"
    )
    assert_error(update, 403, "permission_denied")
    assert not Person.objects.filter(email="x@example.com").exists()


def test_import_returns_the_row_report(org: Org, admin_api: Any) -> None:
    csv_text = (
        "email,full_name,role,department,team,reports_to\n"
        "nina@example.com,Nina Neu,agent,Customer Care,Alpha,lenny@example.com\n"
        "broken,No Email,agent,,,\n"
        "otto@example.com,Otto Ok,wizard,,,\n"
    )
    upload = SimpleUploadedFile("people.csv", csv_text.encode(), content_type="text/csv")
    response = admin_api.client.post(
        "/api/people/import", {"file": upload}, headers=admin_api.headers
    )
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["created"] == 1
    assert report["ok"] is False
    assert [(e["line"], e["column"]) for e in report["errors"]] == [(3, "email"), (4, "role")]
    assert Person.objects.get(email="nina@example.com").reports_to == org.lenny


def test_import_is_for_admins(org: Org) -> None:
    upload = SimpleUploadedFile("people.csv", b"email,full_name\nx@example.com,X\n")
    response = org.client_for(org.mona).post("/api/people/import", {"file": upload})
    assert_error(response, 403, "permission_denied")


# --- Departments, teams, partners -------------------------------------------------------


def test_everyone_signed_in_lists_the_organisation(org: Org) -> None:
    api = api_for(org.alice)
    assert api.get("/api/departments").json()["count"] == 2
    teams = api.get("/api/teams", department=org.care.pk).json()
    assert [t["name"] for t in teams["items"]] == ["Alpha", "Beta"]
    assert teams["items"][0]["department"]["name"] == "Customer Care"
    PartnerOrganisation.objects.create(name="Mugs & Co", kind="supplier")
    assert api.get("/api/partners").json()["items"][0]["name"] == "Mugs & Co"


def test_admin_writes_the_organisation_through_the_services(org: Org, admin_api: Any) -> None:
    dept = admin_api.post("/api/departments", {"name": "Billing", "kind": "finance"}).json()
    team = admin_api.post("/api/teams", {"name": "Invoices", "department_id": dept["id"]})
    assert team.status_code == 201, team.content
    renamed = admin_api.patch(f"/api/teams/{team.json()['id']}", {"name": "Invoicing"})
    assert renamed.json()["name"] == "Invoicing"
    partner = admin_api.post(
        "/api/partners", {"name": "Courier Ltd", "kind": "partner", "contact_email": "a@b.example"}
    )
    assert partner.status_code == 201, partner.content
    assert (
        admin_api.patch(f"/api/partners/{partner.json()['id']}", {"is_active": False}).json()[
            "is_active"
        ]
        is False
    )
    assert Department.objects.filter(name="Billing").exists()
    assert Team.objects.filter(name="Invoicing").exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"department.create", "team.create", "team.update", "partner.create"} <= actions


def test_organisation_writes_are_for_admins(org: Org) -> None:
    api = api_for(org.mona, TokenScope.WRITE)
    assert_error(api.post("/api/departments", {"name": "X"}), 403, "permission_denied")
    assert_error(api.patch(f"/api/teams/{org.alpha.pk}", {"name": "X"}), 403, "permission_denied")
    assert_error(api.post("/api/partners", {"name": "X"}), 403, "permission_denied")
