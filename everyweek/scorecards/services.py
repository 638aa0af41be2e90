"""Every write of the scorecards app: interaction and adherence imports, key figures, scorecard
definitions."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from everyweek.core import audit
from everyweek.core.tasks import enqueue_on_commit
from everyweek.feedback import standards
from everyweek.feedback.models import Interaction
from everyweek.scorecards import bulk, ingest
from everyweek.scorecards.metrics import CATALOGUE
from everyweek.scorecards.models import (
    AdherenceDay,
    ImportProblem,
    ImportStatus,
    InteractionImport,
    KeyFigure,
    ScorecardDefinition,
    ScorecardMetric,
)

SOURCE_MAX = Interaction._meta.get_field("source").max_length or 30


class ScorecardError(ValueError):
    """Input that cannot be stored, with a message fit for the person who sent it."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [{"line": line, "message": msg} for line, msg in self.errors],
        }


def clean_source(source: str) -> str:
    source = source.strip()
    if not source:
        raise ScorecardError(_("Name the source of the interactions."))
    if len(source) > SOURCE_MAX:
        raise ScorecardError(
            _("The source name is longer than %(max)s characters.") % {"max": SOURCE_MAX}
        )
    return source


def ingest_interactions(
    stream: Any,
    *,
    source: str,
    actor: Any = None,
    filename: str = "",
    is_generated: bool = False,
    chunk_size: int = bulk.CHUNK_SIZE,
    on_chunk: Callable[[bulk.BulkReport, int], None] | None = None,
) -> bulk.BulkReport:
    """Bulk-import an interactions CSV (bytes, UTF-8), audit it, then evaluate the standards.

    `bulk.ingest_interactions_csv` commits chunk by chunk, so this is not one transaction: the
    audit event and the standards results follow the stored chunks. Only the new rows (ids
    above the largest before the import, of this source) are evaluated, so a re-run is cheap.
    Raises ScorecardError when the header is wrong or the file is not UTF-8 text.
    """
    source = clean_source(source)
    before = Interaction.objects.aggregate(last=Max("id"))["last"] or 0
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        report = bulk.ingest_interactions_csv(
            text,
            source=source,
            chunk_size=chunk_size,
            is_generated=is_generated,
            on_chunk=on_chunk,
        )
    except UnicodeDecodeError as exc:
        raise ScorecardError(_("The file is not UTF-8 text.")) from exc
    finally:
        text.detach()  # leave the caller's stream open: it closes its own
    if report.bad_header:
        raise ScorecardError(report.errors[0][1])
    with transaction.atomic():
        audit.record(
            actor,
            "interactions.import",
            None,
            {
                "source": source,
                "file": filename,
                "read": report.read,
                "stored": report.inserted,
                "skipped": report.skipped,
                "errors": report.error_count,
            },
        )
    if report.inserted:
        standards.evaluate_many(
            Interaction.objects.filter(source=source, id__gt=before), actor=actor
        )
    return report


# --- The interaction import as a background job (the upload page and the API) -------------


def check_header(upload: Any) -> None:
    """Refuse a file whose first line is not the expected header, before anything is stored,
    so the person who sent it hears at once rather than from a failed job."""
    upload.seek(0)
    first = upload.readline(1 << 16)
    upload.seek(0)
    try:
        header = next(csv.reader([first.decode("utf-8-sig")]), None)
    except UnicodeDecodeError as exc:
        raise ScorecardError(_("The file is not UTF-8 text.")) from exc
    if header != bulk.EXPECTED:
        raise ScorecardError(_(bulk.HEADER_ERROR) % {"columns": ", ".join(bulk.EXPECTED)})


