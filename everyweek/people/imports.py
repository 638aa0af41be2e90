"""Import people from an HR system's CSV export.

Policy (documented in the README): every valid row is kept and every invalid row is
reported with its line number and reason; the whole file is one transaction, so a
crash half-way leaves nothing behind. People are matched on email, so importing the
same file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from everyweek.core import audit
from everyweek.people.models import (
    Department,
    DepartmentKind,
    Person,
    Role,
    Team,
    validate_time_zone,
)

# Header aliases seen in common HR exports (BambooHR, Personio, HiBob, plain spreadsheets).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "email": ("email", "work email", "work_email", "e-mail", "email address"),
    "full_name": ("full_name", "full name", "name", "display name", "employee name"),
    "preferred_name": ("preferred_name", "preferred name", "nickname"),
    "role": ("role", "everyweek role"),
    "department": ("department", "dept", "division"),
    "department_kind": ("department_kind", "department kind"),
    "team": ("team", "group"),
    "reports_to": (
        "reports_to",
        "reports to",
        "manager email",
        "manager_email",
        "supervisor email",
    ),
    "job_title": ("job_title", "job title", "title", "position"),
    "employee_id": ("employee_id", "employee id", "employee number", "id"),
    "hire_date": ("hire_date", "hire date", "start date", "start_date"),
    "locale": ("locale", "language"),
    "time_zone": ("time_zone", "time zone", "timezone"),
}
REQUIRED = ("email", "full_name")
ROLE_ALIASES = {
    "agent": Role.AGENT,
    "lead": Role.LEAD,
    "team lead": Role.LEAD,
    "team_lead": Role.LEAD,
    "manager": Role.MANAGER,
    "executive": Role.EXECUTIVE,
    "admin": Role.ADMIN,
    "administrator": Role.ADMIN,
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%m/%d/%Y")


@dataclass
class RowError:
    line: int
    column: str
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["line", "column", "error"])
        for error in self.errors:
            writer.writerow([error.line, error.column, error.message])
        return out.getvalue()


def _map_headers(headers: list[str]) -> dict[str, str]:
    normalised = {h.strip().lower().lstrip("\ufeff"): h for h in headers}
    mapping: dict[str, str] = {}
    for canonical, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            if alias in normalised:
                mapping[canonical] = normalised[alias]
                break
    return mapping


def _parse_date(raw: str) -> dt.date:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(raw, fmt).date()  # noqa: DTZ007 - a calendar date, no zone
        except ValueError:
            continue
    raise ValueError(raw)


def _clean_row(line: int, row: dict[str, str], report: ImportReport) -> dict[str, Any] | None:
    errors_before = len(report.errors)

    def fail(column: str, message: str) -> None:
        report.errors.append(RowError(line, column, message))

    values: dict[str, Any] = {k: (v or "").strip() for k, v in row.items()}
    email = values.get("email", "").lower()
    try:
        validate_email(email)
    except ValidationError:
        fail("email", _("“%(value)s” is not a valid email address.") % {"value": email})
    values["email"] = email
    if not values.get("full_name"):
        fail("full_name", _("The name is missing."))
    role_raw = values.get("role", "").lower() or "agent"
    if role_raw not in ROLE_ALIASES:
        fail("role", _("Unknown role “%(value)s”.") % {"value": role_raw})
    else:
        values["role"] = ROLE_ALIASES[role_raw]
    kind = values.get("department_kind", "").lower() or DepartmentKind.OTHER
    if kind not in DepartmentKind.values:
        fail("department_kind", _("Unknown department kind “%(value)s”.") % {"value": kind})
    values["department_kind"] = kind
    if values.get("team") and not values.get("department"):
        fail("team", _("A team needs a department."))
    if values.get("hire_date"):
        try:
            values["hire_date"] = _parse_date(values["hire_date"])
        except ValueError:
            fail(
                "hire_date",
                _("“%(value)s” is not a date (use YYYY-MM-DD).") % {"value": values["hire_date"]},
            )
    else:
        values["hire_date"] = None
    locale = values.get("locale", "").lower().replace("_", "-").split("-")[0] or "en"
    if locale not in dict(settings.LANGUAGES):
        fail("locale", _("Unsupported language “%(value)s”.") % {"value": locale})
    values["locale"] = locale
    values["time_zone"] = values.get("time_zone") or "UTC"
    try:
        validate_time_zone(values["time_zone"])
    except ValidationError:
        fail("time_zone", _("Unknown time zone “%(value)s”.") % {"value": values["time_zone"]})
    values["reports_to"] = values.get("reports_to", "").lower()
    if values["reports_to"] and values["reports_to"] == email:
        fail("reports_to", _("A person cannot report to themselves."))
    return values if len(report.errors) == errors_before else None


def import_people_csv(stream: IO[str], *, actor: Any) -> ImportReport:
    report = ImportReport()
    reader = csv.DictReader(stream)
    headers = _map_headers(list(reader.fieldnames or []))
    missing = [name for name in REQUIRED if name not in headers]
    if missing:
        report.errors.append(
            RowError(1, ", ".join(missing), _("Required columns are missing from the header."))
        )
        return report

    rows: dict[str, tuple[int, dict[str, Any]]] = {}
    for line, raw in enumerate(reader, start=2):
        row = {
            canonical: raw.get(headers[canonical], "") if canonical in headers else ""
            for canonical in HEADER_ALIASES
        }
        cleaned = _clean_row(line, row, report)
        if cleaned is None:
            continue
        if cleaned["email"] in rows:
            report.errors.append(
                RowError(
                    line,
                    "email",
                    _("Duplicate of line %(line)s.") % {"line": rows[cleaned["email"]][0]},
                )
            )
            continue
        rows[cleaned["email"]] = (line, cleaned)

    with transaction.atomic():
        _apply(rows, report, actor)
    report.errors.sort(key=lambda e: e.line)
    return report


def _apply(rows: dict[str, tuple[int, dict[str, Any]]], report: ImportReport, actor: Any) -> None:
    departments = {d.name.lower(): d for d in Department.objects.all()}
    teams = {(t.department_id, t.name.lower()): t for t in Team.objects.all()}
    for _line, values in rows.values():
        dept_name = values.get("department", "")
        if dept_name and dept_name.lower() not in departments:
            departments[dept_name.lower()] = Department.objects.create(
                name=dept_name, kind=values["department_kind"]
            )
        dept = departments.get(dept_name.lower()) if dept_name else None
        values["department"] = dept
        team_name = values.get("team", "")
        if dept and team_name:
            key = (dept.pk, team_name.lower())
            if key not in teams:
                teams[key] = Team.objects.create(name=team_name, department=dept)
            values["team"] = teams[key]
        else:
            values["team"] = None

    existing = {p.email: p for p in Person.objects.filter(email__in=list(rows))}
    simple_fields = (
        "full_name",
        "preferred_name",
        "role",
        "department",
        "team",
        "job_title",
        "employee_id",
        "hire_date",
        "locale",
        "time_zone",
    )
    to_create: list[Person] = []
    to_update: list[Person] = []
    for email, (_line, values) in rows.items():
        person = existing.get(email)
        if person is None:
            person = Person(email=email, **{f: values[f] for f in simple_fields})
            person.set_unusable_password()
            to_create.append(person)
            continue
        changed = False
        for f in simple_fields:
            if getattr(person, f) != values[f]:
                setattr(person, f, values[f])
                changed = True
        if changed:
            to_update.append(person)
    Person.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Person.objects.bulk_update(to_update, simple_fields, batch_size=500)

    # Second pass: leaders may appear anywhere in the file, or already be in the database.
    by_email = {
        p.email: p
        for p in Person.objects.filter(
            email__in=[*rows, *(v["reports_to"] for _, v in rows.values() if v["reports_to"])]
        )
    }
    leader_changed: list[Person] = []
    for email, (line, values) in rows.items():
        person = by_email[email]
        leader_email = values["reports_to"]
        leader = by_email.get(leader_email) if leader_email else None
        if leader_email and leader is None:
            report.errors.append(
                RowError(
                    line,
                    "reports_to",
                    _("No person with the email “%(value)s”.") % {"value": leader_email},
                )
            )
            continue
        if person.reports_to_id != (leader.pk if leader else None):
            person.reports_to = leader
            leader_changed.append(person)
    if leader_changed:
        Person.objects.bulk_update(leader_changed, ["reports_to"], batch_size=500)

    created_emails = {p.email for p in to_create}
    updated_emails = {p.email for p in to_update} | {p.email for p in leader_changed}
    report.created = len(created_emails)
    report.updated = len(updated_emails - created_emails)
    report.unchanged = len(rows) - report.created - report.updated
    audit.record(
        actor,
        "people.import",
        None,
        {"created": report.created, "updated": report.updated, "errors": len(report.errors)},
    )
