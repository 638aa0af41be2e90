"""Every write of the integrations app: integrations, mappings, imports, webhook deliveries."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from everyweek.core import audit, uploads
from everyweek.core.tasks import enqueue_on_commit
from everyweek.feedback.models import (
    FollowUpCase,
    Interaction,
    InteractionCredit,
    Survey,
    SurveyResponse,
    Unsubscribe,
)
from everyweek.feedback.services import FeedbackError
from everyweek.integrations import importers
from everyweek.integrations.importers.base import (
    ImportFileError,
    ImportReport,
    ResponseImporter,
    RowProblem,
    run_rows,
)
from everyweek.integrations.mapping import RowError
from everyweek.integrations.models import (
    ColumnMapping,
    ExternalIdentity,
    IdentityStatus,
    ImportJob,
    ImportKind,
    ImportRowError,
    ImportStatus,
    Integration,
    PendingCredit,
    Vendor,
    WebhookEvent,
    WebhookStatus,
)
from everyweek.integrations.webhooks import HANDLERS, chatwoot
from everyweek.integrations.webhooks.base import PayloadError, SignatureError
from everyweek.people.models import Person


class IntegrationError(FeedbackError):
    """A request about integrations that cannot be carried out, with a message for people."""


# --- Integrations -------------------------------------------------------------------------


def _free_source(vendor: str) -> str:
    taken = set(Integration.objects.values_list("source", flat=True))
    if vendor not in taken:
        return vendor
    n = 2
    while f"{vendor}-{n}" in taken:
        n += 1
    return f"{vendor}-{n}"


@transaction.atomic
def create_integration(
    *,
    actor: Any,
    vendor: str,
    name: str,
    secret: str = "",
    secret_env: str = "",
    survey: Survey | None = None,
    config: dict[str, Any] | None = None,
) -> tuple[Integration, str]:
    """Create an integration; returns it and the Chatwoot URL token (shown once, else "")."""
    if vendor not in Vendor.values:
        raise IntegrationError(_("Unknown tool “%(value)s”.") % {"value": vendor})
    name = name.strip()
    if not name:
        raise IntegrationError(_("Give the integration a name."))
    if Integration.objects.filter(name=name).exists():
        raise IntegrationError(_("An integration with this name already exists."))
    url_token = secrets.token_urlsafe(32) if vendor == Vendor.CHATWOOT else ""
    integration = Integration.objects.create(
        vendor=vendor,
        name=name,
        source=_free_source(vendor),
        secret=secret.strip(),
        secret_env=secret_env.strip(),
        url_token_digest=chatwoot.token_digest(url_token) if url_token else "",
        survey=survey,
        config=config or {},
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # The secret itself never goes into the audit trail.
    audit.record(actor, "integration.create", integration, {"vendor": vendor, "name": name})
    return integration, url_token


@transaction.atomic
def update_integration(
    *,
    actor: Any,
    integration: Integration,
    name: str | None = None,
    is_active: bool | None = None,
    survey: Survey | bool | None = False,
    config: dict[str, Any] | None = None,
    secret: str | None = None,
    secret_env: str | None = None,
) -> Integration:
    changes: dict[str, Any] = {}
    if name is not None and name.strip() != integration.name:
        if Integration.objects.filter(name=name.strip()).exclude(pk=integration.pk).exists():
            raise IntegrationError(_("An integration with this name already exists."))
        changes["name"] = [integration.name, name.strip()]
        integration.name = name.strip()
    if is_active is not None and is_active != integration.is_active:
        changes["is_active"] = [integration.is_active, is_active]
        integration.is_active = is_active
    if survey is not False and survey != integration.survey:
        integration.survey = survey  # type: ignore[assignment]
        changes["survey"] = getattr(survey, "pk", None)
    if config is not None and config != integration.config:
        changes["config"] = [integration.config, config]
        integration.config = config
    if secret:  # an empty field keeps the stored secret: it is never shown again
        integration.secret = secret.strip()
        changes["secret"] = "changed"  # noqa: S105 - a marker, not the secret
    if secret_env is not None and secret_env.strip() != integration.secret_env:
        changes["secret_env"] = [integration.secret_env, secret_env.strip()]
        integration.secret_env = secret_env.strip()
    integration.save()
    if changes:
        audit.record(actor, "integration.update", integration, changes)
    return integration


@transaction.atomic
def rotate_url_token(*, actor: Any, integration: Integration) -> str:
    token = secrets.token_urlsafe(32)
    integration.url_token_digest = chatwoot.token_digest(token)
    integration.save(update_fields=["url_token_digest"])
    audit.record(actor, "integration.rotate_token", integration)
    return token


# --- Agent mapping -------------------------------------------------------------------------


def suggestions(identity: ExternalIdentity) -> QuerySet[Person]:
    """Colleagues this identity probably is: the same email address, else the same name."""
    query = Q(pk__in=[])
    if identity.email:
        query |= Q(email__iexact=identity.email)
    if identity.name:
        query |= Q(full_name__iexact=identity.name.strip()) | Q(
            preferred_name__iexact=identity.name.strip()
        )
    return Person.objects.filter(query, is_active=True).order_by("full_name")[:5]


@transaction.atomic
def map_identity(*, actor: Any, identity: ExternalIdentity, person: Person | None) -> int:
    """Map (or, with None, ignore) an external agent; re-credit what waited for it.

    Responses and interactions stored without an agent because of this identity get the
    person (and their team), their follow-up cases get the agent and an owner, and each
    interaction gets its credit. Returns how many records were re-credited. The links are
    kept, so correcting a mapping later moves the credit again.
    """
    identity = ExternalIdentity.objects.select_for_update().get(pk=identity.pk)
    before = (identity.status, identity.person_id)
    identity.person = person
    identity.status = IdentityStatus.MAPPED if person else IdentityStatus.IGNORED
    identity.save(update_fields=["person", "status"])
    credits = PendingCredit.objects.filter(identity=identity)
    response_ids = [pk for pk in credits.values_list("response_id", flat=True) if pk]
    interaction_ids = [pk for pk in credits.values_list("interaction_id", flat=True) if pk]
    team_id = person.team_id if person else None
    from everyweek.scorecards import rollups

    # Updates past the model signals: the scorecards' rollups are told, before and after.
    with rollups.tracking(interaction_ids=interaction_ids, response_ids=response_ids):
        count = SurveyResponse.objects.filter(pk__in=response_ids).update(
            agent=person, team_id=team_id, updated_at=timezone.now()
        )
        count += Interaction.objects.filter(pk__in=interaction_ids).update(
            agent=person, team_id=team_id
        )
        InteractionCredit.objects.filter(interaction_id__in=interaction_ids).delete()
        if person is not None:
            InteractionCredit.objects.bulk_create(
                InteractionCredit(interaction_id=pk, person=person, weight=1.0)
                for pk in interaction_ids
            )
        owner = person.reports_to if person and person.reports_to_id else person
        FollowUpCase.objects.filter(response_id__in=response_ids).update(agent=person)
        FollowUpCase.objects.filter(response_id__in=response_ids, owner__isnull=True).update(
            owner=owner
        )
    audit.record(
        actor,
        "identity.map" if person else "identity.ignore",
        identity,
        {"before": list(before), "person": person.pk if person else None, "recredited": count},
    )
    return count


# --- Column mappings ---------------------------------------------------------------------


@transaction.atomic
def save_column_mapping(
    *,
    actor: Any,
    name: str,
    columns: dict[str, str],
    score_kind: str = "csat",
    csat_scale: int = 5,
) -> ColumnMapping:
    name = name.strip()
    if not name:
        raise IntegrationError(_("Give the column mapping a name."))
    mapping, created = ColumnMapping.objects.update_or_create(
        name=name,
        defaults={
            "columns": {k: v for k, v in columns.items() if v},
            "score_kind": score_kind,
            "csat_scale": csat_scale,
            "created_by": actor if getattr(actor, "is_authenticated", False) else None,
        },
    )
    audit.record(actor, "column_mapping.create" if created else "column_mapping.update", mapping)
    return mapping


# --- Imports -------------------------------------------------------------------------------


@transaction.atomic
def create_import_job(
    *,
    actor: Any,
    integration: Integration,
    kind: str,
    upload: UploadedFile,
    mapping: ColumnMapping | None = None,
) -> ImportJob:
    """Store the upload and queue its import; a spreadsheet without columns waits for them."""
    if kind not in importers.kinds_for(integration.vendor):
        raise IntegrationError(_("This file type does not fit this integration."))
    job = ImportJob(
        integration=integration,
        kind=kind,
        mapping=mapping,
        original_name=(upload.name or "")[:255],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    job.file.save(Path(upload.name or "upload").name, upload, save=False)
    job.save()
    audit.record(actor, "import.create", job, {"kind": kind, "file": job.original_name})
    if not needs_columns(job):
        _enqueue(job)
    return job


def needs_columns(job: ImportJob) -> bool:
    return job.kind == ImportKind.SPREADSHEET and job.mapping_id is None


@transaction.atomic
def start_import_job(*, actor: Any, job: ImportJob, mapping: ColumnMapping) -> ImportJob:
    """Give a waiting spreadsheet import its columns and queue it."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status != ImportStatus.QUEUED:
        raise IntegrationError(_("This import has already started."))
    job.mapping = mapping
    job.save(update_fields=["mapping"])
    audit.record(actor, "import.start", job, {"mapping": mapping.name})
    _enqueue(job)
    return job


