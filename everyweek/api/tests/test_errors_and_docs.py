"""Every error has one shape; the OpenAPI document and the docs page are complete and offline."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.staticfiles import finders
from django.test import Client, RequestFactory

from everyweek.api.models import TokenScope
from everyweek.api.tests.helpers import api_for, assert_error
from everyweek.api.urls import api
from everyweek.conftest import Org


def test_401_has_the_error_shape(db: Any) -> None:
    assert_error(Client().get("/api/me"), 401, "not_authenticated")


def test_403_has_the_error_shape(org: Org) -> None:
    assert_error(org.client_for(org.alice).get("/api/audit-events"), 403, "permission_denied")


def test_404_has_the_error_shape_for_something_hidden(org: Org) -> None:
    response = api_for(org.alice).get(f"/api/people/{org.bruno.pk}")
    assert_error(response, 404, "not_found")


def test_404_for_an_unknown_api_address_is_json_too(db: Any) -> None:
    assert_error(Client().get("/api/no-such-thing"), 404, "not_found")
    assert_error(Client().post("/api/no/such/thing"), 404, "not_found")


def test_422_lists_each_invalid_field(org: Org) -> None:
    api = api_for(org.ada, TokenScope.ADMIN)
    response = api.post("/api/people", {"full_name": "", "role": "wizard"})
    error = assert_error(response, 422, "invalid")
    fields = {detail["loc"][-1] for detail in error["details"]}
    assert {"email", "full_name", "role"} <= fields
    for detail in error["details"]:
        assert set(detail) == {"loc", "message", "type"}


def test_422_for_a_bad_query_parameter(org: Org) -> None:
    response = api_for(org.alice).get("/api/people", limit="lots")
    error = assert_error(response, 422, "invalid")
    assert error["details"][0]["loc"][-1] == "limit"


def test_model_validation_errors_have_the_same_shape(org: Org) -> None:
    api = api_for(org.ada, TokenScope.ADMIN)
    response = api.post(
        "/api/people", {"email": "not-an-address", "full_name": "X", "time_zone": "Mars/Base"}
    )
    error = assert_error(response, 422, "invalid")
    assert {d["loc"][-1] for d in error["details"]} == {"email", "time_zone"}


def test_duplicates_are_conflicts(org: Org) -> None:
    api = api_for(org.ada, TokenScope.ADMIN)
    response = api.post("/api/departments", {"name": "Sales", "kind": "sales"})
    error = assert_error(response, 409, "conflict")
    assert error["details"][0]["loc"] == ["body", "name"]


def test_a_loop_in_reporting_lines_is_a_conflict(org: Org) -> None:
    api = api_for(org.ada, TokenScope.ADMIN)
    response = api.patch(f"/api/people/{org.mona.pk}", {"reports_to_id": org.alice.pk})
    assert_error(response, 409, "conflict")


def test_an_unexpected_failure_is_a_json_500_and_is_logged(caplog: Any) -> None:
    request = RequestFactory().get("/api/anything")
    response = api.on_exception(request, RuntimeError("boom"))
    assert_error(response, 500, "server_error")
    assert b"boom" not in response.content  # nothing internal leaks
    assert any(record.levelname == "ERROR" for record in caplog.records)


def test_error_messages_follow_the_requests_language(db: Any) -> None:
    english = Client().get("/api/me").json()["error"]["message"]
    italian = Client().get("/api/me", headers={"Accept-Language": "it"}).json()["error"]
    assert italian["code"] == "not_authenticated"
    assert italian["message"] != english


def test_openapi_lists_every_endpoint(db: Any) -> None:
    schema = Client().get("/api/openapi.json").json()
    paths = schema["paths"]
    expected = {
        "/api/me": {"get"},
        "/api/tokens": {"get", "post"},
        "/api/tokens/{token_id}": {"delete"},
        "/api/people": {"get", "post"},
        "/api/people/{person_id}": {"get", "patch"},
        "/api/people/{person_id}/deactivate": {"post"},
        "/api/people/{person_id}/reactivate": {"post"},
        "/api/people/import": {"post"},
        "/api/departments": {"get", "post"},
        "/api/departments/{department_id}": {"get", "patch"},
        "/api/teams": {"get", "post"},
        "/api/teams/{team_id}": {"get", "patch"},
        "/api/partners": {"get", "post"},
        "/api/partners/{partner_id}": {"get", "patch"},
        "/api/customers": {"get", "post"},
        "/api/customers/{customer_id}": {"get"},
        "/api/audit-events": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path


def test_openapi_documents_both_ways_in_and_the_error_shape(db: Any) -> None:
    schema = Client().get("/api/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}
    assert "Error" in schema["components"]["schemas"]
    people = schema["paths"]["/api/people/{person_id}"]["get"]["responses"]
    assert people["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    assert '"error"' in schema["info"]["description"]
    listing = schema["paths"]["/api/people"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"limit", "offset", "q", "role"}


def test_docs_page_loads_everything_from_our_own_static_files(db: Any) -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "swagger-ui-bundle.js" in html
    assert not re.search(r"https?://", html), "the docs page must not reach another host"
    assert "cdn" not in html.lower()
