from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from everyweek.api.models import TokenScope
from everyweek.api.tests.helpers import bearer, token_for
from everyweek.conftest import Org
from everyweek.feedback.models import SurveyResponse
from everyweek.integrations import services
from everyweek.integrations.models import ExternalIdentity, ImportJob, ImportStatus
from everyweek.integrations.tests.conftest import fixture_bytes


def test_an_administrator_uploads_polls_and_maps_over_the_api(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    zendesk, _token = services.create_integration(actor=org.ada, vendor="zendesk", name="Z")
    client = Client()
    headers = bearer(token_for(org.ada, TokenScope.ADMIN))
    upload = SimpleUploadedFile("ratings.json", fixture_bytes("zendesk_satisfaction_ratings.json"))

    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            f"/api/integrations/{zendesk.pk}/imports",
            {"kind": "zendesk_ratings", "file": upload},
            headers=headers,
        )

    assert created.status_code == 201, created.content
    job = ImportJob.objects.get()
    polled = client.get(f"/api/imports/{job.pk}", headers=headers).json()
    assert (polled["status"], polled["created"], polled["skipped"]) == (ImportStatus.DONE, 2, 1)
    agents = client.get("/api/integrations/agents?status=pending", headers=headers).json()
    assert agents["count"] == 2
    identity = ExternalIdentity.objects.get(external_id="135")
    mapped = client.post(
        f"/api/integrations/agents/{identity.pk}/map",
        {"person_id": org.alice.pk},
        content_type="application/json",
        headers=headers,
    ).json()
    assert mapped["recredited"] == 2
    assert SurveyResponse.objects.get(external_id="35436").agent == org.alice


def test_a_spreadsheet_upload_needs_its_columns(org: Org) -> None:
    generic, _token = services.create_integration(actor=org.ada, vendor="generic", name="G")
    upload = SimpleUploadedFile("survey.csv", b"Date,Score\n2026-01-01,5\n")
    response = Client().post(
        f"/api/integrations/{generic.pk}/imports",
        {"kind": "spreadsheet", "file": upload},
        headers=bearer(token_for(org.ada, TokenScope.ADMIN)),
    )
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["loc"] == ["body", "column_mapping_id"]


def test_agents_cannot_reach_imports_over_the_api(org: Org) -> None:
    response = Client().get("/api/integrations", headers=bearer(token_for(org.alice)))
    assert response.status_code == 403


def test_the_file_import_shares_the_upload_limit_with_the_interaction_import(
    org: Org, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 100  # EVERYWEEK_IMPORT_MAX_BYTES
    zendesk, _token = services.create_integration(actor=org.ada, vendor="zendesk", name="Z")
    upload = SimpleUploadedFile("ratings.json", fixture_bytes("zendesk_satisfaction_ratings.json"))
    response = Client().post(
        f"/api/integrations/{zendesk.pk}/imports",
        {"kind": "zendesk_ratings", "file": upload},
        headers=bearer(token_for(org.ada, TokenScope.ADMIN)),
    )
    assert response.status_code == 413
    assert response.json()["error"]["message"] == "The file is larger than 100\xa0bytes."
    assert not ImportJob.objects.exists()