def _enqueue(job: ImportJob) -> None:
    from everyweek.integrations.tasks import run_import

    enqueue_on_commit(run_import, job.pk)


def run_import_job(job_id: int, *, bulk: bool = True) -> ImportJob | None:
    """Run a queued import (idempotent: a finished job is left alone)."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in (ImportStatus.DONE, ImportStatus.RUNNING):
            return job
        job.status = ImportStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    job.row_errors.all().delete()

    def on_chunk(report: ImportReport, problems: list[RowProblem]) -> None:
        ImportRowError.objects.bulk_create(
            ImportRowError(job=job, line=p.line, field=p.field[:80], reason=p.reason)
            for p in problems
        )
        ImportJob.objects.filter(pk=job.pk).update(
            total=max(report.total, report.processed),
            processed=report.processed,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            skipped=report.skipped,
            error_count=report.error_count,
        )

    try:
        with job.file.open("rb") as stream:
            total, parsed = importers.read(job.kind, stream, job.integration, job.mapping)
            ImportJob.objects.filter(pk=job.pk).update(total=total)
            report = run_rows(job.integration, parsed, bulk=bulk, total=total, on_chunk=on_chunk)
    except (ImportFileError, RowError) as exc:
        _finish(job, ImportStatus.FAILED, str(exc))
        return job
    except Exception as exc:
        _finish(
            job,
            ImportStatus.FAILED,
            _(
                "The import stopped: %(error)s. Rows already stored are kept; run it again to finish."
            )
            % {"error": type(exc).__name__},
        )
        raise
    job.refresh_from_db()
    job.total = report.total
    _finish(job, ImportStatus.DONE, "")
    audit.record(
        job.created_by,
        "import.finish",
        job,
        {
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "errors": report.error_count,
        },
    )
    return job


def _finish(job: ImportJob, status: str, message: str) -> None:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at", "total"])


def import_file(
    *,
    integration: Integration,
    kind: str,
    stream: IO[bytes],
    mapping: ColumnMapping | None = None,
    bulk: bool = True,
    on_chunk: Callable[[ImportReport, list[RowProblem]], None] | None = None,
    actor: Any = None,
) -> ImportReport:
    """Import a file without a job (the command line, scripts)."""
    if kind not in importers.kinds_for(integration.vendor):
        raise IntegrationError(_("This file type does not fit this integration."))
    total, parsed = importers.read(kind, stream, integration, mapping)
    report = run_rows(integration, parsed, bulk=bulk, total=total, on_chunk=on_chunk)
    with transaction.atomic():
        audit.record(
            actor,
            "import.file",
            integration,
            {
                "kind": kind,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "errors": report.error_count,
            },
        )
    return report


# --- Webhooks -------------------------------------------------------------------------------


@dataclass
class WebhookResult:
    status: int
    body: dict[str, Any]


def receive_webhook(
    integration: Integration,
    headers: Mapping[str, str],
    body: bytes,
    *,
    token: str = "",
    now: float | None = None,
) -> WebhookResult:
    """Verify, de-duplicate and apply one delivery. Nothing is stored unless the signature holds."""
    handler = HANDLERS.get(integration.vendor)
    if handler is None:
        return WebhookResult(404, {"error": _("This tool sends no webhooks.")})
    moment = time.time() if now is None else now
    try:
        if integration.vendor == Vendor.CHATWOOT:
            handler.verify(integration, headers, body, moment, token=token)
        else:
            handler.verify(integration, headers, body, moment)
    except SignatureError as exc:
        return WebhookResult(401, {"error": str(exc)})
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return WebhookResult(400, {"error": _("The body is not valid JSON.")})
    try:
        delivery = handler.parse(integration, headers, body, payload)
    except (FeedbackError, RecursionError) as exc:
        message = (
            str(exc) if isinstance(exc, FeedbackError) else _("The body is nested too deeply.")
        )
        _record_failure(integration, body, chatwoot.event_id({}, body), "", message)
        return WebhookResult(422, {"error": message})
    try:
        return _apply(integration, delivery, body)
    except IntegrityError:
        # The same event arrived twice at the same moment; the other delivery applied it.
        return WebhookResult(200, {"status": "duplicate"})
    except (FeedbackError, PayloadError) as exc:
        _record_failure(integration, body, delivery.event_id, delivery.event_type, str(exc))
        return WebhookResult(422, {"error": str(exc)})


@transaction.atomic
def _apply(integration: Integration, delivery: Any, body: bytes) -> WebhookResult:
    event = (
        WebhookEvent.objects.select_for_update()
        .filter(integration=integration, event_id=delivery.event_id)
        .first()
    )
    if event is not None and event.status != WebhookStatus.FAILED:
        return WebhookResult(200, {"status": "duplicate"})
    if event is None:
        event = WebhookEvent(integration=integration, event_id=delivery.event_id)
    event.event_type = delivery.event_type
    event.payload = body.decode("utf-8", errors="replace")
    event.error = ""
    report = ImportReport()
    if delivery.responses:
        ResponseImporter(integration, bulk=False).store(delivery.responses, report)
    for email in delivery.unsubscribes:
        Unsubscribe.objects.get_or_create(email=email, defaults={"source": integration.source})
    applied = bool(delivery.responses or delivery.unsubscribes)
    event.status = WebhookStatus.PROCESSED if applied else WebhookStatus.IGNORED
    event.response_id = report.response_ids[0] if report.response_ids else None
    event.save()
    audit.record(
        None, "webhook.receive", event, {"type": delivery.event_type, "status": event.status}
    )
    return WebhookResult(
        200,
        {
            "status": event.status,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        },
    )


def _record_failure(
    integration: Integration, body: bytes, event_id: str, event_type: str, error: str
) -> None:
    """Keep a rejected (but authentic) delivery for debugging; a later retry may still apply."""
    with transaction.atomic():
        event = WebhookEvent.objects.filter(
            integration=integration, event_id=event_id[:200]
        ).first()
        if event is not None and event.status != WebhookStatus.FAILED:
            return
        event = event or WebhookEvent(integration=integration, event_id=event_id[:200])
        event.status = WebhookStatus.FAILED
        event.event_type = event_type[:80]
        event.payload = body.decode("utf-8", errors="replace")
        event.error = error
        event.save()


def purge_import_files(*, days: int, now: dt.datetime | None = None) -> int:
    """Delete the uploaded files of imports finished more than `days` ago (survey and
    interaction imports); the jobs, their counts and their row problems stay. A failed import
    keeps its file, since it can be run again."""
    from everyweek.scorecards.models import InteractionImport

    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    count = sum(
        uploads.delete_files(model.objects.filter(status=ImportStatus.DONE, finished_at__lt=cutoff))
        for model in (ImportJob, InteractionImport)
    )
    if count:
        with transaction.atomic():
            audit.record(None, "import.purge_files", None, {"days": days, "count": count})
    return count


@transaction.atomic
def purge_webhook_payloads(*, days: int, now: dt.datetime | None = None) -> int:
    """Blank raw bodies older than `days`; the rows stay to keep guarding against replays."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    count = (
        WebhookEvent.objects.filter(received_at__lt=cutoff).exclude(payload="").update(payload="")
    )
    if count:
        audit.record(None, "webhook.purge", None, {"days": days, "count": count})
    return count
