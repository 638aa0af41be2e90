"""Integrations over the JSON API (administrators): imports, their progress and problems,
and the mapping of other tools' agents to people. Webhooks have their own addresses,
`/hooks/<tool>/<key>/`, outside the API: they are signed by the tool, not by a token.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.responses import Status

from everyweek.api import errors
from everyweek.api.auth import require_admin
from everyweek.api.pagination import paginated
from everyweek.core import uploads
from everyweek.integrations import services
from everyweek.integrations.models import (
    ColumnMapping,
    ExternalIdentity,
    IdentityStatus,
    ImportJob,
    ImportKind,
    ImportRowError,
    ImportStatus,
    Integration,
    Vendor,
)
from everyweek.people.models import Person

router = Router(tags=["integrations"])


class IntegrationOut(Schema):
    id: int
    vendor: Vendor
    name: str
    source: str
    is_active: bool
    webhook_path: str | None

    @staticmethod
    def resolve_webhook_path(obj: Integration) -> str | None:
        from everyweek.integrations.webhooks import HANDLERS

        if obj.vendor not in HANDLERS:
            return None
        return f"/hooks/{obj.vendor}/{obj.endpoint}/"


class ImportJobOut(Schema):
    id: int
    integration_id: int
    kind: ImportKind
    original_name: str
    status: ImportStatus
    total: int
    processed: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    error_count: int
    percent: int
    message: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


class RowErrorOut(Schema):
    line: int
    field: str
    reason: str


class IdentityOut(Schema):
    id: int
    integration_id: int
    external_id: str
    email: str
    name: str
    person_id: int | None
    status: IdentityStatus


class MapIn(Schema):
    person_id: int | None = None


class MapOut(Schema):
    identity: IdentityOut
    recredited: int


@router.get("/integrations", response=list[IntegrationOut], summary="List integrations")
@paginated
def list_integrations(request: HttpRequest) -> QuerySet[Integration]:
    require_admin(request)
    return Integration.objects.order_by("name", "pk")


@router.post(
    "/integrations/{int:integration_id}/imports",
    response={201: ImportJobOut},
    summary="Upload a file to import",
)
def create_import(
    request: HttpRequest,
    integration_id: int,
    file: File[UploadedFile],
    kind: Form[ImportKind],
    column_mapping_id: Form[int | None] = None,
) -> Status[ImportJob]:
    """Multipart: `file`, `kind`, and for spreadsheets `column_mapping_id` (a saved mapping).
    The import runs in the background: poll `GET /imports/{id}` for its progress."""
    actor = require_admin(request)
    integration = Integration.objects.filter(pk=integration_id).first()
    if integration is None:
        raise errors.not_found()
    if uploads.too_large(file):
        raise errors.upload_too_large()
    mapping = None
    if column_mapping_id is not None:
        mapping = ColumnMapping.objects.filter(pk=column_mapping_id).first()
        if mapping is None:
            raise errors.unknown_reference("column_mapping_id")
    if kind == ImportKind.SPREADSHEET and mapping is None:
        raise errors.invalid(
            "column_mapping_id", _("Choose which column holds what before importing a spreadsheet.")
        )
    try:
        job = services.create_import_job(
            actor=actor, integration=integration, kind=kind, upload=file, mapping=mapping
        )
    except services.IntegrationError as exc:
        raise errors.invalid("kind", str(exc)) from exc
    return Status(201, job)


@router.get("/imports/{int:job_id}", response=ImportJobOut, summary="One import and its progress")
def get_import(request: HttpRequest, job_id: int) -> ImportJob:
    require_admin(request)
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise errors.not_found()
    return job


@router.get(
    "/imports/{int:job_id}/problems", response=list[RowErrorOut], summary="The rows that failed"
)
@paginated
def list_import_problems(request: HttpRequest, job_id: int) -> QuerySet[ImportRowError]:
    require_admin(request)
    if not ImportJob.objects.filter(pk=job_id).exists():
        raise errors.not_found()
    return ImportRowError.objects.filter(job_id=job_id).order_by("line", "pk")


@router.get(
    "/integrations/agents", response=list[IdentityOut], summary="Agents known to other tools"
)
@paginated
def list_identities(
    request: HttpRequest, status: IdentityStatus | None = None
) -> QuerySet[ExternalIdentity]:
    require_admin(request)
    found = ExternalIdentity.objects.all()
    if status is not None:
        found = found.filter(status=status)
    return found.order_by("integration_id", "external_id", "pk")


@router.post(
    "/integrations/agents/{int:identity_id}/map",
    response=MapOut,
    summary="Map an agent to a person (null ignores it)",
)
def map_identity(request: HttpRequest, identity_id: int, payload: MapIn) -> dict[str, Any]:
    """Responses and interactions waiting for this agent are credited to the person at once."""
    actor = require_admin(request)
    identity = ExternalIdentity.objects.filter(pk=identity_id).first()
    if identity is None:
        raise errors.not_found()
    person = None
    if payload.person_id is not None:
        person = Person.objects.filter(pk=payload.person_id, is_active=True).first()
        if person is None:
            raise errors.unknown_reference("person_id")
    count = services.map_identity(actor=actor, identity=identity, person=person)
    identity.refresh_from_db()
    return {"identity": identity, "recredited": count}
