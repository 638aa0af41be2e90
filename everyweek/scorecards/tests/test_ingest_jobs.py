"""The bulk interaction import as a background job: the upload page and the JSON API.

Transactional tests: the upload queues the task on commit, and the task (run by the immediate
backend, as the other task tests do) then imports with per-chunk commits, as a worker would.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from everyweek.api.models import TokenScope
from everyweek.api.tests.helpers import bearer, token_for
from everyweek.conftest import Org
from everyweek.core.models import AuditEvent
from everyweek.feedback.models import Interaction, ServiceStandard, StandardResult
from everyweek.integrations.models import ImportStatus
from everyweek.scorecards import bulk, services
from everyweek.scorecards.models import AgentDay, ImportProblem, InteractionImport
from everyweek.scorecards.tests.conftest import fresh_cache
from everyweek.scorecards.tests.test_ingest_interactions import BAD_LINES, CSV, HEADER, agents

__all__ = ["agents", "fresh_cache"]

pytestmark = pytest.mark.django_db(transaction=True)

REASONS = [
    "no person with the employee id E-Z",
    "handle_time_seconds is not a whole number: ten",
    "unknown channel fax",
    "expected 8 columns, found 3",
]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def _upload(client: Client, text: str = CSV, source: str = "helpdesk") -> Any:
    upload = io.BytesIO(text.encode())
    upload.name = "tickets <b>.csv"
    return client.post("/scorecards/import/", {"source": source, "file": upload})


def _problems_csv(client: Client, job: InteractionImport) -> list[list[str]]:
    download = client.get(f"/scorecards/import/{job.pk}/problems.csv")
    assert download["Content-Disposition"].startswith("attachment")
    text = b"".join(download.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text)))


# --- The upload page ------------------------------------------------------------------------


def test_admin_uploads_and_the_job_finishes_with_counts_problems_and_the_file_kept(
    agents: Org, media: Path
) -> None:
    ServiceStandard.objects.create(
        name="Email answered within an hour",
        metric="first_response",
        threshold_minutes=60,
        channel="email",
        target_percent=80,
    )
    client = agents.client_for(agents.ada)
    assert 'href="/scorecards/import/"' in client.get("/").content.decode()
    response = _upload(client)
    job = InteractionImport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/scorecards/import/{job.pk}/"
    assert (job.status, job.read, job.stored, job.skipped, job.error_count) == (
        ImportStatus.DONE,
        6,
        2,
        0,
        4,
    )
    assert job.created_by == agents.ada and job.source == "helpdesk"
    assert [p.read_bytes() for p in stored_files(media)] == [CSV.encode()]
    assert sorted(Interaction.objects.values_list("external_id", flat=True)) == ["N1", "N2"]
    assert AgentDay.objects.get(agent=agents.alice, day="2026-03-02").interactions == 2
    assert dict(StandardResult.objects.values_list("interaction__external_id", "met")) == {
        "N1": True,
        "N2": False,
    }

    page = client.get(response["Location"]).content.decode()
    assert "tickets &lt;b&gt;.csv" in page and "tickets <b>" not in page
    assert 'value="100"' in page and "hx-get" not in page  # finished: no more polling
    assert all(reason in page for reason in REASONS)
    assert _problems_csv(client, job) == [
        ["line", "reason"],
        *([str(line), reason] for line, reason in zip(BAD_LINES, REASONS, strict=True)),
    ]
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions.index("interactions.import.start") < actions.index("interactions.import")
    assert AuditEvent.objects.get(action="interactions.import").actor_id == agents.ada.pk


def test_importing_the_same_file_again_changes_nothing(agents: Org) -> None:
    client = agents.client_for(agents.ada)
    _upload(client)
    before = (
        Interaction.objects.count(),
        StandardResult.objects.count(),
        AgentDay.objects.get(agent=agents.alice, day="2026-03-02").interactions,
    )
    _upload(client)
    first, second = InteractionImport.objects.order_by("pk")
    assert (second.status, second.read, second.stored, second.skipped) == (
        ImportStatus.DONE,
        6,
        0,
        2,
    )
    assert second.error_count == 4 and second.problems.count() == 4
    after = (
        Interaction.objects.count(),
        StandardResult.objects.count(),
        AgentDay.objects.get(agent=agents.alice, day="2026-03-02").interactions,
    )
    assert after == before == (2, 0, 2)
    assert first.problems.count() == 4  # each job keeps its own problems


@pytest.fixture
def database_tasks(settings: Any) -> None:
    """The production backend: the upload leaves a task row for a worker instead of running it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_progress_is_written_after_every_chunk(agents: Org, database_tasks: None) -> None:
    job = services.start_interaction_import(
        actor=agents.ada,
        source="helpdesk",
        upload=SimpleUploadedFile("tickets.csv", CSV.encode(), content_type="text/csv"),
    )
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED and job.percent == 0
    assert DBTaskResult.objects.get().task_path.endswith("tasks.run_interaction_import")
    updates: list[list[Any]] = []

    def spy(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if 'UPDATE "scorecards_interactionimport" SET "position"' in sql:
            updates.append(list(params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        services.run_interaction_import(job.pk, chunk_size=2)
    # position, read, stored, skipped, error_count, pk: one write per chunk of two rows.
    assert [u[1:5] for u in updates] == [[2, 2, 0, 0], [4, 2, 0, 2], [6, 2, 0, 4]]
    positions = [u[0] for u in updates]
    assert positions == sorted(positions) and positions[-1] == len(CSV.encode())
    job.refresh_from_db()
    assert (job.status, job.percent, job.error_count) == (ImportStatus.DONE, 100, 4)
    # The queued task then finds it finished and leaves it alone (as a retried task would).
    run_worker()
    assert DBTaskResult.objects.get().return_value == "done"
    assert ImportProblem.objects.filter(job=job).count() == 4 and Interaction.objects.count() == 2


def test_a_running_import_keeps_polling(agents: Org) -> None:
    job = InteractionImport.objects.create(
        source="helpdesk", status=ImportStatus.RUNNING, size=1000, position=250, read=40
    )
    fragment = (
        agents.client_for(agents.ada)
        .get(f"/scorecards/import/{job.pk}/", headers={"HX-Request": "true"})
        .content.decode()
    )
    assert "<html" not in fragment
    assert 'hx-trigger="every 1s"' in fragment and 'value="25"' in fragment


def test_the_count_stays_exact_when_the_stored_problems_are_capped(
    agents: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "MAX_ERRORS", 3)
    monkeypatch.setattr("everyweek.scorecards.views.PROBLEMS_SHOWN", 2)
    client = agents.client_for(agents.ada)
    _upload(client)
    job = InteractionImport.objects.get()
    assert job.error_count == 4 and job.problems.count() == 3
    page = client.get(f"/scorecards/import/{job.pk}/").content.decode()
    assert "The first 2 of 4 problems are shown here; the download lists 3." in page
    assert [row[0] for row in _problems_csv(client, job)[1:]] == ["4", "5", "6"]


def test_a_worker_writes_the_problems_in_the_uploaders_language(
    agents: Org, database_tasks: None
) -> None:
    agents.ada.locale = "it"
    agents.ada.save()
    client = agents.client_for(agents.ada)
    _upload(client)
    assert InteractionImport.objects.get().status == ImportStatus.QUEUED
    # The worker runs outside any request, in the default language: the job carries its own.
    with translation.override("en"):
        run_worker()
    job = InteractionImport.objects.get()
    assert job.status == ImportStatus.DONE
    assert "canale sconosciuto fax" in job.problems.values_list("reason", flat=True)
    page = client.get(f"/scorecards/import/{job.pk}/").content.decode()
    assert "canale sconosciuto fax" in page and "Problemi" in page


def test_only_admins_start_or_see_imports(agents: Org, media: Path) -> None:
    job = InteractionImport.objects.create(source="helpdesk", status=ImportStatus.DONE)
    assert agents.client_for(agents.ada).get("/scorecards/import/").status_code == 200
    for person in (agents.alice, agents.lenny, agents.mona, agents.erin):
        client = agents.client_for(person)
        assert client.get("/scorecards/import/").status_code == 403
        assert _upload(client).status_code == 403
        assert client.get(f"/scorecards/import/{job.pk}/").status_code == 403
        assert client.get(f"/scorecards/import/{job.pk}/problems.csv").status_code == 403
    anonymous = Client()
    assert anonymous.get("/scorecards/import/").status_code == 302  # to the sign-in page
    assert anonymous.get(f"/scorecards/import/{job.pk}/").status_code == 302
    assert InteractionImport.objects.count() == 1 and not stored_files(media)
    assert not Interaction.objects.exists()


def test_a_wrong_header_or_a_too_large_file_is_refused_on_the_form(
    agents: Org, media: Path, settings: Any
) -> None:
    client = agents.client_for(agents.ada)
    wrong = _upload(client, "id,agent\n1,2\n")
    assert wrong.status_code == 200
    assert "expected the columns external_id" in wrong.content.decode()
    settings.IMPORT_MAX_BYTES = 100
    big = _upload(client)
    assert big.status_code == 200
    assert "The file is larger than 100\xa0bytes." in big.content.decode()
    assert not InteractionImport.objects.exists() and not stored_files(media)
    assert not AuditEvent.objects.filter(action__startswith="interactions.import").exists()


def test_upload_needs_the_csrf_token(agents: Org, media: Path) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(agents.ada)
    assert _upload(client).status_code == 403
    assert not InteractionImport.objects.exists() and not stored_files(media)


def test_upload_page_escapes_file_text(agents: Org) -> None:
    client = agents.client_for(agents.ada)
    _upload(client, f"{HEADER}\nN1,<script>x</script>,2026-03-02T09:00:00+00:00,,,,0,email\n")
    job = InteractionImport.objects.get()
    page = client.get(f"/scorecards/import/{job.pk}/").content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x" not in page


# --- The JSON API ---------------------------------------------------------------------------


def _file(text: str) -> Any:
    upload = io.BytesIO(text.encode())
    upload.name = "tickets.csv"
    return upload


def _api_upload(headers: dict[str, str], text: str = CSV) -> Any:
    return Client().post(
        "/api/interactions/import", {"source": "helpdesk", "file": _file(text)}, headers=headers
    )


def test_api_import_answers_202_and_the_job_gives_status_counts_and_problems(
    agents: Org,
) -> None:
    headers = bearer(token_for(agents.ada, TokenScope.ADMIN))
    first = _api_upload(headers)
    assert first.status_code == 202, first.content
    job_id = first.json()["id"]
    assert InteractionImport.objects.get(pk=job_id).created_by == agents.ada
    body = Client().get(f"/api/interactions/import/{job_id}", headers=headers).json()
    assert body["status"] == "done" and body["percent"] == 100
    assert (body["read"], body["stored"], body["skipped"], body["error_count"]) == (6, 2, 0, 4)
    assert [p["line"] for p in body["problems"]] == BAD_LINES
    assert body["problems"][2]["reason"] == "unknown channel fax"
    problems = Client().get(f"/api/interactions/import/{job_id}/problems", headers=headers)
    assert [p["line"] for p in problems.json()["items"]] == BAD_LINES

    again = _api_upload(headers).json()
    detail = Client().get(f"/api/interactions/import/{again['id']}", headers=headers).json()
    assert (detail["stored"], detail["skipped"]) == (0, 2)
    assert Interaction.objects.count() == 2
    assert _api_upload(headers, "id\n1\n").status_code == 422
    assert Client().get("/api/interactions/import/999999", headers=headers).status_code == 404


def test_api_import_refuses_agents_non_admin_tokens_and_anonymous_callers(agents: Org) -> None:
    job = InteractionImport.objects.create(source="helpdesk", status=ImportStatus.DONE)
    for headers in (
        bearer(token_for(agents.alice, TokenScope.WRITE)),
        bearer(token_for(agents.ada, TokenScope.READ)),
        bearer(token_for(agents.mona, TokenScope.WRITE)),
    ):
        assert _api_upload(headers).status_code == 403
        assert (
            Client().get(f"/api/interactions/import/{job.pk}", headers=headers).status_code == 403
        )
    assert _api_upload({}).status_code in (401, 403)
    assert InteractionImport.objects.count() == 1
    assert not Interaction.objects.filter(source="helpdesk").exists()


def test_api_refuses_a_file_above_the_limit_with_413_and_stores_nothing(
    agents: Org, media: Path, settings: Any
) -> None:
    settings.IMPORT_MAX_BYTES = 100
    headers = bearer(token_for(agents.ada, TokenScope.ADMIN))
    refused = _api_upload(headers)
    assert refused.status_code == 413
    error = refused.json()["error"]
    assert (
        error["code"] == "too_large" and error["message"] == "The file is larger than 100\xa0bytes."
    )
    italian = _api_upload({**headers, "Accept-Language": "it"})
    assert italian.status_code == 413
    assert italian.json()["error"]["message"] == "Il file è più grande di 100\xa0bytes."
    assert not InteractionImport.objects.exists() and not stored_files(media)
    assert not Interaction.objects.exists()


def test_api_import_is_in_the_openapi_document(agents: Org) -> None:
    schema = agents.client_for(agents.ada).get("/api/openapi.json").json()
    operation = schema["paths"]["/api/interactions/import"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert "202" in operation["responses"]
    assert "get" in schema["paths"]["/api/interactions/import/{job_id}"]
    assert "get" in schema["paths"]["/api/interactions/import/{job_id}/problems"]


def test_a_file_that_breaks_half_way_fails_the_job_with_a_message(agents: Org) -> None:
    client = agents.client_for(agents.ada)
    upload = io.BytesIO(f"{HEADER}\n".encode() + b"N1,E-A,\xff\xfe,,,,0,email\n")
    upload.name = "broken.csv"
    client.post("/scorecards/import/", {"source": "helpdesk", "file": upload})
    job = InteractionImport.objects.get()
    assert (job.status, job.message) == (ImportStatus.FAILED, "The file is not UTF-8 text.")
    page = client.get(f"/scorecards/import/{job.pk}/").content.decode()
    assert "The file is not UTF-8 text." in page and "hx-get" not in page
    assert not Interaction.objects.exists()