@transaction.atomic
def start_interaction_import(*, actor: Any, source: str, upload: UploadedFile) -> InteractionImport:
    """Store the upload and queue its import; `run_interaction_import` does the work."""
    source = clean_source(source)
    check_header(upload)
    job = InteractionImport(
        source=source,
        original_name=(upload.name or "")[:255],
        size=upload.size or 0,
        language=translation.get_language() or "",
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    job.file.save(Path(upload.name or "upload.csv").name, upload, save=False)
    job.save()
    audit.record(
        actor,
        "interactions.import.start",
        job,
        {"source": source, "file": job.original_name, "size": job.size},
    )
    from everyweek.scorecards.tasks import run_interaction_import as task

    enqueue_on_commit(task, job.pk)
    return job


def run_interaction_import(
    job_id: int, *, chunk_size: int = bulk.CHUNK_SIZE
) -> InteractionImport | None:
    """Run a queued import; a job already running or finished is left alone (safe to run twice).

    Each chunk commits on its own (see `bulk`), and after each one the counters, the file
    position and that chunk's problems are written, so the page shows progress as it goes.
    """
    with transaction.atomic():
        job = InteractionImport.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ImportStatus.QUEUED:
            return job
        job.status = ImportStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    with translation.override(job.language or None), job.file.open("rb") as stream:

        def on_chunk(report: bulk.BulkReport, first_error: int) -> None:
            with transaction.atomic():
                ImportProblem.objects.bulk_create(
                    ImportProblem(job=job, line=line, reason=reason)
                    for line, reason in report.errors[first_error:]
                )
                InteractionImport.objects.filter(pk=job.pk).update(
                    position=stream.tell(),
                    read=report.read,
                    stored=report.inserted,
                    skipped=report.skipped,
                    error_count=report.error_count,
                )

        try:
            report = ingest_interactions(
                stream,
                source=job.source,
                actor=job.created_by,
                filename=job.original_name,
                chunk_size=chunk_size,
                on_chunk=on_chunk,
            )
        except ScorecardError as exc:
            job.refresh_from_db()
            _finish(job, ImportStatus.FAILED, str(exc))
            return job
        except Exception as exc:
            job.refresh_from_db()  # the counters of the chunks already stored
            _finish(
                job,
                ImportStatus.FAILED,
                _(
                    "The import stopped: %(error)s. Rows already stored are kept; "
                    "import the file again to finish."
                )
                % {"error": type(exc).__name__},
            )
            raise
    job.read, job.stored, job.skipped = report.read, report.inserted, report.skipped
    job.error_count = report.error_count
    _finish(job, ImportStatus.DONE, "")
    return job


def _finish(job: InteractionImport, status: str, message: str) -> None:
    job.status, job.message, job.finished_at = status, message, timezone.now()
    if status == ImportStatus.DONE:
        job.position = job.size
    job.save(
        update_fields=[
            "status", "message", "finished_at", "position", "read", "stored", "skipped",
            "error_count",
        ]
    )  # fmt: skip


@transaction.atomic
def import_adherence(
    text: str, *, filename: str = "", fmt: str = "", actor: Any = None
) -> ImportReport:
    """Store one adherence export; a second run of the same file changes nothing."""
    fmt = fmt or ingest.detect_format(filename, text)
    if fmt not in ingest.PARSERS:
        raise ScorecardError(_("Unknown adherence format."))
    report = ImportReport()
    parsed = list(ingest.PARSERS[fmt](text))
    rows = [p for p in parsed if isinstance(p, ingest.AdherenceRow)]
    report.errors.extend((p.line, p.message) for p in parsed if isinstance(p, ingest.RowError))
    people = ingest.agent_index(r.agent_ref for r in rows)
    existing = {
        (a.agent_id, a.day): a
        for a in AdherenceDay.objects.filter(
            agent__in={p.pk for p in people.values()}, day__in={r.day for r in rows}
        )
    }
    to_create: dict[tuple[int, Any], AdherenceDay] = {}
    to_update: list[AdherenceDay] = []
    for row in rows:
        person = ingest.resolve(people, row.agent_ref)
        if person is None:
            report.errors.append(
                (row.line, _("No person with the id or email “%(ref)s”.") % {"ref": row.agent_ref})
            )
            continue
        current = existing.get((person.pk, row.day))
        if current is None:
            to_create[(person.pk, row.day)] = AdherenceDay(
                agent=person,
                team=person.team,
                day=row.day,
                scheduled_minutes=row.scheduled,
                adherent_minutes=row.adherent,
                present_minutes=row.present,
                source=fmt,
            )
            report.created += 1
            continue
        values = (row.scheduled, row.adherent, row.present)
        if values == (current.scheduled_minutes, current.adherent_minutes, current.present_minutes):
            report.unchanged += 1
            continue
        current.scheduled_minutes, current.adherent_minutes, current.present_minutes = values
        current.source = fmt
        to_update.append(current)
        report.updated += 1
    report.errors.sort()
    AdherenceDay.objects.bulk_create(to_create.values(), batch_size=1000)
    AdherenceDay.objects.bulk_update(
        to_update,
        ["scheduled_minutes", "adherent_minutes", "present_minutes", "source"],
        batch_size=500,
    )
    audit.record(
        actor,
        "adherence.import",
        None,
        {
            "format": fmt,
            "file": filename,
            **{k: v for k, v in report.as_dict().items() if k != "errors"},
        },
    )
    return report


@transaction.atomic
def import_key_figures(text: str, *, actor: Any = None) -> ImportReport:
    report = ImportReport()
    for row in ingest.parse_key_figures(text):
        if isinstance(row, ingest.RowError):
            report.errors.append((row.line, row.message))
            continue
        _figure, created = record_key_figure(
            row.department, row.metric, row.start, row.end, row.value, row.unit
        )
        if created is None:
            report.unchanged += 1
        elif created:
            report.created += 1
        else:
            report.updated += 1
    audit.record(
        actor, "key_figures.import", None, {"created": report.created, "updated": report.updated}
    )
    return report


def record_key_figure(
    department: Any,
    metric: str,
    start: Any,
    end: Any,
    value: float,
    unit: str = "",
    *,
    actor: Any = None,
) -> tuple[KeyFigure, bool | None]:
    """Upsert one figure; returns (figure, True if created / False if changed / None if same)."""
    with transaction.atomic():
        figure = KeyFigure.objects.filter(
            department=department, metric=metric, period_start=start, period_end=end
        ).first()
        if figure is None:
            figure = KeyFigure.objects.create(
                department=department,
                metric=metric,
                period_start=start,
                period_end=end,
                value=value,
                unit=unit,
            )
            if actor is not None:
                audit.record(actor, "key_figure.create", figure, {"value": value})
            return figure, True
        if figure.value == value and figure.unit == unit:
            return figure, None
        figure.value, figure.unit = value, unit
        figure.save(update_fields=["value", "unit"])
        if actor is not None:
            audit.record(actor, "key_figure.update", figure, {"value": value})
        return figure, False


@dataclass(frozen=True)
class MetricLine:
    metric: str
    weight: int
    meets: float
    exceeds: float
    outstanding: float


def validate_lines(lines: Sequence[MetricLine]) -> None:
    if sum(line.weight for line in lines) != 100:
        raise ScorecardError(_("The weights of a scorecard must add up to 100."))
    for line in lines:
        definition = CATALOGUE.get(line.metric)
        if definition is None:
            raise ScorecardError(_("Unknown metric “%(key)s”.") % {"key": line.metric})
        ordered = (
            line.meets <= line.exceeds <= line.outstanding
            if definition.higher_is_better
            else line.meets >= line.exceeds >= line.outstanding
        )
        if not ordered:
            raise ScorecardError(
                _("The goal bands of “%(metric)s” are out of order.") % {"metric": definition.label}
            )


@transaction.atomic
def save_definition(
    name: str, lines: Sequence[MetricLine], *, is_default: bool = False, actor: Any = None
) -> ScorecardDefinition:
    validate_lines(lines)
    definition, _created = ScorecardDefinition.objects.get_or_create(name=name)
    if is_default:
        ScorecardDefinition.objects.exclude(pk=definition.pk).update(is_default=False)
        definition.is_default = True
        definition.save(update_fields=["is_default"])
    definition.metrics.all().delete()
    ScorecardMetric.objects.bulk_create(
        ScorecardMetric(
            definition=definition,
            metric=line.metric,
            weight=line.weight,
            meets=line.meets,
            exceeds=line.exceeds,
            outstanding=line.outstanding,
            position=i,
        )
        for i, line in enumerate(lines)
    )
    audit.record(actor, "scorecard.save", definition, {"metrics": [line.metric for line in lines]})
    return definition


DEFAULT_LINES = (
    MetricLine("first_response", 20, 80, 90, 97),
    MetricLine("resolution", 15, 75, 85, 95),
    MetricLine("nps", 20, 20, 40, 60),
    MetricLine("csat", 15, 3.8, 4.2, 4.6),
    MetricLine("adherence", 10, 85, 90, 95),
    MetricLine("reopen_rate", 10, 10, 6, 3),
    MetricLine("handle_time_median", 10, 900, 600, 420),
)


def ensure_default_definition() -> ScorecardDefinition:
    definition = ScorecardDefinition.objects.filter(is_default=True).first()
    if definition is not None:
        return definition
    return save_definition(str(_("Service scorecard")), DEFAULT_LINES, is_default=True)
