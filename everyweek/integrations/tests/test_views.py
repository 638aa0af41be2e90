from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from everyweek.conftest import Org
from everyweek.feedback.models import SurveyResponse
from everyweek.integrations.models import (
    ColumnMapping,
    ExternalIdentity,
    IdentityStatus,
    ImportJob,
    ImportStatus,
    Integration,
)
from everyweek.integrations.tests.conftest import fixture_bytes

CSV = (
    "Response ID;Date;Rating;Feedback;Agent Email\n"
    "A1;2026-02-01T10:00:00Z;5;Merci !;alice@example.com\n"
    "A2;2026-02-01T11:00:00Z;seven;;alice@example.com\n"
    "A3;2026-02-02T11:00:00Z;2;Lent;newcomer@partner.example\n"
)


def test_only_administrators_reach_the_import_pages(org: Org) -> None:
    assert org.client_for(org.alice).get("/integrations/").status_code == 403
    assert org.client_for(org.mona).get("/integrations/agents/").status_code == 403
    assert org.client_for(org.ada).get("/integrations/").status_code == 200


def test_the_chatwoot_token_is_shown_once_and_never_again(org: Org) -> None:
    client = org.client_for(org.ada)
    created = client.post(
        "/integrations/new/", {"vendor": "chatwoot", "name": "Chat", "config": ""}
    )
    integration = Integration.objects.get()
    shown = created.content.decode()
    assert f"/hooks/chatwoot/{integration.endpoint}/?token=" in shown
    token = shown.split("?token=")[1].split("<")[0]
    detail = client.get(f"/integrations/{integration.pk}/").content.decode()
    assert token not in detail and str(integration.endpoint) in detail


def test_a_secret_is_write_only(org: Org) -> None:
    client = org.client_for(org.ada)
    client.post(
        "/integrations/new/",
        {"vendor": "typeform", "name": "Forms", "secret": "tf-very-secret", "config": ""},
    )
    integration = Integration.objects.get()
    assert integration.secret == "tf-very-secret"
    assert "tf-very-secret" not in client.get(f"/integrations/{integration.pk}/").content.decode()
    # Saving the settings with the secret field left empty keeps it.
    client.post(
        f"/integrations/{integration.pk}/", {"name": "Forms", "is_active": "on", "config": ""}
    )
    integration.refresh_from_db()
    assert integration.secret == "tf-very-secret"


def test_uploading_a_spreadsheet_asks_for_columns_then_imports_with_progress(
    org: Org, django_capture_on_commit_callbacks: Any
) -> None:
    client = org.client_for(org.ada)
    client.post("/integrations/new/", {"vendor": "generic", "name": "Survey tool", "config": ""})
    integration = Integration.objects.get()
    upload = SimpleUploadedFile("export.csv", CSV.encode(), content_type="text/csv")

    chosen = client.post(
        f"/integrations/{integration.pk}/import/", {"kind": "spreadsheet", "file": upload}
    )
    job = ImportJob.objects.get()
    assert chosen["Location"] == f"/imports/{job.pk}/columns/"
    page = client.get(chosen["Location"]).content.decode()
    assert '<option value="Response ID" selected>' in page  # guessed from the header
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(
            chosen["Location"],
            {
                "name": "Survey tool export",
                "score_kind": "csat",
                "csat_scale": "5",
                "col_response_id": "Response ID",
                "col_date": "Date",
                "col_score": "Rating",
                "col_comment": "Feedback",
                "col_agent_email": "Agent Email",
            },
        )
    assert started["Location"] == f"/imports/{job.pk}/"

    job.refresh_from_db()
    assert (job.status, job.created, job.error_count) == (ImportStatus.DONE, 2, 1)
    assert ColumnMapping.objects.filter(name="Survey tool export").exists()
    fragment = client.get(f"/imports/{job.pk}/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'value="100"' in fragment and "hx-get" not in fragment
    download = client.get(f"/imports/{job.pk}/problems.csv")
    problems = b"".join(download.streaming_content).decode()  # type: ignore[attr-defined]
    assert problems.splitlines() == ["line,field,reason", "3,csat,“seven” is not a number."]
    assert SurveyResponse.objects.get(external_id="A1").agent == org.alice


def test_a_running_import_keeps_polling(org: Org) -> None:
    integration = Integration.objects.create(vendor="zendesk", name="Z", source="zendesk")
    job = ImportJob.objects.create(
        integration=integration,
        kind="zendesk_ratings",
        status=ImportStatus.RUNNING,
        total=200,
        processed=50,
    )
    fragment = (
        org.client_for(org.ada)
        .get(f"/imports/{job.pk}/", headers={"HX-Request": "true"})
        .content.decode()
    )
    assert 'hx-trigger="every 1s"' in fragment and 'value="25"' in fragment


def test_the_agents_page_suggests_the_colleague_with_the_same_email_and_maps(org: Org) -> None:
    from everyweek.integrations import services

    zendesk, _token = services.create_integration(actor=org.ada, vendor="zendesk", name="Z")
    services.import_file(
        integration=zendesk,
        kind="zendesk_ratings",
        stream=__import__("io").BytesIO(fixture_bytes("zendesk_satisfaction_ratings.json")),
    )
    identity = ExternalIdentity.objects.get(external_id="135")
    identity.email = "ALICE@example.com"
    identity.save()
    client = org.client_for(org.ada)

    page = client.get("/integrations/agents/").content.decode()
    assert f'<option value="{org.alice.pk}" selected>' in page

    client.post(
        f"/integrations/agents/{identity.pk}/map/", {"person": org.alice.pk, "action": "map"}
    )
    identity.refresh_from_db()
    assert (identity.status, identity.person) == (IdentityStatus.MAPPED, org.alice)
    assert SurveyResponse.objects.get(external_id="35436").agent == org.alice

    other = ExternalIdentity.objects.get(external_id="136")
    client.post(
        f"/integrations/agents/{other.pk}/map/", {"email": "bruno@example.com", "action": "map"}
    )
    assert SurveyResponse.objects.get(external_id="120447").agent == org.bruno


def test_the_import_pages_speak_the_administrators_language(org: Org) -> None:
    org.ada.locale = "th"
    org.ada.save()
    page = org.client_for(org.ada).get("/integrations/").content.decode()
    assert "การนำเข้าและเว็บฮุก" in page  # "Imports and webhooks"
